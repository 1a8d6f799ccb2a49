// The internal code of a translated function: a stub that enters its machine code
// (jit_stub.cpp).
#pragma once

#include <cstddef>
#include <memory>

#include "engine.h"
#include "jit.h"
#include "types.h"

namespace midimon::wasm {

struct CompiledFunc;

// Translated functions of at least this many instructions get a stub as their internal
// code; smaller ones are compiled for the interpreter too (compile_function). Below it
// lie most functions but a small share of the compile work (sqlite3: see
// docs/performance.md), and the helpers a SIMD loop may call on every turn.
inline constexpr size_t kJitStubMinInstrs = 64;

// A function of type `type` whose machine code is `jit_code` (jit_compile), for an
// engine with `config`.
std::unique_ptr<CompiledFunc> jit_stub(const EngineConfig& config, const FuncType& type,
                                       JitCodePtr jit_code);

}  // namespace midimon::wasm
