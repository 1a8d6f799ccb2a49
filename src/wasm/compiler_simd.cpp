// Compiler, SIMD: how each 0xFD instruction is translated. Every one becomes a Simd or
// SimdMem op carrying its handler's address (interp_simd.h), with the operands its
// shape (opcodes_simd.h) lists in code.h's layout; v128.const becomes constant slots like
// the scalar constants. SIMD ops take no part in the superinstructions, but their fresh
// results can still be written straight into a local by the local.set that follows.
#include "compiler_internal.h"
#include "opcodes_simd.h"

namespace midimon::wasm::compiler_detail {

uint32_t Compiler::emit_simd_op(Op op) {
  const SimdShape shape = simd_info(op).shape;
  const bool mem = shape == SimdShape::Load || shape == SimdShape::LoadLane ||
                   shape == SimdShape::Store || shape == SimdShape::StoreLane;
  const uint32_t start = emit_op(mem ? IOp::SimdMem : IOp::Simd);
  const uint64_t fn = simd_handler(op);
  emit(static_cast<uint32_t>(fn));
  emit(static_cast<uint32_t>(fn >> 32));
  return start;
}

void Compiler::do_simd(const Instr& in) {
  const Op op = in.op;
  const SimdShape shape = simd_info(op).shape;
  if (shape == SimdShape::Const) {
    push_const_v128(in.value, in.value2);
    return;
  }
  // Operands, popped last first, in the order the layout lists them.
  uint32_t args[3];
  uint32_t n = 0;
  auto take = [&](uint32_t count, bool v128) {
    n = count;
    for (uint32_t i = count; i-- > 0;) args[i] = v128 ? pop_value() : pop();
  };
  enum class Result { None, Scalar, V128 } result = Result::V128;
  switch (shape) {
    case SimdShape::Load:
    case SimdShape::Splat: take(1, false); break;                // addr / scalar
    case SimdShape::Unary: take(1, true); break;
    case SimdShape::Test:
    case SimdShape::Extract: take(1, true); result = Result::Scalar; break;
    case SimdShape::Binary:
    case SimdShape::Shuffle: take(2, true); break;
    case SimdShape::Ternary: take(3, true); break;
    case SimdShape::LoadLane:
    case SimdShape::Store:
    case SimdShape::StoreLane:                                   // addr, v128
    case SimdShape::Replace:
    case SimdShape::Shift: {                                     // v128, scalar
      const bool v128_last = shape != SimdShape::Replace && shape != SimdShape::Shift;
      args[1] = v128_last ? pop_value() : pop();
      args[0] = v128_last ? pop() : pop_value();
      n = 2;
      if (shape == SimdShape::Store || shape == SimdShape::StoreLane) result = Result::None;
      break;
    }
    case SimdShape::Const: return;
  }
  emit_simd_op(op);
  const uint32_t field = here();
  if (result != Result::None) emit(temp(stack_.size()));
  for (uint32_t i = 0; i < n; ++i) emit(args[i]);
  // Immediates: memory offset (u32 in memory32), lane index, or the shuffle's 16 lanes.
  switch (shape) {
    case SimdShape::Load:
    case SimdShape::Store: emit(static_cast<uint32_t>(in.value)); break;
    case SimdShape::LoadLane:
    case SimdShape::StoreLane:
      emit(static_cast<uint32_t>(in.value));
      emit(in.index2);
      break;
    case SimdShape::Extract:
    case SimdShape::Replace: emit(in.index); break;
    case SimdShape::Shuffle:
      emit(static_cast<uint32_t>(in.value));
      emit(static_cast<uint32_t>(in.value >> 32));
      emit(static_cast<uint32_t>(in.value2));
      emit(static_cast<uint32_t>(in.value2 >> 32));
      break;
    default: break;
  }
  if (result == Result::V128) result_v128_at(field);
  if (result == Result::Scalar) result_at(field);
}

}  // namespace midimon::wasm::compiler_detail
