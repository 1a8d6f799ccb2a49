// Script values <-> engine values: parsing arguments, matching results against the
// expected patterns (exact bits, nan:canonical, nan:arithmetic, null / non-null refs),
// and printing values for failure messages.
#pragma once

#include <string>

#include "src/wasm/types.h"
#include "src/wasm/value.h"
#include "wast_script.h"

namespace midimon::spec {

// externref encoding chosen by this runner: script value `ref.extern N` is Ref N+1, so
// that Ref 0 stays the null reference.
inline wasm::Ref extern_ref_from_script(uint64_t n) { return static_cast<wasm::Ref>(n + 1); }

// Values are passed as the engine's slots (value.h): one Value, or two for a v128
// (bytes 0..7, then 8..15), as Store::call takes and returns them.

// Parses a script type name; false for unknown names.
bool parse_valtype(const std::string& name, wasm::ValType* out);

// Converts an argument into `out` (room for two slots). Fails (with `error`) for
// patterns or unparsable text.
bool parse_arg(const ScriptValue& v, wasm::Value* out, wasm::ValType* type, std::string* error);

// Whether `actual` (of type `actual_type`) matches `expected`; a v128 is compared lane by
// lane in the expected lane type, with the NaN patterns per lane. On mismatch, `why` is
// set to a short reason when the mismatch is not simply a different value (e.g. type).
bool value_matches(const ScriptValue& expected, wasm::ValType actual_type,
                   const wasm::Value* actual, std::string* why);

// assert_trap text matching: `expected` must be a prefix of the engine's message. One
// allowance: the reference interpreter appends the element index to "uninitialized
// element" (bulk.wast expects "uninitialized element 2"), which no other engine's
// wording contains; an `actual` of exactly the text before " <digits>" matches too.
bool trap_text_matches(const std::string& expected, const std::string& actual);

// "i32:42 (0x2a)", "f32:1.5 (0x3fc00000)", "externref:7", "funcref:null",
// "v128:0x00000004000000030000000200000001" (bytes 15..0), ...
std::string format_value(wasm::ValType type, const wasm::Value* v);
// The expected pattern as written in the script, in the same style.
std::string format_expected(const ScriptValue& v);

}  // namespace midimon::spec
