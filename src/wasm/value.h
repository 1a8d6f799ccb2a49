// Runtime values. Every value lives in one 8-byte slot, except a v128 (SIMD), which takes
// two consecutive slots: bytes 0..7 (lanes in wasm's little-endian order) in the first,
// bytes 8..15 in the second. Why two slots and not a 16-byte Value: scalar code is what
// plugins mostly run, and a 16-byte slot would double every frame, every copy of the
// constant pool on each call, and make slot addressing (fp + 16 * i) cost an extra
// instruction on every operand of every scalar op. With two slots the interpreter's
// scalar code is unchanged; the compiler keeps a v128's halves together (its operand
// stack marks the upper half), and Store::call, host functions and TypedFunc-free
// callers see a v128 argument or result as two consecutive Values as well.
#pragma once

#include <cstdint>
#include <cstring>

namespace midimon::wasm {

// A reference: 0 is null. A funcref holds a FuncInst*; an externref holds an opaque
// non-zero host value (the embedder chooses the encoding).
using Ref = uintptr_t;
inline constexpr Ref kNullRef = 0;

union Value {
  uint32_t i32;
  uint64_t i64;
  float f32;
  double f64;
  Ref ref;
  uint64_t bits;  // the raw slot

  static Value from_i32(uint32_t v) { Value x; x.bits = 0; x.i32 = v; return x; }
  static Value from_i64(uint64_t v) { Value x; x.i64 = v; return x; }
  static Value from_f32(float v) { Value x; x.bits = 0; x.f32 = v; return x; }
  static Value from_f64(double v) { Value x; x.f64 = v; return x; }
  static Value from_f32_bits(uint32_t b) { Value x; x.bits = b; return x; }
  static Value from_f64_bits(uint64_t b) { Value x; x.bits = b; return x; }
  static Value from_ref(Ref r) { Value x; x.ref = r; return x; }
};
static_assert(sizeof(Value) == 8);

}  // namespace midimon::wasm
