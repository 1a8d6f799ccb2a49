// numeric.h: the exact corner cases of WebAssembly arithmetic.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>

#include "wasm/numeric.h"

namespace midimon::wasm {
namespace {

TEST(Numeric, SignedDivisionTraps) {
  int32_t r = 0;
  EXPECT_EQ(num::div_s<int32_t>(7, 0, &r), TrapKind::IntegerDivideByZero);
  EXPECT_EQ(num::div_s<int32_t>(INT32_MIN, -1, &r), TrapKind::IntegerOverflow);
  EXPECT_EQ(num::div_s<int32_t>(-7, 2, &r), TrapKind::None);
  EXPECT_EQ(r, -3);
  EXPECT_EQ(num::rem_s<int32_t>(INT32_MIN, -1, &r), TrapKind::None);
  EXPECT_EQ(r, 0);
  EXPECT_EQ(num::rem_s<int32_t>(-7, 2, &r), TrapKind::None);
  EXPECT_EQ(r, -1);
  int64_t q = 0;
  EXPECT_EQ(num::div_s<int64_t>(INT64_MIN, -1, &q), TrapKind::IntegerOverflow);
}

TEST(Numeric, TruncBoundariesAreExact) {
  int32_t i = 0;
  uint32_t u = 0;
  int64_t l = 0;
  uint64_t ul = 0;
  EXPECT_EQ(num::trunc<int32_t>(-2147483648.0f, &i), TrapKind::None);
  EXPECT_EQ(i, INT32_MIN);
  EXPECT_EQ(num::trunc<int32_t>(2147483648.0f, &i), TrapKind::IntegerOverflow);
  EXPECT_EQ(num::trunc<int32_t>(-2147483648.9, &i), TrapKind::None);
  EXPECT_EQ(num::trunc<int32_t>(-2147483649.0, &i), TrapKind::IntegerOverflow);
  EXPECT_EQ(num::trunc<int32_t>(2147483647.9, &i), TrapKind::None);
  EXPECT_EQ(i, INT32_MAX);
  EXPECT_EQ(num::trunc<uint32_t>(-0.9f, &u), TrapKind::None);
  EXPECT_EQ(u, 0u);
  EXPECT_EQ(num::trunc<uint32_t>(-1.0, &u), TrapKind::IntegerOverflow);
  EXPECT_EQ(num::trunc<uint32_t>(4294967295.9, &u), TrapKind::None);
  EXPECT_EQ(num::trunc<uint32_t>(4294967296.0, &u), TrapKind::IntegerOverflow);
  EXPECT_EQ(num::trunc<int64_t>(-9223372036854775808.0, &l), TrapKind::None);
  EXPECT_EQ(l, INT64_MIN);
  EXPECT_EQ(num::trunc<int64_t>(9223372036854775808.0, &l), TrapKind::IntegerOverflow);
  EXPECT_EQ(num::trunc<uint64_t>(18446744073709549568.0, &ul), TrapKind::None);
  EXPECT_EQ(num::trunc<uint64_t>(18446744073709551616.0f, &ul), TrapKind::IntegerOverflow);
  EXPECT_EQ(num::trunc<int32_t>(std::nanf(""), &i), TrapKind::InvalidConversionToInteger);
  EXPECT_EQ(num::trunc<uint64_t>(-std::numeric_limits<double>::infinity(), &ul),
            TrapKind::IntegerOverflow);
}

TEST(Numeric, SaturatingTrunc) {
  EXPECT_EQ(num::trunc_sat<int32_t>(std::nanf("")), 0);
  EXPECT_EQ(num::trunc_sat<int32_t>(1e10f), INT32_MAX);
  EXPECT_EQ(num::trunc_sat<int32_t>(-1e10f), INT32_MIN);
  EXPECT_EQ(num::trunc_sat<uint32_t>(-5.0), 0u);
  EXPECT_EQ(num::trunc_sat<uint64_t>(1e30), UINT64_MAX);
  EXPECT_EQ(num::trunc_sat<int64_t>(-3.7), -3);
}

TEST(Numeric, MinMaxZerosAndNaN) {
  EXPECT_TRUE(std::signbit(num::fmin(0.0f, -0.0f)));
  EXPECT_TRUE(std::signbit(num::fmin(-0.0f, 0.0f)));
  EXPECT_FALSE(std::signbit(num::fmax(-0.0, 0.0)));
  EXPECT_FALSE(std::signbit(num::fmax(0.0, -0.0)));
  EXPECT_TRUE(std::isnan(num::fmin(1.0, std::nan(""))));
  EXPECT_TRUE(std::isnan(num::fmax(std::nanf(""), 1.0f)));
  EXPECT_EQ(num::fmin(-1.0, 2.0), -1.0);
  EXPECT_EQ(num::fmax(-1.0, 2.0), 2.0);
  // A signalling NaN comes out quiet.
  const float snan = num::f32_from(0x7fa00000u);
  EXPECT_EQ(num::f32_bits(num::fmin(snan, 1.0f)) & 0x00400000u, 0x00400000u);
}

TEST(Numeric, RoundingKeepsSignAndQuietsNaN) {
  EXPECT_EQ(num::fnearest(2.5), 2.0);
  EXPECT_EQ(num::fnearest(3.5f), 4.0f);
  EXPECT_EQ(num::fnearest(-0.5), -0.0);
  EXPECT_TRUE(std::signbit(num::fnearest(-0.5)));
  EXPECT_TRUE(std::signbit(num::fceil(-0.5)));
  EXPECT_EQ(num::f32_bits(num::ffloor(num::f32_from(0x7fa00000u))), 0x7fe00000u);
  EXPECT_EQ(num::f64_bits(num::ftrunc(num::f64_from(0xfff4000000000000ull))), 0xfffc000000000000ull);
}

TEST(Numeric, SignOpsTouchOnlyTheSignBit) {
  EXPECT_EQ(num::f32_neg(0x7fa00001u), 0xffa00001u);
  EXPECT_EQ(num::f32_abs(0xffa00001u), 0x7fa00001u);
  EXPECT_EQ(num::f32_copysign(0x7fa00001u, 0x80000000u), 0xffa00001u);
  EXPECT_EQ(num::f64_copysign(0xfff0000000000001ull, 0), 0x7ff0000000000001ull);
  EXPECT_EQ(num::f64_neg(0), 0x8000000000000000ull);
}

}  // namespace
}  // namespace midimon::wasm
