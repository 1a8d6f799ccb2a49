// A module instantiated in a store of its own engine, for the baseline compiler's tests
// (jit_test.cpp, jit_stub_test.cpp): call an export and read its result or its trap.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <initializer_list>
#include <string>
#include <vector>

#include "wat_util.h"
#include "wasm/code.h"
#include "wasm/engine.h"
#include "wasm/instance.h"
#include "wasm/linker.h"
#include "wasm/module.h"
#include "wasm/store.h"

namespace midimon::wasm {

inline EngineConfig jit_config(bool fuel = false, bool deadline = false) {
  EngineConfig c;
  c.jit = true;
  c.lazy_compilation = false;
  c.fuel_metering = fuel;
  c.deadline_checks = deadline;
  return c;
}

struct JitRun {
  Engine engine;
  Store store;
  Linker linker;
  Instance* instance = nullptr;

  JitRun(EngineConfig c, const std::string& wat, StoreLimits limits = {})
      : engine(c), store(engine, limits) {
    setup(wat);
  }
  JitRun(EngineConfig c, const std::string& wat, const std::function<void(JitRun&)>& imports)
      : engine(c), store(engine) {
    imports(*this);
    setup(wat);
  }
  void setup(const std::string& wat) {
    auto m = Module::compile(engine, test::wat2wasm(wat));
    ASSERT_TRUE(m.ok()) << m.error().to_string();
    auto inst = linker.instantiate(store, *m);
    ASSERT_TRUE(inst.ok()) << inst.error().to_string();
    instance = *inst;
  }
  bool translated(const char* name) { return instance->get_func(name)->code->jit != nullptr; }
  Trap call(const char* name, std::vector<Value> args, std::vector<Value>* results) {
    FuncInst* f = instance->get_func(name);
    results->assign(f->result_slots, Value{});
    return store.call(f, args, *results);
  }
  uint64_t call_bits(const char* name, std::vector<Value> args = {}) {
    std::vector<Value> r;
    Trap t = call(name, std::move(args), &r);
    EXPECT_TRUE(t.ok()) << name << ": " << t.message();
    return r.empty() ? 0 : r[0].bits;
  }
  std::string trap_of(const char* name, std::vector<Value> args = {}) {
    std::vector<Value> r;
    Trap t = call(name, std::move(args), &r);
    return t.ok() ? "no trap" : t.message();
  }
};

// What every exactness test of machine code's fuel checks: `name(args)` on `j` (machine
// code) and on `i` (the interpreter, fuel metered), each given fuel to spare, gives the
// same result and uses the same fuel; `j` given exactly that fuel completes with none
// left, and given one unit less traps "fuel exhausted". `what` names the case.
struct FuelRun {
  uint64_t result = 0;
  uint64_t need = 0;  // the fuel the call used
};
inline FuelRun expect_exact_fuel(JitRun& j, JitRun& i, const char* name,
                                 const std::vector<Value>& args, const std::string& what) {
  constexpr uint64_t kSpare = 1'000'000;
  EXPECT_TRUE(j.store.set_fuel(kSpare).ok()) << what;
  EXPECT_TRUE(i.store.set_fuel(kSpare).ok()) << what;
  FuelRun out;
  out.result = j.call_bits(name, args);
  EXPECT_EQ(out.result, i.call_bits(name, args)) << what;
  EXPECT_EQ(j.store.fuel_remaining(), i.store.fuel_remaining()) << what;
  out.need = kSpare - j.store.fuel_remaining();
  EXPECT_TRUE(j.store.set_fuel(out.need).ok()) << what;
  EXPECT_EQ(j.call_bits(name, args), out.result) << what << " with exactly " << out.need;
  EXPECT_EQ(j.store.fuel_remaining(), 0u) << what;
  EXPECT_TRUE(j.store.set_fuel(out.need - 1).ok()) << what;
  EXPECT_EQ(j.trap_of(name, args), "fuel exhausted") << what << " with " << out.need - 1;
  return out;
}

// expect_exact_fuel for each of `names` (all translated) and each i32 argument 0 to
// `max_arg`: eager machine code with fuel against the eager interpreter.
inline void expect_exact_fuel_for_each(const char* wat, std::initializer_list<const char*> names,
                                       uint32_t max_arg) {
  EngineConfig interp;
  interp.lazy_compilation = false;
  interp.fuel_metering = true;
  JitRun j(jit_config(true), wat), i(interp, wat);
  for (const char* f : names) {
    ASSERT_TRUE(j.translated(f)) << f;
    for (uint32_t arg = 0; arg <= max_arg; ++arg) {
      expect_exact_fuel(j, i, f, {Value::from_i32(arg)}, std::string(f) + "(" + std::to_string(arg) + ")");
    }
  }
}

}  // namespace midimon::wasm
