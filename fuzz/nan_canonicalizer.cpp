#include "nan_canonicalizer.h"

#include <array>

#include "wasm/byte_cursor.h"
#include "wasm/instr_reader.h"

namespace midimon::fuzz {

using namespace midimon::wasm;

namespace {

// Which kind of value an operation with an open NaN result leaves on the stack.
enum class NanKind : uint8_t { None, F32, F64, F32x4, F64x2 };
constexpr size_t kNanKinds = 4;  // F32..F64x2; their scratch locals, in this order

NanKind open_nan_result(Op op) {
  switch (op) {
    case Op::F32Add: case Op::F32Sub: case Op::F32Mul: case Op::F32Div: case Op::F32Sqrt:
    case Op::F32Min: case Op::F32Max: case Op::F32Ceil: case Op::F32Floor:
    case Op::F32Trunc: case Op::F32Nearest: case Op::F32DemoteF64:
      return NanKind::F32;
    case Op::F64Add: case Op::F64Sub: case Op::F64Mul: case Op::F64Div: case Op::F64Sqrt:
    case Op::F64Min: case Op::F64Max: case Op::F64Ceil: case Op::F64Floor:
    case Op::F64Trunc: case Op::F64Nearest: case Op::F64PromoteF32:
      return NanKind::F64;
    // pmin/pmax, abs, neg and the int->float conversions return an operand's bits or
    // make no NaN: deterministic already.
    case Op::F32x4Add: case Op::F32x4Sub: case Op::F32x4Mul: case Op::F32x4Div:
    case Op::F32x4Sqrt: case Op::F32x4Min: case Op::F32x4Max: case Op::F32x4Ceil:
    case Op::F32x4Floor: case Op::F32x4Trunc: case Op::F32x4Nearest:
    case Op::F32x4DemoteF64x2Zero:
      return NanKind::F32x4;
    case Op::F64x2Add: case Op::F64x2Sub: case Op::F64x2Mul: case Op::F64x2Div:
    case Op::F64x2Sqrt: case Op::F64x2Min: case Op::F64x2Max: case Op::F64x2Ceil:
    case Op::F64x2Floor: case Op::F64x2Trunc: case Op::F64x2Nearest:
    case Op::F64x2PromoteLowF32x4:
      return NanKind::F64x2;
    default:
      return NanKind::None;
  }
}

constexpr std::array<ValType, kNanKinds> kScratchType = {ValType::F32, ValType::F64,
                                                         ValType::V128, ValType::V128};

void put_uleb(std::vector<uint8_t>& out, uint64_t v) {
  do {
    uint8_t b = v & 0x7f;
    v >>= 7;
    out.push_back(v ? (b | 0x80) : b);
  } while (v);
}

void put_le(std::vector<uint8_t>& out, uint64_t v, size_t bytes) {
  for (size_t i = 0; i < bytes; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

// x on the stack -> x, or the canonical NaN where x is one: select(x, nan, x == x) for
// scalars, bitselect(x, nan, x == x) lane-wise for vectors.
void put_canonicalization(std::vector<uint8_t>& out, NanKind kind, uint32_t scratch) {
  out.push_back(0x21);  // local.set
  put_uleb(out, scratch);
  out.push_back(0x20);  // local.get
  put_uleb(out, scratch);
  switch (kind) {
    case NanKind::F32: out.push_back(0x43); put_le(out, 0x7fc00000u, 4); break;
    case NanKind::F64: out.push_back(0x44); put_le(out, 0x7ff8000000000000ull, 8); break;
    case NanKind::F32x4:
      out.insert(out.end(), {0xfd, 0x0c});  // v128.const
      for (int lane = 0; lane < 4; ++lane) put_le(out, 0x7fc00000u, 4);
      break;
    case NanKind::F64x2:
      out.insert(out.end(), {0xfd, 0x0c});
      for (int lane = 0; lane < 2; ++lane) put_le(out, 0x7ff8000000000000ull, 8);
      break;
    case NanKind::None: return;
  }
  for (int i = 0; i < 2; ++i) {
    out.push_back(0x20);
    put_uleb(out, scratch);
  }
  switch (kind) {
    case NanKind::F32: out.insert(out.end(), {0x5b, 0x1b}); break;              // f32.eq, select
    case NanKind::F64: out.insert(out.end(), {0x61, 0x1b}); break;              // f64.eq, select
    case NanKind::F32x4: out.insert(out.end(), {0xfd, 0x41, 0xfd, 0x52}); break;  // f32x4.eq, bitselect
    case NanKind::F64x2: out.insert(out.end(), {0xfd, 0x47, 0xfd, 0x52}); break;  // f64x2.eq, bitselect
    case NanKind::None: break;
  }
}

// One body, size field included, rewritten; false when an instruction cannot be read.
bool rewrite_body(const ModuleInfo& info, const FuncBody& body, uint32_t num_params,
                  std::vector<uint8_t>& out) {
  std::array<bool, kNanKinds> needed{};
  InstrReader scan(info.bytes, body.code_offset, body.code_end);
  Instr in;
  while (!scan.at_end()) {
    if (!scan.next(in).ok()) return false;
    const NanKind k = open_nan_result(in.op);
    if (k != NanKind::None) needed[static_cast<size_t>(k) - 1] = true;
  }
  std::array<uint32_t, kNanKinds> scratch{};
  std::vector<LocalGroup> groups = body.locals;
  uint32_t next_local = num_params + body.num_locals;
  for (size_t k = 0; k < kNanKinds; ++k) {
    if (!needed[k]) continue;
    scratch[k] = next_local++;
    groups.push_back(LocalGroup{1, kScratchType[k]});
  }

  std::vector<uint8_t> content;
  put_uleb(content, groups.size());
  for (const LocalGroup& g : groups) {
    put_uleb(content, g.count);
    content.push_back(static_cast<uint8_t>(g.type));
  }
  InstrReader r(info.bytes, body.code_offset, body.code_end);
  size_t copied = body.code_offset;
  while (!r.at_end()) {
    if (!r.next(in).ok()) return false;
    const NanKind k = open_nan_result(in.op);
    if (k == NanKind::None) continue;
    content.insert(content.end(), info.bytes.begin() + copied, info.bytes.begin() + r.position());
    copied = r.position();
    put_canonicalization(content, k, scratch[static_cast<size_t>(k) - 1]);
  }
  content.insert(content.end(), info.bytes.begin() + copied, info.bytes.begin() + body.code_end);
  put_uleb(out, content.size());
  out.insert(out.end(), content.begin(), content.end());
  return true;
}

}  // namespace

bool has_open_nan_results(const ModuleInfo& info) {
  for (const FuncBody& body : info.bodies) {
    InstrReader r(info.bytes, body.code_offset, body.code_end);
    Instr in;
    while (!r.at_end() && r.next(in).ok()) {
      if (open_nan_result(in.op) != NanKind::None) return true;
    }
  }
  return false;
}

std::optional<std::vector<uint8_t>> canonicalize_nans(const ModuleInfo& info) {
  const SectionInfo* code = nullptr;
  for (const SectionInfo& s : info.sections) {
    if (s.id == 10) code = &s;
  }
  if (code == nullptr) return info.bytes;  // no bodies, nothing to rewrite
  // The section's payload starts after its id and its LEB128 size field.
  size_t payload = code->offset + 1;
  while (payload < info.bytes.size() && (info.bytes[payload] & 0x80)) ++payload;
  ++payload;
  const size_t section_end = payload + code->size;
  if (section_end > info.bytes.size()) return std::nullopt;

  std::vector<uint8_t> section;
  put_uleb(section, info.bodies.size());
  for (size_t i = 0; i < info.bodies.size(); ++i) {
    const uint32_t func = info.num_imported_funcs + static_cast<uint32_t>(i);
    const auto num_params = static_cast<uint32_t>(info.func_type(func).params.size());
    if (!rewrite_body(info, info.bodies[i], num_params, section)) return std::nullopt;
  }
  std::vector<uint8_t> out(info.bytes.begin(), info.bytes.begin() + code->offset);
  out.push_back(10);
  put_uleb(out, section.size());
  out.insert(out.end(), section.begin(), section.end());
  out.insert(out.end(), info.bytes.begin() + section_end, info.bytes.end());
  return out;
}

}  // namespace midimon::fuzz
