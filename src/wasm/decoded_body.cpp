#include "decoded_body.h"

#include <string>

namespace midimon::wasm {

Result<void> decode_body(std::span<const uint8_t> bytes, const FuncBody& body,
                         uint32_t func_index, DecodedBody& out) {
  out.instrs.clear();
  out.targets.clear();
  const size_t size = body.code_end - body.code_offset;
  // Every br_table target takes at least one byte, so this many never reallocate and the
  // Instr::targets spans stay valid. Most instructions take two bytes or more.
  out.targets.reserve(size);
  out.instrs.reserve(size / 2 + 1);
  InstrReader r(bytes, body.code_offset, body.code_end);
  while (!r.at_end()) {
    Instr& in = out.instrs.emplace_back();
    if (auto d = r.next(in); !d) {
      Error e = d.take_error();
      e.where = "function " + std::to_string(func_index);
      return e;
    }
    if (!in.targets.empty()) {
      const size_t first = out.targets.size();
      out.targets.insert(out.targets.end(), in.targets.begin(), in.targets.end());
      in.targets = std::span<const uint32_t>(out.targets.data() + first, in.targets.size());
    }
  }
  return {};
}

}  // namespace midimon::wasm
