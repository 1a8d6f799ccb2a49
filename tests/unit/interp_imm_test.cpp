// Constants carried in the instruction (superinstructions.h, MIDIMON_IMM_*; the
// compiler's side in compiler_consts.cpp): every immediate form must compute exactly
// what the same instruction computes with the constant read from a slot. Each case
// compiles `x <op> C` (and `C <op> x`, which commutes or mirrors a compare) against the
// same op on two parameters, over edge values of x and C, including i64 constants that
// do not fit the 32-bit immediate (the plain op then), shift counts past the width, and
// i32.sub/i64.sub (an add of -C). Then compare-and-branch (br_if and if), stores and
// loads at constant addresses folded into the offset (with the out-of-bounds trap), a
// returned constant, constant call arguments, the fusions an immediate form must give
// way to, and locals that are no longer zeroed because they are written before read.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "engine_configs.h"
#include "wat_util.h"
#include "wasm/code.h"
#include "wasm/engine.h"
#include "wasm/linker.h"
#include "wasm/module.h"
#include "wasm/store.h"

namespace midimon::wasm {
namespace {

struct Mod {
  Engine engine;
  Store store{engine};
  Linker linker;
  Instance* inst = nullptr;

  void load(const std::string& wat) {
    auto m = Module::compile(engine, test::wat2wasm(wat));
    ASSERT_TRUE(m.ok()) << m.error().to_string();
    auto r = linker.instantiate(store, *m);
    ASSERT_TRUE(r.ok()) << r.error().to_string();
    inst = *r;
  }
  // The result's bits (0 when it traps; the trap's message in *trap).
  uint64_t call(const std::string& name, std::vector<Value> args, std::string* trap = nullptr) {
    FuncInst* f = inst->get_func(name);
    EXPECT_NE(f, nullptr) << name;
    if (!f) return 0;
    std::vector<Value> results(f->type->results.size());
    Trap t = store.call(f, args, results);
    if (trap) *trap = t.ok() ? "" : t.message();
    EXPECT_TRUE(trap || t.ok()) << name << ": " << t.message();
    return results.empty() ? 0 : results[0].bits;
  }
};

const char* const kI32Ops[] = {"add", "sub", "and", "or", "xor", "shl", "shr_s", "shr_u", "mul",
                               "eq", "ne", "lt_s", "lt_u", "gt_s", "gt_u", "le_s", "le_u",
                               "ge_s", "ge_u"};
const int64_t kI32Consts[] = {0, 1, -1, 2, 31, 32, 33, 255, 0x7fffffff, -0x7fffffff - 1, 12345};
const uint32_t kI32Xs[] = {0, 1, 2, 31, 32, 0x7fffffffu, 0x80000000u, 0xffffffffu, 0xdeadbeefu};
const int64_t kI64Consts[] = {0, 1, -1, 63, 64, 65, 0x7fffffff, -0x80000000LL, 0x80000000LL,
                              0x123456789abcLL, INT64_MIN, INT64_MAX};
const uint64_t kI64Xs[] = {0, 1, 64, 0x7fffffffffffffffull, 0x8000000000000000ull,
                           0xffffffffffffffffull, 0xdeadbeefcafef00dull};

std::string binop_module(const char* t, const std::vector<int64_t>& consts) {
  std::string wat = "(module\n";
  for (const char* op : kI32Ops) {
    std::string o = op;
    wat += std::string("(func (export \"") + o + "_p\") (param " + t + " " + t + ") (result " + t + ")";
    // compares return i32: extended for i64, so that one signature fits all
    const bool cmp = !(o == "add" || o == "sub" || o == "and" || o == "or" || o == "xor" ||
                       o == "shl" || o == "shr_s" || o == "shr_u" || o == "mul");
    auto wrap = [&](const std::string& e) {
      return cmp && std::string(t) == "i64" ? "(i64.extend_i32_u " + e + ")" : e;
    };
    wat += wrap(std::string("(") + t + "." + o + " (local.get 0) (local.get 1))") + ")\n";
    for (size_t k = 0; k < consts.size(); ++k) {
      const std::string c = std::to_string(consts[k]);
      wat += std::string("(func (export \"") + o + "_r" + std::to_string(k) + "\") (param " + t +
             ") (result " + t + ")" +
             wrap(std::string("(") + t + "." + o + " (local.get 0) (" + t + ".const " + c + "))") +
             ")\n";
      wat += std::string("(func (export \"") + o + "_l" + std::to_string(k) + "\") (param " + t +
             ") (result " + t + ")" +
             wrap(std::string("(") + t + "." + o + " (" + t + ".const " + c + ") (local.get 0))") +
             ")\n";
    }
  }
  return wat + ")";
}

TEST(InterpImm, I32BinopsWithAConstantMatchTheSlotForm) {
  Mod m;
  const std::vector<int64_t> consts(std::begin(kI32Consts), std::end(kI32Consts));
  m.load(binop_module("i32", consts));
  for (const char* op : kI32Ops) {
    for (size_t k = 0; k < consts.size(); ++k) {
      const uint32_t c = static_cast<uint32_t>(consts[k]);
      for (uint32_t x : kI32Xs) {
        const std::string o = op;
        EXPECT_EQ(m.call(o + "_r" + std::to_string(k), {Value::from_i32(x)}),
                  m.call(o + "_p", {Value::from_i32(x), Value::from_i32(c)}))
            << o << " x=" << x << " c=" << consts[k];
        EXPECT_EQ(m.call(o + "_l" + std::to_string(k), {Value::from_i32(x)}),
                  m.call(o + "_p", {Value::from_i32(c), Value::from_i32(x)}))
            << o << " c=" << consts[k] << " x=" << x;
      }
    }
  }
}

TEST(InterpImm, I64BinopsWithAConstantMatchTheSlotForm) {
  Mod m;
  const std::vector<int64_t> consts(std::begin(kI64Consts), std::end(kI64Consts));
  m.load(binop_module("i64", consts));
  for (const char* op : kI32Ops) {
    for (size_t k = 0; k < consts.size(); ++k) {
      const uint64_t c = static_cast<uint64_t>(consts[k]);
      for (uint64_t x : kI64Xs) {
        const std::string o = op;
        EXPECT_EQ(m.call(o + "_r" + std::to_string(k), {Value::from_i64(x)}),
                  m.call(o + "_p", {Value::from_i64(x), Value::from_i64(c)}))
            << o << " x=" << x << " c=" << consts[k];
        EXPECT_EQ(m.call(o + "_l" + std::to_string(k), {Value::from_i64(x)}),
                  m.call(o + "_p", {Value::from_i64(c), Value::from_i64(x)}))
            << o << " c=" << consts[k] << " x=" << x;
      }
    }
  }
}

// br_if and if on a compare with a constant (BrIf_<cmp>_I, negated for if), and the
// counter loop whose compare must stay plain to fuse with the step (<A>_<cmp>).
TEST(InterpImm, CompareAndBranchWithAConstant) {
  Mod m;
  std::string wat = "(module\n";
  for (const char* t : {"i32", "i64"}) {
    for (const char* op : {"eq", "ne", "lt_s", "lt_u", "gt_s", "gt_u", "le_s", "le_u", "ge_s", "ge_u"}) {
      const std::string n = std::string(t) + op;
      wat += "(func (export \"br_" + n + "\") (param " + t + ") (result i32) (block " +
             "(br_if 0 (" + t + "." + op + " (local.get 0) (" + t + ".const -5))) " +
             "(return (i32.const 0))) (i32.const 1))\n";
      wat += "(func (export \"if_" + n + "\") (param " + t + ") (result i32) (if (result i32) (" +
             t + "." + op + " (local.get 0) (" + t + ".const 7)) (then (i32.const 1)) " +
             "(else (i32.const 0))))\n";
      wat += "(func (export \"p_" + n + "\") (param " + t + " " + t + ") (result i32) (" + t + "." +
             op + " (local.get 0) (local.get 1)))\n";
    }
  }
  wat += R"(
    (func (export "count") (param i32) (result i32) (local i32)
      (loop (local.set 1 (i32.add (local.get 1) (i32.const 3)))
            (br_if 0 (i32.lt_u (local.tee 0 (i32.add (local.get 0) (i32.const 1))) (i32.const 10))))
      (local.get 1)))";
  m.load(wat + ")");
  for (const char* t : {"i32", "i64"}) {
    const bool w = std::string(t) == "i64";
    for (const char* op : {"eq", "ne", "lt_s", "lt_u", "gt_s", "gt_u", "le_s", "le_u", "ge_s", "ge_u"}) {
      const std::string n = std::string(t) + op;
      for (int64_t x : {-6LL, -5LL, -4LL, 0LL, 6LL, 7LL, 8LL, 0x7fffffffLL, 0x100000000LL}) {
        auto v = [&](int64_t y) { return w ? Value::from_i64(static_cast<uint64_t>(y)) : Value::from_i32(static_cast<uint32_t>(y)); };
        EXPECT_EQ(m.call("br_" + n, {v(x)}), m.call("p_" + n, {v(x), v(-5)})) << n << " " << x;
        EXPECT_EQ(m.call("if_" + n, {v(x)}), m.call("p_" + n, {v(x), v(7)})) << n << " " << x;
      }
    }
  }
  EXPECT_EQ(m.call("count", {Value::from_i32(0)}), 30u);
  EXPECT_EQ(m.call("count", {Value::from_i32(20)}), 3u);
}

// Stores of a constant, constant addresses folded into the offset (the sum still
// bounds-checked: no wrap to a low address, a trap with nothing written), loads from a
// constant address, a returned constant and constant call arguments.
TEST(InterpImm, ConstantStoresAddressesReturnsAndArguments) {
  Mod m;
  m.load(R"((module
    (memory 1)
    (func (export "st8") (param i32) (i32.store8 (local.get 0) (i32.const 0x1ff)))
    (func (export "st32") (param i32) (i32.store offset=4 (local.get 0) (i32.const -2)))
    (func (export "st64") (param i32) (i64.store (local.get 0) (i64.const -3)))
    (func (export "st64big") (param i32) (i64.store (local.get 0) (i64.const 0x123456789)))
    (func (export "stf64") (param i32) (f64.store (local.get 0) (f64.const 1.5)))
    (func (export "abs_st") (param i32) (i32.store offset=8 (i32.const 100) (local.get 0)))
    (func (export "abs_ld") (result i32) (i32.load offset=8 (i32.const 100)))
    (func (export "abs_ld_oob") (result i32) (i32.load offset=2 (i32.const 65534)))
    (func (export "abs_st_oob") (i32.store offset=0xffffffff (i32.const 1) (i32.const 7)))
    (func (export "ld32") (param i32) (result i32) (i32.load (local.get 0)))
    (func (export "ld64") (param i32) (result i64) (i64.load (local.get 0)))
    (func (export "ret_k") (result i64) (i64.const -42))
    (func (export "ret_early") (param i32) (result i32)
      (if (local.get 0) (then (return (i32.const 9)))) (i32.const 8))
    (func $sum3 (param i32 i64 i32) (result i64)
      (i64.add (i64.extend_i32_u (local.get 0))
               (i64.add (local.get 1) (i64.extend_i32_u (local.get 2)))))
    (func (export "args") (param i32) (result i64)
      (call $sum3 (i32.const 1) (i64.const 0x100000000) (local.get 0)))
  ))");
  m.call("st8", {Value::from_i32(0)});
  EXPECT_EQ(m.call("ld32", {Value::from_i32(0)}), 0xffu);
  m.call("st32", {Value::from_i32(0)});
  EXPECT_EQ(m.call("ld32", {Value::from_i32(4)}), 0xfffffffeu);
  m.call("st64", {Value::from_i32(16)});
  EXPECT_EQ(m.call("ld64", {Value::from_i32(16)}), 0xfffffffffffffffdull);
  m.call("st64big", {Value::from_i32(24)});
  EXPECT_EQ(m.call("ld64", {Value::from_i32(24)}), 0x123456789ull);
  m.call("stf64", {Value::from_i32(32)});
  EXPECT_EQ(m.call("ld64", {Value::from_i32(32)}), 0x3ff8000000000000ull);
  m.call("abs_st", {Value::from_i32(0x01020304)});
  EXPECT_EQ(m.call("abs_ld", {}), 0x01020304u);
  EXPECT_EQ(m.call("ld32", {Value::from_i32(108)}), 0x01020304u);
  std::string trap;
  m.call("abs_ld_oob", {}, &trap);
  EXPECT_NE(trap.find("out of bounds"), std::string::npos) << trap;
  m.call("abs_st_oob", {}, &trap);
  EXPECT_NE(trap.find("out of bounds"), std::string::npos) << trap;
  EXPECT_EQ(m.call("ld32", {Value::from_i32(0)}), 0xffu);  // not written at (1 + offset) mod 2^32
  EXPECT_EQ(m.call("ret_k", {}), static_cast<uint64_t>(-42));
  EXPECT_EQ(m.call("ret_early", {Value::from_i32(1)}), 9u);
  EXPECT_EQ(m.call("ret_early", {Value::from_i32(0)}), 8u);
  EXPECT_EQ(m.call("args", {Value::from_i32(5)}), 0x100000006ull);
}

