// The SIMD handlers: one function template per operand shape (SimdShape), instantiated
// with the op's functor from the numerics headers. They run out of line: the main
// dispatch loop (interpreter.cpp) has two generic handlers, Simd and SimdMem, that call
// the function whose address the instruction carries, so the scalar loop neither grows
// nor changes, and SIMD code compiles in its own, moderately sized files
// (interp_simd_lanes.cpp, interp_simd_int.cpp, interp_simd_float.cpp).
//
// Layout (code.h, "SIMD"): [h][fn: 2 units][operands]; operands start at pc[kArg]. A
// v128 operand is the index of the first of its two slots. Each handler returns the
// instruction's length in units; a memory handler returns 0 for an out-of-bounds access
// (the Trap is raised by SimdMem), having changed nothing.
#pragma once

#include <cstdint>

#include "code.h"
#include "simd_numeric.h"

namespace midimon::wasm::simd_exec {

using simd::V128;

inline constexpr uint32_t kArg = kOpUnits + 2;

inline V128 get(const Value* fp, uint32_t slot) { return simd::load(fp + slot); }
inline void put(Value* fp, uint32_t slot, V128 v) { simd::store(fp + slot, v); }

// [dst][a]
template <class F>
uint32_t Unary(Value* fp, const uint32_t* pc) {
  put(fp, pc[kArg], F::apply(get(fp, pc[kArg + 1])));
  return kArg + 2;
}
// [dst][a][b]
template <class F>
uint32_t Binary(Value* fp, const uint32_t* pc) {
  put(fp, pc[kArg], F::apply(get(fp, pc[kArg + 1]), get(fp, pc[kArg + 2])));
  return kArg + 3;
}
// [dst][a][b][c]
template <class F>
uint32_t Ternary(Value* fp, const uint32_t* pc) {
  put(fp, pc[kArg], F::apply(get(fp, pc[kArg + 1]), get(fp, pc[kArg + 2]), get(fp, pc[kArg + 3])));
  return kArg + 4;
}
// [dst][a]: an i32 result
template <class F>
uint32_t Test(Value* fp, const uint32_t* pc) {
  fp[pc[kArg]].bits = F::apply(get(fp, pc[kArg + 1]));
  return kArg + 2;
}
// [dst][x]: a scalar (its slot's bits) to every lane
template <class F>
uint32_t Splat(Value* fp, const uint32_t* pc) {
  put(fp, pc[kArg], F::apply(fp[pc[kArg + 1]].bits));
  return kArg + 2;
}
// [dst][a][lane]: a scalar result (i32 and f32 zero-extended in the slot)
template <class F>
uint32_t Extract(Value* fp, const uint32_t* pc) {
  fp[pc[kArg]].bits = F::apply(get(fp, pc[kArg + 1]), pc[kArg + 2]);
  return kArg + 3;
}
// [dst][a][x][lane]
template <class F>
uint32_t Replace(Value* fp, const uint32_t* pc) {
  put(fp, pc[kArg], F::apply(get(fp, pc[kArg + 1]), fp[pc[kArg + 2]].bits, pc[kArg + 3]));
  return kArg + 4;
}
// [dst][a][count]
template <class F>
uint32_t Shift(Value* fp, const uint32_t* pc) {
  put(fp, pc[kArg], F::apply(get(fp, pc[kArg + 1]), fp[pc[kArg + 2]].i32));
  return kArg + 3;
}
// [dst][a][b][16 lane indices in 4 units]
template <class F>
uint32_t Shuffle(Value* fp, const uint32_t* pc) {
  const auto* lanes = reinterpret_cast<const uint8_t*>(pc + kArg + 3);
  put(fp, pc[kArg], F::apply(get(fp, pc[kArg + 1]), get(fp, pc[kArg + 2]), lanes));
  return kArg + 7;
}
// v128.const is never emitted as an instruction: its value lives in constant slots.
template <class F>
uint32_t Const(Value*, const uint32_t*) {
  return 0;
}

// Memory: the effective address is the i32 address operand plus the offset; the access
// is in bounds when ea + F::size <= mem_size (ea is computed in 64 bits, no wrap).
inline bool in_bounds(uint64_t ea, uint32_t size, uint64_t mem_size) { return ea + size <= mem_size; }

// [dst][addr][offset]
template <class F>
uint32_t Load(Value* fp, const uint32_t* pc, uint8_t* mem, uint64_t mem_size) {
  const uint64_t ea = static_cast<uint64_t>(fp[pc[kArg + 1]].i32) + pc[kArg + 2];
  if (!in_bounds(ea, F::size, mem_size)) return 0;
  put(fp, pc[kArg], F::apply(mem + ea));
  return kArg + 3;
}
// [dst][addr][v][offset][lane]
template <class F>
uint32_t LoadLane(Value* fp, const uint32_t* pc, uint8_t* mem, uint64_t mem_size) {
  const uint64_t ea = static_cast<uint64_t>(fp[pc[kArg + 1]].i32) + pc[kArg + 3];
  if (!in_bounds(ea, F::size, mem_size)) return 0;
  put(fp, pc[kArg], F::load(get(fp, pc[kArg + 2]), mem + ea, pc[kArg + 4]));
  return kArg + 5;
}
// [addr][v][offset]
template <class F>
uint32_t Store(Value* fp, const uint32_t* pc, uint8_t* mem, uint64_t mem_size) {
  const uint64_t ea = static_cast<uint64_t>(fp[pc[kArg]].i32) + pc[kArg + 2];
  if (!in_bounds(ea, F::size, mem_size)) return 0;
  F::apply(mem + ea, get(fp, pc[kArg + 1]));
  return kArg + 3;
}
// [addr][v][offset][lane]
template <class F>
uint32_t StoreLane(Value* fp, const uint32_t* pc, uint8_t* mem, uint64_t mem_size) {
  const uint64_t ea = static_cast<uint64_t>(fp[pc[kArg]].i32) + pc[kArg + 2];
  if (!in_bounds(ea, F::size, mem_size)) return 0;
  F::store(mem + ea, get(fp, pc[kArg + 1]), pc[kArg + 3]);
  return kArg + 4;
}

template <class Fn>
uint64_t address(Fn* fn) {
  return reinterpret_cast<uint64_t>(fn);
}

// Each group's file fills its ops' entries of the table (indexed by simd_index).
void fill_lanes(uint64_t* table);
void fill_int(uint64_t* table);
void fill_float(uint64_t* table);

// The rows of opcodes_simd.def of one group, as `table[i] = handler address;`. A file
// defines MIDIMON_SIMD_GROUP to its group's name before using this.
#define MIDIMON_SIMD_FILL_IF_Lanes_Lanes(x) x
#define MIDIMON_SIMD_FILL_IF_Int_Int(x) x
#define MIDIMON_SIMD_FILL_IF_Float_Float(x) x
#define MIDIMON_SIMD_FILL_IF_Lanes_Int(x)
#define MIDIMON_SIMD_FILL_IF_Lanes_Float(x)
#define MIDIMON_SIMD_FILL_IF_Int_Lanes(x)
#define MIDIMON_SIMD_FILL_IF_Int_Float(x)
#define MIDIMON_SIMD_FILL_IF_Float_Lanes(x)
#define MIDIMON_SIMD_FILL_IF_Float_Int(x)
#define MIDIMON_SIMD_FILL_IF(a, b, x) MIDIMON_SIMD_FILL_IF_##a##_##b(x)
#define MIDIMON_SIMD_FILL_IF_X(a, b, x) MIDIMON_SIMD_FILL_IF(a, b, x)

}  // namespace midimon::wasm::simd_exec
