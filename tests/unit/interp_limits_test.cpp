// Compile-time sandbox instrumentation (code.h, "Sandbox instrumentation"): fuel charged
// per basic block with exact accounting, deadline polls at loop headers and after host
// calls and the calls' stack check against a lowered limit, and no trace of either when the engine has them off. The Store
// API on top (set_fuel, timeouts, the watchdog) is tested elsewhere; here the ExecState
// fields are set directly.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "handler_count_util.h"
#include "instance_util.h"
#include "wat_util.h"
#include "wasm/code.h"
#include "wasm/engine.h"
#include "wasm/linker.h"
#include "wasm/module.h"
#include "wasm/store.h"

namespace midimon::wasm {
namespace {

const char* kModule = R"((module
  (import "host" "tick" (func $tick))
  (import "host" "stop" (func $stop))
  (import "host" "take" (func $take))
  (func (export "straight") (result i32) (i32.add (i32.const 1) (i32.const 2)))
  ;; counts param 0 down to zero: 1 + 5 * n + 2 units
  (func (export "countdown") (param i32)
    (loop $l (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1))))))
  (func (export "spin") (loop $l (br $l)))
  (func $leaf (result i32) (i32.const 7))
  (func (export "spin_calls") (loop $l (drop (call $leaf)) (br $l)))
  (func (export "spin_host") (loop $l (call $tick) (br $l)))
  ;; the host function raises the interrupt; nothing after it loops or calls wasm
  (func (export "after_host") (result i32) (call $stop) (i32.const 5))
  ;; the host function notes the fuel and takes some (host_seen, host_take)
  (func (export "take_host") (param i32) (result i32)
    (call $take) (if (local.get 0) (then (drop (i32.const 1)))) (i32.const 3))
  (func (export "branches") (param i32) (result i32)
    (if (result i32) (local.get 0) (then (i32.const 10)) (else (i32.const 20))))
  ;; top-tested loop, back-edge is an unconditional br: entry {block, loop} 2, header
  ;; {local.get, eqz, br_if} 3 per test, body {get, const, sub, set, br} 5, exit {end} 1
  (func (export "top_tested") (param i32)
    (block $b (loop $l (br_if $b (i32.eqz (local.get 0)))
      (local.set 0 (i32.sub (local.get 0) (i32.const 1))) (br $l))))
  ;; back-edge br_if with a compare fused in (BrIf_I32LtU): entry {loop} 1, per
  ;; iteration {get, const, add, tee, get, lt_u, br_if} 7, exit {end, end} 2
  (func (export "bottom_cmp") (param i32) (local i32)
    (loop $l (br_if $l (i32.lt_u (local.tee 1 (i32.add (local.get 1) (i32.const 1)))
                                 (local.get 0)))))
  (func (export "spin_brif") (loop $l (br_if $l (i32.const 1))))
  (func (export "spin_cmp") (param i32) (loop $l (br_if $l (i32.ne (local.get 0) (i32.const 7)))))
  ;; 2^n leaf calls and no loop: only the calls' stack check can see a deadline
  (func $tree (export "tree") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 1))
      (else (i32.add (call $tree (i32.sub (local.get 0) (i32.const 1)))
                     (call $tree (i32.sub (local.get 0) (i32.const 1)))))))
  (func $deep (export "deep") (param i32) (result i32)
    (i32.add (call $deep (local.get 0)) (i32.const 1)))
  ;; the only back-edge is a br_table entry (through a stub that polls)
  (func (export "spin_table") (local i32) (loop $l (br_table $l $l (local.get 0))))
))";

// The fuel the "take" host function saw, and how much it takes.
int64_t host_seen = -1;
uint64_t host_take = 0;

struct Limited {
  Engine engine;
  Store store;
  Linker linker;
  Instance* inst = nullptr;

  explicit Limited(EngineConfig cfg) : engine(cfg), store(engine) {
    FuncType v;
    linker.define_func(store, "host", "tick", v, [](Caller&, const Value*, Value*) { return Trap(); });
    linker.define_func(store, "host", "stop", v, [](Caller& c, const Value*, Value*) {
      c.store.exec().interrupt.store(1, std::memory_order_relaxed);
      return Trap();
    });
    linker.define_func(store, "host", "take", v, [](Caller& c, const Value*, Value*) {
      host_seen = static_cast<int64_t>(c.store.fuel_remaining());
      EXPECT_TRUE(c.store.set_fuel(c.store.fuel_remaining() - host_take).ok());
      return Trap();
    });
    inst = test::instantiate_wat(engine, store, linker, kModule, &module);
  }
  std::shared_ptr<const Module> module;

