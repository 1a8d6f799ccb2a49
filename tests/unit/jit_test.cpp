// The baseline compiler (EngineConfig::jit, jit.h): which functions it translates, and
// what the spec suite does not reach — calls mixing machine code, the interpreter and
// host functions; a memory grown under a caller's feet; native recursion limits; traps
// and their kinds through nested frames; the answers the interpreter gives on the same
// module. The spec suite itself runs with --jit too (spec.total-jit).
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <thread>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "jit_run.h"
#include "wat_util.h"
#include "wasm/code.h"
#include "wasm/engine.h"
#include "wasm/instance.h"
#include "wasm/linker.h"
#include "wasm/module.h"
#include "wasm/store.h"

namespace midimon::wasm {
namespace {

TEST(Jit, TranslatesScalarFunctionsAndLeavesSimdOnesToTheInterpreter) {
  JitRun r(jit_config(), R"((module
    (func (export "scalar") (result i32) i32.const 41 i32.const 1 i32.add)
    (func (export "simd") (result i32)
      i32.const 5 i32x4.splat i32.const 2 i32x4.splat i32x4.add i32x4.extract_lane 3)
    (func (export "v128_local") (result i32) (local v128) i32.const 9))
  )");
  EXPECT_TRUE(r.translated("scalar"));
  EXPECT_FALSE(r.translated("simd"));
  EXPECT_FALSE(r.translated("v128_local"));
  EXPECT_EQ(r.call_bits("scalar"), 42u);
  EXPECT_EQ(r.call_bits("simd"), 7u);
  EXPECT_EQ(r.call_bits("v128_local"), 9u);
}

TEST(Jit, TranslatesWithFuelAndDeadlinesAndOnlyWhenAskedFor) {
  const char* wat = R"((module (func (export "f") (result i32) i32.const 1)))";
  EXPECT_TRUE(JitRun(jit_config(), wat).translated("f"));
  EXPECT_TRUE(JitRun(jit_config(true, false), wat).translated("f"));
  EXPECT_TRUE(JitRun(jit_config(true, true), wat).translated("f"));
  EXPECT_TRUE(JitRun(jit_config(false, true), wat).translated("f"));
  EngineConfig off;
  off.lazy_compilation = false;
  EXPECT_FALSE(JitRun(off, wat).translated("f"));
}

TEST(Jit, CallsCrossBetweenMachineCodeAndTheInterpreterBothWays) {
  // $twice is translated and calls $simd_add (interpreted), which calls $inc
  // (translated): machine code -> interpreter -> machine code, arguments and results
  // through each boundary.
  JitRun r(jit_config(), R"((module
    (func $inc (param i32) (result i32) local.get 0 i32.const 1 i32.add)
    (func $simd_add (param i32 i32) (result i32)
      local.get 0 i32x4.splat local.get 1 i32x4.splat i32x4.add i32x4.extract_lane 0
      call $inc)
    (func (export "twice") (param i32) (result i32)
      local.get 0 local.get 0 call $simd_add i32.const 100 i32.add)
    (func (export "simd_entry") (param i32) (result i32) local.get 0 i32.const 3 call $simd_add))
  )");
  EXPECT_TRUE(r.translated("twice"));
  EXPECT_TRUE(r.translated("simd_entry"));
  EXPECT_EQ(r.call_bits("twice", {Value::from_i32(20)}), 141u);       // 20+20+1+100
  EXPECT_EQ(r.call_bits("simd_entry", {Value::from_i32(4)}), 8u);     // 4+3+1
}

TEST(Jit, HostCallThatGrowsMemoryIsSeenByTheCaller) {
  // The host grows the memory by two pages while machine code is running: the caller
  // must use the new size (no out-of-bounds trap at the new pages) and the new base.
  JitRun r(jit_config(), R"((module
    (import "host" "grow" (func $grow))
    (memory (export "mem") 1)
    (func (export "f") (result i32)
      call $grow
      i32.const 131072 i32.const 77 i32.store
      i32.const 131072 i32.load
      memory.size i32.add))
  )", [](JitRun& run) {
    run.linker.define_func(run.store, "host", "grow", FuncType{{}, {}},
                           [&run](Caller&, const Value*, Value*) {
                             MemoryInst* m = run.instance->get_memory("mem");
                             EXPECT_EQ(m->grow(2), 1);
                             return Trap();
                           });
  });
  ASSERT_TRUE(r.translated("f"));
  EXPECT_EQ(r.call_bits("f"), 77u + 3u);
}

TEST(Jit, HostFunctionCallingBackIntoWasmAndHostTrapsPropagate) {
  JitRun r(jit_config(), R"((module
    (import "host" "back" (func $back (param i32) (result i32)))
    (import "host" "fail" (func $fail))
    (func (export "square") (param i32) (result i32) local.get 0 local.get 0 i32.mul)
    (func (export "via_host") (param i32) (result i32) local.get 0 call $back i32.const 1 i32.add)
    (func (export "fails") (result i32) call $fail i32.const 5))
  )", [](JitRun& run) {
    run.linker.define_func(run.store, "host", "back", FuncType{{ValType::I32}, {ValType::I32}},
                           [&run](Caller& caller, const Value* args, Value* results) {
                             return caller.store.call(run.instance->get_func("square"),
                                                      {args, 1}, {results, 1});
                           });
    run.linker.define_func(run.store, "host", "fail", FuncType{{}, {}},
                           [](Caller&, const Value*, Value*) { return Trap::host("host says no"); });
  });
  EXPECT_EQ(r.call_bits("via_host", {Value::from_i32(12)}), 145u);
  EXPECT_EQ(r.trap_of("fails"), "host says no");
  EXPECT_EQ(r.call_bits("via_host", {Value::from_i32(3)}), 10u);  // the store still works
}

TEST(Jit, TrapKindsThroughNestedFrames) {
  JitRun r(jit_config(), R"((module
    (type $v (func (result i32)))
    (type $other (func (param i32) (result i32)))
    (table 3 funcref)
    (elem (i32.const 0) $seven $takes)
    (memory 1)
    (func $seven (result i32) i32.const 7)
    (func $takes (param i32) (result i32) local.get 0)
    (func $div (param i32 i32) (result i32) local.get 0 local.get 1 i32.div_s)
    (func $rem (param i64 i64) (result i64) local.get 0 local.get 1 i64.rem_s)
    (func (export "div0") (result i32) i32.const 1 i32.const 0 call $div)
    (func (export "overflow") (result i32) i32.const 0x80000000 i32.const -1 call $div)
    (func (export "rem_min") (result i64) i64.const 0x8000000000000000 i64.const -1 call $rem)
    (func (export "load_at") (param i32) (result i32) local.get 0 i32.load offset=4)
    (func (export "indirect") (param i32) (result i32) local.get 0 call_indirect (type $v))
    (func (export "unreachable") (result i32) call $seven unreachable))
  )");
  EXPECT_EQ(r.trap_of("div0"), "integer divide by zero");
  EXPECT_EQ(r.trap_of("overflow"), "integer overflow");
  EXPECT_EQ(r.call_bits("rem_min"), 0u);
  // The access [a + 4, a + 8) fits up to a = 65528.
  EXPECT_EQ(r.call_bits("load_at", {Value::from_i32(65528)}), 0u);
  EXPECT_EQ(r.trap_of("load_at", {Value::from_i32(65529)}), "out of bounds memory access");
  EXPECT_EQ(r.trap_of("load_at", {Value::from_i32(0xFFFFFFFF)}), "out of bounds memory access");
  EXPECT_EQ(r.call_bits("indirect", {Value::from_i32(0)}), 7u);
  EXPECT_EQ(r.trap_of("indirect", {Value::from_i32(1)}), "indirect call type mismatch");
  EXPECT_EQ(r.trap_of("indirect", {Value::from_i32(2)}), "uninitialized element");
  EXPECT_EQ(r.trap_of("indirect", {Value::from_i32(3)}), "undefined element");
  EXPECT_EQ(r.trap_of("unreachable"), "unreachable");
}

