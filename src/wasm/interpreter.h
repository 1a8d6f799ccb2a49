// Interpreter entry point: runs a WebAssembly function on the store's stack.
#pragma once

#include "runtime.h"
#include "store.h"

namespace midimon::wasm {

// Runs `func` (which must not be a host function) with `args`, writing `results`.
// Re-entrant: a host function called from wasm may call back into wasm.
Trap interpret(Store& store, FuncInst* func, const Value* args, Value* results);

}  // namespace midimon::wasm
