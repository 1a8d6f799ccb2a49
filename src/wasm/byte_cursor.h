// Byte-level decoding shared by the binary reader and the instruction reader: fixed-size
// little-endian words and strict LEB128 integers. Reads are bounded by `end`; running
// past it is "unexpected end of section or function" (the reference interpreter's words,
// which the spec suite's "unexpected end" matches as a prefix).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "result.h"
#include "types.h"

namespace midimon::wasm {

inline constexpr const char* kUnexpectedEnd = "unexpected end of section or function";

inline Error malformed(std::string message, size_t offset) {
  return Error{ErrorKind::Malformed, std::move(message), offset, {}};
}

// The error paths of ByteCursor, out of line and marked cold, so the success paths stay
// small enough to inline into the instruction decoder (a function body is mostly one-
// and two-byte LEBs: their cost is the loader's cost).
[[gnu::cold, gnu::noinline]] inline Error unexpected_end_at(size_t offset) {
  return malformed(kUnexpectedEnd, offset);
}
[[gnu::cold, gnu::noinline]] inline Error malformed_at(const char* message, size_t offset) {
  return malformed(message, offset);
}

class ByteCursor {
 public:
  ByteCursor(std::span<const uint8_t> bytes, size_t pos, size_t end)
      : bytes_(bytes), pos_(pos), end_(end) {}

  size_t pos() const { return pos_; }
  size_t end() const { return end_; }
  bool at_end() const { return pos_ >= end_; }
  void seek(size_t pos) { pos_ = pos; }
  std::span<const uint8_t> bytes() const { return bytes_; }

  // The next byte without consuming it; -1 at the end.
  int peek() const { return pos_ < end_ ? bytes_[pos_] : -1; }

  [[gnu::always_inline]] Result<uint8_t> u8() {
    if (pos_ >= end_) [[unlikely]] return unexpected_end_at(pos_);
    return bytes_[pos_++];
  }

  Result<uint32_t> fixed_u32() {
    if (pos_ > end_ || end_ - pos_ < 4) return unexpected_end_at(pos_);
    uint32_t v = 0;
    for (int i = 3; i >= 0; --i) v = (v << 8) | bytes_[pos_ + i];
    pos_ += 4;
    return v;
  }

  Result<uint64_t> fixed_u64() {
    if (pos_ > end_ || end_ - pos_ < 8) return unexpected_end_at(pos_);
    uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = (v << 8) | bytes_[pos_ + i];
    pos_ += 8;
    return v;
  }

  // Strict unsigned LEB128 of at most `bits` bits: at most ceil(bits/7) bytes ("integer
  // representation too long"), and the bits of the last byte beyond `bits` must be
  // zero ("integer too large"). Fast path for the common one-byte case.
  [[gnu::always_inline]] Result<uint64_t> leb_unsigned(int bits) {
    if (bits >= 7 && pos_ < end_ && bytes_[pos_] < 0x80) [[likely]] {
      return uint64_t{bytes_[pos_++]};
    }
    return leb_unsigned_long(bits);
  }

  // Strict signed LEB128 of at most `bits` bits: the unused bits of the last byte must
  // all equal the sign bit. Fast path for the common one-byte case (-64..63).
  [[gnu::always_inline]] Result<int64_t> leb_signed(int bits) {
    if (bits >= 7 && pos_ < end_ && bytes_[pos_] < 0x80) [[likely]] {
      const uint8_t b = bytes_[pos_++];
      return static_cast<int64_t>(b & 0x40 ? uint64_t{b} | ~uint64_t{0x7f} : uint64_t{b});
    }
    return leb_signed_long(bits);
  }

  [[gnu::always_inline]] Result<uint32_t> u32() {
    if (pos_ < end_ && bytes_[pos_] < 0x80) [[likely]] return uint32_t{bytes_[pos_++]};
    auto r = leb_unsigned_long(32);
    if (!r) return r.take_error();
    return static_cast<uint32_t>(*r);
  }
  Result<int32_t> s32() {
    auto r = leb_signed(32);
    if (!r) return r.take_error();
    return static_cast<int32_t>(*r);
  }
  Result<int64_t> s33() { return leb_signed(33); }
  Result<int64_t> s64() { return leb_signed(64); }

  // A length or count, checked against the bytes left. Like the reference interpreter
  // the bound counts from the start of the length field itself, so which of "length out
  // of bounds" / "unexpected end" a truncated module gets matches the spec suite.
  Result<uint32_t> length() {
    const size_t at = pos_;
    auto n = u32();
    if (!n) return n.take_error();
    if (*n > end_ - at) return malformed("length out of bounds", at);
    return *n;
  }

  Result<std::span<const uint8_t>> take(size_t n) {
    if (pos_ > end_ || end_ - pos_ < n) return unexpected_end_at(pos_);
    auto s = bytes_.subspan(pos_, n);
    pos_ += n;
    return s;
  }

 private:
  // The general LEB decoders, behind the one-byte fast paths above.
  [[gnu::noinline]] Result<uint64_t> leb_unsigned_long(int bits) {
    uint64_t result = 0;
    int shift = 0;
    for (int left = bits;; left -= 7, shift += 7) {
      if (left <= 0) return malformed_at("integer representation too long", pos_);
      if (pos_ >= end_) return unexpected_end_at(pos_);
      const uint8_t b = bytes_[pos_++];
      if (left < 7 && (b & 0x7f) >= (1u << left)) {
        return malformed_at("integer too large", pos_ - 1);
      }
      result |= uint64_t{b & 0x7fu} << shift;
      if ((b & 0x80) == 0) return result;
    }
  }

  [[gnu::noinline]] Result<int64_t> leb_signed_long(int bits) {
    uint64_t result = 0;
    int shift = 0;
    for (int left = bits;; left -= 7, shift += 7) {
      if (left <= 0) return malformed_at("integer representation too long", pos_);
      if (pos_ >= end_) return unexpected_end_at(pos_);
      const uint8_t b = bytes_[pos_++];
      if (left < 7) {
        const uint8_t mask = static_cast<uint8_t>((0xffu << (left - 1)) & 0x7fu);
        if ((b & mask) != 0 && (b & mask) != mask) {
          return malformed_at("integer too large", pos_ - 1);
        }
      }
      result |= uint64_t{b & 0x7fu} << shift;
      if ((b & 0x80) == 0) {
        if (shift + 7 < 64 && (b & 0x40)) result |= ~uint64_t{0} << (shift + 7);
        return static_cast<int64_t>(result);
      }
    }
  }

  std::span<const uint8_t> bytes_;
  size_t pos_;
  size_t end_;
};

// A value type is a one-byte signed LEB (the reference decoder reads it as s7), so a
// continuation bit is "integer representation too long".
inline Result<ValType> read_value_type(ByteCursor& c) {
  auto b = c.u8();
  if (!b) return b.take_error();
  if (*b & 0x80) return malformed("integer representation too long", c.pos());
  ValType t;
  if (!valtype_from_byte(*b, &t)) return malformed("malformed value type", c.pos() - 1);
  return t;
}

inline Result<ValType> read_ref_type(ByteCursor& c) {
  auto b = c.u8();
  if (!b) return b.take_error();
  if (*b & 0x80) return malformed("integer representation too long", c.pos());
  if (*b == 0x70) return ValType::FuncRef;
  if (*b == 0x6F) return ValType::ExternRef;
  return malformed("malformed reference type", c.pos() - 1);
}

}  // namespace midimon::wasm
