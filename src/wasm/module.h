// Module: a decoded, validated and compiled module. Immutable once created, so one
// Module can be instantiated in many stores on many threads.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <vector>

#include "engine.h"
#include "module_info.h"
#include "result.h"
#include "trap.h"

namespace midimon::wasm {

struct CompiledFunc;  // the internal code of one function (code.h)
struct FuncInst;

class Module {
 public:
  // Reads, validates and compiles `binary` (every function now, or each on its first
  // call with EngineConfig::lazy_compilation). Errors carry kind Malformed or Invalid and
  // the byte offset (and function index, when inside a body).
  static Result<std::shared_ptr<const Module>> compile(Engine& engine,
                                                       std::span<const uint8_t> binary);
  // Reads and validates only.
  static Result<void> validate(std::span<const uint8_t> binary);

  ~Module();
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;

  Engine& engine() const { return *engine_; }
  const ModuleInfo& info() const { return info_; }
  // Canonical engine type id of each type index.
  const std::vector<uint32_t>& type_ids() const { return type_ids_; }
  // Internal code of defined function `i` (i counts defined functions only), or nullptr
  // while a lazily compiled function has not been called yet. Never compiles.
  const CompiledFunc* compiled(uint32_t i) const {
    return code_[i].load(std::memory_order_acquire);
  }
  // The same, compiling it first if needed. Thread-safe: a function is compiled once per
  // module, whichever store or thread calls it first. Fails only on an engine bug (the
  // module was validated), with a message naming the function.
  Result<const CompiledFunc*> code(uint32_t i) const;

 private:
  Module() = default;
  Result<const CompiledFunc*> compile_now(uint32_t i) const;

  Engine* engine_ = nullptr;
  ModuleInfo info_;
  std::vector<uint32_t> type_ids_;
  // One per defined function, owning (deleted with the module); written once, under
  // compile_mutex_, and read without it.
  std::unique_ptr<std::atomic<const CompiledFunc*>[]> code_;
  mutable std::mutex compile_mutex_;
};

// The code of wasm function `f` (not a host function) on its first call: compiles it in
// its module if nobody has yet, and sets f.code. A host trap "internal error: ..." if it
// cannot (an engine bug).
Trap compile_on_first_call(FuncInst& f);

}  // namespace midimon::wasm
