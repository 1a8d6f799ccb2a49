#include "value_compare.h"

#include <charconv>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstring>

namespace midimon::spec {

using wasm::Ref;
using wasm::ValType;
using wasm::Value;

namespace {

// wast2json writes every number as the unsigned decimal of its bit pattern.
bool parse_u64(const std::string& s, uint64_t* out) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out, 10);
  return ec == std::errc() && p == s.data() + s.size();
}

bool is_f32_nan(uint32_t b) { return (b & 0x7f800000u) == 0x7f800000u && (b & 0x007fffffu) != 0; }
bool is_f64_nan(uint64_t b) {
  return (b & 0x7ff0000000000000ull) == 0x7ff0000000000000ull && (b & 0x000fffffffffffffull) != 0;
}

std::string hex(uint64_t v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%" PRIx64, v);
  return buf;
}

// Bytes per lane of a v128 lane type ("i8" ... "f64"); 0 if unknown.
unsigned lane_bytes(const std::string& lane_type) {
  if (lane_type == "i8") return 1;
  if (lane_type == "i16") return 2;
  if (lane_type == "i32" || lane_type == "f32") return 4;
  if (lane_type == "i64" || lane_type == "f64") return 8;
  return 0;
}

// The 16 bytes of a v128 written as lanes (each the unsigned decimal of its bits);
// false for a lane pattern, a wrong lane count or a lane out of its range.
bool v128_bytes(const ScriptValue& v, uint8_t out[16]) {
  const unsigned w = lane_bytes(v.lane_type);
  if (w == 0 || v.lanes.size() != 16 / w) return false;
  for (unsigned i = 0; i < v.lanes.size(); ++i) {
    uint64_t n;
    if (!parse_u64(v.lanes[i], &n)) return false;
    if (w < 8 && n >> (8 * w) != 0) return false;
    std::memcpy(out + i * w, &n, w);  // little-endian host: the low bytes
  }
  return true;
}

// Lane by lane in the expected lane type: exact bits, or a NaN pattern per float lane.
bool v128_matches(const ScriptValue& expected, const Value* slots, std::string* why) {
  const unsigned w = lane_bytes(expected.lane_type);
  if (w == 0 || expected.lanes.size() != 16 / w) {
    *why = "cannot parse expected v128 value '" + expected.value + "' (lanes " +
           expected.lane_type + ")";
    return false;
  }
  uint8_t actual[16];
  std::memcpy(actual, &slots[0].bits, 8);
  std::memcpy(actual + 8, &slots[1].bits, 8);
  for (unsigned i = 0; i < expected.lanes.size(); ++i) {
    const std::string& s = expected.lanes[i];
    uint64_t bits = 0;
    std::memcpy(&bits, actual + i * w, w);
    const bool is_f32 = expected.lane_type == "f32", is_f64 = expected.lane_type == "f64";
    if (s == "nan:canonical" && (is_f32 || is_f64)) {
      const bool ok = is_f32 ? (bits & 0x7fffffffu) == 0x7fc00000u
                             : (bits & 0x7fffffffffffffffull) == 0x7ff8000000000000ull;
      if (!ok) return false;
      continue;
    }
    if (s == "nan:arithmetic" && (is_f32 || is_f64)) {
      const bool ok = is_f32 ? is_f32_nan(static_cast<uint32_t>(bits)) && (bits & 0x00400000u) != 0
                             : is_f64_nan(bits) && (bits & 0x0008000000000000ull) != 0;
      if (!ok) return false;
      continue;
    }
    uint64_t n;
    if (!parse_u64(s, &n) || (w < 8 && n >> (8 * w) != 0)) {
      *why = "cannot parse expected v128 lane '" + s + "'";
      return false;
    }
    if (bits != n) return false;
  }
  return true;
}

}  // namespace

bool parse_valtype(const std::string& name, ValType* out) {
  if (name == "i32") *out = ValType::I32;
  else if (name == "i64") *out = ValType::I64;
  else if (name == "f32") *out = ValType::F32;
  else if (name == "f64") *out = ValType::F64;
  else if (name == "externref") *out = ValType::ExternRef;
  else if (name == "funcref") *out = ValType::FuncRef;
  else if (name == "v128") *out = ValType::V128;
  else return false;
  return true;
}

bool parse_arg(const ScriptValue& v, Value* out, ValType* type, std::string* error) {
  if (!parse_valtype(v.type, type)) {
    *error = "unsupported argument type '" + v.type + "'";
    return false;
  }
  uint64_t n = 0;
  switch (*type) {
    case ValType::I32:
    case ValType::F32:
      if (!parse_u64(v.value, &n) || n > UINT32_MAX) break;
      *out = Value::from_i32(static_cast<uint32_t>(n));
      return true;
    case ValType::I64:
    case ValType::F64:
      if (!parse_u64(v.value, &n)) break;
      *out = Value::from_i64(n);
      return true;
    case ValType::ExternRef:
      if (v.value == "null") { *out = Value::from_ref(wasm::kNullRef); return true; }
      if (!parse_u64(v.value, &n)) break;
      *out = Value::from_ref(extern_ref_from_script(n));
      return true;
    case ValType::FuncRef:
      // The script language can only write a null funcref as a constant.
      if (v.value == "null") { *out = Value::from_ref(wasm::kNullRef); return true; }
      break;
    case ValType::V128: {
      uint8_t bytes[16];
      if (!v128_bytes(v, bytes)) break;
      std::memcpy(&out[0].bits, bytes, 8);
      std::memcpy(&out[1].bits, bytes + 8, 8);
      return true;
    }
    default:
      break;
  }
  *error = "cannot parse " + v.type + " argument '" + v.value + "'";
  return false;
}

