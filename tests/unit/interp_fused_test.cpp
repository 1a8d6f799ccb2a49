// Superinstructions (code.h): an i32.add folded into a load's address, a load folded
// into a binop's operand, a binop folded into a store, and paired copies. Each must keep
// the exact semantics of the unfused pair, including 32-bit address wrap-around and the
// out-of-bounds trap (with no partial effect).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "wat_util.h"
#include "wasm/engine.h"
#include "wasm/linker.h"
#include "wasm/module.h"
#include "wasm/store.h"

namespace midimon::wasm {
namespace {

struct Fused {
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
  std::string call(const std::string& name, std::vector<Value> args, Value* out = nullptr) {
    FuncInst* f = inst->get_func(name);
    if (!f) return "no export " + name;
    std::vector<Value> results(f->type->results.size());
    Trap t = store.call(f, args, results);
    if (out && !results.empty()) *out = results[0];
    return t.ok() ? "" : t.message();
  }
};

Value I(uint32_t v) { return Value::from_i32(v); }
Value D(double v) { return Value::from_f64(v); }

const char* kModule = R"((module
  (memory 1)
  (data (i32.const 0) "\01\02\03\04\05\06\07\08")
  (func (export "load_add") (param i32 i32) (result i32)
    (i32.load (i32.add (local.get 0) (local.get 1))))
  (func (export "load_add_off") (param i32 i32) (result i32)
    (i32.load offset=4 (i32.add (local.get 0) (local.get 1))))
  (func (export "load8_add") (param i32) (result i32)
    (i32.load8_s (i32.add (local.get 0) (i32.const 3))))
  (func (export "sub_ld") (param i32 i32) (result i32)
    (i32.sub (local.get 0) (i32.load (local.get 1))))
  (func (export "mul_ld") (param f64 i32) (result f64)
    (f64.mul (local.get 0) (f64.load offset=8 (local.get 1))))
  (func (export "store_add") (param i32 f64 f64)
    (f64.store offset=8 (local.get 0) (f64.add (local.get 1) (local.get 2))))
  (func (export "store_xor") (param i32 i32 i32)
    (i32.store (local.get 0) (i32.xor (local.get 1) (local.get 2))))
  (func (export "get64") (param i32) (result f64) (f64.load offset=8 (local.get 0)))
  (func (export "get32") (param i32) (result i32) (i32.load (local.get 0)))
  ;; rotates three locals n times: the copies pair up into Copy2
  (func (export "rotate") (param i32) (result i32) (local i32 i32 i32 i32)
    (local.set 1 (i32.const 1)) (local.set 2 (i32.const 2)) (local.set 3 (i32.const 3))
    (block (loop
      (br_if 1 (i32.eqz (local.get 0)))
      (local.set 4 (local.get 1))
      (local.set 1 (local.get 2))
      (local.set 2 (local.get 3))
      (local.set 3 (local.get 4))
      (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
      (br 0)))
    (i32.add (i32.mul (local.get 1) (i32.const 100))
             (i32.add (i32.mul (local.get 2) (i32.const 10)) (local.get 3))))
))";

TEST(InterpFused, LoadOfAddWrapsTheAddressLikeTheUnfusedPair) {
  Fused f;
  f.load(kModule);
  Value v;
  EXPECT_EQ(f.call("load_add", {I(1), I(2)}, &v), "");
  EXPECT_EQ(v.i32, 0x07060504u);
  // 0xfffffff0 + 0x11 wraps to 1 (the add is 32-bit), so this reads bytes 1..4.
  EXPECT_EQ(f.call("load_add", {I(0xfffffff0u), I(0x11)}, &v), "");
  EXPECT_EQ(v.i32, 0x05040302u);
  // The offset is added after the wrap, without wrapping: 65532 + 4 is out of bounds.
  EXPECT_EQ(f.call("load_add_off", {I(65530), I(2)}), "out of bounds memory access");
  EXPECT_EQ(f.call("load_add_off", {I(65526), I(2)}, &v), "");
  EXPECT_EQ(f.call("load8_add", {I(65533)}), "out of bounds memory access");
  EXPECT_EQ(f.call("load8_add", {I(0)}, &v), "");
  EXPECT_EQ(v.i32, 4u);
}

TEST(InterpFused, BinopWithLoadedOperand) {
  Fused f;
  f.load(kModule);
  Value v;
  EXPECT_EQ(f.call("sub_ld", {I(0x10000000u), I(0)}, &v), "");
  EXPECT_EQ(v.i32, 0x10000000u - 0x04030201u);  // a - load, not load - a
  EXPECT_EQ(f.call("sub_ld", {I(0), I(65533)}), "out of bounds memory access");
  EXPECT_EQ(f.call("store_add", {I(0), D(1.5), D(2.0)}), "");
  EXPECT_EQ(f.call("mul_ld", {D(3.0), I(0)}, &v), "");
  EXPECT_EQ(v.f64, 10.5);
  EXPECT_EQ(f.call("mul_ld", {D(3.0), I(65528)}), "out of bounds memory access");
}

TEST(InterpFused, StoreOfBinopTrapsWithoutWriting) {
  Fused f;
  f.load(kModule);
  Value v;
  EXPECT_EQ(f.call("store_add", {I(16), D(0.25), D(-1.0)}), "");
  EXPECT_EQ(f.call("get64", {I(16)}, &v), "");
  EXPECT_EQ(v.f64, -0.75);
  EXPECT_EQ(f.call("store_add", {I(65521), D(1.0), D(1.0)}), "out of bounds memory access");
  EXPECT_EQ(f.call("store_add", {I(65520), D(1.0), D(1.0)}), "");  // last 8 bytes: in bounds
  EXPECT_EQ(f.call("get32", {I(65528)}, &v), "");
  EXPECT_EQ(v.i32, 0u);  // low half of 2.0
  EXPECT_EQ(f.call("store_xor", {I(65533), I(1), I(2)}), "out of bounds memory access");
  EXPECT_EQ(f.call("get32", {I(65532)}, &v), "");
  EXPECT_EQ(v.i32, 0x40000000u);  // high half of 2.0, untouched by the trapping store
  EXPECT_EQ(f.call("store_xor", {I(40), I(0xff00ff00u), I(0x0ff00ff0u)}), "");
  EXPECT_EQ(f.call("get32", {I(40)}, &v), "");
  EXPECT_EQ(v.i32, 0xf0f0f0f0u);
}

TEST(InterpFused, PairedCopiesRunInOrder) {
  Fused f;
  f.load(kModule);
  Value v;
  EXPECT_EQ(f.call("rotate", {I(0)}, &v), "");
  EXPECT_EQ(v.i32, 123u);
  EXPECT_EQ(f.call("rotate", {I(1)}, &v), "");
  EXPECT_EQ(v.i32, 231u);
  EXPECT_EQ(f.call("rotate", {I(5)}, &v), "");
  EXPECT_EQ(v.i32, 312u);
}

}  // namespace
}  // namespace midimon::wasm
