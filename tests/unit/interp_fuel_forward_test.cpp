// Fuel charged by the branch or call that enters a block (code.h, "Sandbox
// instrumentation"): forward br / br_if / if / br_table (BrTable_F) and direct and
// indirect calls (Call_F, CallIndirect_F) pay their target's cost themselves and jump
// past its Fuel op. The accounting must stay that of the per-block model: the same totals
// and the same stopping points (a charge that does not fit is not taken), with fuel alone
// and with deadline checks too, compiled lazily or at load.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "engine_configs.h"
#include "handler_count_util.h"
#include "wat_util.h"
#include "wasm/code.h"
#include "wasm/engine.h"
#include "wasm/linker.h"
#include "wasm/module.h"
#include "wasm/store.h"

namespace midimon::wasm {
namespace {

// Block costs (one unit per instruction, an end counted in the block it closes; code
// after an unconditional branch is dead until the next label, and costs nothing). A block
// entered by falling in, or by the br that ends the block before it, is charged with
// that block ("falls into", "br $d"):
const char* kModule = R"((module
  (type $t (func (param i32) (result i32)))
  (table funcref (elem $callee))
  ;; entry {block x4, local.get, br_table} 6; A {const, const, add, set, br $d} 5;
  ;; B {const, set, br $d} 3; C {const, set, end $d} 3 and falls into D; D {get, end} 2.
  (func (export "switch") (param i32) (result i32) (local i32)
    (block $d (block $c (block $b (block $a
      (br_table $a $b $c $d (local.get 0)))
      (local.set 1 (i32.add (i32.const 10) (i32.const 1))) (br $d))
      (local.set 1 (i32.const 20)) (br $d))
      (local.set 1 (i32.const 30)))
    (local.get 1))
  ;; entry {get, if} 2; then {const, set, end} 3 and falls into the end; end {get, end} 2.
  (func (export "if_no_else") (param i32) (result i32)
    (if (local.get 0) (then (local.set 0 (i32.const 5))))
    (local.get 0))
  ;; entry {get, if} 2; then {const, const, add, else} 4 (its br to the end: "br $end");
  ;; else {const, end} 2 (falls into the end); end {end} 1.
  (func (export "if_else") (param i32) (result i32)
    (if (result i32) (local.get 0)
      (then (i32.add (i32.const 1) (i32.const 2))) (else (i32.const 9))))
  ;; entry {block, const, get, br_if} 4 (the value must move: BrUnless_FB, then the
  ;; moves and a Br_FB); fall-through {drop, const, end $b} 3; end {end} 1.
  (func (export "brif_moves") (param i32) (result i32)
    (block $b (result i32)
      (br_if $b (i32.const 7) (local.get 0)) (drop) (i32.const 8)))
  ;; entry {const, get, br_if} 3 (returns when taken); fall-through {drop, const, end} 3.
  (func (export "brif_return") (param i32) (result i32)
    (br_if 0 (i32.const 3) (local.get 0)) (drop) (i32.const 4))
  ;; entry {block, get, br_if} 3 (a fused compare-free forward br_if);
  ;; fall-through {const, set, end $b} 3; end {get, end} 2.
  (func (export "brif_fwd") (param i32) (result i32)
    (block $b (br_if $b (local.get 0)) (local.set 0 (i32.const 6)))
    (local.get 0))
  ;; entry {block x3, get, br_if} 5; its fall-through {br $y} 1 + Y; X {const, set,
  ;; br $z} 3 + Z; Y {const, set, br $z} 3 + Z; Z {get, end} 2 (only branches reach it).
  ;; The fall-through's charge 1 + (3 + 2) needs Y's own addition before its own.
  (func (export "chain") (param i32) (result i32)
    (block $z
      (block $y
        (block $x
          (br_if $x (local.get 0))
          (br $y))
        (local.set 0 (i32.const 3)) (br $z))
      (local.set 0 (i32.const 4)) (br $z))
    (local.get 0))
  ;; {get, const, add, end} 4
  (func $callee (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))
  ;; {get, call, end} 3, then the callee's 4
  (func (export "call") (param i32) (result i32) (call $callee (local.get 0)))
  ;; {get, const, call_indirect, end} 4, then the callee's 4
  (func (export "call_indirect") (param i32) (result i32)
    (call_indirect (type $t) (local.get 0) (i32.const 0)))
  ;; entry {get, if} 2; then {get, const, sub, call, const, add, else} 7, its br to the
  ;; end 1, and the callee's (its own) entry 2: the call of itself is a Call_S, paid
  ;; with the block it is in; else {const, end} 2 falls into the end {end} 1.
  (func $rec (export "rec") (param i32) (result i32)
    (if (result i32) (local.get 0)
      (then (i32.add (call $rec (i32.sub (local.get 0) (i32.const 1))) (i32.const 1)))
      (else (i32.const 0))))
))";

