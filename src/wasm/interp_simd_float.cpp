// SIMD handlers of the "Float" group of opcodes_simd.def: float lane arithmetic,
// compares and the conversions.
// Each row's handler is its shape's template (interp_simd.h) applied to its functor
// (simd_float.h).
#include "interp_simd.h"
#include "opcodes_simd.h"
#include "simd_float.h"

namespace midimon::wasm::simd_exec {

void fill_float(uint64_t* table) {
#define WASM_SIMD_OP(Name, text, code, imm, sig, shape, group, bytes, lanes) \
  MIDIMON_SIMD_FILL_IF_X(group, Float, table[simd_index(Op::Name)] = address(&shape<simd::Name>);)
#include "opcodes_simd.def"
#undef WASM_SIMD_OP
}

}  // namespace midimon::wasm::simd_exec
