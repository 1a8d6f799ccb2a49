// Test helper: a module from WebAssembly text, compiled and instantiated through a
// linker in one step. Failures are recorded as test failures, not thrown.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "wat_util.h"
#include "wasm/engine.h"
#include "wasm/linker.h"
#include "wasm/module.h"
#include "wasm/store.h"

namespace midimon::test {

// The instance, or nullptr after a failed EXPECT; `*module` keeps the compiled module.
inline wasm::Instance* instantiate_wat(wasm::Engine& engine, wasm::Store& store,
                                       wasm::Linker& linker, const std::string& wat,
                                       std::shared_ptr<const wasm::Module>* module) {
  auto m = wasm::Module::compile(engine, wat2wasm(wat));
  EXPECT_TRUE(m.ok()) << m.error().to_string();
  if (!m.ok()) return nullptr;
  *module = *m;
  auto r = linker.instantiate(store, *module);
  EXPECT_TRUE(r.ok()) << r.error().to_string();
  return r.ok() ? *r : nullptr;
}

// Calls the export `name` of `inst`: "" when it returns, else the trap's message ("no
// export NAME" when there is none). Its first result goes to *out. With `fuel`, the
// store gets 2^40 units first and *fuel_used says how many the call took.
inline std::string call_export(wasm::Store& store, wasm::Instance* inst, const std::string& name,
                               const std::vector<wasm::Value>& args, bool fuel,
                               wasm::Value* out = nullptr, uint64_t* fuel_used = nullptr) {
  wasm::FuncInst* f = inst->get_func(name);
  if (!f) return "no export " + name;
  std::vector<wasm::Value> res(f->type->results.size(), wasm::Value::from_i64(0));
  constexpr uint64_t kFuel = uint64_t{1} << 40;
  if (fuel) {
    EXPECT_TRUE(store.set_fuel(kFuel).ok());
  }
  const wasm::Trap t = store.call(f, args, res);
  if (out && !res.empty()) *out = res[0];
  if (fuel_used && fuel) *fuel_used = kFuel - store.fuel_remaining();
  return t.ok() ? "" : t.message();
}

}  // namespace midimon::test