TEST(Jit, DeepRecursionTrapsAndTheStoreRunsAgain) {
  const char* wat = R"((module
    (func $down (export "down") (param i32) (result i32)
      local.get 0 i32.eqz if (result i32) i32.const 0 else
        local.get 0 i32.const 1 i32.sub call $down i32.const 1 i32.add end)
    (func $forever (export "forever") (param i64 i64 i64) (result i64)
      local.get 0 local.get 1 local.get 2 call $forever))
  )";
  JitRun r(jit_config(), wat);
  EXPECT_EQ(r.call_bits("down", {Value::from_i32(5000)}), 5000u);
  EXPECT_EQ(r.trap_of("forever", {Value::from_i64(1), Value::from_i64(2), Value::from_i64(3)}),
            "call stack exhausted");
  EXPECT_EQ(r.call_bits("down", {Value::from_i32(100)}), 100u);
  // A small value stack: the frame check, not the depth, stops it.
  StoreLimits small;
  small.max_value_stack_slots = 4096;
  JitRun s(jit_config(), wat, small);
  EXPECT_EQ(s.trap_of("down", {Value::from_i32(100000)}), "call stack exhausted");
  EXPECT_EQ(s.call_bits("down", {Value::from_i32(10)}), 10u);
}

// With deadline checks, translated code polls at loop headers and function entries, and
// after host calls: each way a guest can keep running ends in "deadline exceeded", and
// the store runs again afterwards.
TEST(Jit, DeadlinesStopLoopsRecursionAndBlockingHostCalls) {
  JitRun r(jit_config(false, true), R"((module
    (import "host" "sleep" (func $sleep))
    (func (export "spin") (loop $l br $l))
    (func $tree (export "tree") (param i32) (result i32)
      local.get 0 i32.eqz if (result i32) i32.const 1 else
        local.get 0 i32.const 1 i32.sub call $tree
        local.get 0 i32.const 1 i32.sub call $tree i32.add end)
    (func (export "blocks") (result i32) call $sleep i32.const 1))
  )", [](JitRun& run) {
    run.linker.define_func(run.store, "host", "sleep", FuncType{{}, {}},
                           [](Caller&, const Value*, Value*) {
                             std::this_thread::sleep_for(std::chrono::milliseconds(300));
                             return Trap();
                           });
  });
  ASSERT_TRUE(r.translated("spin"));
  ASSERT_TRUE(r.translated("tree"));
  ASSERT_TRUE(r.store.set_timeout(std::chrono::milliseconds(50)).ok());
  EXPECT_EQ(r.trap_of("spin"), "deadline exceeded");
  // 2^60 calls, no loop: the entry polls stop it.
  EXPECT_EQ(r.trap_of("tree", {Value::from_i32(60)}), "deadline exceeded");
  EXPECT_EQ(r.trap_of("blocks"), "deadline exceeded");
  EXPECT_EQ(r.call_bits("tree", {Value::from_i32(4)}), 16u);  // within the deadline
}

// A loop that loads or stores on every turn has no poll of its own: the bounds check,
// against ExecState::mem_limit, is one. Loops where some turn skips the access (an if
// arm, a branch over it, a back-edge before it) keep their poll, else they would never
// stop; an access past the memory is still out of bounds, before and after a deadline.
TEST(Jit, DeadlinesStopLoopsPolledOnlyByTheirMemoryAccesses) {
  JitRun r(jit_config(false, true), R"((module
    (memory 1)
    (func (export "counts")
      (loop $l
        (i32.store (i32.const 0) (i32.add (i32.load (i32.const 0)) (i32.const 1)))
        br $l))
    (func (export "access_in_an_arm") (param i32)
      (loop $l
        (if (local.get 0) (then (drop (i32.load (i32.const 0)))))
        br $l))
    (func (export "branch_over_access") (param i32)
      (loop $l
        (block $b (br_if $b (local.get 0)) (drop (i32.load (i32.const 0))))
        br $l))
    (func (export "continue_before_access") (param i32)
      (loop $l
        (br_if $l (local.get 0))
        (drop (i32.load (i32.const 0)))
        br $l))
    (func (export "inner_loop_then_access")
      (loop $outer
        (loop $inner (br_if $inner (i32.const 0)))
        (drop (i32.load (i32.const 8)))
        br $outer))
    (func (export "past_the_end") (result i32) (i32.load (i32.const 65534)))
    (func (export "read") (result i32) (i32.load (i32.const 0))))
  )");
  for (const char* name : {"counts", "access_in_an_arm", "branch_over_access",
                           "continue_before_access", "inner_loop_then_access", "past_the_end"}) {
    ASSERT_TRUE(r.translated(name)) << name;
  }
  EXPECT_EQ(r.trap_of("past_the_end"), "out of bounds memory access");
  ASSERT_TRUE(r.store.set_timeout(std::chrono::milliseconds(30)).ok());
  EXPECT_EQ(r.trap_of("counts"), "deadline exceeded");
  EXPECT_GT(r.call_bits("read"), 1000u);  // it ran, turn after turn, until the deadline
  EXPECT_EQ(r.trap_of("access_in_an_arm", {Value::from_i32(0)}), "deadline exceeded");
  EXPECT_EQ(r.trap_of("access_in_an_arm", {Value::from_i32(1)}), "deadline exceeded");
  EXPECT_EQ(r.trap_of("branch_over_access", {Value::from_i32(1)}), "deadline exceeded");
  EXPECT_EQ(r.trap_of("continue_before_access", {Value::from_i32(1)}), "deadline exceeded");
  EXPECT_EQ(r.trap_of("inner_loop_then_access"), "deadline exceeded");
  EXPECT_EQ(r.trap_of("past_the_end"), "out of bounds memory access");
}

// A loop that calls a function on every turn has no poll of its own either: a
// translated callee polls at its entry, and jit_call_slow after an interpreted (here:
// SIMD) callee or a host function, neither of which polls by itself.
TEST(Jit, DeadlinesStopLoopsPolledOnlyByTheirCalls) {
  JitRun r(jit_config(false, true), R"((module
    (import "host" "nop" (func $host))
    (func $translated (param i32) (result i32) local.get 0 i32.const 1 i32.add)
    (func $simd (param i32) (result i32) local.get 0 i32x4.splat i32x4.extract_lane 2)
    (func (export "calls_translated") (local i32)
      (loop $l (local.set 0 (call $translated (local.get 0))) br $l))
    (func (export "calls_interpreted") (local i32)
      (loop $l (local.set 0 (call $simd (local.get 0))) br $l))
    (func (export "calls_host") (loop $l (call $host) br $l)))
  )", [](JitRun& run) {
    run.linker.define_func(run.store, "host", "nop", FuncType{{}, {}},
                           [](Caller&, const Value*, Value*) { return Trap(); });
  });
  ASSERT_TRUE(r.translated("calls_translated"));
  ASSERT_TRUE(r.translated("calls_interpreted"));  // the caller; its callee is not
  ASSERT_TRUE(r.translated("calls_host"));
  ASSERT_TRUE(r.store.set_timeout(std::chrono::milliseconds(30)).ok());
  EXPECT_EQ(r.trap_of("calls_translated"), "deadline exceeded");
  EXPECT_EQ(r.trap_of("calls_interpreted"), "deadline exceeded");
  EXPECT_EQ(r.trap_of("calls_host"), "deadline exceeded");
}

