// Exact WebAssembly numeric semantics that C++ does not give directly: traps of integer
// division and float->int truncation, saturating truncation, float min/max/nearest, and
// sign operations as pure bit operations (so NaN payloads are never touched).
// Everything else (add, mul, sqrt, conversions int->float, demote/promote) maps onto the
// IEEE-754 operations of SSE2, which already round correctly and produce canonical or
// arithmetic NaNs as the spec requires.
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

#include "trap.h"

namespace midimon::wasm::num {

// --- integer ---

template <class S>
inline TrapKind div_s(S a, S b, S* out) {
  if (b == 0) return TrapKind::IntegerDivideByZero;
  if (a == std::numeric_limits<S>::min() && b == -1) return TrapKind::IntegerOverflow;
  *out = a / b;
  return TrapKind::None;
}

template <class S>
inline TrapKind rem_s(S a, S b, S* out) {
  if (b == 0) return TrapKind::IntegerDivideByZero;
  // INT_MIN % -1 is 0 in wasm but faults on x86, so -1 never reaches the division.
  *out = (b == -1) ? 0 : a % b;
  return TrapKind::None;
}

// --- float sign bits ---

inline uint32_t f32_bits(float f) { return std::bit_cast<uint32_t>(f); }
inline uint64_t f64_bits(double f) { return std::bit_cast<uint64_t>(f); }
inline float f32_from(uint32_t b) { return std::bit_cast<float>(b); }
inline double f64_from(uint64_t b) { return std::bit_cast<double>(b); }

inline uint32_t f32_abs(uint32_t b) { return b & 0x7fffffffu; }
inline uint32_t f32_neg(uint32_t b) { return b ^ 0x80000000u; }
inline uint32_t f32_copysign(uint32_t a, uint32_t b) { return (a & 0x7fffffffu) | (b & 0x80000000u); }
inline uint64_t f64_abs(uint64_t b) { return b & 0x7fffffffffffffffull; }
inline uint64_t f64_neg(uint64_t b) { return b ^ 0x8000000000000000ull; }
inline uint64_t f64_copysign(uint64_t a, uint64_t b) {
  return (a & 0x7fffffffffffffffull) | (b & 0x8000000000000000ull);
}

// --- float min/max: NaN in -> NaN out, and -0 < +0 ---

template <class F>
inline F fmin(F a, F b) {
  if (a != a || b != b) return a + b;  // quiets the NaN operand (arithmetic NaN)
  if (a == b) return std::signbit(a) ? a : b;  // only differs for +-0
  return a < b ? a : b;
}

template <class F>
inline F fmax(F a, F b) {
  if (a != a || b != b) return a + b;
  if (a == b) return std::signbit(a) ? b : a;
  return a > b ? a : b;
}

// libm may hand a signalling NaN back unquieted; wasm wants an arithmetic (quiet) NaN.
template <class F>
inline F fceil(F a) { return a != a ? a + a : std::ceil(a); }
template <class F>
inline F ffloor(F a) { return a != a ? a + a : std::floor(a); }
template <class F>
inline F ftrunc(F a) { return a != a ? a + a : std::trunc(a); }

// Round half to even, keeping the sign of zero (the default rounding mode is nearest).
inline float fnearest(float a) { return a != a ? a + a : std::nearbyint(a); }
inline double fnearest(double a) { return a != a ? a + a : std::nearbyint(a); }

// --- float -> int ---

// Range of F values whose truncation fits the integer type I. `lo_open` says whether the
// lower bound is exclusive (it is min-1 when that is exactly representable in F, else min).
template <class I, class F>
struct TruncRange;
template <> struct TruncRange<int32_t, float> {
  static constexpr float lo = -2147483648.0f, hi = 2147483648.0f;
  static constexpr bool lo_open = false;
};
template <> struct TruncRange<int32_t, double> {
  static constexpr double lo = -2147483649.0, hi = 2147483648.0;
  static constexpr bool lo_open = true;
};
template <> struct TruncRange<uint32_t, float> {
  static constexpr float lo = -1.0f, hi = 4294967296.0f;
  static constexpr bool lo_open = true;
};
template <> struct TruncRange<uint32_t, double> {
  static constexpr double lo = -1.0, hi = 4294967296.0;
  static constexpr bool lo_open = true;
};
template <> struct TruncRange<int64_t, float> {
  static constexpr float lo = -9223372036854775808.0f, hi = 9223372036854775808.0f;
  static constexpr bool lo_open = false;
};
template <> struct TruncRange<int64_t, double> {
  static constexpr double lo = -9223372036854775808.0, hi = 9223372036854775808.0;
  static constexpr bool lo_open = false;
};
template <> struct TruncRange<uint64_t, float> {
  static constexpr float lo = -1.0f, hi = 18446744073709551616.0f;
  static constexpr bool lo_open = true;
};
template <> struct TruncRange<uint64_t, double> {
  static constexpr double lo = -1.0, hi = 18446744073709551616.0;
  static constexpr bool lo_open = true;
};

template <class I, class F>
inline bool trunc_in_range(F x) {
  using R = TruncRange<I, F>;
  return (R::lo_open ? x > R::lo : x >= R::lo) && x < R::hi;
}

template <class I, class F>
inline TrapKind trunc(F x, I* out) {
  if (x != x) return TrapKind::InvalidConversionToInteger;
  if (!trunc_in_range<I, F>(x)) return TrapKind::IntegerOverflow;
  *out = static_cast<I>(x);
  return TrapKind::None;
}

template <class I, class F>
inline I trunc_sat(F x) {
  if (x != x) return 0;
  if (!trunc_in_range<I, F>(x)) return x < 0 ? std::numeric_limits<I>::min() : std::numeric_limits<I>::max();
  return static_cast<I>(x);
}

}  // namespace midimon::wasm::num
