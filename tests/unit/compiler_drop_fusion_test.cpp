// A value dropped between a producer and a consumer of an older value: `X; Y; drop;
// consumer(X)`. The superinstructions that fuse a consumer with the instruction just
// before (a store of a binop or load result, a binop taking a load, a compare's br_if, a
// local.set retargeting the producer) used to see only that the top of the stack was a
// temp, and took Y for X after the drop: wrong values, wrong branches. Each case here runs
// under the four engine configurations against the result the wasm semantics give
// (computed by hand in the comments).
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine_configs.h"
#include "instance_util.h"
#include "wasm/engine.h"
#include "wasm/linker.h"
#include "wasm/module.h"
#include "wasm/store.h"

namespace midimon::wasm {
namespace {

const char* kModule = R"((module
  (memory 1)
  (func $id (param i32) (result i32) local.get 0)
  ;; store of a binop result, the binop's result dropped before
  (func (export "st_binop") (param $a i32) (param $x i32) (param $y i32) (result i32)
    local.get $a
    local.get $x
    local.get $y
    i32.mul
    local.get $x
    call $id
    local.get $y
    i32.add
    drop
    i32.store
    local.get $a
    i32.load)
  ;; Mv: a load dropped, then a store of an older value
  (func (export "mv") (param $a i32) (param $x i32) (param $y i32) (result i32)
    local.get $a
    local.get $x
    local.get $y
    i32.mul
    local.get $x
    i32.load
    drop
    i32.store
    local.get $a
    i32.load)
  ;; compare dropped, then br_if on an older value
  (func (export "cmp_br") (param $x i32) (param $y i32) (result i32)
    block $b
      local.get $x
      call $id
      local.get $x
      local.get $y
      i32.lt_s
      drop
      br_if $b
      i32.const 1
      return
    end
    i32.const 2)
  ;; eqz dropped
  (func (export "eqz_br") (param $x i32) (param $y i32) (result i32)
    block $b
      local.get $x
      call $id
      local.get $y
      i32.eqz
      drop
      br_if $b
      i32.const 1
      return
    end
    i32.const 2)
  ;; add dropped, then br_if / if on an older value
  (func (export "add_br") (param $x i32) (param $y i32) (result i32)
    block $b
      local.get $x
      call $id
      local.get $x
      local.get $y
      i32.add
      drop
      br_if $b
      i32.const 1
      return
    end
    i32.const 2)
  (func (export "and_if") (param $x i32) (param $y i32) (result i32)
    local.get $x
    call $id
    local.get $x
    local.get $y
    i32.and
    drop
    if (result i32) i32.const 1 else i32.const 2 end)
  (func (export "andi_br") (param $x i32) (param $y i32) (result i32)
    block $b
      local.get $x
      call $id
      local.get $y
      i32.const 4
      i32.and
      drop
      br_if $b
      i32.const 1
      return
    end
    i32.const 2)
  ;; sub dropped then br_table on an older value
  (func (export "sub_brt") (param $x i32) (param $y i32) (result i32)
    block $b0
      block $b1
        local.get $x
        call $id
        local.get $x
        local.get $y
        i32.sub
        drop
        br_table $b0 $b1
      end
      i32.const 10
      return
    end
    i32.const 20)
  ;; a binop on the load, the load dropped: ld_binop b path
  (func (export "ld_b") (param $a i32) (param $x i32) (result i32)
    local.get $x
    local.get $x
    call $id
    local.get $a
    i32.load
    drop
    i32.add)
  ;; add then jump (I32Add_Br): add dropped then br with a value
  (func (export "add_jmp") (param $x i32) (param $y i32) (result i32)
    block $b (result i32)
      local.get $x
      call $id
      local.get $x
      local.get $y
      i32.add
      drop
      br $b
    end)
  ;; global.set of an add result dropped
  (global $g (mut i32) (i32.const 0))
  (func (export "gset") (param $x i32) (param $y i32) (result i32)
    local.get $x
    call $id
    local.get $x
    local.get $y
    i32.sub
    drop
    global.set $g
    global.get $g)
  ;; select on a compare dropped
  (func (export "sel") (param $x i32) (param $y i32) (result i32)
    local.get $x
    local.get $y
    local.get $x
    call $id
    local.get $x
    local.get $y
    i32.gt_u
    drop
    select)
  (func (export "set_after_drop") (param $x i32) (param $y i32) (result i32) (local $z i32)
    local.get $x
    call $id
    local.get $x
    local.get $y
    i32.add
    drop
    local.set $z
    local.get $z)
  (func (export "tee_after_drop") (param $x i32) (param $y i32) (result i32) (local $z i32)
    local.get $x
    call $id
    local.get $x
    local.get $y
    i32.mul
    drop
    local.tee $z
    local.get $z
    i32.add)
))";