// Fuel: machine code charges one unit per instruction, per block on entry, as the
// interpreter does; a completed call leaves exactly the interpreter's fuel, whatever
// path it took (loops, both arms of ifs, br_if fall-throughs, br_table, calls into
// interpreted SIMD code and host functions, dead code after br and return).
TEST(Jit, FuelUsedIsTheInterpretersOnEveryPath) {
  const char* wat = R"((module
    (import "host" "h" (func $h (param i32) (result i32)))
    (func $simd (param i32) (result i32) local.get 0 i32x4.splat i32x4.extract_lane 1)
    (func $sum (export "sum") (param i32) (result i32) (local i32)
      (block $out (loop $l
        local.get 0 i32.eqz br_if $out
        local.get 1 local.get 0 i32.add local.set 1
        local.get 0 i32.const 1 i32.sub local.set 0
        br $l
        i32.const 99 drop))
      local.get 1)
    (func (export "arms") (param i32) (result i32)
      local.get 0 i32.const 3 i32.lt_u
      if (result i32) local.get 0 call $simd else local.get 0 call $h i32.const 1 i32.add end
      (block $a (block $b (block $c local.get 0 br_table $a $b $c $a) nop) nop nop)
      local.get 0 i32.const 7 i32.gt_s if (result i32) i32.const 5 return else local.get 0 end
      call $sum2 i32.add)
    (func $sum2 (param i32) (result i32) local.get 0 call $sum))
  )";
  auto host = [](JitRun& run) {
    run.linker.define_func(run.store, "host", "h", FuncType{{ValType::I32}, {ValType::I32}},
                           [](Caller&, const Value* a, Value* r) {
                             r[0] = Value::from_i32(a[0].i32 * 2);
                             return Trap();
                           });
  };
  EngineConfig interp;
  interp.lazy_compilation = false;
  interp.fuel_metering = true;
  JitRun j(jit_config(true), wat, host), i(interp, wat, host);
  ASSERT_TRUE(j.translated("sum"));
  ASSERT_TRUE(j.translated("arms"));
  for (const char* f : {"sum", "arms"}) {
    for (uint32_t arg : {0u, 1u, 2u, 3u, 5u, 8u, 40u}) {
      ASSERT_TRUE(j.store.set_fuel(1'000'000).ok());
      ASSERT_TRUE(i.store.set_fuel(1'000'000).ok());
      const uint64_t rj = j.call_bits(f, {Value::from_i32(arg)});
      const uint64_t ri = i.call_bits(f, {Value::from_i32(arg)});
      EXPECT_EQ(rj, ri) << f << "(" << arg << ")";
      EXPECT_EQ(j.store.fuel_remaining(), i.store.fuel_remaining()) << f << "(" << arg << ")";
      EXPECT_LT(j.store.fuel_remaining(), 1'000'000u);
    }
  }
  // Exactly the fuel a call needs is enough; one unit less traps and leaves the fuel
  // that was not taken (a charge that does not fit is not taken).
  ASSERT_TRUE(j.store.set_fuel(1'000'000).ok());
  (void)j.call_bits("sum", {Value::from_i32(40)});
  const uint64_t need = 1'000'000 - j.store.fuel_remaining();
  ASSERT_TRUE(j.store.set_fuel(need).ok());
  EXPECT_EQ(j.call_bits("sum", {Value::from_i32(40)}), 820u);
  EXPECT_EQ(j.store.fuel_remaining(), 0u);
  ASSERT_TRUE(j.store.set_fuel(need - 1).ok());
  EXPECT_EQ(j.trap_of("sum", {Value::from_i32(40)}), "fuel exhausted");
  EXPECT_LT(j.store.fuel_remaining(), need);
  ASSERT_TRUE(j.store.set_fuel(1000).ok());
  EXPECT_EQ(j.call_bits("sum", {Value::from_i32(3)}), 6u);  // runs again
  // An endless loop ends in "fuel exhausted".
  JitRun spin(jit_config(true), R"((module (func (export "spin") (loop $l br $l))))");
  ASSERT_TRUE(spin.store.set_fuel(100'000).ok());
  EXPECT_EQ(spin.trap_of("spin"), "fuel exhausted");
}

// Charges taken in advance (block_costs: the joins of closed blocks and ifs, a closed
// loop's exit, the units both arms of an if share) keep every total equal to the
// interpreter's, and a call given exactly what it needs completes; one unit less runs
// out. Each shape is also given a leaking twin (a branch to an outer label), where the
// code after the construct is not certain and is charged where it starts.
TEST(Jit, FuelChargedInAdvanceKeepsTotalsAndTheLeastFuelExact) {
  const char* wat = R"((module
    (memory 1)
    (func (export "rotated") (param i32) (result i32) (local i32)
      (loop $l
        local.get 1 local.get 0 i32.add local.set 1
        local.get 0 i32.const 1 i32.sub local.tee 0
        i32.const 0 i32.gt_s br_if $l
        local.get 1 i32.const 3 i32.mul local.set 1)
      local.get 1 i32.const 1 i32.add)
    (func (export "rotated_leaks") (param i32) (result i32) (local i32)
      (block $out
        (loop $l
          local.get 1 local.get 0 i32.add local.set 1
          local.get 1 i32.const 20 i32.gt_u br_if $out
          local.get 0 i32.const 1 i32.sub local.tee 0
          i32.const 0 i32.gt_s br_if $l
          local.get 1 i32.const 3 i32.mul local.set 1))
      local.get 1 i32.const 1 i32.add)
    (func (export "diamonds") (param i32) (result i32) (local i32)
      (loop $l
        local.get 0 i32.const 1 i32.and
        if
          local.get 1 i32.const 7 i32.add local.set 1
          local.get 0 i32.const 4 i32.and
          if (result i32) i32.const 1 else i32.const 2 i32.const 3 i32.add end
          local.get 1 i32.add local.set 1
        else
          local.get 1 i32.const 1 i32.shl local.set 1
        end
        (i32.store (i32.const 0) (local.get 1))
        local.get 0 i32.const 1 i32.sub local.tee 0
        i32.const 0 i32.gt_s br_if $l)
      local.get 1)
    (func (export "diamond_leaks") (param i32) (result i32)
      (block $out
        local.get 0 i32.const 2 i32.lt_u
        if local.get 0 i32.const 0 i32.ne br_if $out else nop nop end
        i32.const 100 local.set 0)
      local.get 0 i32.const 1 i32.add)
    (func (export "closed_block") (param i32) (result i32)
      (block $b
        local.get 0 i32.const 3 i32.gt_u br_if $b
        local.get 0 i32.const 10 i32.mul local.set 0)
      (block $c (block $d local.get 0 br_table $c $d $c) local.get 0 i32.const 2 i32.add local.set 0)
      local.get 0 i32.const 5 i32.add)
    (func (export "returns_early") (param i32) (result i32)
      (block $b
        local.get 0 i32.const 5 i32.lt_u if i32.const 9 return end
        local.get 0 i32.const 8 i32.eq br_if $b)
      local.get 0 i32.const 2 i32.mul))
  )";
  expect_exact_fuel_for_each(
      wat, {"rotated", "rotated_leaks", "diamonds", "diamond_leaks", "closed_block", "returns_early"}, 12);
}

// Joins paid on the edges into them (block_costs: a join after a construct that some
// branch leaves, when every edge into it is unconditional): a `br` from an if's arm, the
// ends of both arms, joins nested so that one's edge leaves from the other's slot, a `br`
// out of a loop, and a join holding a call of the function to itself (whose units make
// the edges' charges check). Totals equal the interpreter's on every path, exactly the
// fuel a call needs is enough and one unit less runs out.
TEST(Jit, FuelOfJoinsPaidOnTheirEdgesStaysExact) {
  const char* wat = R"((module
    (func (export "br_join") (param i32) (result i32) (local i32)
      (block $out
        (block $j
          local.get 0 i32.const 9 i32.gt_u br_if $out
          local.get 0 i32.const 1 i32.and
          if i32.const 5 local.set 1 br $j end
          i32.const 7 local.set 1)
        local.get 1 local.get 0 i32.add local.set 1)
      local.get 1)
    (func (export "arms_join") (param i32) (result i32) (local i32)
      (block $out
        local.get 0 i32.const 1 i32.and
        if
          local.get 0 i32.const 9 i32.gt_u br_if $out
          i32.const 4 local.set 1
        else
          i32.const 6 local.set 1 nop nop
        end
        local.get 1 local.get 0 i32.mul local.set 1)
      local.get 1 i32.const 1 i32.add)
    (func (export "nested_joins") (param i32) (result i32) (local i32)
      (block $out
        (block $j2
          (block $j1
            local.get 0 i32.const 10 i32.gt_u br_if $out
            local.get 0 i32.const 2 i32.and
            if i32.const 1 local.set 1 br $j1 end
            i32.const 2 local.set 1)
          local.get 0 i32.const 4 i32.and
          if local.get 1 i32.const 10 i32.add local.set 1 br $j2 end
          local.get 1 i32.const 20 i32.add local.set 1)
        local.get 1 local.get 0 i32.add local.set 1)
      local.get 1)
    (func (export "loop_br_join") (param i32) (result i32) (local i32)
      (block $out
        (block $j
          (loop $l
            local.get 1 i32.const 3 i32.add local.set 1
            local.get 1 i32.const 20 i32.gt_u br_if $out
            local.get 0 i32.const 1 i32.sub local.tee 0
            i32.eqz if br $j end
            br $l))
        local.get 1 i32.const 7 i32.mul local.set 1)
      local.get 1)
    (func $self_join (export "self_join") (param i32) (result i32) (local i32)
      (block $out
        (block $j
          local.get 0 i32.const 3 i32.lt_u br_if $out
          local.get 0 i32.const 1 i32.and
          if br $j end
          local.get 0 i32.const 3 i32.sub local.set 0)
        local.get 0 i32.const 1 i32.sub call $self_join local.set 1)
      local.get 1 local.get 0 i32.add))
  )";
  expect_exact_fuel_for_each(wat, {"br_join", "arms_join", "nested_joins", "loop_br_join", "self_join"}, 12);
}

