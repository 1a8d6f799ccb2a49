#include "decoded_body.h"

#include <string>

namespace midimon::wasm {

Result<void> decode_body(std::span<const uint8_t> bytes, const FuncBody& body,
                         uint32_t func_index, DecodedBody& out) {
  out.count_ = 0;
  out.targets_.clear();
  // Every instruction and every br_table target takes at least one byte: with this many
  // entries neither buffer reallocates, so the Instr::targets spans stay valid.
  const size_t size = body.code_end - body.code_offset;
  if (out.storage_.size() < size) out.storage_.resize(size);
  out.targets_.reserve(size);
  InstrReader r(bytes, body.code_offset, body.code_end);
  if (auto d = r.read_all(out.storage_, out.targets_, &out.count_); !d) {
    Error e = d.take_error();
    e.where = "function " + std::to_string(func_index);
    return e;
  }
  return {};
}

}  // namespace midimon::wasm
