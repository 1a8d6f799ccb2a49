// SIMD (v128) numerics: the lane types, their helpers, and the functors of the "Lanes"
// group of opcodes_simd.def (bitwise, shuffles, splat/extract/replace, loads and
// stores). The integer and float groups are in simd_int.h and simd_float.h. One functor
// per opcode, named as in opcodes_simd.def; the interpreter's SIMD handlers
// (interp_simd.h) call `Name::apply(...)` in the shape the table gives the op.
//
// Lanes use the GNU vector extensions (g++ and clang): a lane-wise loop over a
// 16-byte vector compiles to SSE2 on x86-64 (the baseline; no -march needed) and to
// plain scalar code elsewhere, so there is no separate portable fallback to keep in
// step. Integer lanes are computed as unsigned where wasm wraps, so nothing relies on
// signed overflow; narrowing, saturation and rounding are written out per lane.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>

namespace midimon::wasm::simd {

template <class T>
struct VecOf;
#define MIDIMON_VEC(T) \
  template <>          \
  struct VecOf<T> {    \
    typedef T type __attribute__((vector_size(16)));  \
  };
MIDIMON_VEC(int8_t)
MIDIMON_VEC(uint8_t)
MIDIMON_VEC(int16_t)
MIDIMON_VEC(uint16_t)
MIDIMON_VEC(int32_t)
MIDIMON_VEC(uint32_t)
MIDIMON_VEC(int64_t)
MIDIMON_VEC(uint64_t)
MIDIMON_VEC(float)
MIDIMON_VEC(double)
#undef MIDIMON_VEC
// (An alias template with the attribute would be shorter, but g++ drops the attribute
// there.)
template <class T>
using Vec = typename VecOf<T>::type;

// A v128 value: 16 bytes, lane 0 in the lowest addressed bytes (wasm's lane order on a
// little-endian host), as it lies in two consecutive interpreter slots or in memory.
using V128 = Vec<uint64_t>;

template <class T>
inline constexpr unsigned kLanes = 16 / sizeof(T);

template <class T>
inline Vec<T> as(V128 v) { return std::bit_cast<Vec<T>>(v); }
// Any 16-byte vector (also the lane masks that vector compares produce) as a V128.
template <class V>
inline V128 bits(V v) {
  static_assert(sizeof(V) == 16);
  return std::bit_cast<V128>(v);
}

inline V128 load(const void* p) {
  V128 v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
inline void store(void* p, V128 v) { std::memcpy(p, &v, sizeof v); }

template <class U>
using Signed = std::make_signed_t<U>;
template <class S>
using Unsigned = std::make_unsigned_t<S>;
// The integer type twice as wide (for widening products and sums).
template <class T>
using Wide = std::conditional_t<
    sizeof(T) == 1, std::conditional_t<std::is_signed_v<T>, int16_t, uint16_t>,
    std::conditional_t<sizeof(T) == 2, std::conditional_t<std::is_signed_v<T>, int32_t, uint32_t>,
                       std::conditional_t<std::is_signed_v<T>, int64_t, uint64_t>>>;

// r[i] = f(a[i]); the result lanes may have another type of the same count.
template <class R, class T, class F>
inline V128 map(V128 a, F f) {
  static_assert(kLanes<R> == kLanes<T>);
  const Vec<T> x = as<T>(a);
  Vec<R> r;
  for (unsigned i = 0; i < kLanes<T>; ++i) r[i] = f(x[i]);
  return bits(r);
}
template <class R, class T, class F>
inline V128 zip(V128 a, V128 b, F f) {
  static_assert(kLanes<R> == kLanes<T>);
  const Vec<T> x = as<T>(a), y = as<T>(b);
  Vec<R> r;
  for (unsigned i = 0; i < kLanes<T>; ++i) r[i] = f(x[i], y[i]);
  return bits(r);
}

// x clamped to the range of N.
template <class N, class W>
inline N saturate(W x) {
  if (x < static_cast<W>(std::numeric_limits<N>::min())) return std::numeric_limits<N>::min();
  if (x > static_cast<W>(std::numeric_limits<N>::max())) return std::numeric_limits<N>::max();
  return static_cast<N>(x);
}

// ---------------------------------------------------------------- functor macros

// Lane-wise binary op on lanes of T; `expr` uses x, y and yields the lane result.
#define MIDIMON_SIMD_ZIP(Name, T, expr)                                  \
  struct Name {                                                          \
    static V128 apply(V128 a, V128 b) {                                  \
      return zip<T, T>(a, b, [](T x, T y) -> T { return static_cast<T>(expr); }); \
    }                                                                    \
  };
#define MIDIMON_SIMD_MAP(Name, T, expr)                                  \
  struct Name {                                                          \
    static V128 apply(V128 a) {                                          \
      return map<T, T>(a, [](T x) -> T { return static_cast<T>(expr); }); \
    }                                                                    \
  };
// Whole-vector expression on `x` (and `y`) of vector type Vec<T>.
#define MIDIMON_SIMD_VEC2(Name, T, expr)                                 \
  struct Name {                                                          \
    static V128 apply(V128 a, V128 b) {                                  \
      const Vec<T> x = as<T>(a), y = as<T>(b);                           \
      return bits(expr);                                                 \
    }                                                                    \
  };
#define MIDIMON_SIMD_VEC1(Name, T, expr)                                 \
  struct Name {                                                          \
    static V128 apply(V128 a) {                                          \
      const Vec<T> x = as<T>(a);                                         \
      return bits(expr);                                                 \
    }                                                                    \
  };

// ---------------------------------------------------------------- bitwise

MIDIMON_SIMD_VEC1(V128Not, uint64_t, ~x)
MIDIMON_SIMD_VEC2(V128And, uint64_t, x & y)
MIDIMON_SIMD_VEC2(V128Andnot, uint64_t, x & ~y)
MIDIMON_SIMD_VEC2(V128Or, uint64_t, x | y)
MIDIMON_SIMD_VEC2(V128Xor, uint64_t, x ^ y)
struct V128BitSelect {
  static V128 apply(V128 a, V128 b, V128 c) { return (a & c) | (b & ~c); }
};
struct V128AnyTrue {
  static uint32_t apply(V128 a) { return (a[0] | a[1]) != 0; }
};

// ---------------------------------------------------------------- lanes

// Lane i of the result is a[s[i]] (s[i] < 16) or 0 (any larger index).
struct I8x16Swizzle {
  static V128 apply(V128 a, V128 s) {
    const Vec<uint8_t> x = as<uint8_t>(a), idx = as<uint8_t>(s);
    Vec<uint8_t> r;
    for (unsigned i = 0; i < 16; ++i) r[i] = idx[i] < 16 ? x[idx[i] & 15] : 0;
    return bits(r);
  }
};
// Lane i is lane s[i] of the 32 lanes a ++ b (the validator checked s[i] < 32).
struct I8x16Shuffle {
  static V128 apply(V128 a, V128 b, const uint8_t* s) {
    const Vec<uint8_t> x = as<uint8_t>(a), y = as<uint8_t>(b);
    Vec<uint8_t> r;
    for (unsigned i = 0; i < 16; ++i) r[i] = s[i] < 16 ? x[s[i] & 15] : y[s[i] & 15];
    return bits(r);
  }
};

// Splat, extract_lane and replace_lane: lanes of T, the scalar as the slot's bits
// (an i32/f32 scalar in the low 32 bits).
template <class T>
struct Splat {
  static V128 apply(uint64_t v) {
    Vec<T> r;
    for (unsigned i = 0; i < kLanes<T>; ++i) r[i] = static_cast<T>(v);
    return bits(r);
  }
};
template <class T, class R>  // R: the scalar the lane widens to (sign or zero extension)
struct Extract {
  static uint64_t apply(V128 a, uint32_t lane) {
    return static_cast<std::make_unsigned_t<R>>(static_cast<R>(as<T>(a)[lane]));
  }
};
template <class T>
struct Replace {
  static V128 apply(V128 a, uint64_t v, uint32_t lane) {
    Vec<T> r = as<T>(a);
    r[lane] = static_cast<T>(v);
    return bits(r);
  }
};
struct I8x16Splat : Splat<uint8_t> {};
struct I16x8Splat : Splat<uint16_t> {};
struct I32x4Splat : Splat<uint32_t> {};
struct I64x2Splat : Splat<uint64_t> {};
struct F32x4Splat : Splat<uint32_t> {};  // float lanes as their bits
struct F64x2Splat : Splat<uint64_t> {};
struct I8x16ExtractLaneS : Extract<int8_t, int32_t> {};
struct I8x16ExtractLaneU : Extract<uint8_t, uint32_t> {};
struct I16x8ExtractLaneS : Extract<int16_t, int32_t> {};
struct I16x8ExtractLaneU : Extract<uint16_t, uint32_t> {};
struct I32x4ExtractLane : Extract<uint32_t, uint32_t> {};
struct I64x2ExtractLane : Extract<uint64_t, uint64_t> {};
struct F32x4ExtractLane : Extract<uint32_t, uint32_t> {};
struct F64x2ExtractLane : Extract<uint64_t, uint64_t> {};
struct I8x16ReplaceLane : Replace<uint8_t> {};
struct I16x8ReplaceLane : Replace<uint16_t> {};
struct I32x4ReplaceLane : Replace<uint32_t> {};
struct I64x2ReplaceLane : Replace<uint64_t> {};
struct F32x4ReplaceLane : Replace<uint32_t> {};
struct F64x2ReplaceLane : Replace<uint64_t> {};

// ---------------------------------------------------------------- memory

// Loads: `size` bytes at p (already bounds-checked) make the v128.
template <class T, class W>  // extend: kLanes<W> lanes of T, each widened to W
struct LoadExtend {
  static constexpr uint32_t size = 8;
  static V128 apply(const uint8_t* p) {
    Vec<W> r;
    for (unsigned i = 0; i < kLanes<W>; ++i) {
      T x;
      std::memcpy(&x, p + i * sizeof(T), sizeof(T));
      r[i] = static_cast<W>(x);
    }
    return bits(r);
  }
};
template <class T>
struct LoadSplat {
  static constexpr uint32_t size = sizeof(T);
  static V128 apply(const uint8_t* p) {
    T x;
    std::memcpy(&x, p, sizeof(T));
    return Splat<T>::apply(x);
  }
};
template <class T>
struct LoadZero {
  static constexpr uint32_t size = sizeof(T);
  static V128 apply(const uint8_t* p) {
    T x;
    std::memcpy(&x, p, sizeof(T));
    Vec<T> r{};
    r[0] = x;
    return bits(r);
  }
};
// v128.const has no handler (interp_simd.h, Const); the name completes the table.
struct V128Const {};

struct V128Load {
  static constexpr uint32_t size = 16;
  static V128 apply(const uint8_t* p) { return load(p); }
};
struct V128Load8x8S : LoadExtend<int8_t, int16_t> {};
struct V128Load8x8U : LoadExtend<uint8_t, uint16_t> {};
struct V128Load16x4S : LoadExtend<int16_t, int32_t> {};
struct V128Load16x4U : LoadExtend<uint16_t, uint32_t> {};
struct V128Load32x2S : LoadExtend<int32_t, int64_t> {};
struct V128Load32x2U : LoadExtend<uint32_t, uint64_t> {};
struct V128Load8Splat : LoadSplat<uint8_t> {};
struct V128Load16Splat : LoadSplat<uint16_t> {};
struct V128Load32Splat : LoadSplat<uint32_t> {};
struct V128Load64Splat : LoadSplat<uint64_t> {};
struct V128Load32Zero : LoadZero<uint32_t> {};
struct V128Load64Zero : LoadZero<uint64_t> {};

struct V128Store {
  static constexpr uint32_t size = 16;
  static void apply(uint8_t* p, V128 v) { store(p, v); }
};
// Lane loads and stores: one lane of T.
template <class T>
struct LaneAccess {
  static constexpr uint32_t size = sizeof(T);
  static V128 load(V128 v, const uint8_t* p, uint32_t lane) {
    Vec<T> r = as<T>(v);
    T x;
    std::memcpy(&x, p, sizeof(T));
    r[lane] = x;
    return bits(r);
  }
  static void store(uint8_t* p, V128 v, uint32_t lane) {
    const T x = as<T>(v)[lane];
    std::memcpy(p, &x, sizeof(T));
  }
};
struct V128Load8Lane : LaneAccess<uint8_t> {};
struct V128Load16Lane : LaneAccess<uint16_t> {};
struct V128Load32Lane : LaneAccess<uint32_t> {};
struct V128Load64Lane : LaneAccess<uint64_t> {};
struct V128Store8Lane : LaneAccess<uint8_t> {};
struct V128Store16Lane : LaneAccess<uint16_t> {};
struct V128Store32Lane : LaneAccess<uint32_t> {};
struct V128Store64Lane : LaneAccess<uint64_t> {};

}  // namespace midimon::wasm::simd