  std::string call(const std::string& name, std::vector<Value> args = {}, Value* out = nullptr) {
    FuncInst* f = inst->get_func(name);
    if (!f) return "no export " + name;
    std::vector<Value> results(f->type->results.size());
    Trap t = store.call(f, args, results);
    if (out && !results.empty()) *out = results[0];
    return t.ok() ? "" : t.message();
  }
  int64_t& fuel() { return store.exec().fuel; }
};

EngineConfig fuel_on() {
  EngineConfig c;
  c.fuel_metering = true;
  return c;
}
EngineConfig deadline_on() {
  EngineConfig c;
  c.deadline_checks = true;
  return c;
}

TEST(InterpLimits, FuelIsChargedPerInstructionExactly) {
  Limited f(fuel_on());
  // const, const, add, end
  f.fuel() = 4;
  Value v;
  EXPECT_EQ(f.call("straight", {}, &v), "");
  EXPECT_EQ(v.i32, 3u);
  EXPECT_EQ(f.fuel(), 0);
  f.fuel() = 3;
  EXPECT_EQ(f.call("straight"), "fuel exhausted");
  EXPECT_EQ(f.fuel(), 3);  // a charge that does not fit is not taken

  f.fuel() = 1 + 5 * 10 + 2;
  EXPECT_EQ(f.call("countdown", {Value::from_i32(10)}), "");
  EXPECT_EQ(f.fuel(), 0);
  // One unit short: the loop runs, the block after it cannot be paid (1 left of 2).
  f.fuel() = 1 + 5 * 10 + 1;
  EXPECT_EQ(f.call("countdown", {Value::from_i32(10)}), "fuel exhausted");
  EXPECT_EQ(f.fuel(), 1);

  // if/else: entry block (local.get, if) then one arm (const, end/else) then the end.
  f.fuel() = 100;
  EXPECT_EQ(f.call("branches", {Value::from_i32(1)}, &v), "");
  EXPECT_EQ(v.i32, 10u);
  const int64_t then_cost = 100 - f.fuel();
  f.fuel() = 100;
  EXPECT_EQ(f.call("branches", {Value::from_i32(0)}, &v), "");
  EXPECT_EQ(v.i32, 20u);
  // local.get, if | i32.const, else (then arm) or i32.const, end (else arm) | end
  EXPECT_EQ(then_cost, 5);
  EXPECT_EQ(100 - f.fuel(), 5);
}

// The interpreter keeps the fuel in a 32-bit local and the rest in ExecState::fuel while
// it runs (interpreter.cpp, `fuel`): totals past 32 bits, and host functions, which see
// and change the whole.
TEST(InterpLimits, FuelPast32BitsAndAroundHostCallsIsExact) {
  Limited f(fuel_on());
  for (const int64_t start : {int64_t{1000}, (int64_t{1} << 32) + 2, (int64_t{1} << 40) + 5,
                              int64_t{INT64_MAX}}) {
    f.fuel() = start;
    EXPECT_EQ(f.call("straight"), "") << start;
    EXPECT_EQ(f.fuel(), start - 4) << start;
    f.fuel() = start;
    EXPECT_EQ(f.call("countdown", {Value::from_i32(10)}), "") << start;
    EXPECT_EQ(f.fuel(), start - (1 + 5 * 10 + 2)) << start;

    host_take = 0;
    f.fuel() = start;
    EXPECT_EQ(f.call("take_host", {Value::from_i32(1)}), "") << start;
    const int64_t seen = host_seen, cost = start - f.fuel();
    EXPECT_GT(seen, start - cost) << start;  // charged before the call, some of it after
    EXPECT_LT(seen, start) << start;
    host_take = 100;
    f.fuel() = start;
    EXPECT_EQ(f.call("take_host", {Value::from_i32(1)}), "") << start;
    EXPECT_EQ(host_seen, seen) << start;
    EXPECT_EQ(f.fuel(), start - cost - 100) << start;
  }
  // The host leaves too little for the block after the call: it traps there, and the
  // store keeps what the host left.
  host_take = 0;
  f.fuel() = 1000;
  EXPECT_EQ(f.call("take_host", {Value::from_i32(1)}), "");
  const int64_t after = host_seen - (1000 - f.fuel());  // charged after the call
  ASSERT_GT(after, 0);
  host_take = static_cast<uint64_t>(host_seen);  // leaves 0
  f.fuel() = 1000;
  EXPECT_EQ(f.call("take_host", {Value::from_i32(1)}), "fuel exhausted");
  EXPECT_EQ(f.fuel(), 0);
  host_take = 0;
}

