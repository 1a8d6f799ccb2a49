// Test helper: which internal ops a compiled function's code contains, found by their
// handlers' addresses (an instruction starts with its handler's, two units).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "wasm/code.h"

namespace midimon::test {

// How many times `op`'s handler appears in `code`. An engine with deadline checks runs an
// interpreter of its own, with handlers of its own (wasm::interp_handler_addresses): both
// are looked for, so the count does not depend on the engine the code was compiled for.
inline int count_handler(const std::vector<uint32_t>& code, wasm::IOp op) {
  const auto i = static_cast<uint32_t>(op);
  const uint64_t plain = wasm::interp_handler_addresses(false)[i];
  const uint64_t deadline = wasm::interp_handler_addresses(true)[i];
  int n = 0;
  for (size_t k = 0; k + 1 < code.size(); ++k) {
    const uint64_t word = code[k] | (static_cast<uint64_t>(code[k + 1]) << 32);
    if (word == plain || word == deadline) ++n;
  }
  return n;
}

}  // namespace midimon::test
