// Module: read, validate, intern types, compile every defined function.
//
// The load pipeline decodes each function body once: the reader only delimits bodies
// (BodyDecoding::Deferred), then every body is decoded into one reused DecodedBody that
// the validator and the compiler both walk. An error anywhere is reported as the
// reference decoder + validator order has it (a malformed body before anything invalid,
// wherever it is): on an error, check_body_encodings decodes every body again the way
// Eager reading does and its error, if any, wins. That costs time only on the error path.
#include "module.h"

#include "binary_reader.h"
#include "compiler.h"
#include "decoded_body.h"
#include "validator.h"

// The compiler's internal code must be a complete type wherever a
// unique_ptr<CompiledFunc> is destroyed: here, in ~Module and after compile_function.
#include "code.h"

namespace midimon::wasm {
namespace {

// `e` as Eager reading and validate_module would have reported it.
Error first_error(const ModuleInfo& info, Error e) {
  if (auto r = check_body_encodings(info); !r) return r.take_error();
  return e;
}

// Validates `info` and, when `compiled` is given, compiles every defined function into
// it, decoding each body once.
Result<void> validate_and_compile(const ModuleInfo& info, const Engine* engine,
                                  std::vector<std::unique_ptr<CompiledFunc>>* compiled) {
  ModuleValidator validator(info);
  if (auto r = validator.check_module(); !r) return first_error(info, r.take_error());
  if (compiled) compiled->reserve(info.bodies.size());
  DecodedBody decoded;
  for (uint32_t i = 0; i < info.bodies.size(); ++i) {
    const uint32_t func_index = info.num_imported_funcs + i;
    if (auto r = decode_body(info.bytes, info.bodies[i], func_index, decoded); !r) {
      return first_error(info, r.take_error());
    }
    if (auto r = validator.check_body(func_index, decoded); !r) {
      return first_error(info, r.take_error());
    }
    if (compiled) {
      auto code = compile_function(*engine, info, func_index, decoded);
      if (!code) return code.take_error();
      compiled->push_back(std::move(*code));
    }
  }
  return {};
}

}  // namespace

Module::~Module() = default;

Result<void> Module::validate(std::span<const uint8_t> binary) {
  auto info = read_module(binary, BodyDecoding::Deferred);
  if (!info) return info.take_error();
  return validate_and_compile(*info, nullptr, nullptr);
}

Result<std::shared_ptr<const Module>> Module::compile(Engine& engine,
                                                      std::span<const uint8_t> binary) {
  auto info = read_module(binary, BodyDecoding::Deferred);
  if (!info) return info.take_error();

  std::shared_ptr<Module> m(new Module());
  m->engine_ = &engine;
  m->info_ = std::move(*info);
  WASM_TRY(validate_and_compile(m->info_, &engine, &m->code_));
  m->type_ids_.reserve(m->info_.types.size());
  for (const FuncType& t : m->info_.types) m->type_ids_.push_back(engine.intern_type(t));
  return std::shared_ptr<const Module>(std::move(m));
}

}  // namespace midimon::wasm
