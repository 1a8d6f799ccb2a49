// TypedFunc: signature checked at bind time, native values in and out, traps passed on.
#include "wasm/typed_func.h"

#include <gtest/gtest.h>

#include "wasm/linker.h"
#include "wat_util.h"

namespace midimon::wasm {
namespace {

class TypedFuncTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto bytes = test::wat2wasm(R"((module
      (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
      (func (export "mix") (param i64 f64) (result f64)
        (f64.add (f64.convert_i64_s (local.get 0)) (local.get 1)))
      (func (export "boom") (param i32) (drop (i32.div_u (i32.const 1) (local.get 0)))))
    )");
    auto module = Module::compile(engine, bytes);
    ASSERT_TRUE(module.ok()) << module.error().to_string();
    auto inst = Linker().instantiate(store, *module);
    ASSERT_TRUE(inst.ok()) << inst.error().to_string();
    instance = *inst;
  }
  Engine engine;
  Store store{engine};
  Instance* instance = nullptr;
};

TEST_F(TypedFuncTest, CallsWithNativeValues) {
  auto add = TypedFunc<int32_t(int32_t, int32_t)>::bind(instance->get_func("add"));
  ASSERT_TRUE(add.ok()) << add.error().message;
  int32_t r = 0;
  ASSERT_TRUE(add->call(store, &r, 40, 2).ok());
  EXPECT_EQ(r, 42);
  ASSERT_TRUE(add->call(store, &r, INT32_MAX, 1).ok());
  EXPECT_EQ(r, INT32_MIN);  // wraps like i32.add

  auto mix = TypedFunc<double(int64_t, double)>::bind(instance->get_func("mix"));
  ASSERT_TRUE(mix.ok());
  double d = 0;
  ASSERT_TRUE(mix->call(store, &d, -3, 0.5).ok());
  EXPECT_EQ(d, -2.5);
}

TEST_F(TypedFuncTest, WrongSignatureIsAUsageErrorNamingBothTypes) {
  auto bad = TypedFunc<int64_t(int32_t, int32_t)>::bind(instance->get_func("add"));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().kind, ErrorKind::Usage);
  EXPECT_EQ(bad.error().message, "function type is (i32, i32) -> (i32), not (i32, i32) -> (i64)");
  auto missing = TypedFunc<void()>::bind(instance->get_func("nope"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message, "no such function");
}

TEST_F(TypedFuncTest, TrapsComeBackAsValuesAndTheStoreStaysUsable) {
  auto boom = TypedFunc<void(int32_t)>::bind(instance->get_func("boom"));
  ASSERT_TRUE(boom.ok());
  Trap t = boom->call(store, 0);
  EXPECT_EQ(t.kind, TrapKind::IntegerDivideByZero);
  EXPECT_TRUE(boom->call(store, 1).ok());
}

}  // namespace
}  // namespace midimon::wasm
