// Import matching (the spec's "external type matching"), used by Store::instantiate.
#pragma once

#include "module.h"
#include "result.h"
#include "runtime.h"

namespace midimon::wasm {

// Checks that `value` may satisfy `import` of `module`. On a mismatch returns an
// Unlinkable error "incompatible import type for mod.name: expected ..., got ...".
Result<void> check_import(const Module& module, const Import& import, const Extern& value);

}  // namespace midimon::wasm
