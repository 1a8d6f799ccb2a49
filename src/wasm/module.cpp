// Module: read, validate, intern types, compile every defined function.
#include "module.h"

#include "binary_reader.h"
#include "compiler.h"
#include "validator.h"

// The compiler's internal code must be a complete type wherever a
// unique_ptr<CompiledFunc> is destroyed: here, in ~Module and after compile_function.
#include "code.h"

namespace midimon::wasm {

Module::~Module() = default;

Result<void> Module::validate(std::span<const uint8_t> binary) {
  auto info = read_module(binary);
  if (!info) return info.take_error();
  return validate_module(*info);
}

Result<std::shared_ptr<const Module>> Module::compile(Engine& engine,
                                                      std::span<const uint8_t> binary) {
  auto info = read_module(binary);
  if (!info) return info.take_error();
  WASM_TRY(validate_module(*info));

  std::shared_ptr<Module> m(new Module());
  m->engine_ = &engine;
  m->info_ = std::move(*info);
  m->type_ids_.reserve(m->info_.types.size());
  for (const FuncType& t : m->info_.types) m->type_ids_.push_back(engine.intern_type(t));

  const uint32_t first = m->info_.num_imported_funcs;
  m->code_.reserve(m->info_.bodies.size());
  for (uint32_t i = 0; i < m->info_.bodies.size(); ++i) {
    auto code = compile_function(engine, m->info_, first + i);
    if (!code) return code.take_error();
    m->code_.push_back(std::move(*code));
  }
  return std::shared_ptr<const Module>(std::move(m));
}

}  // namespace midimon::wasm