// Loops that check the fuel on the way round instead of at their header
// (jit_flow::LatchChecks): a search that leaves at the top, a loop with two back-edges
// from different charges, one whose back-edge leaves from a join paid on its edges (it
// checks at those), and such a loop nested in a counted one in a body with a call
// (where the outer loop cannot count on the inner one's check). Totals equal the
// interpreter's, exactly the fuel a call needs is enough and one unit less runs out.
TEST(Jit, FuelOfLoopsCheckedOnTheWayRoundStaysExact) {
  const char* wat = R"((module
    (func $leaf (param i32) (result i32) local.get 0 i32.const 2 i32.add)
    (func (export "search") (param i32) (result i32) (local i32)
      (block $found
        (loop $l
          (br_if $found (i32.ge_u (local.get 1) (local.get 0)))
          (local.set 1 (i32.add (local.get 1) (i32.const 1)))
          br $l))
      local.get 1)
    (func (export "two_back_edges") (param i32) (result i32) (local i32)
      (block $done
        (loop $l
          (br_if $done (i32.gt_u (local.get 1) (local.get 0)))
          (local.set 1 (i32.add (local.get 1) (i32.const 3)))
          (br_if $l (i32.and (local.get 1) (i32.const 1)))
          (local.set 1 (i32.add (local.get 1) (i32.const 1)))
          br $l))
      local.get 1)
    (func (export "join_back_edge") (param i32) (result i32) (local i32)
      (block $done
        (loop $l
          (br_if $done (i32.ge_u (local.get 1) (local.get 0)))
          (block $j
            (if (i32.and (local.get 1) (i32.const 1))
              (then (local.set 1 (i32.add (local.get 1) (i32.const 3))) (br $j)))
            (local.set 1 (i32.add (local.get 1) (i32.const 1)))
            (br_if $done (i32.gt_u (local.get 1) (i32.const 9))))
          br $l))
      local.get 1)
    (func (export "nested_search") (param i32) (result i32) (local i32 i32)
      (local.set 2 (call $leaf (local.get 0)))
      (loop $outer
        (block $f
          (loop $in
            (br_if $f (i32.ge_u (local.get 1) (local.get 2)))
            (local.set 1 (i32.add (local.get 1) (i32.const 1)))
            br $in))
        (local.set 2 (i32.add (local.get 2) (i32.const 1)))
        (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
        (br_if $outer (i32.gt_s (local.get 0) (i32.const 0))))
      local.get 1))
  )";
  expect_exact_fuel_for_each(wat, {"search", "two_back_edges", "join_back_edge", "nested_search"}, 12);
}

// A loop header paid on the edges into it (jit_flow::block_costs): a loop entered by
// falling in whose back-edges are all `br`s leaving from charges of its own: two arms
// that each go back (bzip2's decoding loops), a back-edge from a join paid on its
// edges, a loop entered right after such a join, a loop right inside another whose
// header takes the inner header's units, a self-call in the header (units that must
// check), a back-edge from an if arm that keeps a unit of the units both arms share
// for the check, and an outer loop whose back-edge leaves from the inner header (which
// keeps its units). Totals equal the interpreter's, exactly the fuel a call needs is enough
// and one unit less runs out.
TEST(Jit, FuelOfLoopHeadersPaidOnTheirEdgesStaysExact) {
  const char* wat = R"((module
    (func $self (export "self") (param i32) (result i32) (local i32)
      (loop $l
        (if (i32.gt_u (local.get 0) (i32.const 40)) (then (return (local.get 1))))
        (local.set 1 (i32.add (local.get 1) (call $self (i32.add (local.get 0) (i32.const 50)))))
        (local.set 0 (i32.add (local.get 0) (i32.const 7)))
        br $l)
      unreachable)
    (func (export "two_arms") (param i32) (result i32) (local i32 i32)
      (block $done
        (loop $l
          (br_if $done (i32.ge_u (local.get 1) (local.get 0)))
          (local.set 1 (i32.add (local.get 1) (i32.const 1)))
          (if (i32.and (local.get 1) (i32.const 1))
            (then (local.set 2 (i32.add (local.get 2) (i32.const 3))) (br $l)))
          (local.set 2 (i32.sub (local.get 2) (i32.const 1)))
          br $l))
      local.get 2)
    (func (export "from_join") (param i32) (result i32) (local i32)
      (block $j
        (br_if $j (i32.eqz (local.get 0)))
        (local.set 1 (i32.const 5))
        br $j)
      (block $done
        (loop $l
          (br_if $done (i32.ge_u (local.get 1) (local.get 0)))
          (block $k
            (if (i32.and (local.get 1) (i32.const 1))
              (then (local.set 1 (i32.add (local.get 1) (i32.const 3))) (br $k)))
            (local.set 1 (i32.add (local.get 1) (i32.const 1))))
          br $l))
      local.get 1)
    (func (export "nested") (param i32) (result i32) (local i32 i32)
      (block $done
        (loop $outer
          (loop $inner
            (br_if $done (i32.ge_u (local.get 1) (local.get 0)))
            (local.set 1 (i32.add (local.get 1) (i32.const 1)))
            (local.set 2 (i32.add (local.get 2) (local.get 1)))
            (br_if $outer (i32.and (local.get 1) (i32.const 3)))
            br $inner)))
      local.get 2)
    (func (export "short_arm_goes_back") (param i32) (result i32) (local i32)
      (loop $l
        (local.set 1 (i32.add (local.get 1) (i32.const 1)))
        (if (i32.lt_u (local.get 1) (local.get 0))
          (then (br $l))
          (else (local.set 1 (i32.mul (local.get 1) (i32.const 3))) (local.set 0 (i32.const 0)))))
      local.get 1)
    (func (export "outer_checks_at_inner") (param i32) (result i32) (local i32)
      (block $done
        (loop $outer
          (loop $inner
            (local.set 1 (i32.add (local.get 1) (i32.const 1)))
            (br_if $done (i32.ge_u (local.get 1) (local.get 0)))
            br $outer)))
      local.get 1))
  )";
  expect_exact_fuel_for_each(wat, {"self", "two_arms", "from_join", "nested", "short_arm_goes_back",
                                   "outer_checks_at_inner"}, 12);
}

