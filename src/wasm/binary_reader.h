// Binary reader: decodes a module binary into ModuleInfo. Enforces the binary format
// (LEB128 rules, UTF-8 names, section order and sizes, counts) and nothing more;
// validation is validator.h's job.
#pragma once

#include <cstdint>
#include <span>

#include "module_info.h"
#include "result.h"

namespace midimon::wasm {

// Errors have kind Malformed, the spec's wording ("unexpected end", "magic header not
// detected", "integer too large", "malformed UTF-8 encoding", "section size mismatch",
// "function and code section have inconsistent lengths", ...), the byte offset and
// `where` naming the section ("section 'code'").
Result<ModuleInfo> read_module(std::span<const uint8_t> binary);

}  // namespace midimon::wasm
