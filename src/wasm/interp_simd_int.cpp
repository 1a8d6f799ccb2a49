// SIMD handlers of the "Int" group of opcodes_simd.def: integer lane arithmetic,
// compares, shifts, widening and narrowing.
// Each row's handler is its shape's template (interp_simd.h) applied to its functor
// (simd_int.h).
#include "interp_simd.h"
#include "opcodes_simd.h"
#include "simd_int.h"

namespace midimon::wasm::simd_exec {

void fill_int(uint64_t* table) {
#define WASM_SIMD_OP(Name, text, code, imm, sig, shape, group, bytes, lanes) \
  MIDIMON_SIMD_FILL_IF_X(group, Int, table[simd_index(Op::Name)] = address(&shape<simd::Name>);)
#include "opcodes_simd.def"
#undef WASM_SIMD_OP
}

}  // namespace midimon::wasm::simd_exec