// Loops whose headers are paid on the taken edges of the `br_if`s going back to them
// (jit_flow::LatchChecks::taken): quicksort's partition (two scans that leave after a
// turn or two, in a loop going back by a `br`, in a body with a call), a scan whose
// condition is a load, loops with a parameter (in place, and moved by the br_if), a br_if back from
// inside a block and an if, and a loop going back by a br_if and a `br`. And loops that
// check on the way round at a br_if's own charge, which pays the next turn's header in
// advance (LatchChecks::ahead; the loop's exit gives it back): quicksort's check that
// the values are sorted, a loop with two such br_ifs, and loops whose br_if's charge
// covers a call or an inner loop (which check: they keep the advance). Totals equal the
// interpreter's, exactly the fuel a call needs is enough and one unit less runs out.
TEST(Jit, FuelOfLoopsCheckedOnTheirTakenBackEdgesStaysExact) {
  const char* wat = R"((module
    (memory 1)
    (func $leaf (param i32) (result i32) local.get 0 i32.const 1 i32.add)
    (func (export "partition") (param i32) (result i32) (local i32 i32 i32)
      ;; values 7k mod 11 at k = 1..n (n = the argument + 1, 4 bytes each), between
      ;; sentinels that stop the scans, partitioned around 5
      (local.set 0 (i32.add (local.get 0) (i32.const 1)))
      (local.set 1 (i32.const 1))
      (loop $fill
        (i32.store (i32.shl (local.get 1) (i32.const 2)) (i32.rem_u (i32.mul (local.get 1) (i32.const 7)) (i32.const 11)))
        (local.set 1 (call $leaf (local.get 1)))
        (br_if $fill (i32.le_u (local.get 1) (local.get 0))))
      (i32.store (i32.const 0) (i32.const -1000))
      (i32.store (i32.shl (local.get 1) (i32.const 2)) (i32.const 1000))
      (local.set 2 (local.get 1))
      (local.set 1 (i32.const 0))
      (block $done
        (loop $for
          (loop $up
            (local.set 1 (i32.add (local.get 1) (i32.const 1)))
            (br_if $up (i32.lt_s (i32.load (i32.shl (local.get 1) (i32.const 2))) (i32.const 5))))
          (loop $down
            (local.set 2 (i32.sub (local.get 2) (i32.const 1)))
            (br_if $down (i32.gt_s (i32.load (i32.shl (local.get 2) (i32.const 2))) (i32.const 5))))
          (br_if $done (i32.ge_s (local.get 1) (local.get 2)))
          (local.set 3 (i32.load (i32.shl (local.get 1) (i32.const 2))))
          (i32.store (i32.shl (local.get 1) (i32.const 2)) (i32.load (i32.shl (local.get 2) (i32.const 2))))
          (i32.store (i32.shl (local.get 2) (i32.const 2)) (local.get 3))
          br $for))
      (i32.add (i32.mul (local.get 2) (i32.const 100)) (local.get 1)))
    (func (export "load_cond") (param i32) (result i32) (local i32)
      (memory.fill (i32.const 1000) (i32.const 1) (local.get 0))
      (i32.store8 (i32.add (local.get 0) (i32.const 1000)) (i32.const 0))
      (local.set 1 (i32.const 999))
      (loop $l
        local.get 1 i32.const 1 i32.add local.tee 1
        i32.load8_u
        br_if $l)
      (i32.sub (local.get 1) (i32.const 1000)))
    (func (export "param") (param i32) (result i32)
      local.get 0
      (loop $l (param i32) (result i32)
        i32.const 1 i32.sub
        local.tee 0
        (i32.store (i32.const 2000) (local.get 0))
        (i32.gt_s (i32.load (i32.const 2000)) (i32.const 0))
        br_if $l)
      i32.const 100 i32.add)
    (func (export "param_moves") (param i32) (result i32) (local i32 i32)
      i32.const 7
      (loop $l (param i32) (result i32)
        local.set 1
        (local.set 2 (i32.add (local.get 2) (local.get 1)))
        (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
        i32.const 9
        (i32.gt_s (local.get 0) (i32.const 0))
        br_if $l)
      local.get 2 i32.add)
    (func (export "from_inside") (param i32) (result i32) (local i32)
      (loop $l
        (local.set 1 (i32.add (local.get 1) (i32.const 2)))
        (block $b
          (br_if $b (i32.and (local.get 1) (i32.const 4)))
          (if (i32.lt_u (local.get 1) (local.get 0))
            (then (local.set 1 (i32.add (local.get 1) (i32.const 1))) (br_if $l (i32.const 1)))))
        (br_if $l (i32.lt_u (local.get 1) (local.get 0))))
      local.get 1)
    (func (export "br_if_and_br") (param i32) (result i32) (local i32)
      (block $done
        (loop $l
          (local.set 1 (i32.add (local.get 1) (i32.const 1)))
          (br_if $l (i32.and (i32.load8_u (local.get 1)) (i32.const 1)))
          (br_if $done (i32.ge_u (local.get 1) (local.get 0)))
          (local.set 1 (i32.add (local.get 1) (i32.const 2)))
          br $l))
      local.get 1)
    (func (export "sorted") (param i32) (result i32) (local i32 i32)
      (loop $fill
        (i32.store8 (i32.add (local.get 1) (i32.const 3000)) (i32.mul (local.get 1) (i32.const 3)))
        (local.set 1 (i32.add (local.get 1) (i32.const 1)))
        (br_if $fill (i32.le_u (local.get 1) (local.get 0))))
      (local.set 1 (i32.const 0))
      (loop $l
        (block $j
          (br_if $j (i32.eqz (local.get 1)))
          (br_if $j (i32.le_u (i32.load8_u offset=2999 (local.get 1)) (i32.load8_u offset=3000 (local.get 1))))
          (return (i32.const -1)))
        (local.set 2 (i32.add (i32.mul (local.get 2) (i32.const 31)) (i32.load8_u offset=3000 (local.get 1))))
        (local.set 1 (i32.add (local.get 1) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get 1) (local.get 0))))
      local.get 2)
    ;; unlike two_back_edges (a br_if, then a `br`), both back-edges pay ahead: the
    ;; first one's give-back is taken in the second one's charge
    (func (export "ahead_two") (param i32) (result i32) (local i32)
      (block $out
        (loop $l
          (br_if $out (i32.ge_u (local.get 1) (local.get 0)))
          (local.set 1 (i32.add (local.get 1) (i32.const 1)))
          (br_if $l (i32.and (local.get 1) (i32.const 1)))
          (local.set 1 (i32.add (local.get 1) (i32.const 2)))
          (br_if $l (i32.and (local.get 1) (i32.const 2)))
          (local.set 1 (i32.add (local.get 1) (i32.const 3)))))
      local.get 1)
    (func (export "ahead_call") (param i32) (result i32) (local i32)
      (block $out
        (loop $l
          (br_if $out (i32.ge_u (local.get 1) (local.get 0)))
          (local.set 1 (call $leaf (local.get 1)))
          (br_if $l (i32.and (local.get 1) (i32.const 3)))))
      local.get 1)
    (func (export "ahead_inner_loop") (param i32) (result i32) (local i32 i32)
      (block $out
        (loop $l
          (br_if $out (i32.ge_u (local.get 1) (local.get 0)))
          (local.set 1 (i32.add (local.get 1) (i32.const 1)))
          (local.set 2 (i32.const 0))
          (loop $in
            (local.set 2 (i32.add (local.get 2) (i32.const 1)))
            (br_if $in (i32.lt_u (i32.load8_u (local.get 2)) (i32.const 1))))
          (br_if $l (i32.and (local.get 1) (i32.const 3)))))
      local.get 1))
  )";
  expect_exact_fuel_for_each(wat, {"partition", "load_cond", "param", "param_moves", "from_inside", "br_if_and_br", "sorted",
                                   "ahead_two", "ahead_call", "ahead_inner_loop"}, 13);
}

// A loop whose turn is one straight block going round by the br_if before its end runs
// several turns under one check (jit_x64.cpp, unrolled_loop): with the condition a
// fused compare, a local, a load and arithmetic, with a store in the turn, nested in a
// loop, and with the exit block's code after it. Every trip count from 1 to 13 covers
// leaving from each copy and the leftover copy (exactly enough fuel, one unit less):
// totals equal the interpreter's and the least fuel is the same.
TEST(Jit, FuelOfLoopsUnderOneCheckForSeveralTurnsStaysExact) {
  const char* wat = R"((module
    (memory 1)
    (func (export "count") (param i32) (result i32) (local i32)
      (loop $l
        (local.set 1 (i32.add (local.get 1) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get 1) (local.get 0))))
      local.get 1)
    (func (export "down") (param i32) (result i32) (local i32)
      (local.set 1 (i32.add (local.get 0) (i32.const 1)))
      (loop $l
        (i32.store8 (local.get 1) (i32.const 7))
        local.get 1 i32.const 1 i32.sub local.tee 1
        br_if $l)
      (i32.load8_u (i32.const 3)))
    (func (export "scan") (param i32) (result i32) (local i32)
      (i32.store8 (i32.add (local.get 0) (i32.const 100)) (i32.const 0))
      (memory.fill (i32.const 100) (i32.const 1) (local.get 0))
      (local.set 1 (i32.const 99))
      (loop $l
        (local.set 1 (i32.add (local.get 1) (i32.const 1)))
        (br_if $l (i32.load8_u (local.get 1))))
      (i32.sub (local.get 1) (i32.const 100)))
    (func (export "masked") (param i32) (result i32) (local i32)
      (loop $l
        (local.set 1 (i32.add (local.get 1) (i32.const 1)))
        (br_if $l (i32.and (local.get 1) (local.get 0))))
      local.get 1)
    (func (export "nested") (param i32) (result i32) (local i32 i32)
      (loop $outer
        (local.set 2 (i32.const 0))
        (loop $inner
          (local.set 1 (i32.add (local.get 1) (i32.const 1)))
          (local.set 2 (i32.add (local.get 2) (i32.const 1)))
          (br_if $inner (i32.lt_u (local.get 2) (local.get 0))))
        (local.set 0 (i32.shr_u (local.get 0) (i32.const 1)))
        (br_if $outer (local.get 0)))
      local.get 1))
  )";
  expect_exact_fuel_for_each(wat, {"count", "down", "scan", "masked", "nested"}, 13);
}

