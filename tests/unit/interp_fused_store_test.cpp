// Stores fused with the access next to them (superinstructions.h): a load whose result
// only the next store stores (Mv_<Load>_<Store>), a store then a load (StLd_<Store>_<Load>)
// and two stores (StPair_<A>_<B>). Under the four engine configurations, each case checks
// that the fused op was really emitted, then the wasm semantics it must keep: the bytes
// moved exactly (a NaN's payload too), the load seeing what the store just wrote,
// overlapping accesses in order, and a trap of the second access after the first one's
// effect while a trap of the first leaves memory untouched. With fuel, a fused copy costs
// exactly one unit less than its twin with one instruction more (a local.tee that blocks
// the fusion).
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine_configs.h"
#include "handler_count_util.h"
#include "instance_util.h"
#include "wasm/code.h"
#include "wasm/engine.h"
#include "wasm/linker.h"
#include "wasm/module.h"
#include "wasm/store.h"

namespace midimon::wasm {
namespace {

const char* kModule = R"((module
  (memory 1)
  (data (i32.const 0) "\01\02\03\04\05\06\07\08\09\0a\0b\0c\0d\0e\0f\10")
  ;; a field copied: Mv_<Load>_<Store>
  (func (export "mv32") (param $d i32) (param $s i32)
    (i32.store offset=4 (local.get $d) (i32.load offset=8 (local.get $s))))
  (func (export "mv64") (param $d i32) (param $s i32)
    (i64.store (local.get $d) (i64.load (local.get $s))))
  (func (export "mv8") (param $d i32) (param $s i32)
    (i32.store8 (local.get $d) (i32.load8_u (local.get $s))))
  (func (export "mv16") (param $d i32) (param $s i32)
    (i32.store16 (local.get $d) (i32.load16_u (local.get $s))))
  (func (export "mvf64") (param $d i32) (param $s i32)
    (f64.store (local.get $d) (f64.load (local.get $s))))
  ;; the loaded value also tee'd into a local: not fused (one instruction more)
  (func (export "mv32_twin") (param $d i32) (param $s i32) (local $t i32)
    (i32.store offset=4 (local.get $d) (local.tee $t (i32.load offset=8 (local.get $s)))))
  ;; a store, then a load that may read it: StLd_<Store>_<Load>
  (func (export "stld") (param $p i32) (param $v i32) (param $q i32) (result i32)
    (i32.store (local.get $p) (local.get $v))
    (i32.load (local.get $q)))
  (func (export "stld8") (param $p i32) (param $v i32) (param $q i32) (result i32)
    (i32.store8 (local.get $p) (local.get $v))
    (i32.load8_u (local.get $q)))
  (func (export "stld64") (param $p i32) (param $v i64) (param $q i32) (result i64)
    (i64.store offset=8 (local.get $p) (local.get $v))
    (i64.load (local.get $q)))
  ;; the load feeds an add: it becomes the add's I32Add_Ld and the store a plain one
  (func (export "stld_add") (param $p i32) (param $v i32) (param $q i32) (result i32)
    (i32.store (local.get $p) (local.get $v))
    (i32.add (local.get $v) (i32.load (local.get $q))))
  ;; two stores: StPair_<A>_<B>
  (func (export "stst") (param $p i32) (param $a i32) (param $q i32) (param $b i32)
    (i32.store (local.get $p) (local.get $a))
    (i32.store offset=4 (local.get $q) (local.get $b)))
  (func (export "stst64") (param $p i32) (param $a i64) (param $b i64)
    (i64.store (local.get $p) (local.get $a))
    (i64.store offset=8 (local.get $p) (local.get $b)))
  (func (export "get32") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "get64") (param i32) (result i64) (i64.load (local.get 0)))
  (func (export "set64") (param i32) (param i64) (i64.store (local.get 0) (local.get 1)))
))";

Value I(uint32_t v) { return Value::from_i32(v); }
Value L(uint64_t v) { return Value::from_i64(v); }

class InterpFusedStore : public ::testing::TestWithParam<test::NamedConfig> {
 protected:
  void SetUp() override {
    inst_ = test::instantiate_wat(engine_, store_, linker_, kModule, &module_);
    ASSERT_NE(inst_, nullptr);
  }

