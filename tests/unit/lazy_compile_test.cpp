// Lazy compilation (EngineConfig::lazy_compilation): a module's functions are compiled on
// their first call, once per module, whichever store, thread or call path (Store::call,
// call, call_indirect, a start function, a host function calling back) gets there first;
// validation stays complete at load; the code and its fuel charges are those of eager
// compilation.
#include <gtest/gtest.h>

#include <memory>
#include <thread>
#include <vector>

#include "wat_util.h"
#include "wasm/engine.h"
#include "wasm/instance.h"
#include "wasm/linker.h"
#include "wasm/module.h"
#include "wasm/store.h"
#include "wasm/typed_func.h"

namespace midimon::wasm {
namespace {

EngineConfig config(bool lazy, bool fuel = false) {
  EngineConfig c;
  c.lazy_compilation = lazy;
  c.fuel_metering = fuel;
  return c;
}

std::shared_ptr<const Module> compile(Engine& engine, const std::string& wat) {
  auto m = Module::compile(engine, test::wat2wasm(wat));
  EXPECT_TRUE(m.ok()) << (m.ok() ? "" : m.error().to_string());
  return m.ok() ? *m : nullptr;
}

// Defined functions 0..4: $leaf, $mid calls $leaf, $table_target (reached only through
// call_indirect), $never (nobody calls it), $via_host (called back by the host).
const char* kCalls = R"((module
  (import "host" "call_back" (func $call_back (result i32)))
  (type $r (func (result i32)))
  (table 1 funcref)
  (elem (i32.const 0) $table_target)
  (func $leaf (export "leaf") (result i32) i32.const 7)
  (func $mid (export "mid") (result i32) call $leaf i32.const 1 i32.add)
  (func $table_target (result i32) i32.const 40)
  (func $never (export "never") (result i32) i32.const 99)
  (func $via_host (export "via_host") (result i32) i32.const 1000)
  (func (export "indirect") (result i32) i32.const 0 call_indirect (type $r))
  (func (export "through_host") (result i32) call $call_back))
)";

struct Fixture {
  explicit Fixture(Engine& engine, const std::shared_ptr<const Module>& module) : store(engine) {
    Linker linker;
    linker.define_func(store, "host", "call_back", FuncType{{}, {ValType::I32}},
                       [this](Caller& caller, const Value*, Value* results) {
                         return caller.store.call(instance->get_func("via_host"), {}, {results, 1});
                       });
    auto inst = linker.instantiate(store, module);
    EXPECT_TRUE(inst.ok()) << (inst.ok() ? "" : inst.error().to_string());
    instance = inst.ok() ? *inst : nullptr;
  }
  int32_t call(const char* name) {
    auto f = TypedFunc<int32_t()>::bind(instance->get_func(name));
    EXPECT_TRUE(f.ok()) << name;
    int32_t r = -1;
    Trap t = f->call(store, &r);
    EXPECT_TRUE(t.ok()) << t.message();
    return r;
  }
  Store store;
  Instance* instance = nullptr;
};

TEST(LazyCompile, NothingIsCompiledAtLoadAndOnlyWhatRunsIsCompiledAfter) {
  Engine engine(config(true));
  auto module = compile(engine, kCalls);
  ASSERT_TRUE(module);
  for (uint32_t i = 0; i < module->info().bodies.size(); ++i) {
    EXPECT_EQ(module->compiled(i), nullptr) << i;
  }
  Fixture f(engine, module);
  EXPECT_EQ(f.call("mid"), 8);                // Store::call, then call
  EXPECT_EQ(f.call("indirect"), 40);          // call_indirect
  EXPECT_EQ(f.call("through_host"), 1000);    // a host function calling back into wasm
  EXPECT_NE(module->compiled(0), nullptr);    // $leaf
  EXPECT_NE(module->compiled(1), nullptr);    // $mid
  EXPECT_NE(module->compiled(2), nullptr);    // $table_target
  EXPECT_EQ(module->compiled(3), nullptr);    // $never: never called
  EXPECT_NE(module->compiled(4), nullptr);    // $via_host
  EXPECT_EQ(f.call("never"), 99);
  EXPECT_NE(module->compiled(3), nullptr);
}

TEST(LazyCompile, EagerEngineCompilesEverythingAtLoad) {
  Engine engine(config(false));
  auto module = compile(engine, kCalls);
  ASSERT_TRUE(module);
  for (uint32_t i = 0; i < module->info().bodies.size(); ++i) {
    EXPECT_NE(module->compiled(i), nullptr) << i;
  }
  Fixture f(engine, module);
  EXPECT_EQ(f.call("mid"), 8);
  EXPECT_EQ(f.call("indirect"), 40);
  EXPECT_EQ(f.call("through_host"), 1000);
}

