// Facts about the SIMD opcodes beyond opcodes.h's OpInfo, generated from the extra
// columns of opcodes_simd.def: the operand shape (how the validator types it, how the
// compiler lays it out, which handler runs it), bytes accessed and lane count.
#pragma once

#include <cstdint>

#include "opcodes.h"

namespace midimon::wasm {

// Operand shapes; layouts of the internal code in code.h ("SIMD").
enum class SimdShape : uint8_t {
  Load,       // [addr] -> v128                 memarg
  LoadLane,   // [addr, v128] -> v128           memarg, lane
  Store,      // [addr, v128] -> []             memarg
  StoreLane,  // [addr, v128] -> []             memarg, lane
  Const,      // [] -> v128                     16 bytes
  Shuffle,    // [v128, v128] -> v128           16 lane indices
  Unary,      // [v128] -> v128
  Binary,     // [v128, v128] -> v128
  Ternary,    // [v128, v128, v128] -> v128
  Test,       // [v128] -> i32
  Splat,      // [scalar] -> v128
  Extract,    // [v128] -> scalar               lane
  Replace,    // [v128, scalar] -> v128         lane
  Shift,      // [v128, i32] -> v128
};

struct SimdInfo {
  SimdShape shape;
  uint8_t bytes;  // memory access width; 0 for non-memory ops
  uint8_t lanes;  // lanes a lane immediate may name; 0 without one
};

inline constexpr SimdInfo kSimdInfo[] = {
#define WASM_SIMD_OP(Name, text, code, imm, sig, shape, group, bytes, lanes) \
  SimdInfo{SimdShape::shape, bytes, lanes},
#include "opcodes_simd.def"
#undef WASM_SIMD_OP
};

// opcodes.def lists the SIMD ops last, in one run.
inline constexpr uint32_t kSimdOpCount = sizeof(kSimdInfo) / sizeof(kSimdInfo[0]);
inline constexpr uint32_t kFirstSimdOp = kOpCount - kSimdOpCount;

constexpr bool is_simd(Op op) { return static_cast<uint32_t>(op) >= kFirstSimdOp && op != Op::Count_; }
constexpr uint32_t simd_index(Op op) { return static_cast<uint32_t>(op) - kFirstSimdOp; }
constexpr const SimdInfo& simd_info(Op op) { return kSimdInfo[simd_index(op)]; }

}  // namespace midimon::wasm
