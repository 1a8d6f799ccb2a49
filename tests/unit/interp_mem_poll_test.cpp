// Memory accesses as deadline polls (code.h, "Sandbox instrumentation"): every scalar
// load's and store's bounds check compares with ExecState::mem_limit, which
// Store::interrupt and the watchdog lower to 0, so a back-edge after such an access
// needs no poll of its own. Checked here: such loops are still interrupted (by
// Store::interrupt and by a timeout), the compiler really drops their polls (and keeps
// them where an access is not certain), a real out-of-bounds access still traps as one,
// and memory.grow after an interrupt does not lose it.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstring>
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

// The spinning loops count their iterations into memory[0] (so the test can wait until
// one runs) and give up after param 0 iterations (so a lost interrupt fails the test
// instead of hanging it).
const char* kModule = R"((module
  (import "host" "interrupt_then" (func $interrupt_then (param i32) (result i32)))
  (memory 1)
  ;; 0: the only poll is the store's bounds check (back-edge br_if)
  (func (export "mem_spin") (param i32) (local i32)
    (loop $l
      (i32.store (i32.const 0) (local.tee 1 (i32.add (local.get 1) (i32.const 1))))
      (br_if $l (i32.ne (local.get 1) (local.get 0)))))
  ;; 1: the same with a load and an unconditional back-edge
  (func (export "load_spin") (param i32) (local i32)
    (block $b
      (loop $l
        (i32.store (i32.const 0) (local.tee 1 (i32.add (i32.load (i32.const 0)) (i32.const 1))))
        (br_if $b (i32.eq (local.get 1) (local.get 0)))
        (br $l))))
  ;; 2: the access only on some paths (in an if arm, counting up to 2047 only): the
  ;; back-edge must poll
  (func (export "maybe_spin") (param i32) (local i32)
    (loop $l
      (local.set 1 (i32.add (local.get 1) (i32.const 1)))
      (if (i32.lt_u (local.get 1) (i32.const 2048)) (then (i32.store (i32.const 0) (local.get 1))))
      (br_if $l (i32.ne (local.get 1) (local.get 0)))))
  ;; 3: memory.grow every iteration, then the counting store
  (func (export "grow_spin") (param i32) (local i32)
    (loop $l
      (drop (memory.grow (i32.const 0)))
      (i32.store (i32.const 0) (local.tee 1 (i32.add (local.get 1) (i32.const 1))))
      (br_if $l (i32.ne (local.get 1) (local.get 0)))))
  ;; 4: the back-edge is a br_table entry after the access: no stub needed
  (func (export "table_spin") (param i32) (local i32)
    (block $b
      (loop $l
        (i32.store (i32.const 0) (local.tee 1 (i32.add (local.get 1) (i32.const 1))))
        (br_table $l $b (i32.eq (local.get 1) (local.get 0))))))
  ;; 5: one load at the address given
  (func (export "load_at") (param i32) (result i32) (i32.load (local.get 0)))
  ;; 6: grows by one page, then loads at the address given
  (func (export "grow_load") (param i32) (result i32)
    (drop (memory.grow (i32.const 1)))
    (i32.load (local.get 0)))
  ;; 7, 8: the host interrupts the store, then calls function (param 0) with (param 1)
  (func (export "via_host_load") (param i32) (result i32)
    (call $interrupt_then (local.get 0)))
  (func (export "plain_spin") (param i32) (local i32)
    (loop $l (br_if $l (i32.ne (local.tee 1 (i32.add (local.get 1) (i32.const 1))) (local.get 0)))))
))";

constexpr uint32_t kMemSpin = 0, kLoadSpin = 1, kMaybeSpin = 2, kGrowSpin = 3, kTableSpin = 4,
                   kPlainSpin = 8;
// Enough iterations to run for many seconds: a lost interrupt ends the loop normally.
constexpr uint32_t kForever = 0x7fffffff;

struct Fixture {
  Engine engine;
  Store store;
  Linker linker;
  Instance* inst = nullptr;
  std::shared_ptr<const Module> module;
  // What the host function interrupt_then calls after Store::interrupt().
  std::string inner = "load_at";
  std::string inner_result;

