// A person-readable summary of a decoded module: sections with offsets and sizes,
// types, imports, tables, memories, globals, exports, start function and segments.
#pragma once

#include <ostream>

#include "wasm/module_info.h"

namespace midimon::tools {

void describe_module(const wasm::ModuleInfo& module, std::ostream& out);

}  // namespace midimon::tools
