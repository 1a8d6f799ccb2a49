// Runtime values. Every value lives in one 8-byte slot; v128 (SIMD, later) will take
// two consecutive slots, so the slot model of the compiler does not change for it.
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