class CompilerDropFusion : public ::testing::TestWithParam<test::NamedConfig> {
 protected:
  void SetUp() override {
    inst_ = test::instantiate_wat(engine_, store_, linker_, kModule, &module_);
    ASSERT_NE(inst_, nullptr);
  }
  uint32_t i32(const std::string& name, std::vector<uint32_t> args) {
    std::vector<Value> in;
    for (uint32_t a : args) in.push_back(Value::from_i32(a));
    Value out = Value::from_i64(0);
    EXPECT_EQ(test::call_export(store_, inst_, name, in, GetParam().fuel, &out), "") << name;
    return out.i32;
  }

  Engine engine_{GetParam().engine()};
  Store store_{engine_};
  Linker linker_;
  std::shared_ptr<const Module> module_;
  Instance* inst_ = nullptr;
};

TEST_P(CompilerDropFusion, AStoreStoresTheValueBelowTheDroppedOne) {
  EXPECT_EQ(i32("st_binop", {100, 3, 5}), 15u);  // x * y stored, not the dropped x + y
  EXPECT_EQ(i32("mv", {100, 3, 5}), 15u);        // not the dropped load
  EXPECT_EQ(i32("gset", {3, 4}), 3u);            // global = id(x), not x - y
}

TEST_P(CompilerDropFusion, ABranchTestsTheValueBelowTheDroppedOne) {
  EXPECT_EQ(i32("cmp_br", {1, 5}), 2u);   // br_if id(1): taken
  EXPECT_EQ(i32("cmp_br", {0, 5}), 1u);   // br_if id(0): not taken (the dropped 0 < 5 is true)
  EXPECT_EQ(i32("eqz_br", {1, 0}), 2u);
  EXPECT_EQ(i32("eqz_br", {0, 0}), 1u);   // the dropped eqz(0) is true
  EXPECT_EQ(i32("add_br", {0, 5}), 1u);
  EXPECT_EQ(i32("add_br", {1, 0}), 2u);
  EXPECT_EQ(i32("and_if", {0, 5}), 2u);
  EXPECT_EQ(i32("and_if", {1, 0}), 1u);
  EXPECT_EQ(i32("andi_br", {0, 4}), 1u);
  EXPECT_EQ(i32("andi_br", {1, 0}), 2u);
  EXPECT_EQ(i32("sub_brt", {0, 5}), 20u);  // index id(0), not 0 - 5
  EXPECT_EQ(i32("sub_brt", {1, 1}), 10u);
  EXPECT_EQ(i32("add_jmp", {3, 4}), 3u);
  EXPECT_EQ(i32("sel", {3, 4}), 3u);
  EXPECT_EQ(i32("sel", {0, 4}), 4u);
}

TEST_P(CompilerDropFusion, AnOpOrALocalTakesTheValueBelowTheDroppedOne) {
  EXPECT_EQ(i32("ld_b", {0, 7}), 14u);           // x + id(x), not x + the dropped load
  EXPECT_EQ(i32("set_after_drop", {3, 4}), 3u);  // z = id(x), not the dropped x + y
  EXPECT_EQ(i32("tee_after_drop", {3, 4}), 6u);
}

INSTANTIATE_TEST_SUITE_P(AllConfigs, CompilerDropFusion, ::testing::ValuesIn(test::kAllConfigs),
                         [](const auto& p) { return std::string(p.param.name); });

}  // namespace
}  // namespace midimon::wasm