// The pairs and loads an immediate form gives way to (it is demoted to the plain op
// with the constant in a slot) still compute the same.
TEST(InterpImm, DemotedImmediatesKeepTheirFusions) {
  Mod m;
  m.load(R"((module
    (memory 1)
    (func (export "idx") (param i32 i32) (result i32)
      (i32.add (i32.shl (local.get 1) (i32.const 2)) (local.get 0)))
    (func (export "ld_off") (param i32) (result i32) (i32.load (i32.add (local.get 0) (i32.const 4))))
    (func (export "st_add") (param i32 i32)
      (i32.store (local.get 0) (i32.add (local.get 1) (i32.const 10))))
    (func (export "fill") (param i32 i32) (local i32)
      (block (loop (br_if 1 (i32.eqz (local.get 1)))
        (i32.store (local.get 0) (i32.const 7))
        (local.set 0 (i32.add (local.get 0) (i32.const 4)))
        (local.set 1 (i32.sub (local.get 1) (i32.const 1)))
        (br 0))))
    (func (export "get") (param i32) (result i32) (i32.load (local.get 0)))
  ))");
  EXPECT_EQ(m.call("idx", {Value::from_i32(100), Value::from_i32(3)}), 112u);
  m.call("st_add", {Value::from_i32(8), Value::from_i32(5)});
  EXPECT_EQ(m.call("get", {Value::from_i32(8)}), 15u);
  EXPECT_EQ(m.call("ld_off", {Value::from_i32(4)}), 15u);
  m.call("fill", {Value::from_i32(64), Value::from_i32(3)});
  EXPECT_EQ(m.call("get", {Value::from_i32(64)}), 7u);
  EXPECT_EQ(m.call("get", {Value::from_i32(72)}), 7u);
  EXPECT_EQ(m.call("get", {Value::from_i32(76)}), 0u);
}