  // Runs `name`: the trap message ("" when it returns), the first result in *out, the
  // fuel it used in *fuel_used (fuel configurations).
  std::string call(const std::string& name, const std::vector<Value>& args, Value* out = nullptr,
                   uint64_t* fuel_used = nullptr) {
    return test::call_export(store_, inst_, name, args, GetParam().fuel, out, fuel_used);
  }
  void run(const std::string& name, const std::vector<Value>& args) { EXPECT_EQ(call(name, args), "") << name; }
  uint32_t i32(const std::string& name, const std::vector<Value>& args) {
    Value v = Value::from_i64(0);
    EXPECT_EQ(call(name, args, &v), "") << name;
    return v.i32;
  }
  uint64_t i64(const std::string& name, const std::vector<Value>& args) {
    Value v = Value::from_i64(0);
    EXPECT_EQ(call(name, args, &v), "") << name;
    return v.i64;
  }
  uint32_t get32(uint32_t addr) { return i32("get32", {I(addr)}); }
  uint64_t get64(uint32_t addr) { return i64("get64", {I(addr)}); }
  void expect_oob(const std::string& name, const std::vector<Value>& args) {
    EXPECT_EQ(call(name, args), "out of bounds memory access") << name;
  }
  int count(const std::string& name, IOp op) {
    FuncInst* f = inst_->get_func(name);
    EXPECT_NE(f, nullptr) << name;
    uint32_t i = 0;
    while (inst_->funcs[i] != f) ++i;
    return test::count_handler(module_->code(i).value()->code, op);
  }

  Engine engine_{GetParam().engine()};
  Store store_{engine_};
  Linker linker_;
  std::shared_ptr<const Module> module_;
  Instance* inst_ = nullptr;
};

TEST_P(InterpFusedStore, CopiesMoveTheBytesAndTrapBeforeWriting) {
  EXPECT_EQ(count("mv32", IOp::Mv_I32Load_I32Store), 1);
  EXPECT_EQ(count("mv64", IOp::Mv_I64Load_I64Store), 1);
  EXPECT_EQ(count("mv8", IOp::Mv_I32Load8U_I32Store8), 1);
  EXPECT_EQ(count("mv16", IOp::Mv_I32Load16U_I32Store16), 1);
  EXPECT_EQ(count("mvf64", IOp::Mv_F64Load_F64Store), 1);
  EXPECT_EQ(count("mv32_twin", IOp::Mv_I32Load_I32Store), 0);

  run("mv32", {I(100), I(0)});  // *(104) = *(8)
  EXPECT_EQ(get32(104), 0x0c0b0a09u);
  run("mv32", {I(0), I(0)});  // overlapping: *(4) = *(8)
  EXPECT_EQ(get32(4), 0x0c0b0a09u);
  EXPECT_EQ(get32(8), 0x0c0b0a09u);
  // The load traps: nothing is stored. The store traps: nothing is written anywhere.
  expect_oob("mv32", {I(100), I(65528)});  // 65528 + 8 + 4 > 64 KiB
  EXPECT_EQ(get32(104), 0x0c0b0a09u);
  run("mv32", {I(200), I(65524)});  // the last 4 bytes: in bounds, zero
  EXPECT_EQ(get32(204), 0u);
  expect_oob("mv32", {I(65529), I(0)});
  expect_oob("mv32", {I(0xfffffffcu), I(0)});  // address + offset past 4 GiB, no wrap

  run("set64", {I(300), L(0x8877665544332211u)});
  run("mv64", {I(308), I(300)});
  EXPECT_EQ(get64(308), 0x8877665544332211u);
  expect_oob("mv64", {I(65529), I(300)});
  // One byte and two, zero-extended by the load and truncated back by the store: the
  // bytes around the destination are untouched.
  run("set64", {I(400), L(0xaaaaaaaaaaaaaaaau)});
  run("mv8", {I(401), I(300)});
  EXPECT_EQ(get64(400), 0xaaaaaaaaaaaa11aau);
  run("mv16", {I(404), I(306)});
  EXPECT_EQ(get64(400), 0xaaaa8877aaaa11aau);
  run("mv16", {I(500), I(65534)});  // the last two bytes are in bounds
  expect_oob("mv16", {I(500), I(65535)});
  expect_oob("mv8", {I(65536), I(0)});
  // A signalling NaN's bits go through unchanged (loads and stores are bit-exact).
  run("set64", {I(600), L(0x7ff0000000000001u)});
  run("mvf64", {I(608), I(600)});
  EXPECT_EQ(get64(608), 0x7ff0000000000001u);
}

