// SIMD handlers of the "Lanes" group of opcodes_simd.def: bitwise operations, shuffles,
// splat/extract/replace_lane, loads and stores.
// Each row's handler is its shape's template (interp_simd.h) applied to its functor
// (simd_numeric.h).
#include "interp_simd.h"
#include "opcodes_simd.h"
#include "simd_numeric.h"

namespace midimon::wasm::simd_exec {

void fill_lanes(uint64_t* table) {
#define WASM_SIMD_OP(Name, text, code, imm, sig, shape, group, bytes, lanes) \
  MIDIMON_SIMD_FILL_IF_X(group, Lanes, table[simd_index(Op::Name)] = address(&shape<simd::Name>);)
#include "opcodes_simd.def"
#undef WASM_SIMD_OP
}

}  // namespace midimon::wasm::simd_exec
