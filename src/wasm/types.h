// WebAssembly types: value types, function types, limits, and extern types.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace midimon::wasm {

// Numbers are the binary encodings, so a decoded byte converts directly.
enum class ValType : uint8_t {
  I32 = 0x7F,
  I64 = 0x7E,
  F32 = 0x7D,
  F64 = 0x7C,
  V128 = 0x7B,  // SIMD; occupies two value slots (value.h)
  FuncRef = 0x70,
  ExternRef = 0x6F,
};

constexpr bool is_ref(ValType t) { return t == ValType::FuncRef || t == ValType::ExternRef; }
constexpr bool is_num(ValType t) { return !is_ref(t) && t != ValType::V128; }
// Number of 8-byte value slots a value of this type takes (a v128 takes two).
constexpr uint32_t slot_count(ValType t) { return t == ValType::V128 ? 2 : 1; }
// Slots of a list of values: a function's parameters or results as Store::call and host
// functions pass them.
inline uint32_t slot_count(std::span<const ValType> ts) {
  uint32_t n = 0;
  for (ValType t : ts) n += slot_count(t);
  return n;
}
const char* to_string(ValType t);  // "i32", "funcref", ...
bool valtype_from_byte(uint8_t b, ValType* out);  // false if not a 2.0 value type

struct FuncType {
  std::vector<ValType> params;
  std::vector<ValType> results;
  bool operator==(const FuncType&) const = default;
  std::string to_string() const;  // "(i32, i64) -> (f32)"
};

struct Limits {
  uint32_t min = 0;
  std::optional<uint32_t> max;
  bool operator==(const Limits&) const = default;
};

struct TableType {
  ValType elem = ValType::FuncRef;
  Limits limits;
};

struct MemoryType {
  Limits limits;  // in 64 KiB pages
};

struct GlobalType {
  ValType type = ValType::I32;
  bool mut = false;
};

enum class ExternKind : uint8_t { Func = 0, Table = 1, Memory = 2, Global = 3 };
const char* to_string(ExternKind k);

inline constexpr uint32_t kPageSize = 65536;
inline constexpr uint32_t kMaxPages = 65536;  // 4 GiB, memory32

}  // namespace midimon::wasm