  explicit Fixture(EngineConfig cfg) : engine(cfg), store(engine) {
    FuncType t{{ValType::I32}, {ValType::I32}};
    linker.define_func(store, "host", "interrupt_then", t,
                       [this](Caller& c, const Value* args, Value* results) {
                         c.store.interrupt();
                         // A nested call: it runs under the outermost call's state, so
                         // the interrupt stays set while it runs.
                         FuncInst* f = inst->get_func(inner);
                         Value r;
                         Trap trap = c.store.call(f, {args, 1}, {&r, 1});
                         inner_result = trap.ok() ? "" : trap.message();
                         results[0] = r;
                         return Trap();
                       });
    inst = test::instantiate_wat(engine, store, linker, kModule, &module);
  }

  std::string call(const std::string& name, uint32_t arg, Value* out = nullptr) {
    FuncInst* f = inst->get_func(name);
    if (!f) return "no export " + name;
    std::vector<Value> args{Value::from_i32(arg)};
    std::vector<Value> results(f->type->results.size());
    Trap t = store.call(f, args, results);
    if (out && !results.empty()) *out = results[0];
    return t.ok() ? "" : t.message();
  }
  // The spinning loop's count, read while the loop runs on another thread (its stores
  // are plain 32-bit stores, so a relaxed atomic read sees some recent value).
  uint32_t counter() const {
    return std::atomic_ref<uint32_t>(*reinterpret_cast<uint32_t*>(inst->memories[0]->base))
        .load(std::memory_order_relaxed);
  }
  void reset_counter() { std::memset(inst->memories[0]->base, 0, 8); }

  // Whether function `func`'s code contains a handler of `ops`.
  bool has_any(uint32_t func, const std::vector<IOp>& ops) const {
    const auto& code = module->code(func).value()->code;
    for (IOp op : ops) {
      if (test::count_handler(code, op) > 0) return true;
    }
    return false;
  }
};

// Every op that polls the interrupt flag.
std::vector<IOp> polling_ops() {
  std::vector<IOp> ops{IOp::Poll, IOp::FuelPoll, IOp::Br_PB, IOp::Br_FPB};
#define MIDIMON_X(Name, n) ops.push_back(IOp::Name##_PB), ops.push_back(IOp::Name##_FPB);
  MIDIMON_COND_BRS(MIDIMON_X)
  MIDIMON_IMM_COND_BRS(MIDIMON_X)
#undef MIDIMON_X
#define MIDIMON_X(A, C, n) ops.push_back(IOp::A##_##C##_PB), ops.push_back(IOp::A##_##C##_FPB);
  MIDIMON_ARITH_BRS(MIDIMON_X)
#undef MIDIMON_X
  return ops;
}

EngineConfig config(bool fuel, bool deadline) {
  EngineConfig c;
  c.fuel_metering = fuel;
  c.deadline_checks = deadline;
  return c;
}

// Calls `name` on a thread; once the loop has counted `min_iters` iterations (so it is
// past its entry, spinning), interrupts the store. Returns the call's trap message.
std::string interrupt_when_spinning(Fixture& f, const std::string& name, uint32_t min_iters = 1000) {
  f.reset_counter();
  std::string msg;
  std::atomic<bool> done{false};
  std::thread runner([&] {
    msg = f.call(name, kForever);
    done.store(true);
  });
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (f.counter() < min_iters && !done.load() && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::yield();
  }
  EXPECT_GE(f.counter(), min_iters) << name << ": the loop did not start";
  f.store.interrupt();
  runner.join();
  EXPECT_LT(f.counter(), kForever) << name << ": ran to its end";
  return msg;
}

TEST(InterpMemPoll, CompilerDropsThePollAfterAnAccess) {
  const std::vector<IOp> polls = polling_ops();
  for (bool fuel : {false, true}) {
    Fixture f(config(fuel, true));
    EXPECT_FALSE(f.has_any(kMemSpin, polls)) << fuel;
    EXPECT_FALSE(f.has_any(kLoadSpin, polls)) << fuel;
    EXPECT_FALSE(f.has_any(kGrowSpin, polls)) << fuel;
    EXPECT_FALSE(f.has_any(kTableSpin, polls)) << fuel;
    // No certain access: the back-edge polls.
    EXPECT_TRUE(f.has_any(kMaybeSpin, polls)) << fuel;
    EXPECT_TRUE(f.has_any(kPlainSpin, polls)) << fuel;
    // With fuel the back-edges still charge: _FB variants.
    if (fuel) {
      EXPECT_TRUE(f.has_any(kLoadSpin, {IOp::Br_FB})) << fuel;
    }
  }
  // Without deadline checks nothing polls anywhere (as before).
  Fixture plain(config(false, false));
  for (uint32_t i = 0; i <= kPlainSpin; ++i) EXPECT_FALSE(plain.has_any(i, polls)) << i;
}

