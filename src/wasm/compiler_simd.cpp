// Compiler, SIMD: how each 0xFD instruction is translated. Every one becomes a Simd or
// SimdMem op carrying its handler's address (interp_simd.h), laid out by the op's shape
// (opcodes_simd.h); v128.const becomes constant slots like the scalar constants. SIMD
// ops take no part in the superinstructions, but their fresh results can still be
// written straight into a local by the local.set that follows.
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
  // Memory offsets are u32 in memory32 and lane indices < 16: one unit each.
  const auto offset = static_cast<uint32_t>(in.value);
  switch (simd_info(op).shape) {
    case SimdShape::Const:
      push_const_v128(in.value, in.value2);
      return;
    case SimdShape::Load: {
      const uint32_t addr = pop();
      emit_simd_op(op);
      const uint32_t field = here();
      emit(temp(stack_.size()));
      emit(addr);
      emit(offset);
      result_v128_at(field);
      return;
    }
    case SimdShape::LoadLane: {
      const uint32_t v = pop_value(), addr = pop();
      emit_simd_op(op);
      const uint32_t field = here();
      emit(temp(stack_.size()));
      emit(addr);
      emit(v);
      emit(offset);
      emit(in.index2);
      result_v128_at(field);
      return;
    }
    case SimdShape::Store:
    case SimdShape::StoreLane: {
      const uint32_t v = pop_value(), addr = pop();
      emit_simd_op(op);
      emit(addr);
      emit(v);
      emit(offset);
      if (simd_info(op).shape == SimdShape::StoreLane) emit(in.index2);
      return;
    }
    case SimdShape::Unary:
    case SimdShape::Test: {
      const uint32_t a = pop_value();
      emit_simd_op(op);
      const uint32_t field = here();
      emit(temp(stack_.size()));
      emit(a);
      simd_info(op).shape == SimdShape::Test ? result_at(field) : result_v128_at(field);
      return;
    }
    case SimdShape::Binary:
    case SimdShape::Shuffle: {
      const uint32_t b = pop_value(), a = pop_value();
      emit_simd_op(op);
      const uint32_t field = here();
      emit(temp(stack_.size()));
      emit(a);
      emit(b);
      if (simd_info(op).shape == SimdShape::Shuffle) {
        // The 16 lane indices, in order, as 4 units.
        emit(static_cast<uint32_t>(in.value));
        emit(static_cast<uint32_t>(in.value >> 32));
        emit(static_cast<uint32_t>(in.value2));
        emit(static_cast<uint32_t>(in.value2 >> 32));
      }
      result_v128_at(field);
      return;
    }
    case SimdShape::Ternary: {
      const uint32_t c = pop_value(), b = pop_value(), a = pop_value();
      emit_simd_op(op);
      const uint32_t field = here();
      emit(temp(stack_.size()));
      emit(a);
      emit(b);
      emit(c);
      result_v128_at(field);
      return;
    }
    case SimdShape::Splat: {
      const uint32_t x = pop();
      emit_simd_op(op);
      const uint32_t field = here();
      emit(temp(stack_.size()));
      emit(x);
      result_v128_at(field);
      return;
    }
    case SimdShape::Extract: {
      const uint32_t a = pop_value();
      emit_simd_op(op);
      const uint32_t field = here();
      emit(temp(stack_.size()));
      emit(a);
      emit(in.index);
      result_at(field);
      return;
    }
    case SimdShape::Replace:
    case SimdShape::Shift: {
      const uint32_t x = pop(), a = pop_value();
      emit_simd_op(op);
      const uint32_t field = here();
      emit(temp(stack_.size()));
      emit(a);
      emit(x);
      if (simd_info(op).shape == SimdShape::Replace) emit(in.index);
      result_v128_at(field);
      return;
    }
  }
}

}  // namespace midimon::wasm::compiler_detail
