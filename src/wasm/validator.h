// Validator: checks a decoded module against the spec's validation rules. Its own pass;
// the compiler runs only on modules it accepted.
#pragma once

#include "module_info.h"
#include "result.h"

namespace midimon::wasm {

// Errors have kind Invalid, the spec's wording ("type mismatch", "unknown local",
// "constant expression required", ...), the byte offset, and `where` set to
// "function N" inside a body or the section name otherwise.
Result<void> validate_module(const ModuleInfo& module);

}  // namespace midimon::wasm
