// SIMD (v128) numerics: the float lane operations and the conversions (the "Float"
// group of opcodes_simd.def). Each lane follows the scalar op's semantics exactly
// (numeric.h): add/sub/mul/div/sqrt and the conversions are the IEEE operations, which
// give canonical or arithmetic NaNs as the spec allows; min/max/rounding go through the
// scalar helpers that fix NaN propagation and signed zeros; abs/neg touch only the sign
// bit, so NaN payloads survive.
#pragma once

#include <cmath>

#include "numeric.h"
#include "simd_numeric.h"

namespace midimon::wasm::simd {

#define MIDIMON_SIMD_FLOAT(P, F, B, SIGN)                               \
  MIDIMON_SIMD_VEC2(P##Eq, F, x == y)                                   \
  MIDIMON_SIMD_VEC2(P##Ne, F, x != y)                                   \
  MIDIMON_SIMD_VEC2(P##Lt, F, x < y)                                    \
  MIDIMON_SIMD_VEC2(P##Gt, F, x > y)                                    \
  MIDIMON_SIMD_VEC2(P##Le, F, x <= y)                                   \
  MIDIMON_SIMD_VEC2(P##Ge, F, x >= y)                                   \
  MIDIMON_SIMD_VEC1(P##Abs, B, x & ~(B{1} << SIGN))                     \
  MIDIMON_SIMD_VEC1(P##Neg, B, x ^ (B{1} << SIGN))                      \
  MIDIMON_SIMD_VEC2(P##Add, F, x + y)                                   \
  MIDIMON_SIMD_VEC2(P##Sub, F, x - y)                                   \
  MIDIMON_SIMD_VEC2(P##Mul, F, x * y)                                   \
  MIDIMON_SIMD_VEC2(P##Div, F, x / y)                                   \
  MIDIMON_SIMD_MAP(P##Sqrt, F, std::sqrt(x))                            \
  MIDIMON_SIMD_MAP(P##Ceil, F, num::fceil(x))                           \
  MIDIMON_SIMD_MAP(P##Floor, F, num::ffloor(x))                         \
  MIDIMON_SIMD_MAP(P##Trunc, F, num::ftrunc(x))                         \
  MIDIMON_SIMD_MAP(P##Nearest, F, num::fnearest(x))                     \
  MIDIMON_SIMD_ZIP(P##Min, F, num::fmin(x, y))                          \
  MIDIMON_SIMD_ZIP(P##Max, F, num::fmax(x, y))                          \
  /* pseudo-min/max: exactly b < a ? b : a and a < b ? b : a */         \
  MIDIMON_SIMD_ZIP(P##PMin, F, y < x ? y : x)                           \
  MIDIMON_SIMD_ZIP(P##PMax, F, x < y ? y : x)
MIDIMON_SIMD_FLOAT(F32x4, float, uint32_t, 31)
MIDIMON_SIMD_FLOAT(F64x2, double, uint64_t, 63)
#undef MIDIMON_SIMD_FLOAT

// ---------------------------------------------------------------- conversions

struct I32x4TruncSatF32x4S {
  static V128 apply(V128 a) {
    return map<int32_t, float>(a, [](float x) { return num::trunc_sat<int32_t>(x); });
  }
};
struct I32x4TruncSatF32x4U {
  static V128 apply(V128 a) {
    return map<uint32_t, float>(a, [](float x) { return num::trunc_sat<uint32_t>(x); });
  }
};
struct F32x4ConvertI32x4S {
  static V128 apply(V128 a) {
    return map<float, int32_t>(a, [](int32_t x) { return static_cast<float>(x); });
  }
};
struct F32x4ConvertI32x4U {
  static V128 apply(V128 a) {
    return map<float, uint32_t>(a, [](uint32_t x) { return static_cast<float>(x); });
  }
};

// Two f64 lanes to the low two 32-bit lanes; the high two are zero.
template <class I>
struct TruncSatF64x2Zero {
  static V128 apply(V128 a) {
    const Vec<double> x = as<double>(a);
    Vec<I> r{};
    r[0] = num::trunc_sat<I>(x[0]);
    r[1] = num::trunc_sat<I>(x[1]);
    return bits(r);
  }
};
struct I32x4TruncSatF64x2SZero : TruncSatF64x2Zero<int32_t> {};
struct I32x4TruncSatF64x2UZero : TruncSatF64x2Zero<uint32_t> {};

// The low two 32-bit lanes to two f64 lanes.
template <class T>
struct ConvertLow {
  static V128 apply(V128 a) {
    const Vec<T> x = as<T>(a);
    Vec<double> r;
    r[0] = static_cast<double>(x[0]);
    r[1] = static_cast<double>(x[1]);
    return bits(r);
  }
};
struct F64x2ConvertLowI32x4S : ConvertLow<int32_t> {};
struct F64x2ConvertLowI32x4U : ConvertLow<uint32_t> {};
struct F64x2PromoteLowF32x4 : ConvertLow<float> {};

struct F32x4DemoteF64x2Zero {
  static V128 apply(V128 a) {
    const Vec<double> x = as<double>(a);
    Vec<float> r{};
    r[0] = static_cast<float>(x[0]);
    r[1] = static_cast<float>(x[1]);
    return bits(r);
  }
};

}  // namespace midimon::wasm::simd
