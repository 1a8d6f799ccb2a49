// Runs a module in our engine the way every fuzz target needs: compile, instantiate
// with stub imports (host functions returning zeros, tables/memories/globals of the
// imported types), and call every exported function with zero arguments under fuel
// and call-depth limits. Each outcome is recorded so the differential target can
// compare it with wabt.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "wasm/engine.h"
#include "wasm/module.h"
#include "wasm/store.h"

namespace midimon::fuzz {

struct HarnessLimits {
  int64_t fuel_per_call = 100'000;  // used when the engine meters fuel
  uint32_t max_call_depth = 200;
  uint32_t memory_cap_pages = 256;  // 16 MiB per memory; stub imports get this maximum
  uint32_t table_cap = 10'000;      // elements per table
};

// What one call (or the start function) did.
struct CallOutcome {
  wasm::TrapKind trap = wasm::TrapKind::None;
  std::string trap_message;
  std::vector<wasm::ValType> types;
  std::vector<wasm::Value> results;  // slots: two per v128
};

class EngineHarness {
 public:
  EngineHarness(wasm::Engine& engine, const HarnessLimits& limits);

  // True if any memory or table of the module (imported or defined) starts above the
  // caps, or a memory import cannot be stubbed within them: the caller skips running.
  static bool exceeds_caps(const wasm::ModuleInfo& info, const HarnessLimits& limits);

  // Instantiates; on failure returns the error (and `instance()` stays null).
  std::optional<wasm::Error> instantiate(const std::shared_ptr<const wasm::Module>& module);
  wasm::Instance* instance() const { return instance_; }
  wasm::Store& store() { return *store_; }

  // Calls `func` with zero arguments after refilling the fuel (to `fuel` when given,
  // else to HarnessLimits::fuel_per_call).
  CallOutcome call(wasm::FuncInst* func, std::optional<int64_t> fuel = std::nullopt);

 private:
  std::vector<wasm::Extern> make_imports(const wasm::ModuleInfo& info);
  wasm::Engine& engine_;
  HarnessLimits limits_;
  std::unique_ptr<wasm::Store> store_;
  wasm::Instance* instance_ = nullptr;
};

// Engine configured for fuzzing: fuel metering on, small call depth.
wasm::EngineConfig fuzz_engine_config(const HarnessLimits& limits);

}  // namespace midimon::fuzz
