// Compiler: turns one validated function body into the interpreter's internal code.
#pragma once

#include <cstdint>
#include <memory>

#include "decoded_body.h"
#include "engine.h"
#include "module_info.h"
#include "result.h"

namespace midimon::wasm {

struct CompiledFunc;

// `func_index` is in the module's function space (imported functions first) and must
// refer to a defined function; `decoded` is its body (decode_body), which must already
// have passed the validator.
Result<std::unique_ptr<CompiledFunc>> compile_function(const Engine& engine,
                                                       const ModuleInfo& module,
                                                       uint32_t func_index,
                                                       const DecodedBody& decoded);

// Needed where unique_ptr<CompiledFunc> is destroyed without code.h.
void destroy_compiled_func(CompiledFunc* f);

}  // namespace midimon::wasm