// Locals the call no longer zeroes (set at the top level before any read) and those it
// must (read first, or first set inside a block): a deep frame leaves garbage in the
// slots a later call reuses.
TEST(InterpImm, OnlyLocalsWrittenBeforeReadSkipZeroing) {
  Mod m;
  m.load(R"((module
    (func $dirty (param i32) (result i32) (local i32 i32 i32 i32)
      (local.set 1 (i32.const -1)) (local.set 2 (i32.const -1))
      (local.set 3 (i32.const -1)) (local.set 4 (i32.const -1))
      (if (local.get 0) (then (drop (call $dirty (i32.sub (local.get 0) (i32.const 1))))))
      (i32.const 0))
    (func $reads (param i32) (result i32) (local i32 i32 i32 i32)
      (local.set 1 (i32.add (local.get 0) (i32.const 1)))  ;; written first: not zeroed
      (block (br_if 0 (local.get 0)) (local.set 2 (i32.const 5)))  ;; set in a block: zeroed
      (i32.add (local.get 1)
        (i32.add (local.get 2) (i32.add (local.get 3) (local.get 4)))))  ;; 3, 4: read first
    (func $loop (param i32) (result i32) (local i32 i32)
      (block (loop (br_if 1 (i32.eqz (local.get 0)))
        (local.set 1 (i32.add (local.get 1) (local.get 0)))    ;; read before set: zeroed
        (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
        (br 0)))
      (local.get 1))
    (func (export "t") (param i32) (result i32)
      (drop (call $dirty (i32.const 3)))
      (i32.add (call $reads (local.get 0)) (i32.mul (call $loop (i32.const 4)) (i32.const 100))))
  ))");
  EXPECT_EQ(m.call("t", {Value::from_i32(10)}), 11u + 1000u);  // the set of local 2 skipped
  EXPECT_EQ(m.call("t", {Value::from_i32(0)}), 6u + 1000u);
}

