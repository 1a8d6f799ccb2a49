// SIMD (v128) numerics: the integer lane operations (the "Int" group of
// opcodes_simd.def). Wrapping arithmetic is done on unsigned lanes; comparisons give
// all-ones / all-zero lanes; saturation, rounding averages, widening and narrowing are
// written per lane (simd_numeric.h explains why that is both portable and vectorised).
#pragma once

#include <bit>

#include "simd_numeric.h"

namespace midimon::wasm::simd {

// ---------------------------------------------------------------- compares
// A vector compare yields -1 / 0 per lane, which is exactly wasm's all-ones / all-zeros.
#define MIDIMON_SIMD_CMPS(P, S, U)              \
  MIDIMON_SIMD_VEC2(P##Eq, U, x == y)           \
  MIDIMON_SIMD_VEC2(P##Ne, U, x != y)           \
  MIDIMON_SIMD_VEC2(P##LtS, S, x < y)           \
  MIDIMON_SIMD_VEC2(P##LtU, U, x < y)           \
  MIDIMON_SIMD_VEC2(P##GtS, S, x > y)           \
  MIDIMON_SIMD_VEC2(P##GtU, U, x > y)           \
  MIDIMON_SIMD_VEC2(P##LeS, S, x <= y)          \
  MIDIMON_SIMD_VEC2(P##LeU, U, x <= y)          \
  MIDIMON_SIMD_VEC2(P##GeS, S, x >= y)          \
  MIDIMON_SIMD_VEC2(P##GeU, U, x >= y)
MIDIMON_SIMD_CMPS(I8x16, int8_t, uint8_t)
MIDIMON_SIMD_CMPS(I16x8, int16_t, uint16_t)
MIDIMON_SIMD_CMPS(I32x4, int32_t, uint32_t)
#undef MIDIMON_SIMD_CMPS
MIDIMON_SIMD_VEC2(I64x2Eq, uint64_t, x == y)
MIDIMON_SIMD_VEC2(I64x2Ne, uint64_t, x != y)
MIDIMON_SIMD_VEC2(I64x2LtS, int64_t, x < y)
MIDIMON_SIMD_VEC2(I64x2GtS, int64_t, x > y)
MIDIMON_SIMD_VEC2(I64x2LeS, int64_t, x <= y)
MIDIMON_SIMD_VEC2(I64x2GeS, int64_t, x >= y)

// ---------------------------------------------------------------- per lane width

// |x| with |min| = min (wasm wraps), computed unsigned.
template <class S>
inline S abs_wrap(S x) {
  const auto u = static_cast<Unsigned<S>>(x);
  return static_cast<S>(x < 0 ? static_cast<Unsigned<S>>(0 - u) : u);
}

template <class T>
struct AllTrue {
  static uint32_t apply(V128 a) {
    const Vec<T> x = as<T>(a);
    for (unsigned i = 0; i < kLanes<T>; ++i) {
      if (x[i] == 0) return 0;
    }
    return 1;
  }
};
template <class S>  // bit i = the sign bit of lane i
struct Bitmask {
  static uint32_t apply(V128 a) {
    const Vec<S> x = as<S>(a);
    uint32_t r = 0;
    for (unsigned i = 0; i < kLanes<S>; ++i) r |= static_cast<uint32_t>(x[i] < 0) << i;
    return r;
  }
};
// Shifts take the count modulo the lane width.
template <class T>
struct Shl {
  static V128 apply(V128 a, uint32_t n) {
    using U = Unsigned<T>;
    return bits(as<U>(a) << static_cast<U>(n & (sizeof(T) * 8 - 1)));
  }
};
template <class T>  // arithmetic for signed T, logical for unsigned T
struct Shr {
  static V128 apply(V128 a, uint32_t n) {
    return bits(as<T>(a) >> static_cast<T>(n & (sizeof(T) * 8 - 1)));
  }
};

#define MIDIMON_SIMD_INT_COMMON(P, S, U)                              \
  MIDIMON_SIMD_MAP(P##Abs, S, abs_wrap(x))                            \
  MIDIMON_SIMD_VEC1(P##Neg, U, -x)                                    \
  MIDIMON_SIMD_VEC2(P##Add, U, x + y)                                 \
  MIDIMON_SIMD_VEC2(P##Sub, U, x - y)                                 \
  struct P##AllTrue : AllTrue<U> {};                                  \
  struct P##Bitmask : Bitmask<S> {};                                  \
  struct P##Shl : Shl<U> {};                                          \
  struct P##ShrS : Shr<S> {};                                         \
  struct P##ShrU : Shr<U> {};
MIDIMON_SIMD_INT_COMMON(I8x16, int8_t, uint8_t)
MIDIMON_SIMD_INT_COMMON(I16x8, int16_t, uint16_t)
MIDIMON_SIMD_INT_COMMON(I32x4, int32_t, uint32_t)
MIDIMON_SIMD_INT_COMMON(I64x2, int64_t, uint64_t)
#undef MIDIMON_SIMD_INT_COMMON

// Multiplication on unsigned lanes of 32 and 64 bits wraps; 16-bit lanes go through
// uint32_t (uint16_t * uint16_t would promote to int and could overflow).
MIDIMON_SIMD_VEC2(I16x8Mul, uint16_t, x * y)
MIDIMON_SIMD_VEC2(I32x4Mul, uint32_t, x * y)
MIDIMON_SIMD_VEC2(I64x2Mul, uint64_t, x * y)

#define MIDIMON_SIMD_SMALL(P, S, U)                                              \
  MIDIMON_SIMD_ZIP(P##AddSatS, S, saturate<S>(static_cast<Wide<S>>(x) + y))      \
  MIDIMON_SIMD_ZIP(P##AddSatU, U, saturate<U>(static_cast<Wide<S>>(x) + y))      \
  MIDIMON_SIMD_ZIP(P##SubSatS, S, saturate<S>(static_cast<Wide<S>>(x) - y))      \
  MIDIMON_SIMD_ZIP(P##SubSatU, U, saturate<U>(static_cast<Wide<S>>(x) - y))      \
  MIDIMON_SIMD_ZIP(P##AvgrU, U, (static_cast<Wide<U>>(x) + y + 1) >> 1)
MIDIMON_SIMD_SMALL(I8x16, int8_t, uint8_t)
MIDIMON_SIMD_SMALL(I16x8, int16_t, uint16_t)
#undef MIDIMON_SIMD_SMALL

#define MIDIMON_SIMD_MINMAX(P, S, U)              \
  MIDIMON_SIMD_ZIP(P##MinS, S, x < y ? x : y)     \
  MIDIMON_SIMD_ZIP(P##MinU, U, x < y ? x : y)     \
  MIDIMON_SIMD_ZIP(P##MaxS, S, x > y ? x : y)     \
  MIDIMON_SIMD_ZIP(P##MaxU, U, x > y ? x : y)
MIDIMON_SIMD_MINMAX(I8x16, int8_t, uint8_t)
MIDIMON_SIMD_MINMAX(I16x8, int16_t, uint16_t)
MIDIMON_SIMD_MINMAX(I32x4, int32_t, uint32_t)
#undef MIDIMON_SIMD_MINMAX

MIDIMON_SIMD_MAP(I8x16Popcnt, uint8_t, std::popcount(x))

// (x * y + 2^14) >> 15, saturated: only -32768 * -32768 overflows.
MIDIMON_SIMD_ZIP(I16x8Q15mulrSatS, int16_t,
                 saturate<int16_t>((static_cast<int32_t>(x) * y + 0x4000) >> 15))

// ---------------------------------------------------------------- widening, narrowing

// Lane i of N from lane i (low half) or i + lanes (high half) of T, extended.
template <class N, class T, bool kHigh>
struct Extend {
  static V128 apply(V128 a) {
    const Vec<T> x = as<T>(a);
    Vec<N> r;
    for (unsigned i = 0; i < kLanes<N>; ++i) r[i] = static_cast<N>(x[i + (kHigh ? kLanes<N> : 0)]);
    return bits(r);
  }
};
// The products of the extended lanes (low or high half).
template <class N, class T, bool kHigh>
struct ExtMul {
  static V128 apply(V128 a, V128 b) {
    const Vec<T> x = as<T>(a), y = as<T>(b);
    Vec<N> r;
    for (unsigned i = 0; i < kLanes<N>; ++i) {
      const unsigned j = i + (kHigh ? kLanes<N> : 0);
      r[i] = static_cast<N>(static_cast<N>(x[j]) * static_cast<N>(y[j]));
    }
    return bits(r);
  }
};
// Sums of adjacent pairs, extended.
template <class N, class T>
struct ExtAddPairwise {
  static V128 apply(V128 a) {
    const Vec<T> x = as<T>(a);
    Vec<N> r;
    for (unsigned i = 0; i < kLanes<N>; ++i) r[i] = static_cast<N>(static_cast<N>(x[2 * i]) + x[2 * i + 1]);
    return bits(r);
  }
};
// Lanes of a, then of b, each saturated to N (signed input: S).
template <class N, class S>
struct Narrow {
  static V128 apply(V128 a, V128 b) {
    const Vec<S> x = as<S>(a), y = as<S>(b);
    Vec<N> r;
    for (unsigned i = 0; i < kLanes<S>; ++i) {
      r[i] = saturate<N>(x[i]);
      r[i + kLanes<S>] = saturate<N>(y[i]);
    }
    return bits(r);
  }
};

struct I8x16NarrowI16x8S : Narrow<int8_t, int16_t> {};
struct I8x16NarrowI16x8U : Narrow<uint8_t, int16_t> {};
struct I16x8NarrowI32x4S : Narrow<int16_t, int32_t> {};
struct I16x8NarrowI32x4U : Narrow<uint16_t, int32_t> {};

#define MIDIMON_SIMD_WIDEN(P, N, NU, From, T, TU)                                      \
  struct P##ExtendLow##From##S : Extend<N, T, false> {};                               \
  struct P##ExtendHigh##From##S : Extend<N, T, true> {};                               \
  struct P##ExtendLow##From##U : Extend<NU, TU, false> {};                             \
  struct P##ExtendHigh##From##U : Extend<NU, TU, true> {};                             \
  struct P##ExtmulLow##From##S : ExtMul<N, T, false> {};                               \
  struct P##ExtmulHigh##From##S : ExtMul<N, T, true> {};                               \
  struct P##ExtmulLow##From##U : ExtMul<NU, TU, false> {};                             \
  struct P##ExtmulHigh##From##U : ExtMul<NU, TU, true> {};
MIDIMON_SIMD_WIDEN(I16x8, int16_t, uint16_t, I8x16, int8_t, uint8_t)
MIDIMON_SIMD_WIDEN(I32x4, int32_t, uint32_t, I16x8, int16_t, uint16_t)
MIDIMON_SIMD_WIDEN(I64x2, int64_t, uint64_t, I32x4, int32_t, uint32_t)
#undef MIDIMON_SIMD_WIDEN
struct I16x8ExtaddPairwiseI8x16S : ExtAddPairwise<int16_t, int8_t> {};
struct I16x8ExtaddPairwiseI8x16U : ExtAddPairwise<uint16_t, uint8_t> {};
struct I32x4ExtaddPairwiseI16x8S : ExtAddPairwise<int32_t, int16_t> {};
struct I32x4ExtaddPairwiseI16x8U : ExtAddPairwise<uint32_t, uint16_t> {};

// Sums of the adjacent 32-bit products; only -32768^2 * 2 overflows, and wraps.
struct I32x4DotI16x8S {
  static V128 apply(V128 a, V128 b) {
    const Vec<int16_t> x = as<int16_t>(a), y = as<int16_t>(b);
    Vec<uint32_t> r;
    for (unsigned i = 0; i < 4; ++i) {
      const int64_t s = static_cast<int64_t>(x[2 * i]) * y[2 * i] +
                        static_cast<int64_t>(x[2 * i + 1]) * y[2 * i + 1];
      r[i] = static_cast<uint32_t>(s);
    }
    return bits(r);
  }
};

}  // namespace midimon::wasm::simd