TEST(InterpMemPoll, LoopsWhoseOnlyPollIsAnAccessAreInterrupted) {
  for (bool fuel : {false, true}) {
    Fixture f(config(fuel, true));
    f.store.exec().fuel = INT64_MAX;
    for (const char* name : {"mem_spin", "load_spin", "grow_spin", "table_spin"}) {
      EXPECT_EQ(interrupt_when_spinning(f, name), "deadline exceeded") << name << " " << fuel;
    }
    // The store is usable afterwards: the next outermost call restores the limits.
    EXPECT_EQ(f.call("mem_spin", 10), "") << fuel;
    EXPECT_EQ(f.counter(), 10u);
  }
}

// maybe_spin stores its count only up to 2047: interrupted after that, nothing but its
// back-edge's poll can stop it.
TEST(InterpMemPoll, LoopsWithoutACertainAccessStillPoll) {
  for (bool fuel : {false, true}) {
    Fixture f(config(fuel, true));
    f.store.exec().fuel = INT64_MAX;
    EXPECT_EQ(interrupt_when_spinning(f, "maybe_spin", 2047), "deadline exceeded") << fuel;
  }
}

TEST(InterpMemPoll, TimeoutStopsALoopWhoseOnlyPollIsAnAccess) {
  for (bool fuel : {false, true}) {
    Fixture f(config(fuel, true));
    f.store.exec().fuel = INT64_MAX;
    ASSERT_TRUE(f.store.set_timeout(std::chrono::milliseconds(30)).ok());
    for (const char* name : {"mem_spin", "load_spin", "grow_spin", "table_spin"}) {
      f.reset_counter();
      const auto start = std::chrono::steady_clock::now();
      EXPECT_EQ(f.call(name, kForever), "deadline exceeded") << name << " " << fuel;
      const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::steady_clock::now() - start).count();
      EXPECT_GE(ms, 29) << name;
      EXPECT_LT(f.counter(), kForever) << name;
    }
  }
}

// The deadline is passed (the host interrupted) when the nested call's access runs: an
// access within the memory traps "deadline exceeded", one past it is still out of
// bounds. Without deadline checks the interrupt means nothing to accesses.
TEST(InterpMemPoll, OutOfBoundsStaysOutOfBounds) {
  for (bool fuel : {false, true}) {
    for (bool deadline : {false, true}) {
      Fixture f(config(fuel, deadline));
      f.store.exec().fuel = INT64_MAX;
      const std::string where = std::to_string(fuel) + std::to_string(deadline);
      // Plain calls, no interrupt.
      EXPECT_EQ(f.call("load_at", 65536), "out of bounds memory access") << where;
      EXPECT_EQ(f.call("load_at", 65533), "out of bounds memory access") << where;
      EXPECT_EQ(f.call("load_at", 65532), "") << where;
      // Interrupted, then the access (nested call).
      f.call("via_host_load", 65536);
      EXPECT_EQ(f.inner_result, "out of bounds memory access") << where;
      f.call("via_host_load", 65532);
      EXPECT_EQ(f.inner_result, deadline ? "deadline exceeded" : "") << where;
    }
  }
}

// memory.grow writes the new size into the limit: after an interrupt it must lower it
// again, or the deadline would be lost for the accesses after it.
TEST(InterpMemPoll, GrowAfterAnInterruptKeepsTheDeadline) {
  Fixture f(config(false, true));
  f.inner = "grow_load";
  f.call("via_host_load", 0);
  EXPECT_EQ(f.inner_result, "deadline exceeded");
  // The grow happened, and the next call sees the new size.
  EXPECT_EQ(f.call("load_at", 65536 + 65532), "");
  EXPECT_EQ(f.call("load_at", 2 * 65536 + 65532), "out of bounds memory access");
  // Without deadline checks: no trap, the load after the grow runs.
  Fixture p(config(false, false));
  p.inner = "grow_load";
  p.call("via_host_load", 65536);
  EXPECT_EQ(p.inner_result, "");
}

}  // namespace
}  // namespace midimon::wasm
