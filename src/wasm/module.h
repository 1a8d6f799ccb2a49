// Module: a decoded, validated and compiled module. Immutable once created, so one
// Module can be instantiated in many stores on many threads.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "engine.h"
#include "module_info.h"
#include "result.h"

namespace midimon::wasm {

struct CompiledFunc;  // the internal code of one function (code.h)

class Module {
 public:
  // Reads, validates and compiles `binary`. Errors carry kind Malformed or Invalid and
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
  // Internal code of defined function `i` (i counts defined functions only).
  const CompiledFunc* code(uint32_t i) const { return code_[i].get(); }

 private:
  Module() = default;
  Engine* engine_ = nullptr;
  ModuleInfo info_;
  std::vector<uint32_t> type_ids_;
  std::vector<std::unique_ptr<CompiledFunc>> code_;
};

}  // namespace midimon::wasm
