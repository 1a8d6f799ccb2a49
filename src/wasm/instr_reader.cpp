#include "instr_reader.h"

#include <array>
#include <cstdio>
#include <string>

#include "byte_cursor.h"

namespace midimon::wasm {
namespace {

constexpr Op kNoOp = Op::Count_;
constexpr uint32_t kMaxMiscCode = 32;   // 0xFC sub-opcodes in 2.0 are 0..17
constexpr uint32_t kMaxSimdCode = 256;  // 0xFD sub-opcodes in 2.0 are 0..255

struct OpTables {
  std::array<Op, 256> single{};
  std::array<Op, kMaxMiscCode> misc{};
  std::array<Op, kMaxSimdCode> simd{};
};

// Built from kOpInfo, so opcodes.def stays the only place an encoding is written down.
constexpr OpTables build_tables() {
  OpTables t;
  for (auto& op : t.single) op = kNoOp;
  for (auto& op : t.misc) op = kNoOp;
  for (auto& op : t.simd) op = kNoOp;
  for (uint32_t i = 0; i < kOpCount; ++i) {
    const OpInfo& info = kOpInfo[i];
    if (info.prefix == 0) {
      t.single[info.code] = static_cast<Op>(i);
    } else if (info.prefix == 0xFC && info.code < kMaxMiscCode) {
      t.misc[info.code] = static_cast<Op>(i);
    } else if (info.prefix == 0xFD && info.code < kMaxSimdCode) {
      t.simd[info.code] = static_cast<Op>(i);
    }
  }
  return t;
}

constexpr OpTables kTables = build_tables();

Error illegal(size_t offset, uint8_t b) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "illegal opcode 0x%02x", b);
  return malformed(buf, offset);
}

Error illegal2(size_t offset, uint8_t b, uint32_t n) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "illegal opcode 0x%02x 0x%02x", b, n);
  return malformed(buf, offset);
}

Result<void> zero_byte(ByteCursor& c) {
  auto b = c.u8();
  if (!b) return b.take_error();
  if (*b != 0) return malformed("zero byte expected", c.pos() - 1);
  return {};
}

Result<void> block_type(ByteCursor& c, BlockType& out) {
  const int b = c.peek();
  if (b == 0x40) {
    c.seek(c.pos() + 1);
    out.kind = BlockType::Kind::Empty;
    return {};
  }
  if (b >= 0 && (b & 0xC0) == 0x40) {
    auto t = read_value_type(c);
    if (!t) return t.take_error();
    out.kind = BlockType::Kind::Value;
    out.value = *t;
    return {};
  }
  const size_t at = c.pos();
  auto x = c.s33();
  if (!x) return x.take_error();
  // The grammar only admits non-negative type indices here.
  if (*x < 0) return malformed("malformed block type", at);
  out.kind = BlockType::Kind::TypeIndex;
  out.type_index = static_cast<uint32_t>(*x);
  return {};
}

}  // namespace

InstrReader::InstrReader(std::span<const uint8_t> bytes, size_t pos, size_t end)
    : bytes_(bytes), pos_(pos), end_(end) {}

#define READ_INTO(dst, expr)                     \
  do {                                           \
    auto _v = (expr);                            \
    if (!_v.ok()) return _v.take_error();        \
    dst = *_v;                                   \
  } while (0)

// Most instructions of compiled code are a one-byte opcode with no immediate, or with one
// index, one small constant or a memarg whose LEBs each fit one byte. Those are decoded
// here straight from the bytes, without a Result per immediate (that overhead was most of
// the loader's decoding cost); the rest, and every error, go through the full decoder.
// Returns false when it did not decode `out`.
inline bool decode_common(std::span<const uint8_t> bytes, size_t& pos, size_t end, Instr& out) {
  if (pos >= end) return false;
  const uint8_t* p = bytes.data() + pos;
  const size_t left = end - pos;
  const Op op = kTables.single[p[0]];
  if (op == kNoOp) return false;
  size_t size;
  switch (op_info(op).imm) {
    case ImmKind::None:
      size = 1;
      break;
    case ImmKind::Label:
    case ImmKind::Func:
    case ImmKind::Local:
    case ImmKind::Global:
      if (left < 2 || p[1] >= 0x80) return false;
      out.index = p[1];
      size = 2;
      break;
    case ImmKind::I32:
      if (left < 2 || p[1] >= 0x80) return false;
      // One byte of a signed LEB: bit 6 is the sign.
      out.value = static_cast<uint32_t>(static_cast<int32_t>(static_cast<int8_t>(p[1] << 1) >> 1));
      size = 2;
      break;
    case ImmKind::MemArg:
      if (left < 3 || p[1] >= 0x80 || p[2] >= 0x80) return false;
      out.index = p[1];
      out.value = p[2];
      size = 3;
      break;
    default:
      return false;
  }
  out.op = op;
  out.offset = static_cast<uint32_t>(pos);
  pos += size;
  return true;
}

