// The scalar accesses' bounds checks follow the memory's size wherever it can change
// under them: a host function growing the caller's memory, a callee's memory.grow, a
// call into another instance (another memory) and back, a host function running wasm of
// another instance. The interpreter keeps the size in a register without deadline checks
// and in ExecState::mem_limit with them (interpreter.cpp, SYNC_MEM_LIMIT), and so does
// machine code (r14, or mem_limit: jit_x64.cpp, bounds_check_rcx): every configuration
// of both runs every case.
#include <gtest/gtest.h>

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

constexpr const char* kOob = "out of bounds memory access";

// One page, 42 at address 100: what "other" instance code sees of its own memory.
constexpr const char* kOther = R"((module
  (memory 1)
  (data (i32.const 100) "\2a")
  (func (export "peek") (param i32) (result i32) (i32.load (local.get 0)))
))";

constexpr const char* kMain = R"((module
  (import "host" "grow" (func $host_grow))
  (import "host" "peek_other" (func $host_peek_other (result i32)))
  (import "other" "peek" (func $peek (param i32) (result i32)))
  (memory 2 4)
  (func (export "store_last") (param i32)  ;; the last word of page N-1
    (i32.store (i32.sub (i32.mul (local.get 0) (i32.const 65536)) (i32.const 4)) (i32.const 7)))
  (func (export "store_past") (param i32)  ;; one byte past page N-1
    (i32.store (i32.sub (i32.mul (local.get 0) (i32.const 65536)) (i32.const 3)) (i32.const 7)))
  (func (export "host_grow_then_store") (result i32)
    (call $host_grow)
    (i32.store (i32.const 131072) (i32.const 9))
    (i32.load (i32.const 131072)))
  (func $grow (drop (memory.grow (i32.const 1))))
  (func (export "callee_grows_then_store") (result i32) (local i32)
    (call $grow)
    ;; a loop, so that the access runs in code that has been running since before the
    ;; growth (nothing reloads the size at a back-edge)
    (loop $l
      (i32.store (i32.add (i32.const 131072) (i32.mul (local.get 0) (i32.const 4))) (local.get 0))
      (br_if $l (i32.lt_u (local.tee 0 (i32.add (local.get 0) (i32.const 1))) (i32.const 16))))
    (i32.load (i32.const 131132)))
  (func (export "other_then_own") (result i32)
    ;; 70000 is past the other instance's one page, within this instance's two
    (i32.store (i32.const 70000) (i32.const 5))
    (i32.add (call $peek (i32.const 100)) (i32.load (i32.const 70000))))
  (func (export "other_past_its_end") (result i32) (call $peek (i32.const 70000)))
  (func (export "host_runs_other_then_own") (result i32)
    (i32.store (i32.const 70000) (i32.const 6))
    (i32.add (call $host_peek_other) (i32.load (i32.const 70000))))
))";

class InterpMemSize : public ::testing::TestWithParam<test::NamedConfig> {
 protected:
  InterpMemSize() : engine(GetParam().engine()), store(engine) {
    if (GetParam().fuel) {
      EXPECT_TRUE(store.set_fuel(uint64_t{1} << 40).ok());
    }
    Linker other_linker;
    other = test::instantiate_wat(engine, store, other_linker, kOther, &other_module);
    if (!other) return;
    linker.define_instance("other", *other);
    const FuncType none;
    linker.define_func(store, "host", "grow", none, [](Caller& c, const Value*, Value*) {
      EXPECT_EQ(c.memory()->grow(1), 2);
      return Trap();
    });
    FuncType to_i32;
    to_i32.results = {ValType::I32};
    linker.define_func(store, "host", "peek_other", to_i32, [this](Caller& c, const Value*, Value* out) {
      const std::vector<Value> args = {Value::from_i32(100)};
      std::vector<Value> result(1);
      Trap t = c.store.call(other->get_func("peek"), args, result);
      out[0] = result[0];
      return t;
    });
    main = test::instantiate_wat(engine, store, linker, kMain, &main_module);
  }

  // "" or the trap's message; `*out` gets the i32 result, if any.
  std::string call(const std::string& name, std::vector<Value> args = {}, uint32_t* out = nullptr) {
    if (!main) return "not instantiated";
    FuncInst* f = main->get_func(name);
    if (!f) return "no export " + name;
    std::vector<Value> results(f->type->results.size());
    Trap t = store.call(f, args, results);
    if (out && !results.empty()) *out = results[0].i32;
    return t.ok() ? "" : t.message();
  }

  Engine engine;
  Store store;
  Linker linker;
  std::shared_ptr<const Module> other_module, main_module;
  Instance* other = nullptr;
  Instance* main = nullptr;
};

TEST_P(InterpMemSize, AHostFunctionGrowingTheMemoryMovesTheBound) {
  EXPECT_EQ(call("store_past", {Value::from_i32(3)}), kOob);  // page 3 is not there yet
  uint32_t v = 0;
  EXPECT_EQ(call("host_grow_then_store", {}, &v), "");
  EXPECT_EQ(v, 9u);
  EXPECT_EQ(call("store_last", {Value::from_i32(3)}), "");
  EXPECT_EQ(call("store_past", {Value::from_i32(3)}), kOob);
}

TEST_P(InterpMemSize, ACalleesMemoryGrowMovesTheCallersBound) {
  uint32_t v = 0;
  EXPECT_EQ(call("callee_grows_then_store", {}, &v), "");
  EXPECT_EQ(v, 15u);
  EXPECT_EQ(call("store_past", {Value::from_i32(3)}), kOob);
}

TEST_P(InterpMemSize, EachInstanceIsCheckedAgainstItsOwnMemory) {
  EXPECT_EQ(call("other_past_its_end"), kOob);
  uint32_t v = 0;
  EXPECT_EQ(call("other_then_own", {}, &v), "");  // the own bound is back after the call
  EXPECT_EQ(v, 42u + 5u);
  EXPECT_EQ(call("store_past", {Value::from_i32(2)}), kOob);
}

TEST_P(InterpMemSize, AHostFunctionRunningOtherWasmLeavesTheCallersBound) {
  uint32_t v = 0;
  EXPECT_EQ(call("host_runs_other_then_own", {}, &v), "");
  EXPECT_EQ(v, 42u + 6u);
}

INSTANTIATE_TEST_SUITE_P(Configs, InterpMemSize, ::testing::ValuesIn(test::kAllConfigs),
                         [](const ::testing::TestParamInfo<test::NamedConfig>& p) { return p.param.name; });
INSTANTIATE_TEST_SUITE_P(Jit, InterpMemSize, ::testing::ValuesIn(test::kJitConfigs),
                         [](const ::testing::TestParamInfo<test::NamedConfig>& p) { return p.param.name; });

}  // namespace
}  // namespace midimon::wasm
