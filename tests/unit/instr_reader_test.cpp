// InstrReader: one instruction at a time, immediates per ImmKind, strict LEB128 and
// the spec's malformed-instruction errors with their offsets.
#include <gtest/gtest.h>

#include <vector>

#include "wasm/instr_reader.h"

namespace midimon::wasm {
namespace {

// Decodes exactly one instruction from `bytes` (starting at offset 0).
Result<void> decode_one(const std::vector<uint8_t>& bytes, Instr& out, size_t* end_pos = nullptr) {
  InstrReader r(bytes, 0, bytes.size());
  auto res = r.next(out);
  if (end_pos) *end_pos = r.position();
  return res;
}

Instr must_decode(const std::vector<uint8_t>& bytes) {
  Instr in;
  size_t end = 0;
  auto r = decode_one(bytes, in, &end);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().to_string());
  EXPECT_EQ(end, bytes.size()) << "instruction did not consume all bytes";
  return in;
}

Error must_fail(const std::vector<uint8_t>& bytes) {
  Instr in;
  auto r = decode_one(bytes, in);
  EXPECT_FALSE(r.ok());
  return r.ok() ? Error{} : r.error();
}

TEST(InstrReader, EveryOpcodeInTheTableDecodes) {
  // Each opcode followed by immediates that are valid for its kind.
  for (uint32_t i = 0; i < kOpCount; ++i) {
    const OpInfo& info = kOpInfo[i];
    std::vector<uint8_t> b;
    if (info.prefix && info.code >= 0x80) {  // a two-byte LEB128 sub-opcode
      b = {info.prefix, static_cast<uint8_t>(0x80 | (info.code & 0x7F)),
           static_cast<uint8_t>(info.code >> 7)};
    } else if (info.prefix) {
      b = {info.prefix, static_cast<uint8_t>(info.code)};
    } else {
      b = {static_cast<uint8_t>(info.code)};
    }
    switch (info.imm) {
      case ImmKind::None: break;
      case ImmKind::BlockType: b.push_back(0x40); break;
      case ImmKind::BrTable: b.insert(b.end(), {0x01, 0x00, 0x01}); break;
      case ImmKind::CallIndirect:
      case ImmKind::TableInit:
      case ImmKind::TableCopy:
      case ImmKind::MemArg:
      case ImmKind::MemCopy:
      case ImmKind::MemInit: b.insert(b.end(), {0x00, 0x00}); break;
      case ImmKind::SelectT: b.insert(b.end(), {0x01, 0x7F}); break;
      case ImmKind::F32: b.insert(b.end(), 4, 0); break;
      case ImmKind::F64: b.insert(b.end(), 8, 0); break;
      case ImmKind::RefType: b.push_back(0x70); break;
      case ImmKind::V128:
      case ImmKind::Shuffle: b.insert(b.end(), 16, 0); break;
      case ImmKind::MemArgLane: b.insert(b.end(), {0x00, 0x00, 0x00}); break;
      default: b.push_back(0x00); break;
    }
    Instr in = must_decode(b);
    EXPECT_EQ(static_cast<uint32_t>(in.op), i) << info.name;
    EXPECT_EQ(in.offset, 0u);
  }
}

TEST(InstrReader, OffsetsAreAbsolute) {
  const std::vector<uint8_t> b = {0xAA, 0xBB, 0x01, 0x20, 0x05};
  InstrReader r(b, 2, b.size());
  Instr in;
  ASSERT_TRUE(r.next(in).ok());
  EXPECT_EQ(in.op, Op::Nop);
  EXPECT_EQ(in.offset, 2u);
  ASSERT_TRUE(r.next(in).ok());
  EXPECT_EQ(in.op, Op::LocalGet);
  EXPECT_EQ(in.offset, 3u);
  EXPECT_EQ(in.index, 5u);
  EXPECT_TRUE(r.at_end());
}

TEST(InstrReader, Constants) {
  Instr in = must_decode({0x41, 0x7F});  // i32.const -1
  EXPECT_EQ(in.op, Op::I32Const);
  EXPECT_EQ(in.value, 0xFFFFFFFFu);  // zero-extended bits
  in = must_decode({0x41, 0x80, 0x80, 0x80, 0x80, 0x78});  // INT32_MIN
  EXPECT_EQ(in.value, 0x80000000u);
  in = must_decode({0x42, 0x7F});  // i64.const -1
  EXPECT_EQ(in.value, ~uint64_t{0});
  in = must_decode({0x42, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7F});
  EXPECT_EQ(in.value, uint64_t{1} << 63);  // INT64_MIN
  in = must_decode({0x43, 0x00, 0x00, 0x80, 0x3F});  // f32 1.0
  EXPECT_EQ(in.value, 0x3F800000u);
  in = must_decode({0x44, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F});  // f64 1.0
  EXPECT_EQ(in.value, 0x3FF0000000000000u);
}

TEST(InstrReader, BlockTypes) {
  Instr in = must_decode({0x02, 0x40});
  EXPECT_EQ(in.block.kind, BlockType::Kind::Empty);
  in = must_decode({0x03, 0x7E});
  EXPECT_EQ(in.block.kind, BlockType::Kind::Value);
  EXPECT_EQ(in.block.value, ValType::I64);
  in = must_decode({0x04, 0x6F});
  EXPECT_EQ(in.block.value, ValType::ExternRef);
  in = must_decode({0x02, 0x83, 0x01});  // type index 131 (s33)
  EXPECT_EQ(in.block.kind, BlockType::Kind::TypeIndex);
  EXPECT_EQ(in.block.type_index, 131u);
  in = must_decode({0x02, 0x7B});
  EXPECT_EQ(in.block.value, ValType::V128);
  Error e = must_fail({0x02, 0x7A});
  EXPECT_EQ(e.message, "malformed value type");
  EXPECT_EQ(e.offset, 1u);
  e = must_fail({0x02, 0x80, 0x7F});  // negative s33
  EXPECT_EQ(e.message, "malformed block type");
  e = must_fail({0x02, 0x80, 0x80, 0x80, 0x80, 0x20});  // s33 unused bits not sign
  EXPECT_EQ(e.message, "integer too large");
  EXPECT_EQ(e.offset, 5u);
}

TEST(InstrReader, BrTableTargetsAndDefault) {
  // The targets span points into the reader, so keep the reader alive.
  const std::vector<uint8_t> b = {0x0E, 0x03, 0x00, 0x01, 0x02, 0x07};
  InstrReader r(b, 0, b.size());
  Instr in;
  ASSERT_TRUE(r.next(in).ok());
  EXPECT_EQ(in.op, Op::BrTable);
  ASSERT_EQ(in.targets.size(), 3u);
  EXPECT_EQ(in.targets[0], 0u);
  EXPECT_EQ(in.targets[2], 2u);
  EXPECT_EQ(in.index, 7u);
  Error e = must_fail({0x0E, 0x09, 0x00});
  EXPECT_EQ(e.message, "length out of bounds");
  EXPECT_EQ(e.offset, 1u);
}

TEST(InstrReader, TwoIndexImmediatesInBinaryOrder) {
  Instr in = must_decode({0x11, 0x05, 0x02});  // call_indirect type 5, table 2
  EXPECT_EQ(in.index, 5u);
  EXPECT_EQ(in.index2, 2u);
  in = must_decode({0xFC, 0x0C, 0x03, 0x01});  // table.init elem 3, table 1
  EXPECT_EQ(in.op, Op::TableInit);
  EXPECT_EQ(in.index, 3u);
  EXPECT_EQ(in.index2, 1u);
  in = must_decode({0xFC, 0x0E, 0x04, 0x06});  // table.copy dst 4, src 6
  EXPECT_EQ(in.op, Op::TableCopy);
  EXPECT_EQ(in.index, 4u);
  EXPECT_EQ(in.index2, 6u);
}

TEST(InstrReader, MemArgAndMemoryIndexBytes) {
  Instr in = must_decode({0x28, 0x02, 0x90, 0x03});  // i32.load align=2 offset=400
  EXPECT_EQ(in.index, 2u);
  EXPECT_EQ(in.value, 400u);
  Error e = must_fail({0x3F, 0x01});  // memory.size with a non-zero index byte
  EXPECT_EQ(e.message, "zero byte expected");
  EXPECT_EQ(e.offset, 1u);
  e = must_fail({0x40, 0x80, 0x00});  // a LEB-encoded zero is still not the byte 0x00
  EXPECT_EQ(e.message, "zero byte expected");
  e = must_fail({0xFC, 0x0A, 0x00, 0x01});  // memory.copy second byte
  EXPECT_EQ(e.message, "zero byte expected");
  EXPECT_EQ(e.offset, 3u);
  in = must_decode({0xFC, 0x08, 0x05, 0x00});  // memory.init data 5
  EXPECT_EQ(in.index, 5u);
}

TEST(InstrReader, SelectTAndRefNull) {
  Instr in = must_decode({0x1C, 0x01, 0x7D});
  EXPECT_EQ(in.op, Op::SelectT);
  EXPECT_EQ(in.select_arity, 1u);
  EXPECT_EQ(in.type, ValType::F32);
  in = must_decode({0x1C, 0x02, 0x7F, 0x7E});  // arity 2 decodes; the validator rejects
  EXPECT_EQ(in.select_arity, 2u);
  in = must_decode({0xD0, 0x6F});
  EXPECT_EQ(in.type, ValType::ExternRef);
  Error e = must_fail({0xD0, 0x7F});
  EXPECT_EQ(e.message, "malformed reference type");
  EXPECT_EQ(e.offset, 1u);
}

TEST(InstrReader, IllegalOpcodes) {
  // SIMD sub-opcodes: the gaps of the 2.0 table, and relaxed SIMD (0x100 on), are illegal.
  Error e = must_fail({0xFD, 0x9A, 0x01});
  EXPECT_EQ(e.message, "illegal opcode 0xfd 0x9a");
  EXPECT_EQ(e.offset, 0u);
  e = must_fail({0xFD, 0x80, 0x02});
  EXPECT_EQ(e.message, "illegal opcode 0xfd 0x100");
  e = must_fail({0x06});
  EXPECT_EQ(e.message, "illegal opcode 0x06");
  e = must_fail({0xFC, 0x12});
  EXPECT_EQ(e.message, "illegal opcode 0xfc 0x12");
  e = must_fail({0xFC, 0x80, 0x80, 0x80, 0x80, 0x10});  // sub-opcode too large for u32
  EXPECT_EQ(e.message, "integer too large");
  EXPECT_EQ(e.offset, 5u);
}

TEST(InstrReader, StrictLeb128) {
  // Five bytes is the most a u32 may take.
  Error e = must_fail({0x20, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00});
  EXPECT_EQ(e.message, "integer representation too long");
  EXPECT_EQ(e.offset, 6u);
  // Bits above 32 set in the fifth byte.
  e = must_fail({0x20, 0xFF, 0xFF, 0xFF, 0xFF, 0x1F});
  EXPECT_EQ(e.message, "integer too large");
  EXPECT_EQ(e.offset, 5u);
  // A padded but in-range encoding is fine.
  Instr in = must_decode({0x20, 0x85, 0x80, 0x80, 0x80, 0x00});
  EXPECT_EQ(in.index, 5u);
  // s32: the unused bits of the last byte must repeat the sign bit.
  e = must_fail({0x41, 0x80, 0x80, 0x80, 0x80, 0x70});
  EXPECT_EQ(e.message, "integer too large");
  e = must_fail({0x41, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F});
  EXPECT_EQ(e.message, "integer too large");
  in = must_decode({0x41, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F});  // -1 padded
  EXPECT_EQ(in.value, 0xFFFFFFFFu);
  // s64: ten bytes at most, last byte all sign.
  e = must_fail({0x42, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x02});
  EXPECT_EQ(e.message, "integer too large");
  EXPECT_EQ(e.offset, 10u);
  e = must_fail({0x42, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00});
  EXPECT_EQ(e.message, "integer representation too long");
}

TEST(InstrReader, TruncatedInput) {
  Error e = must_fail({0x41, 0x80});
  EXPECT_EQ(e.message, "unexpected end of section or function");
  EXPECT_EQ(e.offset, 2u);
  e = must_fail({0x44, 0x00, 0x00});
  EXPECT_EQ(e.message, "unexpected end of section or function");
  EXPECT_EQ(e.offset, 1u);
  // The reader stops at its own end even if the buffer goes on.
  const std::vector<uint8_t> b = {0x20, 0x05};
  InstrReader r(b, 0, 1);
  Instr in;
  auto res = r.next(in);
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.error().offset, 1u);
}

}  // namespace
}  // namespace midimon::wasm