TEST_P(InterpFusedStore, AStoreThenALoadSeesTheStore) {
  EXPECT_EQ(count("stld", IOp::StLd_I32Store_I32Load), 1);
  EXPECT_EQ(count("stld8", IOp::StLd_I32Store8_I32Load8U), 1);
  EXPECT_EQ(count("stld64", IOp::StLd_I64Store_I64Load), 1);
  // The load taken by the add: no pair, the store plain again.
  EXPECT_EQ(count("stld_add", IOp::StLd_I32Store_I32Load), 0);
  EXPECT_EQ(count("stld_add", IOp::I32Add_Ld), 1);
  EXPECT_EQ(count("stld_add", iop(Op::I32Store)), 1);

  EXPECT_EQ(i32("stld", {I(700), I(0x11223344u), I(700)}), 0x11223344u);
  EXPECT_EQ(i32("stld", {I(700), I(0x55667788u), I(702)}), 0x00005566u);  // half of it
  EXPECT_EQ(i32("stld", {I(704), I(1), I(0)}), 0x04030201u);  // the data segment's bytes
  // The load traps after the store's effect, as unfused; a store that traps writes nothing.
  expect_oob("stld", {I(720), I(0xabcdu), I(65533)});
  EXPECT_EQ(get32(720), 0xabcdu);
  expect_oob("stld", {I(65533), I(7), I(720)});
  EXPECT_EQ(get32(65532), 0u);
  EXPECT_EQ(i32("stld8", {I(730), I(0x1ffu), I(730)}), 0xffu);  // truncated, zero-extended
  EXPECT_EQ(get32(728), 0x00ff0000u);
  EXPECT_EQ(i64("stld64", {I(736), L(0x0102030405060708u), I(744)}), 0x0102030405060708u);
  expect_oob("stld64", {I(65521), L(1), I(0)});  // 65521 + 8 + 8 > 64 KiB
  EXPECT_EQ(i32("stld_add", {I(760), I(5), I(760)}), 10u);
}

TEST_P(InterpFusedStore, TwoStoresRunInOrder) {
  EXPECT_EQ(count("stst", IOp::StPair_I32Store_I32Store), 1);
  EXPECT_EQ(count("stst64", IOp::StPair_I64Store_I64Store), 1);

  run("stst", {I(800), I(0x11111111u), I(800), I(0x22222222u)});
  EXPECT_EQ(get32(800), 0x11111111u);
  EXPECT_EQ(get32(804), 0x22222222u);
  // Overlapping: the second store wins where they meet.
  run("stst", {I(810), I(0x44332211u), I(808), I(0x88776655u)});  // second at 812..815
  EXPECT_EQ(get32(810), 0x66552211u);
  EXPECT_EQ(get32(812), 0x88776655u);
  // The second store traps after the first's effect; a first that traps writes neither.
  expect_oob("stst", {I(820), I(0xabcdefu), I(65529), I(1)});
  EXPECT_EQ(get32(820), 0xabcdefu);
  expect_oob("stst", {I(65533), I(1), I(830), I(0x5a5a5a5au)});
  EXPECT_EQ(get32(834), 0u);
  run("stst64", {I(840), L(0x0102030405060708u), L(0x1112131415161718u)});
  EXPECT_EQ(get64(840), 0x0102030405060708u);
  EXPECT_EQ(get64(848), 0x1112131415161718u);
  expect_oob("stst64", {I(65521), L(1), L(2)});  // the second: 65521 + 8 + 8 > 64 KiB
  EXPECT_EQ(get64(65521), 1u);
}

// (Without fuel, the twins must still agree.)
TEST_P(InterpFusedStore, AFusedCopyCostsItsWasmInstructions) {
  for (const std::vector<Value>& args : {std::vector<Value>{I(900), I(0)}, {I(900), I(65528)}}) {
    uint64_t fused = 0, twin = 0;
    const std::string a = call("mv32", args, nullptr, &fused);
    const std::string b = call("mv32_twin", args, nullptr, &twin);
    EXPECT_EQ(a, b);
    if (GetParam().fuel) {
      EXPECT_EQ(fused + 1, twin);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(AllConfigs, InterpFusedStore, ::testing::ValuesIn(test::kAllConfigs),
                         [](const auto& p) { return std::string(p.param.name); });

}  // namespace
}  // namespace midimon::wasm
