// Decodes one instruction at a time from a function body or constant expression.
// Shared by the reader (constant expressions), the validator and the compiler, so the
// binary encoding of instructions is known in exactly one place.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "opcodes.h"
#include "result.h"
#include "types.h"

namespace midimon::wasm {

struct BlockType {
  enum class Kind : uint8_t { Empty, Value, TypeIndex } kind = Kind::Empty;
  ValType value = ValType::I32;  // Kind::Value
  uint32_t type_index = 0;       // Kind::TypeIndex (not yet checked against the module)
};

struct Instr {
  Op op = Op::Nop;
  uint32_t offset = 0;  // byte offset of the opcode (prefix byte for 0xFC/0xFD ops)

  // Immediates; which ones are meaningful follows from op_info(op).imm.
  uint32_t index = 0;   // label/func/local/global/table/type/elem/data index; memarg align;
                        // a SIMD lane index
  uint32_t index2 = 0;  // call_indirect table; table.init table; table.copy source; the
                        // lane index of a SIMD lane load/store
  uint64_t value = 0;   // constant bits (i32 zero-extended, f32/f64 raw bits); memarg offset;
                        // bytes 0..7 of v128.const / i8x16.shuffle's lane indices
  uint64_t value2 = 0;  // bytes 8..15 of v128.const / i8x16.shuffle's lane indices
  BlockType block;      // block/loop/if
  ValType type = ValType::I32;  // ref.null heap type; select's single type
  uint32_t select_arity = 0;    // number of types in `select t*` (valid only if 1)
  // br_table: label targets without the default; index holds the default.
  std::span<const uint32_t> targets;
};

class InstrReader {
 public:
  // Reads [pos, end) of `bytes`; offsets in errors and Instr are absolute.
  InstrReader(std::span<const uint8_t> bytes, size_t pos, size_t end);

  bool at_end() const { return pos_ >= end_; }
  size_t position() const { return pos_; }

  // Decodes the next instruction. The Instr's `targets` span stays valid until the next
  // call. Errors: "unexpected end", "illegal opcode 0x..", "integer representation too
  // long", "integer too large", "zero byte expected", "malformed reference type", ...
  Result<void> next(Instr& out);

  // Decodes every remaining instruction into out[0], out[1], ... (`out` must have one
  // entry per remaining byte, the most there can be) and returns how many. br_table
  // targets are appended to `targets`, which the caller has reserved one entry per
  // remaining byte for, so each Instr::targets span into it stays valid. The first error
  // stops it; `*decoded` then counts the instructions before the failing one.
  Result<void> read_all(std::span<Instr> out, std::vector<uint32_t>& targets, size_t* decoded);

 private:
  Result<void> next_general(Instr& out);

  std::span<const uint8_t> bytes_;
  size_t pos_;
  size_t end_;
  std::vector<uint32_t> targets_;
};

}  // namespace midimon::wasm
