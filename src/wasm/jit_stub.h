// The internal code of a translated function: a stub that enters its machine code
// (jit_stub.cpp).
#pragma once

#include <memory>

#include "engine.h"
#include "jit.h"
#include "types.h"

namespace midimon::wasm {

struct CompiledFunc;

// A function of type `type` whose machine code is `jit_code` (jit_compile), for an
// engine with `config`.
std::unique_ptr<CompiledFunc> jit_stub(const EngineConfig& config, const FuncType& type,
                                       JitCodePtr jit_code);

}  // namespace midimon::wasm