// The turns such a loop runs under one check are paid when the check is taken, in
// advance like any charge: a trap in any of the four turns under one check finds the
// same fuel left, and one in the fifth finds four turns more paid. (Paid turn by turn,
// each later trap would find less.) This is how the tests know the loop is unrolled.
// A run that runs out in such a loop keeps what the check it failed did not take.
TEST(Jit, LoopUnderOneCheckForSeveralTurnsPaysThemInAdvance) {
  JitRun j(jit_config(true), R"((module
    (memory 1)
    (func (export "store_past_the_end") (param i32) (result i32)
      (loop $l
        (i32.store (local.get 0) (local.get 0))
        (local.set 0 (i32.add (local.get 0) (i32.const 4)))
        (br_if $l (i32.ne (local.get 0) (i32.const 0))))
      local.get 0))
  )");
  ASSERT_TRUE(j.translated("store_past_the_end"));
  // The fuel left after the store traps in the loop's `turn`-th turn.
  auto left_after_trap = [&](int32_t turn) {
    EXPECT_TRUE(j.store.set_fuel(1'000).ok());
    EXPECT_EQ(j.trap_of("store_past_the_end", {Value::from_i32(65536 - 4 * (turn - 1))}),
              "out of bounds memory access");
    return j.store.fuel_remaining();
  };
  const uint64_t first = left_after_trap(1);
  for (int32_t turn = 2; turn <= 4; ++turn) EXPECT_EQ(left_after_trap(turn), first) << turn;
  const uint64_t fifth = left_after_trap(5);
  ASSERT_LT(fifth, first);
  EXPECT_EQ((first - fifth) % 4, 0u);  // four turns of the same units
  const uint64_t turn_units = (first - fifth) / 4;
  // Run out in the loop with every amount of fuel up to several turns' (less than four
  // turns' at the end: the turns left over go one at a time): the check that does not
  // fit is not taken, so less than a turn's units are left.
  for (uint64_t fuel = 0; fuel <= 8 * turn_units; ++fuel) {
    ASSERT_TRUE(j.store.set_fuel(fuel).ok());
    EXPECT_EQ(j.trap_of("store_past_the_end", {Value::from_i32(0)}), "fuel exhausted") << fuel;
    EXPECT_LT(j.store.fuel_remaining(), turn_units) << fuel;
  }
}

// With fuel and a deadline, a loop that runs several turns under one fuel check still
// polls the deadline: at its header when no access of its turn does, through the
// bounds check when one does. Fuel to spare for hours: only the deadline stops them.
TEST(Jit, DeadlinesStopLoopsUnderOneFuelCheckForSeveralTurns) {
  JitRun r(jit_config(true, true), R"((module
    (memory 1)
    (func (export "counts") (local i32)
      (loop $l
        (local.set 0 (i32.add (local.get 0) (i32.const 1)))
        (br_if $l (i32.ne (local.get 0) (i32.const 0)))))
    (func (export "stores") (local i32)
      (loop $l
        (i32.store (i32.const 0) (local.get 0))
        (local.set 0 (i32.add (local.get 0) (i32.const 1)))
        (br_if $l (i32.ne (local.get 0) (i32.const 0))))))
  )");
  for (const char* name : {"counts", "stores"}) {
    ASSERT_TRUE(r.translated(name)) << name;
    ASSERT_TRUE(r.store.set_fuel(uint64_t{1} << 60).ok());
    ASSERT_TRUE(r.store.set_timeout(std::chrono::milliseconds(30)).ok());
    EXPECT_EQ(r.trap_of(name), "deadline exceeded") << name;
  }
}

