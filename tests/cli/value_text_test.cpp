// Value text for the CLI: parsing arguments by type and printing results.
#include "tools/value_text.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

namespace midimon::tools {
namespace {

using wasm::Value;
using wasm::ValType;

uint32_t f32_bits(float f) {
  uint32_t b;
  std::memcpy(&b, &f, sizeof b);
  return b;
}

TEST(ValueText, I32DecimalNegativeAndHex) {
  EXPECT_EQ(parse_value(ValType::I32, "5")->i32, 5u);
  EXPECT_EQ(parse_value(ValType::I32, "-1")->i32, 0xffffffffu);
  EXPECT_EQ(parse_value(ValType::I32, "-2147483648")->i32, 0x80000000u);
  EXPECT_EQ(parse_value(ValType::I32, "4294967295")->i32, 0xffffffffu);
  EXPECT_EQ(parse_value(ValType::I32, "0x7fffffff")->i32, 0x7fffffffu);
  EXPECT_EQ(parse_value(ValType::I32, "+3")->i32, 3u);
}

TEST(ValueText, I32RejectsOutOfRangeAndJunk) {
  EXPECT_FALSE(parse_value(ValType::I32, "4294967296"));
  EXPECT_FALSE(parse_value(ValType::I32, "-2147483649"));
  EXPECT_FALSE(parse_value(ValType::I32, ""));
  EXPECT_FALSE(parse_value(ValType::I32, "-"));
  EXPECT_FALSE(parse_value(ValType::I32, "12abc"));
  EXPECT_FALSE(parse_value(ValType::I32, "1.5"));
  EXPECT_FALSE(parse_value(ValType::I32, "0x"));
}

TEST(ValueText, I64FullRange) {
  EXPECT_EQ(parse_value(ValType::I64, "-9223372036854775808")->i64, 0x8000000000000000ull);
  EXPECT_EQ(parse_value(ValType::I64, "18446744073709551615")->i64, ~0ull);
  EXPECT_FALSE(parse_value(ValType::I64, "18446744073709551616"));
  EXPECT_FALSE(parse_value(ValType::I64, "-9223372036854775809"));
}

TEST(ValueText, FloatsDecimalInfAndNan) {
  EXPECT_EQ(parse_value(ValType::F64, "0.1")->f64, 0.1);
  EXPECT_EQ(parse_value(ValType::F64, "-2.5e3")->f64, -2500.0);
  EXPECT_EQ(parse_value(ValType::F32, "1.5")->f32, 1.5f);
  EXPECT_TRUE(std::isinf(parse_value(ValType::F64, "inf")->f64));
  EXPECT_LT(parse_value(ValType::F64, "-inf")->f64, 0);
  EXPECT_EQ(parse_value(ValType::F32, "nan")->bits, 0x7fc00000u);
  EXPECT_EQ(parse_value(ValType::F32, "-nan")->bits, 0xffc00000u);
  EXPECT_EQ(parse_value(ValType::F32, "nan:0x1")->bits, 0x7f800001u);
  EXPECT_EQ(parse_value(ValType::F64, "nan")->bits, 0x7ff8000000000000ull);
  EXPECT_EQ(parse_value(ValType::F64, "-nan:0x1")->bits, 0xfff0000000000001ull);
}

TEST(ValueText, FloatsRejectJunkAndBadPayloads) {
  EXPECT_FALSE(parse_value(ValType::F64, "abc"));
  EXPECT_FALSE(parse_value(ValType::F64, "1.0x"));
  EXPECT_FALSE(parse_value(ValType::F64, "1e400"));  // out of range is not inf
  EXPECT_FALSE(parse_value(ValType::F32, "nan:0x0"));  // zero payload would be inf
  EXPECT_FALSE(parse_value(ValType::F32, "nan:0x800000"));  // wider than the mantissa
  EXPECT_FALSE(parse_value(ValType::F32, "nan:"));
}

TEST(ValueText, Refs) {
  EXPECT_EQ(parse_value(ValType::FuncRef, "null")->ref, wasm::kNullRef);
  EXPECT_FALSE(parse_value(ValType::FuncRef, "1"));
  EXPECT_EQ(parse_value(ValType::ExternRef, "null")->ref, wasm::kNullRef);
  EXPECT_EQ(parse_value(ValType::ExternRef, "42")->ref, 42u);
  EXPECT_FALSE(parse_value(ValType::ExternRef, "0"));  // 0 is the null encoding
  EXPECT_FALSE(parse_value(ValType::ExternRef, "-1"));
  EXPECT_FALSE(parse_value(ValType::V128, "0"));  // v128 has its own parser
}

TEST(ValueText, V128AsOne128BitHexNumber) {
  auto v = parse_v128("0x00000004000000030000000200000001");
  ASSERT_TRUE(v);
  EXPECT_EQ((*v)[0].bits, 0x0000000200000001ull);  // bytes 0..7: lanes 0 and 1
  EXPECT_EQ((*v)[1].bits, 0x0000000400000003ull);
  EXPECT_EQ(format_v128(v->data()), "v128:0x00000004000000030000000200000001");
  v = parse_v128("0x1ffffffffffffffff");  // 17 digits: the top one is byte 8
  ASSERT_TRUE(v);
  EXPECT_EQ((*v)[0].bits, ~0ull);
  EXPECT_EQ((*v)[1].bits, 1u);
  EXPECT_FALSE(parse_v128("0x"));
  EXPECT_FALSE(parse_v128("1"));
  EXPECT_FALSE(parse_v128("0x" + std::string(33, 'f')));  // more than 128 bits
  EXPECT_FALSE(parse_v128("0x12g4"));
  EXPECT_FALSE(parse_v128("-0x1"));
}

TEST(ValueText, FormatIntegersSigned) {
  EXPECT_EQ(format_value(ValType::I32, Value::from_i32(5)), "i32:5");
  EXPECT_EQ(format_value(ValType::I32, Value::from_i32(0xffffffffu)), "i32:-1");
  EXPECT_EQ(format_value(ValType::I64, Value::from_i64(0x8000000000000000ull)), "i64:-9223372036854775808");
}

TEST(ValueText, FormatFloatsShortestRoundTrip) {
  EXPECT_EQ(format_value(ValType::F64, Value::from_f64(0.1 + 0.2)), "f64:0.30000000000000004");
  EXPECT_EQ(format_value(ValType::F32, Value::from_f32(1.0f / 3.0f)), "f32:0.33333334");
  EXPECT_EQ(format_value(ValType::F64, Value::from_f64(-0.0)), "f64:-0");
  EXPECT_EQ(format_value(ValType::F64, Value::from_f64(1e300)), "f64:1e+300");
  EXPECT_EQ(format_value(ValType::F32, Value::from_f32(std::numeric_limits<float>::infinity())), "f32:inf");
  EXPECT_EQ(format_value(ValType::F64, Value::from_f64(-std::numeric_limits<double>::infinity())), "f64:-inf");
}

TEST(ValueText, FormatNans) {
  EXPECT_EQ(format_value(ValType::F32, Value::from_f32_bits(0x7fc00000u)), "f32:nan");
  EXPECT_EQ(format_value(ValType::F32, Value::from_f32_bits(0xffc00000u)), "f32:-nan");
  EXPECT_EQ(format_value(ValType::F32, Value::from_f32_bits(0x7fa00000u)), "f32:nan:0x200000");
  EXPECT_EQ(format_value(ValType::F64, Value::from_f64_bits(0x7ff0000000000001ull)), "f64:nan:0x1");
}

TEST(ValueText, RoundTripThroughText) {
  for (double d : {0.1, -1e-310, 123456.789, 5e-324, 1.7976931348623157e308}) {
    auto text = format_value_text(ValType::F64, Value::from_f64(d));
    EXPECT_EQ(parse_value(ValType::F64, text)->f64, d) << text;
  }
  for (uint32_t bits : {0x00000001u, 0x7f7fffffu, 0x3eaaaaabu, 0x7fc00001u, 0xff800000u}) {
    auto text = format_value_text(ValType::F32, Value::from_f32_bits(bits));
    EXPECT_EQ(f32_bits(parse_value(ValType::F32, text)->f32), bits) << text;
  }
}

TEST(ValueText, FormatRefs) {
  EXPECT_EQ(format_value(ValType::FuncRef, Value::from_ref(wasm::kNullRef)), "funcref:null");
  EXPECT_EQ(format_value(ValType::ExternRef, Value::from_ref(wasm::kNullRef)), "externref:null");
  EXPECT_EQ(format_value(ValType::ExternRef, Value::from_ref(7)), "externref:7");
}

}  // namespace
}  // namespace midimon::tools