// Back-edge branches charge the loop header's block themselves and conditional branches
// charge their fall-through (code.h): the totals and the stopping points must be the
// ones of the per-block model.
TEST(InterpLimits, BranchesChargeTheBlockTheyEnterExactly) {
  for (bool deadline : {false, true}) {
    EngineConfig c = fuel_on();
    c.deadline_checks = deadline;
    Limited f(c);
    for (uint32_t n : {0u, 1u, 10u}) {
      f.fuel() = 1000;
      EXPECT_EQ(f.call("top_tested", {Value::from_i32(n)}), "");
      EXPECT_EQ(1000 - f.fuel(), 2 + 3 * (n + 1) + 5 * n + 1) << n;
      f.fuel() = 1000;
      EXPECT_EQ(f.call("bottom_cmp", {Value::from_i32(n)}), "");
      const uint32_t iters = n == 0 ? 1 : n;
      EXPECT_EQ(1000 - f.fuel(), 1 + 7 * iters + 2) << n;
    }
    // Stopping points: the back-edge br cannot pay the header (needs 3, has 2), the
    // charge is not taken.
    f.fuel() = 2 + 3 + 5 + 2;
    EXPECT_EQ(f.call("top_tested", {Value::from_i32(5)}), "fuel exhausted");
    EXPECT_EQ(f.fuel(), 2);
    // The br_if's fall-through (the body, 5) cannot be paid: 4 left.
    f.fuel() = 2 + 3 + 4;
    EXPECT_EQ(f.call("top_tested", {Value::from_i32(5)}), "fuel exhausted");
    EXPECT_EQ(f.fuel(), 4);
    // A taken fused-compare back-edge cannot pay the next iteration (7): 6 left.
    f.fuel() = 1 + 7 * 3 + 6;
    EXPECT_EQ(f.call("bottom_cmp", {Value::from_i32(5)}), "fuel exhausted");
    EXPECT_EQ(f.fuel(), 6);
    // Its fall-through (the two ends, 2) cannot be paid: exactly one unit short.
    f.fuel() = 1 + 7 * 5 + 1;
    EXPECT_EQ(f.call("bottom_cmp", {Value::from_i32(5)}), "fuel exhausted");
    EXPECT_EQ(f.fuel(), 1);
    f.fuel() = 1 + 7 * 5 + 2;
    EXPECT_EQ(f.call("bottom_cmp", {Value::from_i32(5)}), "");
    EXPECT_EQ(f.fuel(), 0);
  }
}

TEST(InterpLimits, FuelBurnerTrapsDeterministicallyAndStoreStaysUsable) {
  Limited f(fuel_on());
  f.fuel() = 100000;
  EXPECT_EQ(f.call("spin"), "fuel exhausted");
  const int64_t left = f.fuel();
  EXPECT_GE(left, 0);
  EXPECT_LT(left, 2);  // the loop body (br) costs 1; the entry block (loop) 1
  f.fuel() = 100000;
  EXPECT_EQ(f.call("spin_calls"), "fuel exhausted");
  const int64_t left_calls = f.fuel();
  f.fuel() = 100000;
  EXPECT_EQ(f.call("spin_calls"), "fuel exhausted");
  EXPECT_EQ(f.fuel(), left_calls);  // same fuel, same stopping point
  // Refilled, the store runs again.
  f.fuel() = 10;
  Value v;
  EXPECT_EQ(f.call("straight", {}, &v), "");
  EXPECT_EQ(v.i32, 3u);
  EXPECT_EQ(f.fuel(), 6);
}

void expect_interrupted(Limited& f, const std::string& name) {
  f.store.exec().interrupt.store(0);
  std::thread t([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    f.store.exec().interrupt.store(1, std::memory_order_relaxed);
  });
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(f.call(name), "deadline exceeded") << name;
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - start).count();
  t.join();
  EXPECT_GE(ms, 15) << name;
  EXPECT_LT(ms, 5000) << name;
  // The store is usable afterwards.
  f.store.exec().interrupt.store(0);
  Value v;
  EXPECT_EQ(f.call("straight", {}, &v), "");
  EXPECT_EQ(v.i32, 3u);
}

TEST(InterpLimits, DeadlineInterruptsLoopsWithAndWithoutCalls) {
  Limited f(deadline_on());
  expect_interrupted(f, "spin");
  expect_interrupted(f, "spin_calls");
  expect_interrupted(f, "spin_host");
  expect_interrupted(f, "spin_brif");   // back-edge br_if polls (BrIf_PB)
  expect_interrupted(f, "spin_table");  // br_table back-edge: a stub's Br_PB
}