bool value_matches(const ScriptValue& expected, ValType actual_type, const Value* slots,
                   std::string* why) {
  const Value actual = slots[0];
  ValType et;
  if (!parse_valtype(expected.type, &et)) {
    *why = "unsupported expected type '" + expected.type + "'";
    return false;
  }
  if (et != actual_type) {
    *why = std::string("result type is ") + wasm::to_string(actual_type) + ", expected " +
           expected.type;
    return false;
  }
  const std::string& s = expected.value;
  uint64_t n = 0;
  switch (et) {
    case ValType::I32:
      if (!parse_u64(s, &n)) break;
      return actual.i32 == static_cast<uint32_t>(n);
    case ValType::I64:
      if (!parse_u64(s, &n)) break;
      return actual.i64 == n;
    case ValType::F32: {
      uint32_t b;
      std::memcpy(&b, &actual.f32, 4);
      // canonical: sign free, quiet bit set, rest of the payload zero.
      if (s == "nan:canonical") return (b & 0x7fffffffu) == 0x7fc00000u;
      // arithmetic: any NaN with the quiet bit set.
      if (s == "nan:arithmetic") return is_f32_nan(b) && (b & 0x00400000u) != 0;
      if (!parse_u64(s, &n)) break;
      return b == static_cast<uint32_t>(n);  // exact bits, so -0 != +0 and NaN payloads count
    }
    case ValType::F64: {
      uint64_t b = actual.i64;
      if (s == "nan:canonical") return (b & 0x7fffffffffffffffull) == 0x7ff8000000000000ull;
      if (s == "nan:arithmetic") return is_f64_nan(b) && (b & 0x0008000000000000ull) != 0;
      if (!parse_u64(s, &n)) break;
      return b == n;
    }
    case ValType::ExternRef:
      if (s == "null") return actual.ref == wasm::kNullRef;
      if (!expected.has_value) return actual.ref != wasm::kNullRef;
      if (!parse_u64(s, &n)) break;
      return actual.ref == extern_ref_from_script(n);
    case ValType::FuncRef:
      if (s == "null") return actual.ref == wasm::kNullRef;
      // `(ref.func)` with no index, or any index: the script cannot name a function
      // instance, so a non-null reference is all that can be checked.
      return actual.ref != wasm::kNullRef;
    case ValType::V128:
      return v128_matches(expected, slots, why);
    default:
      break;
  }
  *why = "cannot parse expected " + expected.type + " value '" + s + "'";
  return false;
}

bool trap_text_matches(const std::string& expected, const std::string& actual) {
  if (actual.compare(0, expected.size(), expected) == 0) return true;
  if (actual.empty() || expected.size() < actual.size() + 2) return false;
  if (expected.compare(0, actual.size(), actual) != 0 || expected[actual.size()] != ' ')
    return false;
  for (size_t i = actual.size() + 1; i < expected.size(); ++i)
    if (expected[i] < '0' || expected[i] > '9') return false;
  return true;
}

std::string format_value(ValType type, const Value* slots) {
  const Value v = slots[0];
  char buf[96];
  switch (type) {
    case ValType::I32:
      return "i32:" + std::to_string(v.i32) + " (" + hex(v.i32) + ")";
    case ValType::I64:
      return "i64:" + std::to_string(v.i64) + " (" + hex(v.i64) + ")";
    case ValType::F32: {
      uint32_t b;
      std::memcpy(&b, &v.f32, 4);
      std::snprintf(buf, sizeof buf, "f32:%.9g (0x%08x)", static_cast<double>(v.f32), b);
      return buf;
    }
    case ValType::F64:
      std::snprintf(buf, sizeof buf, "f64:%.17g (0x%016" PRIx64 ")", v.f64, v.i64);
      return buf;
    case ValType::ExternRef:
      if (v.ref == wasm::kNullRef) return "externref:null";
      return "externref:" + std::to_string(static_cast<uint64_t>(v.ref - 1));
    case ValType::FuncRef:
      return v.ref == wasm::kNullRef ? "funcref:null" : "funcref:non-null";
    case ValType::V128:
      std::snprintf(buf, sizeof buf, "v128:0x%016" PRIx64 "%016" PRIx64, slots[1].bits, v.bits);
      return buf;
    default:
      return std::string(wasm::to_string(type)) + ":?";
  }
}

std::string format_expected(const ScriptValue& v) {
  ValType t;
  if (!v.has_value) return v.type + (v.type == "funcref" || v.type == "externref" ? ":non-null" : ":any");
  if (!parse_valtype(v.type, &t) || v.value.rfind("nan:", 0) == 0 || v.value == "null")
    return v.type + ":" + v.value;
  if (t == ValType::V128) return v.type + ":" + v.lane_type + "[" + v.value + "]";
  Value x[2];
  std::string err;
  ValType parsed;
  if (t == ValType::FuncRef) return "funcref:non-null";
  if (!parse_arg(v, x, &parsed, &err)) return v.type + ":" + v.value;
  return format_value(t, x);
}

}  // namespace midimon::spec