struct Case {
  const char* func;
  uint32_t arg;
  uint32_t result;
  // Each charge on the path, in order: a block's cost when it is entered by a branch or a
  // call, plus, when it falls into the next block or ends with a br forward, that
  // block's (merged, code.h).
  std::vector<int64_t> blocks;
};

const Case kCases[] = {
    {"switch", 0, 11, {6, 7}},      {"switch", 1, 20, {6, 5}}, {"switch", 2, 30, {6, 5}},
    {"switch", 3, 0, {6, 2}},       {"switch", 9, 0, {6, 2}},     {"if_no_else", 1, 5, {2, 5}},
    {"if_no_else", 0, 0, {2, 2}},   {"if_else", 1, 3, {2, 5}}, {"if_else", 0, 9, {2, 3}},
    {"brif_moves", 1, 7, {4, 1}},   {"brif_moves", 0, 8, {4, 4}},
    {"brif_return", 1, 3, {3}},     {"brif_return", 0, 4, {3, 3}},
    {"brif_fwd", 1, 1, {3, 2}},     {"brif_fwd", 0, 6, {3, 5}},
    {"chain", 1, 3, {5, 5}},        {"chain", 0, 4, {5, 6}},
    {"call", 5, 6, {3, 4}},         {"call_indirect", 5, 6, {4, 4}},
    {"rec", 0, 0, {2, 3}},          {"rec", 1, 1, {2, 10, 3}},  {"rec", 2, 2, {2, 10, 10, 3}},
};

struct Instance1 {
  Engine engine;
  Store store;
  Linker linker;
  std::shared_ptr<const Module> module;
  Instance* inst = nullptr;

  explicit Instance1(EngineConfig cfg) : engine(cfg), store(engine) {
    auto m = Module::compile(engine, test::wat2wasm(kModule));
    EXPECT_TRUE(m.ok()) << m.error().to_string();
    if (!m.ok()) return;
    module = *m;
    auto r = linker.instantiate(store, module);
    EXPECT_TRUE(r.ok()) << r.error().to_string();
    if (r.ok()) inst = *r;
  }
  // The trap message ("" when none); `*out` = the result.
  std::string call(const char* name, uint32_t arg, uint32_t* out) {
    FuncInst* f = inst->get_func(name);
    if (!f) return std::string("no export ") + name;
    std::vector<Value> results(1);
    Trap t = store.call(f, std::vector<Value>{Value::from_i32(arg)}, results);
    *out = results[0].i32;
    return t.ok() ? "" : t.message();
  }
  int64_t& fuel() { return store.exec().fuel; }
};

class FuelForward : public ::testing::TestWithParam<int> {
 protected:
  EngineConfig config() const { return test::fuel_config(GetParam()); }
};

TEST_P(FuelForward, TotalsAreThoseOfThePerBlockModel) {
  for (const Case& k : kCases) {
    // A fresh instance per case: with lazy compilation the first call of a callee goes
    // through the compile path (its own Fuel op charges it), later ones through Call_F.
    Instance1 f(config());
    int64_t total = 0;
    for (int64_t b : k.blocks) total += b;
    for (int round = 0; round < 2; ++round) {
      f.fuel() = 1000;
      uint32_t got = 0;
      ASSERT_EQ(f.call(k.func, k.arg, &got), "") << k.func << "(" << k.arg << ")";
      EXPECT_EQ(got, k.result) << k.func << "(" << k.arg << ")";
      EXPECT_EQ(1000 - f.fuel(), total) << k.func << "(" << k.arg << ") round " << round;
    }
  }
}

