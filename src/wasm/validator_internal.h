// Pieces shared by the validator's files (validator.cpp: module-level rules;
// validator_code.cpp: function bodies). Not part of the engine's API.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "decoded_body.h"
#include "module_info.h"
#include "result.h"

namespace midimon::wasm::validator_detail {

// A control frame of the validation algorithm.
struct CtrlFrame {
  Op op;
  std::span<const ValType> params;
  std::span<const ValType> results;
  size_t height;
  bool unreachable;
};

// The body checker's buffers, reused for every body of a module, so that once they have
// grown validating a body allocates nothing.
struct BodyScratch {
  std::vector<ValType> local_types;  // the type of every local, parameters first
  std::vector<ValType> vals;         // the operand stack
  std::vector<CtrlFrame> ctrls;      // the control stack
  std::vector<ValType> labels;       // br_table: one label's operand types
};

// An Error of kind Invalid. `where` is e.g. "function 3" or "section 'global'".
inline Error invalid(std::string message, size_t offset, std::string where) {
  return Error{ErrorKind::Invalid, std::move(message), offset, std::move(where)};
}

// Checks one defined function's body (func_index is the module function index, so
// imported functions come first), decoded into `decoded`. `declared[x]` is true when
// function x may be named by `ref.func` in a body (spec: C.refs -- referenced somewhere
// outside function bodies).
Result<void> validate_body(const ModuleInfo& module, uint32_t func_index,
                           const std::vector<bool>& declared, const DecodedBody& decoded,
                           BodyScratch& scratch);

}  // namespace midimon::wasm::validator_detail
