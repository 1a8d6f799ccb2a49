// Binary reader: decodes a module binary into ModuleInfo. Enforces the binary format
// (LEB128 rules, UTF-8 names, section order and sizes, counts) and nothing more;
// validation is validator.h's job.
#pragma once

#include <cstdint>
#include <span>

#include "module_info.h"
#include "result.h"

namespace midimon::wasm {

// How read_module treats the instructions of function bodies.
enum class BodyDecoding : uint8_t {
  // Every instruction is decoded, so any malformed module is rejected here.
  Eager,
  // Only each body's size and locals are read; FuncBody::code_end is the declared end.
  // For a loader that decodes each body once for validation and compilation (Module::
  // compile): it must decode every body itself, and on any error of its own report
  // check_body_encodings' error instead when there is one, so the error is exactly the
  // one Eager reading would have given.
  Deferred,
};

// Errors have kind Malformed, the spec's wording ("unexpected end", "magic header not
// detected", "integer too large", "malformed UTF-8 encoding", "section size mismatch",
// "function and code section have inconsistent lengths", ...), the byte offset and
// `where` naming the section ("section 'code'").
Result<ModuleInfo> read_module(std::span<const uint8_t> binary,
                               BodyDecoding bodies = BodyDecoding::Eager);

// The checks Eager reading makes on function bodies beyond what Deferred reading does,
// in the same order: every body's instructions decode and close with their final `end`
// exactly at the body's declared end, and memory.init / data.drop have the data count
// section they need. Costs a full decode of every body: meant for the error path.
Result<void> check_body_encodings(const ModuleInfo& module);

}  // namespace midimon::wasm
