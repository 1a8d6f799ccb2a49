// Unit tests of the runner's value matching: the NaN patterns and the reference
// encodings are where a lenient runner would hide engine bugs.
#include "value_compare.h"

#include <gtest/gtest.h>

#include "report.h"

namespace midimon::spec {
namespace {

using wasm::ValType;
using wasm::Value;

ScriptValue sv(const char* type, const char* value) { return {type, value, true}; }

bool matches(const ScriptValue& e, ValType t, Value v) {
  std::string why;
  return value_matches(e, t, v, &why);
}

TEST(SpecValueCompare, F32NanPatterns) {
  const auto canon = sv("f32", "nan:canonical");
  const auto arith = sv("f32", "nan:arithmetic");
  EXPECT_TRUE(matches(canon, ValType::F32, Value::from_f32_bits(0x7fc00000)));
  EXPECT_TRUE(matches(canon, ValType::F32, Value::from_f32_bits(0xffc00000)));
  EXPECT_FALSE(matches(canon, ValType::F32, Value::from_f32_bits(0x7fc00001)));  // payload
  EXPECT_FALSE(matches(canon, ValType::F32, Value::from_f32_bits(0x7f800000)));  // infinity
  EXPECT_TRUE(matches(arith, ValType::F32, Value::from_f32_bits(0x7fc00001)));
  EXPECT_TRUE(matches(arith, ValType::F32, Value::from_f32_bits(0xffc00000)));
  EXPECT_FALSE(matches(arith, ValType::F32, Value::from_f32_bits(0x7f800001)));  // signalling
  EXPECT_FALSE(matches(arith, ValType::F32, Value::from_f32_bits(0x3f800000)));
}

TEST(SpecValueCompare, F64NanPatterns) {
  const auto canon = sv("f64", "nan:canonical");
  const auto arith = sv("f64", "nan:arithmetic");
  EXPECT_TRUE(matches(canon, ValType::F64, Value::from_f64_bits(0x7ff8000000000000ull)));
  EXPECT_TRUE(matches(canon, ValType::F64, Value::from_f64_bits(0xfff8000000000000ull)));
  EXPECT_FALSE(matches(canon, ValType::F64, Value::from_f64_bits(0x7ff8000000000001ull)));
  EXPECT_TRUE(matches(arith, ValType::F64, Value::from_f64_bits(0x7ffc000000000000ull)));
  EXPECT_FALSE(matches(arith, ValType::F64, Value::from_f64_bits(0x7ff0000000000001ull)));
  EXPECT_FALSE(matches(arith, ValType::F64, Value::from_f64_bits(0x7ff0000000000000ull)));
}

TEST(SpecValueCompare, FloatsCompareExactBits) {
  EXPECT_FALSE(matches(sv("f32", "0"), ValType::F32, Value::from_f32_bits(0x80000000)));
  EXPECT_TRUE(matches(sv("f32", "2147483648"), ValType::F32, Value::from_f32_bits(0x80000000)));
  EXPECT_TRUE(matches(sv("f32", "2143289345"), ValType::F32, Value::from_f32_bits(0x7fc00001)));
  EXPECT_FALSE(matches(sv("f64", "9221120237041090560"), ValType::F64,
                       Value::from_f64_bits(0x7ff8000000000001ull)));
}

TEST(SpecValueCompare, IntegersAndTypes) {
  EXPECT_TRUE(matches(sv("i32", "4294967295"), ValType::I32, Value::from_i32(0xffffffffu)));
  EXPECT_TRUE(matches(sv("i64", "18446744073709551615"), ValType::I64, Value::from_i64(~0ull)));
  EXPECT_FALSE(matches(sv("i32", "1"), ValType::I32, Value::from_i32(2)));
  std::string why;
  EXPECT_FALSE(value_matches(sv("i64", "1"), ValType::I32, Value::from_i32(1), &why));
  EXPECT_EQ(why, "result type is i32, expected i64");
  EXPECT_FALSE(value_matches(sv("v128", "0 0 0 0"), ValType::I32, Value::from_i32(0), &why));
  EXPECT_EQ(why, "unsupported expected type 'v128'");
}

TEST(SpecValueCompare, References) {
  // ref.extern N is encoded as N+1 so that 0 stays null.
  Value v;
  ValType t;
  std::string err;
  ASSERT_TRUE(parse_arg(sv("externref", "0"), &v, &t, &err));
  EXPECT_EQ(t, ValType::ExternRef);
  EXPECT_EQ(v.ref, 1u);
  ASSERT_TRUE(parse_arg(sv("externref", "null"), &v, &t, &err));
  EXPECT_EQ(v.ref, wasm::kNullRef);
  EXPECT_TRUE(matches(sv("externref", "0"), ValType::ExternRef, Value::from_ref(1)));
  EXPECT_FALSE(matches(sv("externref", "0"), ValType::ExternRef, Value::from_ref(0)));
  EXPECT_FALSE(matches(sv("externref", "null"), ValType::ExternRef, Value::from_ref(1)));
  EXPECT_TRUE(matches(sv("funcref", "null"), ValType::FuncRef, Value::from_ref(0)));
  EXPECT_FALSE(matches(sv("funcref", "null"), ValType::FuncRef, Value::from_ref(0x1000)));
  EXPECT_FALSE(matches(sv("externref", "null"), ValType::FuncRef, Value::from_ref(0)));
  EXPECT_EQ(format_value(ValType::ExternRef, Value::from_ref(8)), "externref:7");
}

TEST(SpecValueCompare, ArgumentErrors) {
  Value v;
  ValType t;
  std::string err;
  EXPECT_FALSE(parse_arg(sv("i32", "4294967296"), &v, &t, &err));
  EXPECT_EQ(err, "cannot parse i32 argument '4294967296'");
  EXPECT_FALSE(parse_arg(sv("v128", "0 0 0 0"), &v, &t, &err));
  EXPECT_EQ(err, "unsupported argument type 'v128' (SIMD is not implemented)");
}

TEST(SpecValueCompare, TrapText) {
  EXPECT_TRUE(trap_text_matches("integer divide by zero", "integer divide by zero"));
  EXPECT_TRUE(trap_text_matches("out of bounds", "out of bounds memory access"));
  EXPECT_FALSE(trap_text_matches("integer overflow", "integer divide by zero"));
  EXPECT_TRUE(trap_text_matches("uninitialized element 2", "uninitialized element"));
  EXPECT_FALSE(trap_text_matches("uninitialized element 2", "uninitialized"));
  EXPECT_FALSE(trap_text_matches("uninitialized element x", "uninitialized element"));
  EXPECT_FALSE(trap_text_matches("unreachable", ""));
  EXPECT_FALSE(trap_text_matches("a 1", ""));
}

TEST(SpecReport, JsonRoundTrip) {
  FileResult r;
  r.name = "x.wast";
  r.passed = 3;
  r.failed = 1;
  r.na = 2;
  r.failures.push_back({12, "assert_return", "got \xff"});
  FileResult back;
  ASSERT_TRUE(from_json(to_json(r), &back));
  EXPECT_EQ(back.name, "x.wast");
  EXPECT_EQ(back.passed, 3u);
  EXPECT_EQ(back.failed, 1u);
  EXPECT_EQ(back.na, 2u);
  ASSERT_EQ(back.failures.size(), 1u);
  EXPECT_EQ(back.failures[0].line, 12);
  EXPECT_FALSE(from_json("{not json", &back));
}

}  // namespace
}  // namespace midimon::spec