// For every charge on the path: enough fuel for the charges before it and one unit less
// than it needs traps there, leaving exactly what was left (the charge is not taken).
TEST_P(FuelForward, EachBlockStopsWhereItCannotBePaid) {
  for (const Case& k : kCases) {
    Instance1 f(config());
    int64_t before = 0;
    for (size_t i = 0; i < k.blocks.size(); ++i) {
      for (int round = 0; round < 2; ++round) {
        const int64_t short_by_one = k.blocks[i] - 1;
        f.fuel() = before + short_by_one;
        uint32_t got = 0;
        EXPECT_EQ(f.call(k.func, k.arg, &got), "fuel exhausted")
            << k.func << "(" << k.arg << ") block " << i;
        EXPECT_EQ(f.fuel(), short_by_one) << k.func << "(" << k.arg << ") block " << i;
      }
      before += k.blocks[i];
    }
    f.fuel() = before;
    uint32_t got = 0;
    EXPECT_EQ(f.call(k.func, k.arg, &got), "") << k.func << "(" << k.arg << ")";
    EXPECT_EQ(f.fuel(), 0) << k.func << "(" << k.arg << ")";
  }
}

INSTANTIATE_TEST_SUITE_P(Configs, FuelForward, ::testing::Values(0, 1, 2, 3), test::fuel_config_name);

bool has_op(const CompiledFunc& cf, IOp op) { return test::count_handler(cf.code, op) > 0; }

// The forms are really used (the totals above would also hold with Fuel ops at every
// target), and a forward branch with deadline checks on does not poll.
TEST(FuelForwardForms, BranchesAndCallsCarryTheirTargetsCost) {
  for (bool deadline : {false, true}) {
    EngineConfig c;
    c.fuel_metering = true;
    c.deadline_checks = deadline;
    c.lazy_compilation = false;
    Instance1 f(c);
    const Module& m = *f.module;
    // Defined functions in order: switch 0, if_no_else 1, if_else 2, brif_moves 3,
    // brif_return 4, brif_fwd 5, chain 6, callee 7, call 8, call_indirect 9.
    EXPECT_TRUE(has_op(*m.code(0).value(), IOp::BrTable_F));
    // Its brs end their blocks: plain Brs, their target's cost in their block's charge.
    EXPECT_FALSE(has_op(*m.code(0).value(), IOp::Br_FB));
    EXPECT_FALSE(has_op(*m.code(0).value(), IOp::Br_FPB));
    EXPECT_TRUE(has_op(*m.code(1).value(), IOp::BrUnless_FB));
    EXPECT_FALSE(has_op(*m.code(2).value(), IOp::Br_FB));  // the same for the then arm's br
    EXPECT_TRUE(has_op(*m.code(3).value(), IOp::BrUnless_FB));
    // After the moves: still charges (its one move fused with the jump, Copy_Br_FB).
    EXPECT_TRUE(has_op(*m.code(3).value(), IOp::Copy_Br_FB));
    EXPECT_TRUE(has_op(*m.code(5).value(), IOp::BrIf_FB));
    EXPECT_FALSE(has_op(*m.code(5).value(), IOp::BrIf_FPB));
    // Calls charge the callee, deadline checks or not: its entry op is always a plain
    // Fuel (calls see a deadline through their stack check, not a poll at entry).
    EXPECT_TRUE(has_op(*m.code(8).value(), IOp::Call_F));
    EXPECT_TRUE(has_op(*m.code(9).value(), IOp::CallIndirect_F));
    EXPECT_FALSE(has_op(*m.code(8).value(), IOp::FuelPoll));
    EXPECT_TRUE(has_op(*m.code(10).value(), IOp::Call_S));  // rec calls itself
    EXPECT_FALSE(has_op(*m.code(10).value(), IOp::Call_F));
  }
  // Without fuel, none of them.
  EngineConfig c;
  c.deadline_checks = true;
  c.lazy_compilation = false;
  Instance1 f(c);
  for (uint32_t i = 0; i < 11; ++i) {
    const CompiledFunc& cf = *f.module->code(i).value();
    for (IOp op : {IOp::BrTable_F, IOp::Br_FB, IOp::BrUnless_FB, IOp::BrIf_FB, IOp::Call_F,
                   IOp::CallIndirect_F, IOp::Call_S}) {
      EXPECT_FALSE(has_op(cf, op)) << i;
    }
  }
}

}  // namespace
}  // namespace midimon::wasm
