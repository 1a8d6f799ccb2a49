// Text form of WebAssembly values for people: parsing command-line arguments by their
// declared type, and printing results as `TYPE:VALUE`. Presentation only; the engine
// never sees text.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "wasm/types.h"
#include "wasm/value.h"

namespace midimon::tools {

// Parses `text` as a value of type `type`:
//   i32/i64  decimal (negatives allowed) or 0x-hex; i32 takes -2^31 .. 2^32-1,
//            i64 takes -2^63 .. 2^64-1 (the unsigned half wraps, as in the text format)
//   f32/f64  decimal or scientific, "inf", "-inf", "nan", "-nan", "nan:0xPAYLOAD"
//   funcref  "null" only
//   externref "null" or a non-zero integer (the opaque host value)
// Returns nullopt when the text is not a valid value of that type.
std::optional<wasm::Value> parse_value(wasm::ValType type, std::string_view text);

// "5", "-1", "0.1", "inf", "nan", "nan:0x200000", "null", ... (no type prefix).
// i32/i64 as signed decimal; floats in shortest round-trip form.
std::string format_value_text(wasm::ValType type, wasm::Value value);

// "i32:5", "f64:0.1", "funcref:null".
std::string format_value(wasm::ValType type, wasm::Value value);

// A v128: "0x" and 1 to 32 hex digits, read as one 128-bit number whose lowest byte is
// the v128's byte 0 (lane 0 in the lowest bits, as little-endian memory has it). Returns
// the two slots the engine takes (value.h); nullopt for anything else.
std::optional<std::array<wasm::Value, 2>> parse_v128(std::string_view text);
// "v128:0x" and 32 hex digits, the same number (bytes 15..0).
std::string format_v128(const wasm::Value* slots);

}  // namespace midimon::tools