// A set directly inside a block, loop or if arm covers the reads after it up to that
// construct's end (compiler.cpp, order_zeroed_locals): those locals are not zeroed
// either. Each function runs in a frame a deep recursion left full of -1s, under the four
// engine configurations; the counts of zeroed locals check that the analysis really
// skips the covered ones (so the values exercise them) and keeps the others.
TEST(InterpImm, LocalsSetInABlockBeforeReadSkipZeroing) {
  const char* wat = R"((module
    (func $dirty (param i32) (result i32) (local i32 i32 i32 i32 i32 i32 i32 i32)
      (local.set 1 (i32.const -1)) (local.set 2 (i32.const -1)) (local.set 3 (i32.const -1))
      (local.set 4 (i32.const -1)) (local.set 5 (i32.const -1)) (local.set 6 (i32.const -1))
      (local.set 7 (i32.const -1)) (local.set 8 (i32.const -1))
      (if (local.get 0) (then (drop (call $dirty (i32.sub (local.get 0) (i32.const 1))))))
      (i32.const 0))
    ;; every read covered by a set before it in the same construct: nothing zeroed
    (func $covered (export "covered") (param i32) (result i32) (local i32 i32 i32)
      (block
        (local.set 1 (i32.add (local.get 0) (i32.const 1)))
        (br_if 0 (i32.eqz (local.get 0)))
        (block (local.set 2 (i32.mul (local.get 1) (i32.const 3)))
               (local.set 0 (i32.add (local.get 0) (local.get 2)))))
      (if (local.get 0)
        (then (local.set 3 (i32.const 10)) (local.set 0 (i32.add (local.get 0) (local.get 3))))
        (else (local.set 3 (i32.const 20)) (local.set 0 (i32.sub (local.get 0) (local.get 3)))))
      (loop (local.set 2 (i32.const 1)) (local.set 0 (i32.add (local.get 0) (local.get 2)))
        (br_if 0 (i32.and (local.get 0) (i32.const 3))))
      (local.get 0))
    ;; a set in a block, read after the block (the br_if skips the set)
    (func $after_block (export "after_block") (param i32) (result i32) (local i32)
      (block (block (br_if 1 (local.get 0)) (local.set 1 (i32.const 5)))
        (local.set 0 (local.get 1)))  ;; after the inner block: not covered
      (i32.add (local.get 0) (local.get 1)))
    ;; a set in the then arm, read in the else arm
    (func $else_arm (export "else_arm") (param i32) (result i32) (local i32)
      (if (result i32) (local.get 0)
        (then (local.set 1 (i32.const 5)) (local.get 1))
        (else (local.get 1))))
    ;; a set in a loop body after a read in the body: the next round reads the last set,
    ;; the first round must read zero
    (func $loop_carried (export "loop_carried") (param i32) (result i32) (local i32 i32)
      (loop
        (local.set 2 (i32.add (local.get 2) (local.get 1)))
        (local.set 1 (local.get 0))
        (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
        (br_if 0 (local.get 0)))
      (local.get 2))
    (func (export "t") (param i32 i32) (result i32)
      (drop (call $dirty (i32.const 3)))
      (block (result i32)
        (drop (br_if 0 (call $covered (local.get 1)) (i32.eq (local.get 0) (i32.const 0))))
        (drop (br_if 0 (call $after_block (local.get 1)) (i32.eq (local.get 0) (i32.const 1))))
        (drop (br_if 0 (call $else_arm (local.get 1)) (i32.eq (local.get 0) (i32.const 2))))
        (call $loop_carried (local.get 1))))
  ))";
  for (const test::NamedConfig& c : test::kAllConfigs) {
    SCOPED_TRACE(c.name);
    Engine engine(c.engine());
    Store store(engine);
    Linker linker;
    auto m = Module::compile(engine, test::wat2wasm(wat));
    ASSERT_TRUE(m.ok()) << m.error().to_string();
    auto r = linker.instantiate(store, *m);
    ASSERT_TRUE(r.ok()) << r.error().to_string();
    Instance* inst = *r;
    if (c.fuel) {
      ASSERT_TRUE(store.set_fuel(uint64_t{1} << 40).ok());
    }
    auto zeroed = [&](const char* name) -> int {
      FuncInst* f = inst->get_func(name);
      uint32_t i = 0;
      while (inst->funcs[i] != f) ++i;
      auto code = (*m)->code(i);
      EXPECT_TRUE(code.ok());
      return code.ok() ? static_cast<int>((*code)->zero_end - (*code)->num_params) : -1;
    };
    auto t = [&](int which, int32_t x) {
      FuncInst* f = inst->get_func("t");
      const std::vector<Value> args{Value::from_i32(which), Value::from_i32(x)};
      std::vector<Value> res(1);
      Trap tr = store.call(f, args, res);
      EXPECT_TRUE(tr.ok()) << tr.message();
      return static_cast<int32_t>(res[0].i32);
    };
    // Run first: lazy compilation compiles each function on its first call.
    // covered(x): x + 3(x + 1) when x != 0, then +10 or -20, then +1 until x & 3 == 0
    auto covered = [](int32_t x) {
      if (x != 0) x += 3 * (x + 1);
      x = x != 0 ? x + 10 : x - 20;
      do ++x; while (x & 3);
      return x;
    };
    for (int32_t x : {0, 1, 2, 7, -5}) EXPECT_EQ(t(0, x), covered(x)) << x;
    EXPECT_EQ(t(1, 0), 10);  // set reached: 5 + 5
    EXPECT_EQ(t(1, 1), 1);   // the br_if skips it: local 1 reads its zero, 1 + 0
    EXPECT_EQ(t(2, 1), 5);
    EXPECT_EQ(t(2, 0), 0);
    EXPECT_EQ(t(3, 3), 3 + 2);  // 0 + 3 + 2: the first round adds the zero
    EXPECT_EQ(zeroed("covered"), 0);
    EXPECT_EQ(zeroed("after_block"), 1);
    EXPECT_EQ(zeroed("else_arm"), 1);
    EXPECT_EQ(zeroed("loop_carried"), 2);
  }
}

