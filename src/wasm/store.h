// Store: one tenant's world. Owns every runtime object and instance created in it, its
// limits, and the execution stack its calls run on. A store is used by one thread at a
// time; different stores are independent.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "engine.h"
#include "instance.h"
#include "module.h"
#include "result.h"
#include "runtime.h"

namespace midimon::wasm {

struct StoreLimits {
  uint32_t max_call_depth = 0;          // 0: the engine's default
  uint64_t max_value_stack_slots = 0;   // 0: the engine's default
};

class Store {
 public:
  explicit Store(Engine& engine, StoreLimits limits = {});
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  Engine& engine() const { return *engine_; }
  const StoreLimits& limits() const { return limits_; }  // defaults resolved

  // --- creating objects (for imports provided by the host) ---
  FuncInst* create_host_func(const FuncType& type, HostCallback callback);
  Result<TableInst*> create_table(const TableType& type, Ref init = kNullRef);
  Result<MemoryInst*> create_memory(const MemoryType& type);
  GlobalInst* create_global(const GlobalType& type, Value value);

  // Instantiates `module` with `imports` given in the module's import order. Errors:
  // Unlinkable ("unknown import", "incompatible import type"), Uninstantiable (a trap
  // while initialising segments or in the start function; message = trap message).
  Result<Instance*> instantiate(const std::shared_ptr<const Module>& module,
                                std::span<const Extern> imports);

  // Calls `func` (wasm or host). `args` and `results` must match its type; a mismatch
  // is reported as a host trap rather than undefined behaviour.
  Trap call(FuncInst* func, std::span<const Value> args, std::span<Value> results);

  // --- execution state, used by the interpreter ---
  struct ExecState {
    std::unique_ptr<Value[]> stack;  // allocated on first call
    Value* stack_end = nullptr;
    Value* sp = nullptr;             // first free slot (re-entrant host->wasm calls)
    uint32_t depth = 0;              // current wasm call depth
    uint32_t reentry = 0;            // nested interpret() activations (native stack use)
    // Limits polled by the interpreter (only in code compiled with the engine's
    // fuel_metering / deadline_checks). `interrupt` is set from the watchdog thread.
    std::atomic<uint32_t> interrupt{0};  // non-zero: trap "deadline exceeded" at next poll
    int64_t fuel = 0;                    // remaining fuel; below zero: "fuel exhausted"
  };
  ExecState& exec() { return exec_; }

 private:
  Engine* engine_;
  StoreLimits limits_;
  ExecState exec_;
  std::vector<std::unique_ptr<FuncInst>> funcs_;
  std::vector<std::unique_ptr<TableInst>> tables_;
  std::vector<std::unique_ptr<MemoryInst>> memories_;
  std::vector<std::unique_ptr<GlobalInst>> globals_;
  std::vector<std::unique_ptr<Instance>> instances_;
};

}  // namespace midimon::wasm