TEST(InterpLimits, DeadlineInterruptsBackEdgeBranchesWithFuelOn) {
  EngineConfig c = fuel_on();
  c.deadline_checks = true;
  Limited f(c);
  f.fuel() = INT64_MAX;
  expect_interrupted(f, "spin");       // Br_FPB
  expect_interrupted(f, "spin_brif");  // BrIf_FPB
  Limited d(deadline_on());
  d.store.exec().interrupt.store(0);
  std::thread t([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    d.store.exec().interrupt.store(1, std::memory_order_relaxed);
  });
  EXPECT_EQ(d.call("spin_cmp", {Value::from_i32(3)}), "deadline exceeded");  // BrIf_I32Ne_PB
  t.join();
  // Not taken: falls out of the loop.
  EXPECT_EQ(d.call("spin_cmp", {Value::from_i32(7)}), "");
}

// Calls have no poll: Store::interrupt (and the watchdog) lower ExecState::call_limit,
// so the next call's stack check fails and traps "deadline exceeded"; a real exhaustion
// is still "call stack exhausted", and the next outermost call restores the limit.
TEST(InterpLimits, DeadlineInterruptsCallsThroughTheStackCheck) {
  for (bool fuel : {false, true}) {
    EngineConfig c = deadline_on();
    c.fuel_metering = fuel;
    Limited f(c);
    f.fuel() = INT64_MAX;
    std::thread t([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      f.store.interrupt();
    });
    const auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(f.call("tree", {Value::from_i32(60)}), "deadline exceeded") << fuel;
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::steady_clock::now() - start).count();
    t.join();
    EXPECT_GE(ms, 15) << fuel;
    EXPECT_LT(ms, 5000) << fuel;
    Value v;
    EXPECT_EQ(f.call("tree", {Value::from_i32(4)}, &v), "") << fuel;
    EXPECT_EQ(v.i32, 16u);
    EXPECT_EQ(f.call("deep", {Value::from_i32(0)}), "call stack exhausted") << fuel;
    // Interrupted before the call: the outermost call clears it.
    f.store.interrupt();
    EXPECT_EQ(f.call("tree", {Value::from_i32(3)}, &v), "") << fuel;
    EXPECT_EQ(v.i32, 8u);
  }
}

TEST(InterpLimits, DeadlineIsCheckedRightAfterAHostCall) {
  Limited f(deadline_on());
  f.store.exec().interrupt.store(0);
  EXPECT_EQ(f.call("after_host"), "deadline exceeded");
  f.store.exec().interrupt.store(0);
  Value v;
  EXPECT_EQ(f.call("branches", {Value::from_i32(0)}, &v), "");
  EXPECT_EQ(v.i32, 20u);
}

TEST(InterpLimits, BothOnTogether) {
  EngineConfig c;
  c.fuel_metering = true;
  c.deadline_checks = true;
  Limited f(c);
  f.fuel() = 1000000000;
  expect_interrupted(f, "spin");
  expect_interrupted(f, "spin_table");  // a stub's Br_FPB
  f.fuel() = 1 + 5 * 3 + 2;
  EXPECT_EQ(f.call("countdown", {Value::from_i32(3)}), "");
  EXPECT_EQ(f.fuel(), 0);
  f.fuel() = 50;
  EXPECT_EQ(f.call("spin"), "fuel exhausted");
}

TEST(InterpLimits, OffMeansNoInstrumentation) {
  Limited plain(EngineConfig{});
  Limited fuel(fuel_on());
  Limited deadline(deadline_on());
  // The flag is ignored and fuel never consulted.
  plain.fuel() = 0;
  plain.store.exec().interrupt.store(1);
  EXPECT_EQ(plain.call("after_host"), "");
  EXPECT_EQ(plain.call("countdown", {Value::from_i32(100)}), "");
  EXPECT_EQ(plain.fuel(), 0);
  // Code size: fuel makes the code larger; deadline checks only swap back-edges for their
  // polling variants (same size: loop headers and calls have no poll op), and the plain
  // code has no Fuel/Poll ops and no polling branch.
  size_t plain_units = 0, fuel_units = 0, deadline_units = 0;
  for (uint32_t i = 0; i < 8; ++i) {
    plain_units += plain.module->code(i).value()->code.size();
    fuel_units += fuel.module->code(i).value()->code.size();
    deadline_units += deadline.module->code(i).value()->code.size();
  }
  EXPECT_LE(plain_units, deadline_units);
  EXPECT_LT(deadline_units, fuel_units);
  auto has_handler = [&](Limited& l, uint32_t func, IOp op) {
    return test::count_handler(l.module->code(func).value()->code, op) > 0;
  };
  EXPECT_TRUE(has_handler(deadline, 2, IOp::Br_PB));   // spin
  EXPECT_FALSE(has_handler(plain, 2, IOp::Br_PB));
  for (uint32_t i = 0; i < 8; ++i) {
    for (IOp op : {IOp::Fuel, IOp::Poll, IOp::FuelPoll}) EXPECT_FALSE(has_handler(plain, i, op)) << i;
  }
}

}  // namespace
}  // namespace midimon::wasm