Result<void> InstrReader::next(Instr& out) {
  out = Instr{};
  if (decode_common(bytes_, pos_, end_, out)) return {};
  return next_general(out);
}

Result<void> InstrReader::read_all(std::span<Instr> out, std::vector<uint32_t>& targets,
                                   size_t* decoded) {
  size_t n = 0;
  while (pos_ < end_) {
    Instr& in = out[n];
    in = Instr{};
    if (!decode_common(bytes_, pos_, end_, in)) {
      if (auto r = next_general(in); !r) {
        *decoded = n;
        return r;
      }
      if (!in.targets.empty()) {
        const size_t first = targets.size();
        targets.insert(targets.end(), in.targets.begin(), in.targets.end());
        in.targets = std::span<const uint32_t>(targets.data() + first, in.targets.size());
      }
    }
    ++n;
  }
  *decoded = n;
  return {};
}

// Every instruction, every error. `out` is already reset.
Result<void> InstrReader::next_general(Instr& out) {
  ByteCursor c(bytes_, pos_, end_);
  out.offset = static_cast<uint32_t>(pos_);
  uint8_t first;
  READ_INTO(first, c.u8());
  Op op = kTables.single[first];
  if (first == 0xFC || first == 0xFD) {
    uint32_t sub;
    READ_INTO(sub, c.u32());
    if (first == 0xFC) {
      op = sub < kMaxMiscCode ? kTables.misc[sub] : kNoOp;
    } else {
      op = sub < kMaxSimdCode ? kTables.simd[sub] : kNoOp;
    }
    if (op == kNoOp) return illegal2(out.offset, first, sub);
  } else if (op == kNoOp) {
    return illegal(out.offset, first);
  }
  out.op = op;

  switch (op_info(op).imm) {
    case ImmKind::None:
      break;
    case ImmKind::BlockType:
      WASM_TRY(block_type(c, out.block));
      break;
    case ImmKind::Label:
    case ImmKind::Func:
    case ImmKind::Local:
    case ImmKind::Global:
    case ImmKind::Table:
    case ImmKind::Data:
    case ImmKind::Elem:
      READ_INTO(out.index, c.u32());
      break;
    case ImmKind::BrTable: {
      uint32_t n;
      READ_INTO(n, c.length());
      targets_.clear();
      targets_.reserve(n);
      for (uint32_t i = 0; i < n; ++i) {
        uint32_t t;
        READ_INTO(t, c.u32());
        targets_.push_back(t);
      }
      READ_INTO(out.index, c.u32());
      out.targets = std::span<const uint32_t>(targets_.data(), targets_.size());
      break;
    }
    case ImmKind::CallIndirect:
    case ImmKind::TableInit:
    case ImmKind::TableCopy:
      READ_INTO(out.index, c.u32());
      READ_INTO(out.index2, c.u32());
      break;
    case ImmKind::SelectT: {
      uint32_t n;
      READ_INTO(n, c.length());
      out.select_arity = n;
      for (uint32_t i = 0; i < n; ++i) {
        ValType t;
        READ_INTO(t, read_value_type(c));
        if (i == 0) out.type = t;
      }
      break;
    }
    case ImmKind::MemArg:
      READ_INTO(out.index, c.u32());
      READ_INTO(out.value, c.u32());
      break;
    case ImmKind::MemIdx:
      WASM_TRY(zero_byte(c));
      break;
    case ImmKind::I32: {
      int32_t v;
      READ_INTO(v, c.s32());
      out.value = static_cast<uint32_t>(v);
      break;
    }
    case ImmKind::I64: {
      int64_t v;
      READ_INTO(v, c.s64());
      out.value = static_cast<uint64_t>(v);
      break;
    }
    case ImmKind::F32:
      READ_INTO(out.value, c.fixed_u32());
      break;
    case ImmKind::F64:
      READ_INTO(out.value, c.fixed_u64());
      break;
    case ImmKind::RefType:
      READ_INTO(out.type, read_ref_type(c));
      break;
    case ImmKind::MemInit:
      READ_INTO(out.index, c.u32());
      WASM_TRY(zero_byte(c));
      break;
    case ImmKind::MemCopy:
      WASM_TRY(zero_byte(c));
      WASM_TRY(zero_byte(c));
      break;
    case ImmKind::V128:
    case ImmKind::Shuffle:
      READ_INTO(out.value, c.fixed_u64());
      READ_INTO(out.value2, c.fixed_u64());
      break;
    case ImmKind::Lane:
      READ_INTO(out.index, c.u8());
      break;
    case ImmKind::MemArgLane:
      READ_INTO(out.index, c.u32());
      READ_INTO(out.value, c.u32());
      READ_INTO(out.index2, c.u8());
      break;
  }
  pos_ = c.pos();
  return {};
}

#undef READ_INTO

}  // namespace midimon::wasm
