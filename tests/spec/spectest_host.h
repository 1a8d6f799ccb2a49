// The `spectest` host module every spec script may import from, as the reference
// interpreter defines it: print functions that print nothing, four globals of value
// 666 / 666.6, a funcref table of 10..20 elements and a memory of 1..2 pages.
#pragma once

#include <string>

#include "src/wasm/linker.h"
#include "src/wasm/store.h"

namespace midimon::spec {

// Creates the spectest objects in `store` and defines them in `linker` under
// "spectest". Returns false (with `error`) if the store refuses an object.
bool define_spectest(wasm::Store& store, wasm::Linker& linker, std::string* error);

}  // namespace midimon::spec
