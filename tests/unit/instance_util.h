// Test helper: a module from WebAssembly text, compiled and instantiated through a
// linker in one step. Failures are recorded as test failures, not thrown.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

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

}  // namespace midimon::test
