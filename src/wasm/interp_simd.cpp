// The table of SIMD handler addresses, filled once from the three group files.
#include <array>

#include "interp_simd.h"
#include "opcodes_simd.h"

namespace midimon::wasm {

uint64_t simd_handler(Op op) {
  static const std::array<uint64_t, kSimdOpCount> table = [] {
    std::array<uint64_t, kSimdOpCount> t{};
    simd_exec::fill_lanes(t.data());
    simd_exec::fill_int(t.data());
    simd_exec::fill_float(t.data());
    return t;
  }();
  return table[simd_index(op)];
}

}  // namespace midimon::wasm