TEST(LazyCompile, OneCompilationPerModuleSharedByEveryStore) {
  Engine engine(config(true));
  auto module = compile(engine, kCalls);
  ASSERT_TRUE(module);
  Fixture a(engine, module);
  Fixture b(engine, module);  // instantiated before anything was compiled
  EXPECT_EQ(a.call("leaf"), 7);
  const CompiledFunc* leaf = module->compiled(0);
  ASSERT_NE(leaf, nullptr);
  EXPECT_EQ(b.instance->get_func("leaf")->code, nullptr);  // b has not called it yet
  EXPECT_EQ(b.call("leaf"), 7);
  EXPECT_EQ(b.instance->get_func("leaf")->code, leaf);
  Fixture c(engine, module);  // instantiated after: gets the compiled code at once
  EXPECT_EQ(c.instance->get_func("leaf")->code, leaf);
}

TEST(LazyCompile, ThreadsCallingTheSameFunctionFirstGetOneCompilation) {
  Engine engine(config(true));
  auto module = compile(engine, kCalls);
  ASSERT_TRUE(module);
  constexpr int kThreads = 8;
  std::vector<std::unique_ptr<Fixture>> fixtures;
  for (int i = 0; i < kThreads; ++i) fixtures.push_back(std::make_unique<Fixture>(engine, module));
  std::vector<int32_t> results(kThreads, -1);
  std::vector<const CompiledFunc*> code(kThreads, nullptr);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      FuncInst* mid = fixtures[i]->instance->get_func("mid");
      Value r{};
      if (fixtures[i]->store.call(mid, {}, {&r, 1}).ok()) results[i] = static_cast<int32_t>(r.i32);
      code[i] = mid->code;
    });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < kThreads; ++i) {
    EXPECT_EQ(results[i], 8) << i;
    EXPECT_EQ(code[i], module->compiled(1)) << i;
  }
}

TEST(LazyCompile, StartFunctionIsCompiledDuringInstantiation) {
  Engine engine(config(true));
  auto module = compile(engine, R"((module
    (global $g (export "g") (mut i32) (i32.const 0))
    (func $init (global.set $g (i32.const 5)))
    (start $init)))");
  ASSERT_TRUE(module);
  Store store(engine);
  auto inst = store.instantiate(module, {});
  ASSERT_TRUE(inst.ok()) << inst.error().to_string();
  EXPECT_EQ((*inst)->get_global("g")->value.i32, 5u);
}

TEST(LazyCompile, InvalidFunctionNobodyCallsFailsAtLoad) {
  Engine engine(config(true));
  const auto bytes = test::wat2wasm(R"((module
    (func (export "ok") (result i32) i32.const 1)
    (func (result i32) i32.const 1 i64.const 2 i32.add)))",
                                    "--no-check");
  auto m = Module::compile(engine, bytes);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().kind, ErrorKind::Invalid);
  EXPECT_EQ(m.error().message, "type mismatch");
  EXPECT_EQ(m.error().where, "function 1");
}

TEST(LazyCompile, FuelChargesAreTheSameAsEager) {
  const char* wat = R"((module
    (func $sum (param $n i32) (result i32) (local $s i32)
      (block $done (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $s (i32.add (local.get $s) (local.get $n)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
      local.get $s)
    (func (export "run") (param i32) (result i32) (call $sum (local.get 0)))))";
  uint64_t left[2];
  for (bool lazy : {true, false}) {
    Engine engine(config(lazy, /*fuel=*/true));
    auto module = compile(engine, wat);
    ASSERT_TRUE(module);
    Store store(engine);
    auto inst = store.instantiate(module, {});
    ASSERT_TRUE(inst.ok());
    ASSERT_TRUE(store.set_fuel(100000).ok());
    auto run = TypedFunc<int32_t(int32_t)>::bind((*inst)->get_func("run"));
    ASSERT_TRUE(run.ok());
    int32_t r = 0;
    ASSERT_TRUE(run->call(store, &r, 100).ok());
    EXPECT_EQ(r, 5050);
    left[lazy ? 0 : 1] = store.fuel_remaining();
  }
  EXPECT_EQ(left[0], left[1]);
  EXPECT_LT(left[0], 100000u);
}

}  // namespace
}  // namespace midimon::wasm
