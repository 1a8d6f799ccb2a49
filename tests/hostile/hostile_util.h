// Shared helpers for the hostile suite: an engine with the instrumentation a test needs,
// a store, and modules from inline WAT.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>

#include "wat_util.h"
#include "wasm/engine.h"
#include "wasm/instance.h"
#include "wasm/module.h"
#include "wasm/store.h"

namespace midimon::hostile {

using namespace wasm;
using namespace std::chrono_literals;

inline EngineConfig limits_config(bool fuel, bool deadline) {
  EngineConfig c;
  c.fuel_metering = fuel;
  c.deadline_checks = deadline;
  return c;
}

inline std::shared_ptr<const Module> compile(Engine& engine, const std::string& wat) {
  const auto bytes = test::wat2wasm(wat);
  auto m = Module::compile(engine, bytes);
  EXPECT_TRUE(m.ok()) << (m.ok() ? "" : m.error().to_string());
  return m.ok() ? *m : nullptr;
}

inline Instance* instantiate(Store& store, const std::shared_ptr<const Module>& module) {
  auto inst = store.instantiate(module, {});
  EXPECT_TRUE(inst.ok()) << (inst.ok() ? "" : inst.error().to_string());
  return inst.ok() ? *inst : nullptr;
}

// Calls an export taking and returning nothing or one i32.
inline Trap call0(Store& store, Instance* inst, const char* name) {
  return store.call(inst->get_func(name), {}, {});
}
inline Trap call_i32(Store& store, Instance* inst, const char* name, std::span<const Value> args,
                     int32_t* result) {
  Value r{};
  Trap t = store.call(inst->get_func(name), args, {&r, 1});
  *result = static_cast<int32_t>(r.i32);
  return t;
}

// Every hostile module also exports "ok" () -> i32 returning 42: proof the store works.
inline void expect_store_works(Store& store, Instance* inst) {
  int32_t r = 0;
  Trap t = call_i32(store, inst, "ok", {}, &r);
  EXPECT_TRUE(t.ok()) << t.message();
  EXPECT_EQ(r, 42);
}

inline double ms_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace midimon::hostile
