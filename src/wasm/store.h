// Store: one tenant's world. Owns every runtime object and instance created in it, its
// limits, and the execution stack its calls run on. A store is used by one thread at a
// time; different stores are independent.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "engine.h"
#include "instance.h"
#include "jit_abi.h"
#include "module.h"
#include "result.h"
#include "runtime.h"
#include "watchdog.h"

namespace midimon::wasm {

// Resource limits of one store, checked by the engine (docs/limits.md). For the size and
// count limits 0 means "no limit beyond the engine's own" (4 GiB per memory, 10^7
// table elements); the resolved value is visible through Store::limits().
struct StoreLimits {
  uint32_t max_call_depth = 0;          // 0: the engine's default
  uint64_t max_value_stack_slots = 0;   // 0: the engine's default
  uint64_t max_memory_bytes = 0;        // per linear memory; memory.grow beyond: -1
  uint64_t max_store_memory_bytes = 0;  // all memories created in the store together
  uint32_t max_table_elements = 0;      // per table; table.grow beyond: -1
  uint32_t max_instances = 0;           // instances in the store
  uint32_t max_memories = 0;            // memories created in the store (not imported)
  uint32_t max_tables = 0;              // tables created in the store (not imported)
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
  // `blocking`: HostBlocking::MayBlock for a function that can wait until the running
  // call's deadline (see HostBlocking in runtime.h).
  FuncInst* create_host_func(const FuncType& type, HostCallback callback,
                             HostBlocking blocking = HostBlocking::No);
  Result<TableInst*> create_table(const TableType& type, Ref init = kNullRef);
  Result<MemoryInst*> create_memory(const MemoryType& type);
  GlobalInst* create_global(const GlobalType& type, Value value);

  // Instantiates `module` with `imports` given in the module's import order. Errors:
  // Unlinkable ("unknown import", "incompatible import type"), Uninstantiable (a trap
  // while initialising segments or in the start function; message = trap message).
  Result<Instance*> instantiate(const std::shared_ptr<const Module>& module,
                                std::span<const Extern> imports);

  // Calls `func` (wasm or host). `args` and `results` must match its type, one Value per
  // value and two consecutive ones for a v128 (value.h); a mismatch is reported as a
  // host trap rather than undefined behaviour.
  // The outermost call arms the deadline (set_timeout) and clears the interrupt flag.
  Trap call(FuncInst* func, std::span<const Value> args, std::span<Value> results);

  // --- fuel (needs EngineConfig::fuel_metering; otherwise a Usage error) ---
  // Fuel is shared by all calls in the store and is not refilled by the engine: one
  // unit per instruction, charged per basic block (docs/limits.md). A call that would
  // take it below zero traps "fuel exhausted".
  Result<void> set_fuel(uint64_t fuel);
  uint64_t fuel_remaining() const;

  // --- deadline (needs EngineConfig::deadline_checks for a non-zero timeout) ---
  // Wall-clock limit for each outermost call; zero: none. Enforced by the process-wide
  // watchdog thread setting ExecState::interrupt; the call traps "deadline exceeded".
  Result<void> set_timeout(std::chrono::nanoseconds timeout);
  std::chrono::nanoseconds timeout() const { return timeout_; }
  // The running call's deadline, if it has one: host functions that block must not
  // block past it (and should call interrupt() if they return because of it).
  std::optional<std::chrono::steady_clock::time_point> deadline() const { return deadline_; }
  // Makes the running call trap "deadline exceeded" at its next poll or call (e.g. after
  // the current host function returns). Safe from any thread.
  void interrupt();

  // Bytes of linear memory currently committed by the store's own memories.
  uint64_t memory_bytes() const { return memory_budget_.used; }

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
    // What every call's stack check compares the new frame's end with: stack_end, or 0
    // once a deadline has passed (set with `interrupt` by Store::interrupt and the
    // watchdog when the engine has deadline checks), so that calls need no poll of their
    // own: the check fails and its rare path traps "deadline exceeded" (the frame fits
    // the real stack_end). The outermost Store::call restores it with the flag.
    std::atomic<uintptr_t> call_limit{0};
    // What every scalar load's and store's bounds check compares the access's end with
    // in an engine with deadline checks: the size of the running function's memory (the
    // interpreter writes it wherever that can change: entering an instance, memory.grow,
    // after a host call), or 0 once a deadline has passed (lowered with `interrupt`, as
    // call_limit), so a loop that accesses memory needs no poll of its own: the check
    // fails and its rare path traps "deadline exceeded" when the access fits the real
    // size. Never above the real size. Without deadline checks it is not used: the
    // interpreter compares with the size it keeps in a register (interpreter.cpp, run).
    std::atomic<uint64_t> mem_limit{0};
    // Sets mem_limit to `size` without losing a deadline: a store racing with the
    // watchdog's (or Store::interrupt's) lowering could overwrite its 0. Those set the
    // flag first, then lower (both sequentially consistent); here the limit is written
    // first, then the flag read: either the read sees the flag, or the lowering comes
    // after this write.
    void set_mem_limit(uint64_t size) {
      mem_limit.store(size, std::memory_order_seq_cst);
      if (interrupt.load(std::memory_order_seq_cst) != 0) {
        mem_limit.store(0, std::memory_order_relaxed);
      }
    }
    // The baseline compiler's state of the running call (jit_abi.h), next to the fields
    // above that its code reads and writes in place.
    jit_detail::JitCtx jit;
    // Allocates the stack on first use (Store::call, before it resets call_limit).
    void ensure_stack(uint64_t slots) {
      if (stack) return;
      stack.reset(new Value[slots]);
      stack_end = stack.get() + slots;
      sp = stack.get();
      call_limit.store(reinterpret_cast<uintptr_t>(stack_end), std::memory_order_relaxed);
    }
  };
  ExecState& exec() { return exec_; }

 private:
  Engine* engine_;
  StoreLimits limits_;
  ExecState exec_;
  MemoryBudget memory_budget_;
  std::chrono::nanoseconds timeout_{0};
  std::optional<std::chrono::steady_clock::time_point> deadline_;
  uint32_t call_nesting_ = 0;  // Store::call activations (host -> wasm re-entry)
  // This store's registration with the watchdog, made by its first call with a timeout.
  // Declared after exec_, whose interrupt flag it points at, so it goes first.
  std::unique_ptr<Watchdog::Slot> watchdog_;
  Result<void> check_new_memory(const MemoryType& type) const;
  Result<void> check_new_table(const TableType& type) const;
  Result<void> check_module_limits(const ModuleInfo& info) const;
  std::vector<std::unique_ptr<FuncInst>> funcs_;
  std::vector<std::unique_ptr<TableInst>> tables_;
  std::vector<std::unique_ptr<MemoryInst>> memories_;
  std::vector<std::unique_ptr<GlobalInst>> globals_;
  std::vector<std::unique_ptr<Instance>> instances_;
};

}  // namespace midimon::wasm
