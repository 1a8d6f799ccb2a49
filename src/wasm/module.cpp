// Module: read, validate, intern types, compile every defined function (now, or each on
// its first call: EngineConfig::lazy_compilation).
//
// The load pipeline decodes each function body once: the reader only delimits bodies
// (BodyDecoding::Deferred), then every body is decoded into one reused DecodedBody that
// the validator and (compiling eagerly) the compiler both walk. An error anywhere is
// reported as the reference decoder + validator order has it (a malformed body before
// anything invalid, wherever it is): on an error, check_body_encodings decodes every body
// again the way Eager reading does and its error, if any, wins. That costs time only on
// the error path.
#include "module.h"

#include <string>

#include "binary_reader.h"
#include "compiler.h"
#include "decoded_body.h"
#include "instance.h"
#include "validator.h"

// The compiler's internal code must be a complete type wherever a CompiledFunc is
// destroyed: here, in ~Module.
#include "code.h"

namespace midimon::wasm {
namespace {

// `e` as Eager reading and validate_module would have reported it.
Error first_error(const ModuleInfo& info, Error e) {
  if (auto r = check_body_encodings(info); !r) return r.take_error();
  return e;
}

// Validates `info` and, when `code` is given, compiles every defined function into it,
// decoding each body once.
Result<void> validate_and_compile(const ModuleInfo& info, const Engine* engine,
                                  std::atomic<const CompiledFunc*>* code) {
  ModuleValidator validator(info);
  if (auto r = validator.check_module(); !r) return first_error(info, r.take_error());
  DecodedBody decoded;
  for (uint32_t i = 0; i < info.bodies.size(); ++i) {
    const uint32_t func_index = info.num_imported_funcs + i;
    if (auto r = decode_body(info.bytes, info.bodies[i], func_index, decoded); !r) {
      return first_error(info, r.take_error());
    }
    if (auto r = validator.check_body(func_index, decoded); !r) {
      return first_error(info, r.take_error());
    }
    if (code) {
      auto f = compile_function(*engine, info, func_index, decoded);
      if (!f) return f.take_error();
      code[i].store(f->release(), std::memory_order_relaxed);
    }
  }
  return {};
}

}  // namespace

Module::~Module() {
  for (uint32_t i = 0; code_ && i < info_.bodies.size(); ++i) {
    delete code_[i].load(std::memory_order_relaxed);
  }
}

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
  const size_t n = m->info_.bodies.size();
  m->code_ = std::make_unique<std::atomic<const CompiledFunc*>[]>(n);
  for (size_t i = 0; i < n; ++i) m->code_[i].store(nullptr, std::memory_order_relaxed);
  const bool eager = !engine.config().lazy_compilation;
  WASM_TRY(validate_and_compile(m->info_, &engine, eager ? m->code_.get() : nullptr));
  m->type_ids_.reserve(m->info_.types.size());
  for (const FuncType& t : m->info_.types) m->type_ids_.push_back(engine.intern_type(t));
  return std::shared_ptr<const Module>(std::move(m));
}

Result<const CompiledFunc*> Module::code(uint32_t i) const {
  if (const CompiledFunc* c = compiled(i)) return c;
  return compile_now(i);
}

Result<const CompiledFunc*> Module::compile_now(uint32_t i) const {
  std::lock_guard lock(compile_mutex_);
  if (const CompiledFunc* c = code_[i].load(std::memory_order_relaxed)) return c;
  const uint32_t func_index = info_.num_imported_funcs + i;
  DecodedBody decoded;
  WASM_TRY(decode_body(info_.bytes, info_.bodies[i], func_index, decoded));
  auto f = compile_function(*engine_, info_, func_index, decoded);
  if (!f) return f.take_error();
  const CompiledFunc* c = f->release();
  code_[i].store(c, std::memory_order_release);
  return c;
}

Trap compile_on_first_call(FuncInst& f) {
  const Module& m = f.instance->module();
  auto code = m.code(f.func_index - m.info().num_imported_funcs);
  if (!code) {
    return Trap::host("internal error: cannot compile function " + std::to_string(f.func_index) +
                      ": " + code.error().to_string());
  }
  f.code = *code;
  return Trap();
}

}  // namespace midimon::wasm