// Calls in every kind of slot: the entry block, both arms of an if (their shared units
// move before it), a loop's turn, a closed block, a loop's exit; a callee that stays
// interpreted; callees compiled only on their first call (lazy compilation: the first
// call goes through C++); mutual recursion; calls of a function to itself, which pay the
// callee's entry charge with their own block and enter past it (in an if's arms, in a
// loop). Totals equal the interpreter's, exactly the fuel a call needs is enough and one
// unit less runs out, in both compilation modes.
TEST(Jit, FuelStaysExactAcrossCallsInEverySlotEagerAndLazy) {
  const char* wat = R"((module
    (func $leaf (param i32) (result i32) local.get 0 i32.const 3 i32.add)
    (func $branchy (param i32) (result i32)
      local.get 0 i32.const 4 i32.lt_u if (result i32) local.get 0 else local.get 0 i32.const 1 i32.shr_u end)
    (func $simd (param i32) (result i32) local.get 0 i32x4.splat i32x4.extract_lane 1)
    (func $even (param i32) (result i32)
      local.get 0 i32.eqz if (result i32) i32.const 1 else local.get 0 i32.const 1 i32.sub call $odd end)
    (func $odd (param i32) (result i32)
      local.get 0 i32.eqz if (result i32) i32.const 0 else local.get 0 i32.const 1 i32.sub call $even end)
    (func (export "entry") (param i32) (result i32)
      local.get 0 call $leaf call $branchy local.get 0 call $simd i32.add)
    (func (export "arms") (param i32) (result i32)
      local.get 0 i32.const 2 i32.and
      if (result i32) local.get 0 call $leaf call $leaf else local.get 0 call $branchy call $leaf end)
    (func (export "turns") (param i32) (result i32) (local i32)
      (loop $l
        (local.set 1 (i32.add (local.get 1) (call $branchy (local.get 0))))
        (br_if $l (i32.gt_s (local.tee 0 (i32.sub (local.get 0) (i32.const 1))) (i32.const 0))))
      (block $b local.get 1 call $leaf local.set 1)
      local.get 1)
    (func (export "exit") (param i32) (result i32) (local i32)
      (loop $l
        (local.set 1 (i32.add (local.get 1) (local.get 0)))
        (br_if $l (i32.gt_s (local.tee 0 (i32.sub (local.get 0) (i32.const 1))) (i32.const 0)))
        local.get 1 call $simd call $leaf local.set 1)
      local.get 1)
    (func (export "parity") (param i32) (result i32) local.get 0 call $even)
    (func $fibr (export "fibr") (param i32) (result i32)
      local.get 0 i32.const 2 i32.lt_u
      if (result i32) local.get 0
      else local.get 0 i32.const 1 i32.sub call $fibr local.get 0 i32.const 2 i32.sub call $fibr i32.add end)
    (func $halves (export "halves") (param i32) (result i32) (local i32)
      (loop $l
        (if (i32.gt_u (local.get 0) (i32.const 1))
          (then (local.set 1 (i32.add (local.get 1) (call $halves (i32.shr_u (local.get 0) (i32.const 1)))))))
        (br_if $l (i32.gt_s (local.tee 0 (i32.sub (local.get 0) (i32.const 1))) (i32.const 0))))
      local.get 1 i32.const 1 i32.add))
  )";
  for (bool lazy : {false, true}) {
    EngineConfig jc = jit_config(true), interp;
    jc.lazy_compilation = lazy;
    interp.lazy_compilation = lazy;
    interp.fuel_metering = true;
    for (const char* f : {"entry", "arms", "turns", "exit", "parity", "fibr", "halves"}) {
      // A fresh run for each: with lazy compilation the first call meets uncompiled callees.
      JitRun j(jc, wat), i(interp, wat);
      for (uint32_t arg : {0u, 1u, 2u, 3u, 6u, 7u, 11u}) {
        const std::string what = std::string(f) + "(" + std::to_string(arg) + ")" + (lazy ? " lazy" : "");
        expect_exact_fuel(j, i, f, {Value::from_i32(arg)}, what);
        ASSERT_TRUE(j.translated(f)) << what;
      }
    }
  }
  // Endless mutual recursion, and endless self-recursion, through calls in if arms (no
  // call in an entry block) run out of fuel before the stack.
  JitRun r(jit_config(true), R"((module
    (func $ping (export "ping") (param i32) (result i32)
      local.get 0 i32.const -1 i32.ne if (result i32) local.get 0 i32.const 1 i32.add call $pong else i32.const 0 end)
    (func $pong (param i32) (result i32)
      local.get 0 i32.const -1 i32.ne if (result i32) local.get 0 i32.const 1 i32.add call $ping else i32.const 1 end)
    (func $deep (export "deep") (param i32) (result i32)
      local.get 0 i32.const -1 i32.ne if (result i32) local.get 0 i32.const 1 i32.add call $deep else i32.const 0 end))
  )");
  for (const char* f : {"ping", "deep"}) {
    ASSERT_TRUE(r.store.set_fuel(3'000).ok());
    EXPECT_EQ(r.trap_of(f, {Value::from_i32(0)}), "fuel exhausted") << f;
  }
}

// Fuel is checked only at entries and loop headers, and a loop whose every turn calls
// leaves the check to the callee (its entry, or C++ before a host or interpreted
// callee), and an outer loop to a nested loop that checks: endless loops of each kind,
// and endless recursion, still run out.
TEST(Jit, FuelRunsOutInEveryKindOfCycle) {
  // With a deadline too, far beyond what 200,000 units take: a cycle that passes no
  // check ends in "deadline exceeded" and fails below instead of hanging the suite.
  JitRun r(jit_config(true, true), R"((module
    (import "host" "nop" (func $host))
    (func $leaf (param i32) (result i32) local.get 0 i32.const 1 i32.add)
    (func $simd (param i32) (result i32) local.get 0 i32x4.splat i32x4.extract_lane 2)
    (func (export "spin") (local i32)
      (loop $l (local.set 0 (i32.add (local.get 0) (i32.const 1))) br $l))
    (func (export "calls_translated") (local i32)
      (loop $l (local.set 0 (call $leaf (local.get 0))) br $l))
    (func (export "calls_interpreted") (local i32)
      (loop $l (local.set 0 (call $simd (local.get 0))) br $l))
    (func (export "calls_host") (loop $l (call $host) br $l))
    (func (export "nested") (local i32)
      (loop $outer
        (loop $inner (br_if $inner (i32.eqz (local.get 0))))
        (local.set 0 (i32.const 0))
        br $outer))
    (func (export "nested_calls") (local i32)
      (loop $outer
        (loop $inner (local.set 0 (call $leaf (local.get 0))) (br_if $inner (i32.eqz (local.get 0))))
        br $outer))
    (func (export "exits_first") (local i32)
      (block $out
        (loop $l
          (br_if $out (i32.eqz (i32.const 1)))
          (local.set 0 (i32.add (local.get 0) (i32.const 1)))
          br $l)))
    (func (export "nested_exits_first") (local i32)
      (local.set 0 (call $leaf (i32.const 0)))
      (loop $outer
        (loop $inner
          (block $b
            (br_if $b (local.get 0))
            (local.set 0 (i32.const 1))
            br $inner))
        br $outer))
    (func (export "exits_via_join") (local i32)
      (block $out
        (loop $l
          (br_if $out (i32.eqz (i32.const 1)))
          (block $j
            (if (local.get 0) (then (br $j)))
            (br_if $out (i32.const 0)))
          br $l)))
    (func (export "header_on_edges") (local i32)
      (loop $l
        (if (i32.and (local.get 0) (i32.const 1))
          (then (local.set 0 (i32.add (local.get 0) (i32.const 3))) (br $l)))
        (local.set 0 (i32.add (local.get 0) (i32.const 1)))
        br $l))
    (func (export "arm_goes_back") (local i32)
      (loop $l
        (local.set 0 (i32.add (local.get 0) (i32.const 1)))
        (if (local.get 0) (then (br $l)) (else (local.set 0 (i32.const 1)) (br $l)))))
    (func (export "outer_at_inner") (local i32)
      (loop $outer
        (loop $inner
          (local.set 0 (i32.add (local.get 0) (i32.const 1)))
          br $outer)))
    (func (export "outer_at_inner_br_if") (local i32)
      (loop $outer
        (loop $inner
          (local.set 0 (i32.add (local.get 0) (i32.const 1)))
          (br_if $outer (i32.const 1))
          br $outer)))
    (func (export "unrolled") (local i32)
      (loop $l
        (local.set 0 (i32.add (local.get 0) (i32.const 1)))
        (br_if $l (i32.ne (local.get 0) (i32.const 0)))))
    (func (export "unrolled_in_outer") (local i32)
      (loop $outer
        (loop $inner
          (local.set 0 (i32.add (local.get 0) (i32.const 1)))
          (br_if $inner (i32.and (local.get 0) (i32.const 7))))
        br $outer))
    (func (export "ahead") (local i32)
      (block $out
        (loop $l
          (br_if $out (i32.eqz (i32.const 1)))
          (local.set 0 (i32.add (local.get 0) (i32.const 1)))
          (br_if $l (i32.ne (local.get 0) (i32.const -1))))))
    (func (export "taken_scan")
      (loop $l (br_if $l (i32.load (i32.const 0)))))
    (func (export "taken_const") (local i32)
      (loop $l (local.set 0 (i32.add (local.get 0) (i32.const 1))) (br_if $l (i32.const 1))))
    (func (export "outer_of_taken") (local i32)
      (local.set 0 (call $leaf (i32.const 0)))
      (loop $outer
        (loop $inner (br_if $inner (i32.load (i32.const 4))))
        br $outer))
    (func $recurse (export "recurse") (param i32) (result i32)
      local.get 0 i32.const 1 i32.add call $recurse)
    (memory 1)
    (data (i32.const 0) "\01"))
  )", [](JitRun& run) {
    run.linker.define_func(run.store, "host", "nop", FuncType{{}, {}},
                           [](Caller&, const Value*, Value*) { return Trap(); });
  });
  // exits_first checks on the way round, not at its header (jit_flow::LatchChecks), and
  // exits_via_join at the charges before the join its back-edge leaves from; in
  // nested_exits_first such a loop falls out on its first turn, every time, so the outer
  // loop (whose body calls nothing) cannot count on the inner loop's check.
  // unrolled and unrolled_in_outer run several turns under one check (unrolled_loop).
  // taken_scan and taken_const check on their br_if's taken edge (LatchChecks::taken),
  // ahead at a br_if's charge that pays the next turn in advance (LatchChecks::ahead);
  // in outer_of_taken such a loop leaves on its first turn, every time, so the outer
  // loop cannot count on the inner loop's check.
  for (const char* name : {"spin", "calls_translated", "calls_interpreted", "calls_host", "nested",
                           "nested_calls", "exits_first", "nested_exits_first", "exits_via_join",
                           "unrolled", "unrolled_in_outer", "header_on_edges", "arm_goes_back", "outer_at_inner",
                           "outer_at_inner_br_if", "taken_scan", "taken_const", "outer_of_taken", "ahead"}) {
    ASSERT_TRUE(r.translated(name)) << name;
    ASSERT_TRUE(r.store.set_timeout(std::chrono::seconds(20)).ok());
    ASSERT_TRUE(r.store.set_fuel(200'000).ok());
    EXPECT_EQ(r.trap_of(name), "fuel exhausted") << name;
    EXPECT_LT(r.store.fuel_remaining(), 100u) << name;  // less than a turn's units
  }
  ASSERT_TRUE(r.store.set_fuel(2'000).ok());  // runs out before the stack does
  EXPECT_EQ(r.trap_of("recurse", {Value::from_i32(0)}), "fuel exhausted");
}

TEST(Jit, ResultsAndBranchValuesLandInTheRightSlots) {
  JitRun r(jit_config(), R"((module
    (func (export "swap") (param i64 i64) (result i64 i64) local.get 1 local.get 0)
    (func (export "swap_ret") (param i64 i64) (result i64 i64) local.get 1 local.get 0 return)
    (func (export "table") (param i32) (result i32)
      (block (result i32) (block (result i32) (block (result i32)
        i32.const 10 local.get 0 br_table 0 1 2) i32.const 1 i32.add) i32.const 100 i32.add))
    (func (export "loop_sum") (param i32) (result i32) (local i32)
      (loop $l
        local.get 1 local.get 0 i32.add local.set 1
        local.get 0 i32.const 1 i32.sub local.tee 0
        br_if $l)
      local.get 1)
    (func (export "tee_keeps_old") (param i32) (result i32)
      local.get 0 i32.const 5 local.set 0 local.get 0 i32.sub))
  )");
  std::vector<Value> out;
  ASSERT_TRUE(r.call("swap", {Value::from_i64(1), Value::from_i64(2)}, &out).ok());
  EXPECT_EQ(out[0].i64, 2u);
  EXPECT_EQ(out[1].i64, 1u);
  ASSERT_TRUE(r.call("swap_ret", {Value::from_i64(3), Value::from_i64(4)}, &out).ok());
  EXPECT_EQ(out[0].i64, 4u);
  EXPECT_EQ(out[1].i64, 3u);
  EXPECT_EQ(r.call_bits("table", {Value::from_i32(0)}), 111u);
  EXPECT_EQ(r.call_bits("table", {Value::from_i32(1)}), 110u);
  EXPECT_EQ(r.call_bits("table", {Value::from_i32(2)}), 10u);
  EXPECT_EQ(r.call_bits("table", {Value::from_i32(99)}), 10u);
  EXPECT_EQ(r.call_bits("loop_sum", {Value::from_i32(100)}), 5050u);
  // local.get's value is read before the local.set that follows it.
  EXPECT_EQ(r.call_bits("tee_keeps_old", {Value::from_i32(12)}), 7u);
}

TEST(Jit, GivesTheInterpretersAnswers) {
  // Integer and float edge cases through every inline form (constant and slot
  // operands), compared with the interpreter on the same module.
  const char* wat = R"((module
    (func (export "clz32") (param i32) (result i32) local.get 0 i32.clz)
    (func (export "ctz64") (param i64) (result i64) local.get 0 i64.ctz)
    (func (export "clz64") (param i64) (result i64) local.get 0 i64.clz)
    (func (export "rotl") (param i32 i32) (result i32) local.get 0 local.get 1 i32.rotl)
    (func (export "shr_s64") (param i64 i64) (result i64) local.get 0 local.get 1 i64.shr_s)
    (func (export "rem_u") (param i32 i32) (result i32) local.get 0 local.get 1 i32.rem_u)
    (func (export "feq") (param f64 f64) (result i32) local.get 0 local.get 1 f64.eq)
    (func (export "fne") (param f32 f32) (result i32) local.get 0 local.get 1 f32.ne)
    (func (export "flt") (param f64 f64) (result i32) local.get 0 local.get 1 f64.lt)
    (func (export "fge") (param f32 f32) (result i32) local.get 0 local.get 1 f32.ge)
    (func (export "fmin") (param f64 f64) (result f64) local.get 0 local.get 1 f64.min)
    (func (export "copysign") (param f32 f32) (result f32) local.get 0 local.get 1 f32.copysign)
    (func (export "u32_to_f32") (param i32) (result f32) local.get 0 f32.convert_i32_u)
    (func (export "u64_to_f64") (param i64) (result f64) local.get 0 f64.convert_i64_u)
    (func (export "trunc") (param f64) (result i32) local.get 0 i32.trunc_f64_s)
    (func (export "trunc_sat") (param f32) (result i64) local.get 0 i64.trunc_sat_f32_u)
    (func (export "ext8") (param i64) (result i64) local.get 0 i64.extend8_s)
    (func (export "wrap_ext") (param i64) (result i64) local.get 0 i32.wrap_i64 i64.extend_i32_s)
    (func (export "sel") (param i64 i64 i32) (result i64) local.get 0 local.get 1 local.get 2 select)
    (func (export "lt_branch") (param i32 i32) (result i32)
      local.get 0 local.get 1 i32.lt_s if (result i32) i32.const 1 else i32.const 2 end)
    (func (export "big_const") (param i64) (result i64) local.get 0 i64.const 0x123456789abcdef0 i64.xor))
  )";
  EngineConfig interp;
  interp.lazy_compilation = false;
  JitRun j(jit_config(), wat), i(interp, wat);
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const float nanf = std::numeric_limits<float>::quiet_NaN();
  struct Case {
    const char* name;
    std::vector<Value> args;
  };
  const std::vector<Case> cases = {
      {"clz32", {Value::from_i32(0)}}, {"clz32", {Value::from_i32(1)}},
      {"clz32", {Value::from_i32(0x80000000)}}, {"ctz64", {Value::from_i64(0)}},
      {"ctz64", {Value::from_i64(1ull << 40)}}, {"clz64", {Value::from_i64(0)}},
      {"clz64", {Value::from_i64(3)}}, {"rotl", {Value::from_i32(0x80000001), Value::from_i32(33)}},
      {"shr_s64", {Value::from_i64(~0ull << 4), Value::from_i64(68)}},
      {"rem_u", {Value::from_i32(0xFFFFFFFF), Value::from_i32(7)}},
      {"feq", {Value::from_f64(nan), Value::from_f64(nan)}}, {"feq", {Value::from_f64(0.0), Value::from_f64(-0.0)}},
      {"fne", {Value::from_f32(nanf), Value::from_f32(1)}}, {"fne", {Value::from_f32(2), Value::from_f32(2)}},
      {"flt", {Value::from_f64(nan), Value::from_f64(1)}}, {"flt", {Value::from_f64(-1), Value::from_f64(1)}},
      {"fge", {Value::from_f32(1), Value::from_f32(nanf)}}, {"fge", {Value::from_f32(3), Value::from_f32(3)}},
      {"fmin", {Value::from_f64(0.0), Value::from_f64(-0.0)}}, {"fmin", {Value::from_f64(nan), Value::from_f64(1)}},
      {"copysign", {Value::from_f32(3), Value::from_f32(-0.0f)}},
      {"u32_to_f32", {Value::from_i32(0xFFFFFFFF)}}, {"u64_to_f64", {Value::from_i64(~0ull)}},
      {"trunc", {Value::from_f64(-2147483648.9)}}, {"trunc_sat", {Value::from_f32(-1)}},
      {"trunc_sat", {Value::from_f32(1e30f)}}, {"ext8", {Value::from_i64(0x80)}},
      {"wrap_ext", {Value::from_i64(0x1234567880000000ull)}},
      {"sel", {Value::from_i64(1), Value::from_i64(2), Value::from_i32(0)}},
      {"sel", {Value::from_i64(1), Value::from_i64(2), Value::from_i32(9)}},
      {"lt_branch", {Value::from_i32(-1), Value::from_i32(0)}},
      {"lt_branch", {Value::from_i32(0), Value::from_i32(-1)}},
      {"big_const", {Value::from_i64(0xFFFF)}},
  };
  for (const Case& c : cases) {
    ASSERT_TRUE(j.translated(c.name)) << c.name;
    std::vector<Value> rj, ri;
    Trap tj = j.call(c.name, c.args, &rj);
    Trap ti = i.call(c.name, c.args, &ri);
    ASSERT_EQ(tj.ok(), ti.ok()) << c.name;
    if (!tj.ok()) {
      EXPECT_EQ(tj.message(), ti.message()) << c.name;
      continue;
    }
    ASSERT_EQ(rj.size(), ri.size());
    for (size_t k = 0; k < rj.size(); ++k) {
      // NaNs may differ in payload between x86 and C++ only where wasm allows it; these
      // cases produce none.
      EXPECT_EQ(rj[k].bits, ri[k].bits) << c.name << " result " << k;
    }
  }
}

}  // namespace
}  // namespace midimon::wasm

