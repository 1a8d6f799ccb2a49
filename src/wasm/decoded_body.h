// A function body decoded once: the load pipeline (module.cpp) decodes each body into
// one of these and hands it to the validator and then the compiler, instead of each
// decoding the bytes again. One DecodedBody is reused for every body of a module, so its
// buffers are allocated once.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "instr_reader.h"
#include "module_info.h"
#include "result.h"

namespace midimon::wasm {

class DecodedBody {
 public:
  // Every instruction of the body, in order.
  std::span<const Instr> instrs() const { return {storage_.data(), count_}; }

 private:
  friend Result<void> decode_body(std::span<const uint8_t>, const FuncBody&, uint32_t,
                                  DecodedBody&);
  // Grows to the largest body and stays: the decoder overwrites entries (it resets each
  // one anyway) instead of constructing new ones per body.
  std::vector<Instr> storage_;
  size_t count_ = 0;
  std::vector<uint32_t> targets_;  // br_table targets; each Instr::targets points in here
};

// Decodes every instruction in [body.code_offset, body.code_end) of `bytes`, block
// structure unchecked (that is the validator's job). Errors are InstrReader's, `where`
// naming the function. `out` is overwritten.
Result<void> decode_body(std::span<const uint8_t> bytes, const FuncBody& body,
                         uint32_t func_index, DecodedBody& out);

}  // namespace midimon::wasm
