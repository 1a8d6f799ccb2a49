// Pieces shared by the validator's files (validator.cpp: module-level rules;
// validator_code.cpp: function bodies). Not part of the engine's API.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "decoded_body.h"
#include "module_info.h"
#include "result.h"

namespace midimon::wasm::validator_detail {

// An Error of kind Invalid. `where` is e.g. "function 3" or "section 'global'".
inline Error invalid(std::string message, size_t offset, std::string where) {
  return Error{ErrorKind::Invalid, std::move(message), offset, std::move(where)};
}

// Checks one defined function's body (func_index is the module function index, so
// imported functions come first), decoded into `decoded`. `declared[x]` is true when
// function x may be named by `ref.func` in a body (spec: C.refs -- referenced somewhere
// outside function bodies).
Result<void> validate_body(const ModuleInfo& module, uint32_t func_index,
                           const std::vector<bool>& declared, const DecodedBody& decoded);

}  // namespace midimon::wasm::validator_detail
