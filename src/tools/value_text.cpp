#include "tools/value_text.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>
#include <system_error>

#include "wasm/runtime.h"

namespace midimon::tools {
namespace {

using wasm::Value;
using wasm::ValType;

// Parses an optionally signed integer in decimal or 0x-hex into a magnitude and a sign.
bool parse_integer(std::string_view text, bool* negative, uint64_t* magnitude) {
  *negative = false;
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
    *negative = text[0] == '-';
    text.remove_prefix(1);
  }
  int base = 10;
  if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    base = 16;
    text.remove_prefix(2);
  }
  if (text.empty()) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *magnitude, base);
  return ec == std::errc() && end == text.data() + text.size();
}

// Integers of `bits` width: signed range for negatives, full unsigned range otherwise.
std::optional<uint64_t> parse_int_bits(std::string_view text, unsigned bits) {
  bool negative = false;
  uint64_t magnitude = 0;
  if (!parse_integer(text, &negative, &magnitude)) return std::nullopt;
  const uint64_t umax = bits == 64 ? UINT64_MAX : (uint64_t{1} << bits) - 1;
  const uint64_t neg_limit = uint64_t{1} << (bits - 1);  // |INT_MIN|
  if (negative) {
    if (magnitude > neg_limit) return std::nullopt;
    return (0 - magnitude) & umax;
  }
  if (magnitude > umax) return std::nullopt;
  return magnitude;
}

// "nan", "-nan", "nan:0x..." with an explicit payload; returns the raw bits.
template <class Bits>
std::optional<Bits> parse_nan(std::string_view text, unsigned mantissa_bits) {
  bool negative = false;
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
    negative = text[0] == '-';
    text.remove_prefix(1);
  }
  if (text.substr(0, 3) != "nan") return std::nullopt;
  text.remove_prefix(3);
  const Bits exp_mask = static_cast<Bits>(((Bits{1} << (sizeof(Bits) * 8 - 1 - mantissa_bits)) - 1)
                                          << mantissa_bits);
  const Bits mant_mask = (Bits{1} << mantissa_bits) - 1;
  Bits payload = Bits{1} << (mantissa_bits - 1);  // canonical NaN
  if (!text.empty()) {
    if (text.substr(0, 3) != ":0x" || text.size() == 3) return std::nullopt;
    text.remove_prefix(3);
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), payload, 16);
    if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    if (payload == 0 || (payload & ~mant_mask) != 0) return std::nullopt;
  }
  Bits sign = negative ? Bits{1} << (sizeof(Bits) * 8 - 1) : 0;
  return sign | exp_mask | payload;
}

template <class F>
std::optional<F> parse_float(std::string_view text) {
  // from_chars takes no leading '+'; it handles "inf", "infinity" and "-inf" itself.
  if (!text.empty() && text[0] == '+') text.remove_prefix(1);
  if (text.empty()) return std::nullopt;
  F v{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  // Out-of-range decimals are rejected rather than silently turned into inf or 0.
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return v;
}

template <class F, class Bits>
std::string format_float(F v, Bits bits, unsigned mantissa_bits) {
  if (std::isnan(v)) {
    const bool negative = (bits >> (sizeof(Bits) * 8 - 1)) != 0;
    const Bits payload = bits & ((Bits{1} << mantissa_bits) - 1);
    std::string s = negative ? "-nan" : "nan";
    if (payload != Bits{1} << (mantissa_bits - 1)) {  // not canonical: show the payload
      char buf[32];
      auto [end, ec] = std::to_chars(buf, buf + sizeof buf, payload, 16);
      (void)ec;
      s += ":0x";
      s.append(buf, end);
    }
    return s;
  }
  if (std::isinf(v)) return v < 0 ? "-inf" : "inf";
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);  // shortest round-trip
  (void)ec;
  return std::string(buf, end);
}

}  // namespace

std::optional<Value> parse_value(ValType type, std::string_view text) {
  switch (type) {
    case ValType::I32:
      if (auto v = parse_int_bits(text, 32)) return Value::from_i32(static_cast<uint32_t>(*v));
      return std::nullopt;
    case ValType::I64:
      if (auto v = parse_int_bits(text, 64)) return Value::from_i64(*v);
      return std::nullopt;
    case ValType::F32:
      if (auto b = parse_nan<uint32_t>(text, 23)) return Value::from_f32_bits(*b);
      if (auto v = parse_float<float>(text)) return Value::from_f32(*v);
      return std::nullopt;
    case ValType::F64:
      if (auto b = parse_nan<uint64_t>(text, 52)) return Value::from_f64_bits(*b);
      if (auto v = parse_float<double>(text)) return Value::from_f64(*v);
      return std::nullopt;
    case ValType::FuncRef:
      if (text == "null") return Value::from_ref(wasm::kNullRef);
      return std::nullopt;
    case ValType::ExternRef: {
      if (text == "null") return Value::from_ref(wasm::kNullRef);
      bool negative = false;
      uint64_t magnitude = 0;
      if (!parse_integer(text, &negative, &magnitude) || negative || magnitude == 0 ||
          magnitude > std::numeric_limits<wasm::Ref>::max()) {
        return std::nullopt;
      }
      return Value::from_ref(static_cast<wasm::Ref>(magnitude));
    }
    case ValType::V128:
      return std::nullopt;  // no SIMD yet
  }
  return std::nullopt;
}

std::string format_value_text(ValType type, Value value) {
  switch (type) {
    case ValType::I32: return std::to_string(static_cast<int32_t>(value.i32));
    case ValType::I64: return std::to_string(static_cast<int64_t>(value.i64));
    case ValType::F32: {
      uint32_t bits;
      std::memcpy(&bits, &value.f32, sizeof bits);
      return format_float(value.f32, bits, 23);
    }
    case ValType::F64: return format_float(value.f64, value.bits, 52);
    case ValType::FuncRef:
      if (value.ref == wasm::kNullRef) return "null";
      return "func[" + std::to_string(wasm::ref_func(value.ref)->func_index) + "]";
    case ValType::ExternRef:
      if (value.ref == wasm::kNullRef) return "null";
      return std::to_string(value.ref);
    case ValType::V128: return "?";
  }
  return "?";
}

std::string format_value(ValType type, Value value) {
  return std::string(wasm::to_string(type)) + ":" + format_value_text(type, value);
}

std::optional<std::array<Value, 2>> parse_v128(std::string_view text) {
  if (text.size() < 3 || text[0] != '0' || (text[1] != 'x' && text[1] != 'X')) return std::nullopt;
  text.remove_prefix(2);
  if (text.size() > 32) return std::nullopt;
  // The last up to 16 digits are bytes 0..7, the ones before them bytes 8..15.
  const size_t split = text.size() > 16 ? text.size() - 16 : 0;
  uint64_t hi = 0, lo = 0;
  auto digits = [](std::string_view d, uint64_t* out) {
    if (d.empty()) return true;
    auto [end, ec] = std::from_chars(d.data(), d.data() + d.size(), *out, 16);
    return ec == std::errc() && end == d.data() + d.size();
  };
  if (!digits(text.substr(0, split), &hi) || !digits(text.substr(split), &lo)) return std::nullopt;
  return std::array<Value, 2>{Value::from_i64(lo), Value::from_i64(hi)};
}

std::string format_v128(const Value* slots) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "v128:0x%016llx%016llx", static_cast<unsigned long long>(slots[1].bits),
                static_cast<unsigned long long>(slots[0].bits));
  return buf;
}

}  // namespace midimon::tools