// Constant pools around the inline copy's limit (kSmallConsts, code.h) and past it
// (memcpy): f64 constants have no immediate form, so `pool<N>` reads N pool slots; each
// must arrive in the callee's frame (an odd N copies the padding slot too).
TEST(InterpImm, ConstantPoolsAroundTheInlineCopyLimit) {
  const int kSizes[] = {1, 7, 8, 11, 12, 13, 16, 17};
  auto constant = [](int k) { return 1.0 + k * 0.125; };
  std::string wat = "(module\n";
  for (int n : kSizes) {
    // x*c0 + x*c1 + ... in wasm order: ((x*c0 + x*c1) + x*c2) + ...
    std::string e = "(f64.mul (local.get 0) (f64.const " + std::to_string(constant(0)) + "))";
    for (int k = 1; k < n; ++k) {
      e = "(f64.add " + e + " (f64.mul (local.get 0) (f64.const " + std::to_string(constant(k)) +
          ")))";
    }
    wat += "(func (export \"pool" + std::to_string(n) + "\") (param f64) (result f64) " + e + ")\n";
  }
  // calls each pool function from a deeper frame, so the callee's slots held other values
  wat += R"((func (export "nested") (param f64 i32) (result f64)
    (if (result f64) (local.get 1)
      (then (f64.add (call 1 (local.get 0))
                     (call 5 (f64.add (local.get 0) (f64.const 0.5)))))
      (else (call 4 (local.get 0)))))))";
  Mod m;
  m.load(wat);
  for (int n : kSizes) {
    for (double x : {0.0, 1.0, -3.5, 1e10}) {
      double want = x * constant(0);
      for (int k = 1; k < n; ++k) want = want + x * constant(k);
      const uint64_t got = m.call("pool" + std::to_string(n), {Value::from_f64(x)});
      EXPECT_EQ(Value::from_f64_bits(got).f64, want) << "pool" << n << " x " << x;
    }
    FuncInst* f = m.inst->get_func("pool" + std::to_string(n));
    ASSERT_NE(f->code, nullptr);
    EXPECT_EQ(f->code->num_consts, static_cast<uint32_t>(n)) << n;
  }
  double want7 = 0, want13 = 0;
  for (int k = 0; k < 7; ++k) want7 = k ? want7 + 2.0 * constant(k) : 2.0 * constant(k);
  for (int k = 0; k < 13; ++k) want13 = k ? want13 + 2.5 * constant(k) : 2.5 * constant(k);
  EXPECT_EQ(Value::from_f64_bits(m.call("nested", {Value::from_f64(2.0), Value::from_i32(1)})).f64,
            want7 + want13);
}

}  // namespace
}  // namespace midimon::wasm