namespace midimon::wasm {
namespace {

// A charge of more than 127 units has another encoding than a small one (jit_x64.cpp,
// sub_fuel): entry blocks and loop turns of 40 to 400 instructions, each used exactly.
TEST(Jit, ChargesOfEverySizeAreTakenExactly) {
  for (uint32_t n : {40u, 126u, 127u, 128u, 129u, 400u}) {
    std::string nops;
    for (uint32_t i = 0; i < n; ++i) nops += " nop";
    const std::string wat = R"((module
      (func (export "f") (param i32) (result i32))" + nops + R"(
        (loop $l)" + nops + R"(
          (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
        local.get 0))
    )";
    EngineConfig ic;
    ic.lazy_compilation = false;
    ic.fuel_metering = true;
    JitRun j(jit_config(true), wat), i(ic, wat);
    for (uint32_t turns : {1u, 3u}) {
      const std::string what = std::to_string(n) + " nops, " + std::to_string(turns) + " turns";
      const FuelRun run = expect_exact_fuel(j, i, "f", {Value::from_i32(turns)}, what);
      EXPECT_EQ(run.result, 0u) << what;
      EXPECT_GT(run.need, uint64_t{n} * (turns + 1)) << what;
    }
  }
}

// A checked charge that does not fit is not taken: its out-of-line path gives the units
// back (an `add` written as its bytes) before the trap, so the fuel left is what was
// left before it, for charges of every size.
TEST(Jit, ACheckedChargeThatDoesNotFitLeavesTheFuelAsItWas) {
  for (uint32_t n : {40u, 127u, 128u, 400u}) {
    std::string nops;
    for (uint32_t i = 0; i < n; ++i) nops += " nop";
    // Two loops, each a turn of n nops and a `br`; the entry's charge is found first.
    JitRun j(jit_config(true), R"((module
      (func (export "spin") (param i32)
        (if (local.get 0) (then (loop $a)" + nops + R"( br $a)))
        (loop $b)" + nops + R"( br $b))))");
    const uint64_t turn = n + 1;
    for (int32_t which : {0, 1}) {
      for (uint64_t spare : {uint64_t{0}, turn / 2, turn - 1}) {
        const std::string what = std::to_string(n) + " nops, loop " + std::to_string(which) + ", " +
                                 std::to_string(spare) + " spare";
        ASSERT_TRUE(j.store.set_fuel(1'000'000).ok());
        ASSERT_EQ(j.trap_of("spin", {Value::from_i32(which)}), "fuel exhausted") << what;
        const uint64_t entry = (1'000'000 - j.store.fuel_remaining()) % turn;
        ASSERT_TRUE(j.store.set_fuel(entry + 5 * turn + spare).ok());
        EXPECT_EQ(j.trap_of("spin", {Value::from_i32(which)}), "fuel exhausted") << what;
        EXPECT_EQ(j.store.fuel_remaining(), spare) << what;
      }
    }
  }
}

}  // namespace
}  // namespace midimon::wasm
