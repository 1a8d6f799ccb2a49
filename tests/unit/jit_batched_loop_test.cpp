// With fuel, machine code charges a small counted loop several turns at once
// (jit_x64.cpp, batched_loop): one charge for kTurns turns, a refund when the loop leaves
// early, and a turn-at-a-time copy for when the batch does not fit. These tests check
// which loops are batched, and that every trip count (leaving after each copy, and
// through the turn-at-a-time copy) uses exactly the interpreter's fuel, that exactly
// that much is enough and any less runs out, and that traps inside the loop are the
// interpreter's.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "jit_run.h"

namespace midimon::wasm {
namespace {

const char* kLoops = R"((module
  (memory 1)
  ;; down: the br_if tests a local.tee (counts n, n-1, ..., 1)
  (func (export "down") (param i32) (result i32) (local i32)
    (loop $l
      (local.set 1 (i32.add (local.get 1) (local.get 0)))
      (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
    local.get 1)
  ;; up: a counter compared with a bound in a local
  (func (export "up") (param i32) (result i32) (local i32 i32)
    (loop $l
      (local.set 2 (i32.add (local.get 2) (i32.const 3)))
      (br_if $l (i32.lt_u (local.tee 1 (i32.add (local.get 1) (i32.const 1))) (local.get 0))))
    local.get 2)
  ;; wide: i64 counter against a constant bound, the body writes memory
  (func (export "wide") (param i32) (result i64) (local i64)
    (i64.store (i32.const 64) (i64.const 0))
    (local.set 1 (i64.extend_i32_u (local.get 0)))
    (loop $l
      (i64.store (i32.const 64) (i64.add (i64.load (i32.const 64)) (local.get 1)))
      (br_if $l (i64.ne (local.tee 1 (i64.add (local.get 1) (i64.const 1))) (i64.const 40))))
    (i64.load (i32.const 64)))
  ;; fill: stores at an address that walks off the memory's end for large n
  (func (export "fill") (param i32) (result i32) (local i32)
    (loop $l
      (i32.store8 (local.get 1) (i32.const 7))
      (br_if $l (i32.ne (local.tee 1 (i32.add (local.get 1) (i32.const 4096))) (local.get 0))))
    local.get 1)
  ;; nested: the inner loop is batched inside an outer loop that is not
  (func (export "nested") (param i32) (result i32) (local i32 i32 i32)
    (loop $outer
      (local.set 2 (local.get 0))
      (loop $inner
        (local.set 3 (i32.add (local.get 3) (local.get 2)))
        (br_if $inner (local.tee 2 (i32.sub (local.get 2) (i32.const 1)))))
      (br_if $outer (i32.lt_u (local.tee 1 (i32.add (local.get 1) (i32.const 1))) (i32.const 3))))
    local.get 3)
  ;; search: the exit test reads memory (a scan, often short): not batched
  (func (export "search") (param i32) (result i32)
    (loop $l
      (br_if $l (i32.lt_u (i32.load8_u (local.tee 0 (i32.add (local.get 0) (i32.const 1))))
                          (i32.const 5))))
    local.get 0)
  ;; branchy: a branch inside the turn: not batched
  (func (export "branchy") (param i32) (result i32) (local i32)
    (loop $l
      (if (i32.and (local.get 0) (i32.const 1)) (then (local.set 1 (i32.add (local.get 1) (i32.const 1)))))
      (br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))
    local.get 1))
)";

const std::vector<const char*> kFuncs = {"down", "up", "wide", "fill", "nested", "search", "branchy"};

uint32_t batched(JitRun& r, const char* name) {
  const FuncInst* f = r.instance->get_func(name);
  if (f->code == nullptr || f->code->jit_code == nullptr) return 999;
  return jit_batched_loops(*f->code->jit_code);
}

TEST(JitBatchedLoop, OnlySmallCountedLoopsWithOneBlockPerTurnAreBatched) {
  JitRun r(jit_config(true), kLoops);
  EXPECT_EQ(batched(r, "down"), 1u);
  EXPECT_EQ(batched(r, "up"), 1u);
  EXPECT_EQ(batched(r, "wide"), 1u);
  EXPECT_EQ(batched(r, "fill"), 1u);
  EXPECT_EQ(batched(r, "nested"), 1u);   // the inner loop
  EXPECT_EQ(batched(r, "search"), 0u);   // exit test loads from memory
  EXPECT_EQ(batched(r, "branchy"), 0u);  // an if in the turn
  // Without fuel nothing is batched (there is no per-turn charge to save).
  JitRun plain(jit_config(false, true), kLoops);
  for (const char* f : kFuncs) EXPECT_EQ(batched(plain, f), 0u) << f;
}

// Trip counts 1..11 leave after each of the batch's copies, and with budgets just under
// and over what a run needs the batch does not fit and the turn-at-a-time copy finishes.
TEST(JitBatchedLoop, FuelIsTheInterpretersForEveryTripCountAndBudget) {
  for (bool deadline : {false, true}) {
    EngineConfig jc = jit_config(true, deadline), ic;
    ic.lazy_compilation = false;
    ic.fuel_metering = true;
    ic.deadline_checks = deadline;
    JitRun j(jc, kLoops), i(ic, kLoops);
    for (const char* f : kFuncs) {
      for (uint32_t n = 1; n <= 11; ++n) {
        const uint32_t arg = std::string(f) == "fill" ? n * 4096 : std::string(f) == "wide" ? 40 - n : n;
        const std::string what = std::string(f) + "(" + std::to_string(arg) + ")" + (deadline ? " deadline" : "");
        ASSERT_TRUE(j.store.set_fuel(1'000'000).ok());
        ASSERT_TRUE(i.store.set_fuel(1'000'000).ok());
        const uint64_t rj = j.call_bits(f, {Value::from_i32(arg)});
        EXPECT_EQ(rj, i.call_bits(f, {Value::from_i32(arg)})) << what;
        const uint64_t need = 1'000'000 - j.store.fuel_remaining();
        EXPECT_EQ(j.store.fuel_remaining(), i.store.fuel_remaining()) << what;
        for (uint64_t budget = need > 40 ? need - 40 : 0; budget <= need + 3; ++budget) {
          ASSERT_TRUE(j.store.set_fuel(budget).ok());
          std::vector<Value> out;
          const Trap t = j.call(f, {Value::from_i32(arg)}, &out);
          if (budget >= need) {
            ASSERT_TRUE(t.ok()) << what << " with " << budget << " of " << need << ": " << t.message();
            EXPECT_EQ(out[0].bits, rj) << what << " with " << budget;
            EXPECT_EQ(j.store.fuel_remaining(), budget - need) << what << " with " << budget;
          } else {
            EXPECT_EQ(t.ok() ? "no trap" : t.message(), "fuel exhausted")
                << what << " with " << budget << " of " << need;
          }
        }
      }
    }
  }
}

TEST(JitBatchedLoop, ATrapInsideABatchedLoopIsTheInterpreters) {
  EngineConfig ic;
  ic.lazy_compilation = false;
  ic.fuel_metering = true;
  JitRun j(jit_config(true), kLoops), i(ic, kLoops);
  ASSERT_EQ(batched(j, "fill"), 1u);
  // 17 pages' worth of stores, in a memory of one: out of bounds on the 17th turn.
  ASSERT_TRUE(j.store.set_fuel(1'000'000).ok());
  ASSERT_TRUE(i.store.set_fuel(1'000'000).ok());
  EXPECT_EQ(j.trap_of("fill", {Value::from_i32(40 * 4096)}), "out of bounds memory access");
  EXPECT_EQ(i.trap_of("fill", {Value::from_i32(40 * 4096)}), "out of bounds memory access");
  // Endless (the counter never meets the bound): fuel stops it.
  ASSERT_TRUE(j.store.set_fuel(100'000).ok());
  EXPECT_EQ(j.trap_of("down", {Value::from_i32(0)}), "fuel exhausted");  // 0 - 1 wraps: 2^32 turns
  EXPECT_EQ(j.store.fuel_remaining() < 10u, true) << j.store.fuel_remaining();
}

}  // namespace
}  // namespace midimon::wasm
