// Unit tests of the runner's value matching: the NaN patterns and the reference
// encodings are where a lenient runner would hide engine bugs.
#include "value_compare.h"

#include <gtest/gtest.h>

#include "report.h"

namespace midimon::spec {
namespace {

using wasm::ValType;
using wasm::Value;

ScriptValue sv(const char* type, const char* value) {
  ScriptValue v;
  v.type = type;
  v.value = value;
  v.has_value = true;
  return v;
}

bool matches(const ScriptValue& e, ValType t, Value v) {
  std::string why;
  return value_matches(e, t, &v, &why);
}

ScriptValue v128(const char* lane_type, std::vector<std::string> lanes) {
  ScriptValue v = sv("v128", "");
  v.lane_type = lane_type;
  v.lanes = std::move(lanes);
  for (const auto& l : v.lanes) v.value += (v.value.empty() ? "" : " ") + l;
  return v;
}

bool matches128(const ScriptValue& e, uint64_t lo, uint64_t hi, std::string* why = nullptr) {
  std::string w;
  const Value v[2] = {Value::from_i64(lo), Value::from_i64(hi)};
  return value_matches(e, ValType::V128, v, why ? why : &w);
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
  const Value one = Value::from_i32(1);
  EXPECT_FALSE(value_matches(sv("i64", "1"), ValType::I32, &one, &why));
  EXPECT_EQ(why, "result type is i32, expected i64");
  EXPECT_FALSE(value_matches(v128("i32", {"0", "0", "0", "0"}), ValType::I32, &one, &why));
  EXPECT_EQ(why, "result type is i32, expected v128");
}

TEST(SpecValueCompare, V128Lanes) {
  // Lanes are little-endian: lane 0 in the low bytes of the first slot.
  EXPECT_TRUE(matches128(v128("i32", {"1", "2", "3", "4"}), 0x0000000200000001ull, 0x0000000400000003ull));
  EXPECT_FALSE(matches128(v128("i32", {"1", "2", "3", "4"}), 0x0000000100000002ull, 0x0000000400000003ull));
  EXPECT_TRUE(matches128(v128("i8", {"1", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0",
                                     "0", "0", "0", "255"}),
                         1, 0xff00000000000000ull));
  EXPECT_TRUE(matches128(v128("i16", {"65535", "0", "0", "0", "0", "0", "0", "1"}), 0xffff,
                         0x0001000000000000ull));
  EXPECT_TRUE(matches128(v128("i64", {"18446744073709551615", "5"}), ~0ull, 5));
  // Per-lane NaN patterns; the other lanes still compare exactly.
  const auto f32 = v128("f32", {"nan:canonical", "nan:arithmetic", "0", "1065353216"});
  EXPECT_TRUE(matches128(f32, 0x7fc00001ffc00000ull, 0x3f80000000000000ull));
  EXPECT_FALSE(matches128(f32, 0x7fc000017fc00001ull, 0x3f80000000000000ull));  // payload in lane 0
  EXPECT_FALSE(matches128(f32, 0x7f800001ffc00000ull, 0x3f80000000000000ull));  // lane 1 signalling
  EXPECT_FALSE(matches128(f32, 0x7fc00001ffc00000ull, 0x3f80000000000001ull));  // lane 2 differs
  const auto f64 = v128("f64", {"nan:canonical", "nan:arithmetic"});
  EXPECT_TRUE(matches128(f64, 0xfff8000000000000ull, 0x7ffc000000000000ull));
  EXPECT_FALSE(matches128(f64, 0x7ff8000000000001ull, 0x7ffc000000000000ull));
  // A NaN pattern is not a value for an integer lane, and lane counts must fit the type.
  std::string why;
  EXPECT_FALSE(matches128(v128("i32", {"nan:canonical", "0", "0", "0"}), 0x7fc00000, 0, &why));
  EXPECT_EQ(why, "cannot parse expected v128 lane 'nan:canonical'");
  EXPECT_FALSE(matches128(v128("i32", {"0", "0", "0"}), 0, 0, &why));
  EXPECT_FALSE(matches128(v128("i8", {"256", "0", "0", "0", "0", "0", "0", "0", "0", "0", "0",
                                      "0", "0", "0", "0", "0"}), 0, 0, &why));
  const Value slots[2] = {Value::from_i64(0x0000000200000001ull), Value::from_i64(0x0000000400000003ull)};
  EXPECT_EQ(format_value(ValType::V128, slots), "v128:0x00000004000000030000000200000001");
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
  const Value r = Value::from_ref(8);
  EXPECT_EQ(format_value(ValType::ExternRef, &r), "externref:7");
}

TEST(SpecValueCompare, ArgumentErrors) {
  Value v[2];
  ValType t;
  std::string err;
  EXPECT_FALSE(parse_arg(sv("i32", "4294967296"), v, &t, &err));
  EXPECT_EQ(err, "cannot parse i32 argument '4294967296'");
  EXPECT_FALSE(parse_arg(v128("i32", {"0", "0", "nan:canonical", "0"}), v, &t, &err));
  EXPECT_EQ(err, "cannot parse v128 argument '0 0 nan:canonical 0'");
  EXPECT_FALSE(parse_arg(v128("i16", {"65536", "0", "0", "0", "0", "0", "0", "0"}), v, &t, &err));
  EXPECT_FALSE(parse_arg(v128("x32", {"0", "0", "0", "0"}), v, &t, &err));
  EXPECT_FALSE(parse_arg(sv("v99", "0"), v, &t, &err));
  EXPECT_EQ(err, "unsupported argument type 'v99'");
}

TEST(SpecValueCompare, V128Arguments) {
  Value v[2];
  ValType t;
  std::string err;
  ASSERT_TRUE(parse_arg(v128("i16", {"1", "2", "3", "4", "5", "6", "7", "65535"}), v, &t, &err)) << err;
  EXPECT_EQ(t, ValType::V128);
  EXPECT_EQ(v[0].bits, 0x0004000300020001ull);
  EXPECT_EQ(v[1].bits, 0xffff000700060005ull);
  ASSERT_TRUE(parse_arg(v128("f64", {"9221120237041090560", "1"}), v, &t, &err)) << err;
  EXPECT_EQ(v[0].bits, 0x7ff8000000000000ull);
  EXPECT_EQ(v[1].bits, 1u);
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
