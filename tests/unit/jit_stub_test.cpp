// A translated function has no interpreted code of its own, only the stub that enters
// its machine code (IOp::EnterJit, jit_stub.cpp): the interpreter's calls reach it
// through that stub. These tests call translated functions from interpreted ones (a
// function with a v128 local stays interpreted) and check what crosses the boundary:
// arguments, more results than arguments, the caller's frame and locals afterwards, a
// memory grown by the callee, traps, fuel to the unit, the call depth, deadlines.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "jit_run.h"
#include "wasm/jit_stub.h"

namespace midimon::wasm {
namespace {

// Enough nops to make a function big enough for a stub (kJitStubMinInstrs): smaller
// translated functions are compiled for the interpreter too.
std::string pad() {
  std::string s;
  for (size_t i = 0; i < kJitStubMinInstrs; ++i) s += " nop";
  return s;
}
std::string padded(std::string wat) {
  for (size_t at; (at = wat.find("PAD")) != std::string::npos;) wat.replace(at, 3, pad());
  return wat;
}

// $leaf, $many, $grow, $boom and $spin are translated and big enough for a stub; the
// exports with a v128 local are interpreted and call them. $small is translated and
// small.
const std::string kCallers = padded(R"((module
  (memory 1)
  (func $leaf (param i32) (result i32) PAD local.get 0 i32.const 3 i32.add)
  (func $many (param i32) (result i32 i32 i32 i32) PAD
    local.get 0
    local.get 0 i32.const 1 i32.add
    local.get 0 i32.const 2 i32.add
    local.get 0 i32.const 3 i32.add)
  (func $grow (result i32) PAD i32.const 2 memory.grow)
  (func $boom (param i32) (result i32) PAD i32.const 1 local.get 0 i32.div_u)
  (func $spin PAD (loop $l br $l))
  (func $small (export "small") (param i32) (result i32) local.get 0 i32.const 3 i32.add)
  (func (export "leaf") (param i32) (result i32) local.get 0 call $leaf)
  (func (export "loop") (param i32) (result i32) (local v128 i32)
    (loop $l
      (local.set 2 (i32.add (local.get 2) (call $leaf (local.get 0))))
      (br_if $l (i32.gt_s (local.tee 0 (i32.sub (local.get 0) (i32.const 1))) (i32.const 0))))
    local.get 2)
  (func (export "multi") (param i32) (result i32) (local v128)
    ;; (4x + 6) * x: the four results, then the caller's own local after the call
    local.get 0 call $many i32.add i32.add i32.add local.get 0 i32.mul)
  (func (export "grown") (result i32) (local v128)
    ;; 128 KiB is past the one page there was: stored and loaded only after $grow
    call $grow drop
    (i32.store (i32.const 131072) (i32.const 7))
    (i32.load (i32.const 131072)))
  (func (export "div") (param i32) (result i32) (local v128)
    local.get 0 call $boom i32.const 10 i32.add)
  (func (export "spins") (local v128) (loop $l call $spin br $l)))
)");

std::vector<EngineConfig> every_jit_config() {
  std::vector<EngineConfig> out;
  for (bool fuel : {false, true}) {
    for (bool deadline : {false, true}) {
      for (bool lazy : {false, true}) {
        EngineConfig c = jit_config(fuel, deadline);
        c.lazy_compilation = lazy;
        out.push_back(c);
      }
    }
  }
  return out;
}

// A run of kCallers (or `wat`) with fuel to spare when the engine meters it.
struct StubRun : JitRun {
  StubRun(const EngineConfig& c, const std::string& wat = kCallers, StoreLimits limits = {})
      : JitRun(c, wat, limits) {
    if (c.fuel_metering) {
      EXPECT_TRUE(store.set_fuel(1'000'000'000).ok());
    }
  }
};

std::string name_of(const EngineConfig& c) {
  return std::string(c.fuel_metering ? "fuel " : "") + (c.deadline_checks ? "deadline " : "") +
         (c.lazy_compilation ? "lazy" : "eager");
}

TEST(JitStub, ALargeTranslatedFunctionIsCompiledOnceASmallOneTwice) {
  for (const EngineConfig& c : every_jit_config()) {
    StubRun r(c);
    EXPECT_EQ(r.call_bits("leaf", {Value::from_i32(4)}), 7u) << name_of(c);
    const FuncInst* leaf = r.instance->funcs[0];
    ASSERT_NE(leaf->code, nullptr) << name_of(c);
    ASSERT_NE(leaf->code->jit, nullptr) << name_of(c);
    // The stub: [Fuel][0] with fuel on, then [EnterJit][fn][ctl_slot]; no body.
    EXPECT_EQ(leaf->code->code.size(), (c.fuel_metering ? kOpUnits + 1 : 0) + kOpUnits + 3)
        << name_of(c);
    EXPECT_EQ(leaf->code->entry_fuel, 0u) << name_of(c);
    EXPECT_EQ(r.call_bits("loop", {Value::from_i32(1)}), 4u) << name_of(c);  // compiles it when lazy
    EXPECT_FALSE(r.translated("loop")) << name_of(c);
    EXPECT_GT(r.instance->get_func("loop")->code->code.size(), 20u) << name_of(c);
    // A small translated function has interpreted code of its own as well.
    EXPECT_EQ(r.call_bits("small", {Value::from_i32(4)}), 7u) << name_of(c);
    EXPECT_TRUE(r.translated("small")) << name_of(c);
    EXPECT_GT(r.instance->get_func("small")->code->code.size(), kOpUnits + 3 + kOpUnits + 1) << name_of(c);
  }
}

TEST(JitStub, InterpretedCallersGetTheInterpretersAnswers) {
  EngineConfig plain;
  plain.lazy_compilation = false;
  for (const EngineConfig& c : every_jit_config()) {
    StubRun j(c), i(plain);
    for (uint32_t x : {1u, 2u, 7u, 100u}) {
      EXPECT_EQ(j.call_bits("loop", {Value::from_i32(x)}), i.call_bits("loop", {Value::from_i32(x)}))
          << name_of(c) << " loop " << x;
      EXPECT_EQ(j.call_bits("multi", {Value::from_i32(x)}), (4 * x + 6) * x) << name_of(c);
    }
    EXPECT_EQ(j.call_bits("loop", {Value::from_i32(3)}), 6u + 5 + 4) << name_of(c);
  }
}

TEST(JitStub, AMemoryGrownByTheMachineCodeIsSeenByTheInterpretedCaller) {
  for (const EngineConfig& c : every_jit_config()) {
    StubRun r(c);
    EXPECT_EQ(r.call_bits("grown"), 7u) << name_of(c);
    EXPECT_EQ(r.instance->memories[0]->size, 3u * 65536) << name_of(c);
  }
}

TEST(JitStub, TrapsInTheMachineCodeEndTheCallAndTheStoreRunsAgain) {
  for (const EngineConfig& c : every_jit_config()) {
    StubRun r(c);
    EXPECT_EQ(r.trap_of("div", {Value::from_i32(0)}), "integer divide by zero") << name_of(c);
    EXPECT_EQ(r.call_bits("div", {Value::from_i32(1)}), 11u) << name_of(c);
    EXPECT_EQ(r.call_bits("loop", {Value::from_i32(2)}), 9u) << name_of(c);
  }
}

TEST(JitStub, FuelIsTheInterpretersToTheUnit) {
  for (bool deadline : {false, true}) {
    for (bool lazy : {false, true}) {
      EngineConfig jc = jit_config(true, deadline), ic;
      jc.lazy_compilation = ic.lazy_compilation = lazy;
      ic.fuel_metering = true;
      ic.deadline_checks = deadline;
      for (const char* f : {"loop", "multi", "div"}) {
        for (uint32_t x : {1u, 5u, 40u}) {
          const std::string what = std::string(f) + "(" + std::to_string(x) + ") " + name_of(jc);
          JitRun j(jc, kCallers), i(ic, kCallers);
          const FuelRun run = expect_exact_fuel(j, i, f, {Value::from_i32(x)}, what);
          // And the interpreter agrees that one unit less is not enough.
          ASSERT_TRUE(i.store.set_fuel(run.need - 1).ok());
          EXPECT_EQ(i.trap_of(f, {Value::from_i32(x)}), "fuel exhausted") << what;
        }
      }
    }
  }
}

// Recursion alternating between an interpreted function and a translated one reaches the
// same depth as in the interpreter alone: the stub's frame is not a level of its own.
TEST(JitStub, TheCallDepthLimitIsTheInterpretersAcrossTheBoundary) {
  const std::string wat = padded(R"((module
    (func $jdown (param i32) (result i32) PAD
      local.get 0 i32.eqz if (result i32) i32.const 0 else
        local.get 0 i32.const 1 i32.sub call $idown i32.const 1 i32.add end)
    (func $idown (export "down") (param i32) (result i32) (local v128)
      local.get 0 i32.eqz if (result i32) i32.const 0 else
        local.get 0 i32.const 1 i32.sub call $jdown i32.const 1 i32.add end))
  )");
  StoreLimits limits;
  limits.max_call_depth = 40;
  auto deepest = [&](EngineConfig c) {
    StubRun r(c, wat, limits);
    uint32_t n = 0;
    while (n < 100 && r.trap_of("down", {Value::from_i32(n + 1)}) == "no trap") ++n;
    EXPECT_EQ(r.trap_of("down", {Value::from_i32(n + 1)}), "call stack exhausted");
    return n;
  };
  EngineConfig plain;
  const uint32_t interpreted = deepest(plain);
  EXPECT_EQ(interpreted, 39u);  // the entry call and 39 more: 40 levels
  for (const EngineConfig& c : every_jit_config()) {
    EXPECT_EQ(deepest(c), interpreted) << name_of(c);
  }
  // Without a depth limit in reach: each round trip nests an interpreter activation in
  // C++ (jit_call_slow), and their bound (400) stops it cleanly; the store runs again.
  for (const EngineConfig& c : every_jit_config()) {
    StubRun r(c, wat);
    EXPECT_EQ(r.trap_of("down", {Value::from_i32(1'000'000)}), "call stack exhausted") << name_of(c);
    EXPECT_EQ(r.call_bits("down", {Value::from_i32(300)}), 300u) << name_of(c);
  }
}

TEST(JitStub, ADeadlineStopsMachineCodeCalledFromTheInterpreter) {
  for (bool fuel : {false, true}) {
    JitRun r(jit_config(fuel, true), kCallers);
    if (fuel) {
      ASSERT_TRUE(r.store.set_fuel(UINT64_MAX / 4).ok());
    }
    ASSERT_TRUE(r.store.set_timeout(std::chrono::milliseconds(50)).ok());
    EXPECT_EQ(r.trap_of("spins"), "deadline exceeded") << (fuel ? "fuel" : "");
    ASSERT_TRUE(r.store.set_timeout(std::chrono::milliseconds(5000)).ok());
    EXPECT_EQ(r.call_bits("loop", {Value::from_i32(2)}), 9u);
  }
}

}  // namespace
}  // namespace midimon::wasm
