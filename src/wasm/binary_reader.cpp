// Decodes a module binary into ModuleInfo. Structured like the spec's reference decoder:
// one cursor over the whole module (a section may be read past its declared end, which
// is then reported as "section size mismatch"), lengths checked against the bytes left,
// and the module-wide count checks done after the last section.
//
// Function bodies are only delimited while the sections are read; their instructions
// are decoded by BodyScanner, after the sections (Eager) or only when a loader that
// decodes bodies itself hits an error (Deferred, check_body_encodings). Either way the
// first error in the reference decoder's order wins: a body's error comes before any
// error in a later part of the module, and "data count section required" last.
#include "binary_reader.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "byte_cursor.h"
#include "instr_reader.h"
#include "utf8.h"

namespace midimon::wasm {
namespace {

// Total declared locals allowed per function. The spec only requires the sum to fit in
// u32; a smaller cap keeps frames bounded (an engine limit, reported as malformed
// "too many locals" like the spec's own bound).
constexpr uint64_t kMaxLocals = 50000;

constexpr uint8_t kCustomId = 0;
constexpr uint8_t kCodeId = 10;
constexpr uint8_t kDataCountId = 12;
constexpr uint8_t kMaxSectionId = 12;

const char* section_name(uint8_t id) {
  static const char* const kNames[] = {"custom", "type",   "import", "function", "table",
                                       "memory", "global", "export", "start",    "element",
                                       "code",   "data",   "data count"};
  return id <= kMaxSectionId ? kNames[id] : "unknown";
}

// Position of a section in the required order; the data count section sits between
// the element and code sections.
int section_rank(uint8_t id) {
  if (id == kDataCountId) return 10;
  if (id >= kCodeId) return id + 1;
  return id;
}

#define READ_INTO(dst, expr)              \
  do {                                    \
    auto _v = (expr);                     \
    if (!_v.ok()) return _v.take_error(); \
    dst = *_v;                            \
  } while (0)

Result<std::string> read_name(ByteCursor& c) {
  const size_t at = c.pos();
  uint32_t n;
  READ_INTO(n, c.length());
  std::span<const uint8_t> s;
  READ_INTO(s, c.take(n));
  if (!is_valid_utf8(s)) return malformed("malformed UTF-8 encoding", at);
  return std::string(reinterpret_cast<const char*>(s.data()), s.size());
}

Result<Limits> read_limits(ByteCursor& c) {
  // The flag is a one-bit LEB: 2..127 is "integer too large", a continuation bit
  // "integer representation too long".
  uint64_t flag;
  READ_INTO(flag, c.leb_unsigned(1));
  Limits lim;
  READ_INTO(lim.min, c.u32());
  if (flag == 1) {
    uint32_t max;
    READ_INTO(max, c.u32());
    lim.max = max;
  }
  return lim;
}

Result<TableType> read_table_type(ByteCursor& c) {
  TableType t;
  READ_INTO(t.elem, read_ref_type(c));
  READ_INTO(t.limits, read_limits(c));
  return t;
}

Result<GlobalType> read_global_type(ByteCursor& c) {
  GlobalType g;
  READ_INTO(g.type, read_value_type(c));
  uint8_t m;
  READ_INTO(m, c.u8());
  if (m > 1) return malformed("malformed mutability", c.pos() - 1);
  g.mut = m == 1;
  return g;
}

// Checks the block structure of an instruction sequence: `else` only directly inside
// an `if` (once), and the sequence ends with the `end` that closes depth 0.
class BlockTracker {
 public:
  // Returns true when `instr` is the final `end`.
  Result<bool> step(const Instr& instr) {
    switch (instr.op) {
      case Op::Block:
      case Op::Loop:
        open_.push_back(0);
        return false;
      case Op::If:
        open_.push_back(1);
        return false;
      case Op::Else:
        if (open_.empty() || open_.back() != 1) {
          return malformed("END opcode expected", instr.offset);
        }
        open_.back() = 0;
        return false;
      case Op::End:
        if (open_.empty()) return true;
        open_.pop_back();
        return false;
      default:
        return false;
    }
  }

 private:
  std::vector<uint8_t> open_;  // 1 = an `if` whose `else` may still come
};

// Decodes the instructions of function bodies the way the reference decoder does while
// it reads the code section: each body must end with the `end` closing depth 0 exactly
// at its declared end (the decoder reads on past it, into later bytes, until that `end`).
class BodyScanner {
 public:
  BodyScanner(std::span<const uint8_t> bytes, uint32_t num_imported_funcs, bool has_data_count)
      : bytes_(bytes), num_imported_funcs_(num_imported_funcs), has_data_count_(has_data_count) {}

  // Bodies in order; the first error, with `where` naming the function.
  Result<void> scan(std::span<const FuncBody> bodies) {
    for (size_t i = 0; i < bodies.size(); ++i) {
      if (auto r = scan_body(bodies[i]); !r) {
        Error e = r.take_error();
        e.where = "function " + std::to_string(num_imported_funcs_ + i);
        return e;
      }
    }
    return {};
  }
  // Offset of the first memory.init / data.drop seen (only tracked without a data count
  // section, which is then required if the module has data segments).
  const std::optional<size_t>& first_data_use() const { return first_data_use_; }

 private:
  Result<void> scan_body(const FuncBody& body) {
    InstrReader r(bytes_, body.code_offset, bytes_.size());
    BlockTracker blocks;
    Instr in;
    for (;;) {
      WASM_TRY(r.next(in));
      if ((in.op == Op::MemoryInit || in.op == Op::DataDrop) && !has_data_count_ &&
          !first_data_use_) {
        first_data_use_ = in.offset;
      }
      auto done = blocks.step(in);
      if (!done) return done.take_error();
      if (*done) break;
    }
    if (r.position() != body.code_end) return malformed("section size mismatch", body.offset);
    return {};
  }

  std::span<const uint8_t> bytes_;
  uint32_t num_imported_funcs_;
  bool has_data_count_;
  std::optional<size_t> first_data_use_;
};

// Without any data segment, memory.init / data.drop name an unknown segment anyway;
// leaving that to the validator gives the spec's "unknown data segment" for the modules
// wabt writes without a data count section (memory_init.wast).
Result<void> check_data_count_present(const ModuleInfo& m, const BodyScanner& scanner) {
  if (!m.data_count && scanner.first_data_use() && !m.datas.empty()) {
    return malformed("data count section required", *scanner.first_data_use());
  }
  return {};
}

class Reader {
 public:
  Reader(std::span<const uint8_t> bytes, BodyDecoding bodies)
      : bytes_(bytes), c_(bytes, 0, bytes.size()), bodies_(bodies) {}

  Result<ModuleInfo> run();

 private:
  Result<void> read_sections();
  Result<void> read_header();
  Result<void> read_section(uint8_t id, uint32_t size);
  Result<void> read_custom(size_t start, uint32_t size, SectionInfo& info);
  Result<void> read_types();
  Result<void> read_imports();
  Result<void> read_functions();
  Result<void> read_tables();
  Result<void> read_memories();
  Result<void> read_globals();
  Result<void> read_exports();
  Result<void> read_start();
  Result<void> read_elems();
  Result<void> read_data_count();
  Result<void> read_code();
  Result<void> read_body(uint32_t func_index);
  Result<void> read_datas();
  Result<ConstExpr> read_const_expr();
  Result<std::vector<ConstExpr>> read_func_index_items();
  Result<void> finish();
  void read_name_section(size_t start, size_t end);

  // An error while reading the sections: a body read before it that does not decode
  // is reported instead, as the reference decoder would have failed there first.
  Error first_error(Error e) {
    BodyScanner scanner(bytes_, m_.num_imported_funcs, m_.data_count.has_value());
    if (auto r = scanner.scan(m_.bodies); !r) return r.take_error();
    return e;
  }

  std::span<const uint8_t> bytes_;
  ByteCursor c_;
  BodyDecoding bodies_;
  ModuleInfo m_;
  uint32_t num_declared_funcs_ = 0;  // from the function section
  bool saw_code_ = false;
  size_t code_count_offset_ = 0;
  uint32_t code_count_ = 0;
  bool saw_data_ = false;
  size_t data_count_offset_ = 0;  // where the data section's count is
};

Result<void> Reader::read_header() {
  if (bytes_.size() < 4) return malformed("unexpected end", bytes_.size());
  static constexpr uint8_t kMagic[] = {0x00, 0x61, 0x73, 0x6D};
  if (std::memcmp(bytes_.data(), kMagic, 4) != 0) {
    return malformed("magic header not detected", 0);
  }
  if (bytes_.size() < 8) return malformed("unexpected end", bytes_.size());
  static constexpr uint8_t kVersion[] = {0x01, 0x00, 0x00, 0x00};
  if (std::memcmp(bytes_.data() + 4, kVersion, 4) != 0) {
    return malformed("unknown binary version", 4);
  }
  c_.seek(8);
  return {};
}

Result<ModuleInfo> Reader::run() {
  auto r = read_sections();
  if (!r) return first_error(r.take_error());
  if (bodies_ == BodyDecoding::Eager) {
    BodyScanner scanner(bytes_, m_.num_imported_funcs, m_.data_count.has_value());
    WASM_TRY(scanner.scan(m_.bodies));
    WASM_TRY(check_data_count_present(m_, scanner));
  }
  m_.bytes.assign(bytes_.begin(), bytes_.end());
  return std::move(m_);
}

Result<void> Reader::read_sections() {
  WASM_TRY(read_header());
  int last_rank = 0;
  while (!c_.at_end()) {
    const size_t id_offset = c_.pos();
    const uint8_t id = bytes_[id_offset];
    if (id > kMaxSectionId) return malformed("malformed section id", id_offset);
    if (id != kCustomId) {
      // Out of order or repeated: the spec decoder stops at the first section it does
      // not expect and finds bytes left over.
      if (section_rank(id) <= last_rank) {
        return malformed("unexpected content after last section", id_offset);
      }
      last_rank = section_rank(id);
    }
    c_.seek(id_offset + 1);
    const size_t size_offset = c_.pos();
    auto size = c_.length();
    if (!size) {
      Error e = size.take_error();
      e.where = std::string("section '") + section_name(id) + "'";
      return e;
    }
    const size_t start = c_.pos();
    SectionInfo info{id, section_name(id), static_cast<uint32_t>(id_offset), *size};
    Result<void> r = id == kCustomId ? read_custom(start, *size, info) : read_section(id, *size);
    if (r.ok() && c_.pos() != start + *size) {
      r = malformed("section size mismatch", size_offset);
    }
    if (!r.ok()) {
      Error e = r.take_error();
      if (e.where.empty()) {
        e.where = id == kCustomId ? "custom section" : std::string("section '") + info.name + "'";
      }
      return e;
    }
    m_.sections.push_back(std::move(info));
  }
  return finish();
}

Result<void> Reader::finish() {
  const uint32_t bodies = saw_code_ ? code_count_ : 0;
  if (bodies != num_declared_funcs_) {
    return malformed("function and code section have inconsistent lengths",
                     saw_code_ ? code_count_offset_ : bytes_.size());
  }
  if (m_.data_count && *m_.data_count != m_.datas.size()) {
    return malformed("data count and data section have inconsistent lengths",
                     saw_data_ ? data_count_offset_ : bytes_.size());
  }
  return {};  // "data count section required" needs the bodies decoded: see run()
}

Result<void> Reader::read_section(uint8_t id, uint32_t size) {
  (void)size;
  switch (id) {
    case 1: return read_types();
    case 2: return read_imports();
    case 3: return read_functions();
    case 4: return read_tables();
    case 5: return read_memories();
    case 6: return read_globals();
    case 7: return read_exports();
    case 8: return read_start();
    case 9: return read_elems();
    case 10: return read_code();
    case 11: return read_datas();
    case 12: return read_data_count();
    default: return malformed("malformed section id", c_.pos());
  }
}

Result<void> Reader::read_custom(size_t start, uint32_t size, SectionInfo& info) {
  READ_INTO(info.name, read_name(c_));
  const size_t end = start + size;
  if (c_.pos() > end || end > bytes_.size()) {
    return malformed(kUnexpectedEnd, std::min(end, bytes_.size()));
  }
  if (info.name == "name") read_name_section(c_.pos(), end);
  c_.seek(end);
  return {};
}

// The "name" section is debugging information: anything wrong in it only makes us
// ignore it, as the spec's appendix asks.
void Reader::read_name_section(size_t start, size_t end) {
  ByteCursor c(bytes_, start, end);
  std::string module_name;
  std::unordered_map<uint32_t, std::string> func_names;
  while (!c.at_end()) {
    auto id = c.u8();
    if (!id) return;
    auto size = c.length();
    if (!size) return;
    const size_t sub_end = c.pos() + *size;
    if (sub_end > end) return;
    ByteCursor sub(bytes_, c.pos(), sub_end);
    if (*id == 0) {
      auto name = read_name(sub);
      if (!name) return;
      module_name = std::move(*name);
    } else if (*id == 1) {
      auto n = sub.length();
      if (!n) return;
      for (uint32_t i = 0; i < *n; ++i) {
        auto index = sub.u32();
        if (!index) return;
        auto name = read_name(sub);
        if (!name) return;
        func_names[*index] = std::move(*name);
      }
    } else {
      sub.seek(sub_end);  // local names and later extensions: not needed
    }
    if (sub.pos() != sub_end) return;
    c.seek(sub_end);
  }
  m_.module_name = std::move(module_name);
  m_.func_names = std::move(func_names);
}

Result<void> Reader::read_types() {
  uint32_t n;
  READ_INTO(n, c_.length());
  m_.types.reserve(n);
  for (uint32_t i = 0; i < n; ++i) {
    uint8_t form;
    READ_INTO(form, c_.u8());
    if (form & 0x80) return malformed("integer representation too long", c_.pos());
    if (form != 0x60) return malformed("malformed function type", c_.pos() - 1);
    FuncType ft;
    uint32_t np;
    READ_INTO(np, c_.length());
    ft.params.reserve(np);
    for (uint32_t k = 0; k < np; ++k) {
      ValType t;
      READ_INTO(t, read_value_type(c_));
      ft.params.push_back(t);
    }
    uint32_t nr;
    READ_INTO(nr, c_.length());
    ft.results.reserve(nr);
    for (uint32_t k = 0; k < nr; ++k) {
      ValType t;
      READ_INTO(t, read_value_type(c_));
      ft.results.push_back(t);
    }
    m_.types.push_back(std::move(ft));
  }
  return {};
}

Result<void> Reader::read_imports() {
  uint32_t n;
  READ_INTO(n, c_.length());
  m_.imports.reserve(n);
  for (uint32_t i = 0; i < n; ++i) {
    Import imp;
    imp.offset = static_cast<uint32_t>(c_.pos());
    READ_INTO(imp.module, read_name(c_));
    READ_INTO(imp.name, read_name(c_));
    uint8_t kind;
    READ_INTO(kind, c_.u8());
    switch (kind) {
      case 0:
        imp.kind = ExternKind::Func;
        READ_INTO(imp.func_type, c_.u32());
        m_.func_types.push_back(imp.func_type);
        ++m_.num_imported_funcs;
        break;
      case 1:
        imp.kind = ExternKind::Table;
        READ_INTO(imp.table, read_table_type(c_));
        m_.tables.push_back(imp.table);
        ++m_.num_imported_tables;
        break;
      case 2:
        imp.kind = ExternKind::Memory;
        READ_INTO(imp.memory.limits, read_limits(c_));
        m_.memories.push_back(imp.memory);
        ++m_.num_imported_memories;
        break;
      case 3:
        imp.kind = ExternKind::Global;
        READ_INTO(imp.global, read_global_type(c_));
        m_.globals.push_back(imp.global);
        ++m_.num_imported_globals;
        break;
      default:
        return malformed("malformed import kind", c_.pos() - 1);
    }
    m_.imports.push_back(std::move(imp));
  }
  return {};
}

Result<void> Reader::read_functions() {
  uint32_t n;
  READ_INTO(n, c_.length());
  num_declared_funcs_ = n;
  m_.func_types.reserve(m_.func_types.size() + n);
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t type;
    READ_INTO(type, c_.u32());
    m_.func_types.push_back(type);
  }
  return {};
}

Result<void> Reader::read_tables() {
  uint32_t n;
  READ_INTO(n, c_.length());
  for (uint32_t i = 0; i < n; ++i) {
    TableType t;
    READ_INTO(t, read_table_type(c_));
    m_.tables.push_back(t);
  }
  return {};
}

Result<void> Reader::read_memories() {
  uint32_t n;
  READ_INTO(n, c_.length());
  for (uint32_t i = 0; i < n; ++i) {
    MemoryType mem;
    READ_INTO(mem.limits, read_limits(c_));
    m_.memories.push_back(mem);
  }
  return {};
}

Result<void> Reader::read_globals() {
  uint32_t n;
  READ_INTO(n, c_.length());
  for (uint32_t i = 0; i < n; ++i) {
    GlobalType g;
    READ_INTO(g, read_global_type(c_));
    ConstExpr init;
    READ_INTO(init, read_const_expr());
    m_.globals.push_back(g);
    m_.global_inits.push_back(std::move(init));
  }
  return {};
}

Result<void> Reader::read_exports() {
  uint32_t n;
  READ_INTO(n, c_.length());
  m_.exports.reserve(n);
  for (uint32_t i = 0; i < n; ++i) {
    Export e;
    e.offset = static_cast<uint32_t>(c_.pos());
    READ_INTO(e.name, read_name(c_));
    uint8_t kind;
    READ_INTO(kind, c_.u8());
    if (kind > 3) return malformed("malformed export kind", c_.pos() - 1);
    e.kind = static_cast<ExternKind>(kind);
    READ_INTO(e.index, c_.u32());
    m_.exports.push_back(std::move(e));
  }
  return {};
}

Result<void> Reader::read_start() {
  uint32_t f;
  READ_INTO(f, c_.u32());
  m_.start = f;
  return {};
}

// Decodes instructions up to the `end` closing the expression. Every instruction is
// kept; whether they are constant is the validator's call.
Result<ConstExpr> Reader::read_const_expr() {
  ConstExpr expr;
  expr.offset = static_cast<uint32_t>(c_.pos());
  InstrReader r(bytes_, c_.pos(), bytes_.size());
  BlockTracker blocks;
  Instr in;
  for (;;) {
    WASM_TRY(r.next(in));
    bool done;
    READ_INTO(done, blocks.step(in));
    if (done) break;
    ConstInstr ci;
    ci.op = in.op;
    ci.offset = in.offset;
    switch (op_info(in.op).imm) {
      case ImmKind::I32:
      case ImmKind::I64:
      case ImmKind::F32:
      case ImmKind::F64:
        ci.imm = in.value;
        break;
      case ImmKind::V128:
        ci.imm = in.value;
        ci.imm_hi = in.value2;
        break;
      case ImmKind::RefType:
        ci.ref_type = in.type;
        break;
      default:
        ci.imm = in.index;
        break;
    }
    expr.instrs.push_back(ci);
  }
  c_.seek(r.position());
  return expr;
}

Result<std::vector<ConstExpr>> Reader::read_func_index_items() {
  uint32_t n;
  READ_INTO(n, c_.length());
  std::vector<ConstExpr> items;
  items.reserve(n);
  for (uint32_t i = 0; i < n; ++i) {
    ConstExpr e;
    e.offset = static_cast<uint32_t>(c_.pos());
    uint32_t f;
    READ_INTO(f, c_.u32());
    e.instrs.push_back(ConstInstr{Op::RefFunc, f, ValType::FuncRef, e.offset});
    items.push_back(std::move(e));
  }
  return items;
}

Result<void> Reader::read_elems() {
  uint32_t n;
  READ_INTO(n, c_.length());
  m_.elems.reserve(n);
  for (uint32_t i = 0; i < n; ++i) {
    ElemSegment seg;
    seg.offset = static_cast<uint32_t>(c_.pos());
    uint32_t flags;
    READ_INTO(flags, c_.u32());
    if (flags > 7) return malformed("malformed elements segment kind", seg.offset);
    // Bit 0: passive or declarative; bit 1: explicit table index (active) or
    // declarative (otherwise); bit 2: items are expressions, not function indices.
    const bool not_active = flags & 1;
    const bool bit1 = flags & 2;
    const bool exprs = flags & 4;
    if (not_active) {
      seg.mode = bit1 ? SegmentMode::Declarative : SegmentMode::Passive;
    } else {
      seg.mode = SegmentMode::Active;
      if (bit1) READ_INTO(seg.table, c_.u32());
      READ_INTO(seg.offset_expr, read_const_expr());
    }
    // Flags 0 and 4 have no type field: funcref is implied.
    if (not_active || bit1) {
      if (exprs) {
        READ_INTO(seg.elem_type, read_ref_type(c_));
      } else {
        uint8_t kind;
        READ_INTO(kind, c_.u8());
        if (kind != 0) return malformed("malformed element kind", c_.pos() - 1);
        seg.elem_type = ValType::FuncRef;
      }
    }
    if (exprs) {
      uint32_t count;
      READ_INTO(count, c_.length());
      seg.items.reserve(count);
      for (uint32_t k = 0; k < count; ++k) {
        ConstExpr e;
        READ_INTO(e, read_const_expr());
        seg.items.push_back(std::move(e));
      }
    } else {
      READ_INTO(seg.items, read_func_index_items());
    }
    m_.elems.push_back(std::move(seg));
  }
  return {};
}

Result<void> Reader::read_data_count() {
  uint32_t n;
  READ_INTO(n, c_.u32());
  m_.data_count = n;
  return {};
}

Result<void> Reader::read_code() {
  saw_code_ = true;
  code_count_offset_ = c_.pos();
  READ_INTO(code_count_, c_.length());
  m_.bodies.reserve(code_count_);
  for (uint32_t i = 0; i < code_count_; ++i) {
    const uint32_t func_index = m_.num_imported_funcs + i;
    auto r = read_body(func_index);
    if (!r) {
      Error e = r.take_error();
      e.where = "function " + std::to_string(func_index);
      return e;
    }
  }
  return {};
}

Result<void> Reader::read_body(uint32_t func_index) {
  (void)func_index;
  FuncBody body;
  body.offset = static_cast<uint32_t>(c_.pos());
  uint32_t size;
  READ_INTO(size, c_.length());
  const size_t start = c_.pos();
  // A body that claims more bytes than the module has: every decoder after this one
  // (first_error(), the lazy compiler's DecodedBody) reads up to code_end and trusts it
  // to lie inside `bytes` (a fuzz smoke run found the heap read past the end).
  if (size > c_.end() - start) return unexpected_end_at(c_.end());

  const size_t locals_offset = c_.pos();
  uint32_t groups;
  READ_INTO(groups, c_.length());
  uint64_t total = 0;
  body.locals.reserve(groups);
  for (uint32_t g = 0; g < groups; ++g) {
    LocalGroup lg;
    READ_INTO(lg.count, c_.u32());
    READ_INTO(lg.type, read_value_type(c_));
    total += lg.count;  // at most 2^32 groups of < 2^32: no u64 overflow
    body.locals.push_back(lg);
  }
  if (total > kMaxLocals) return malformed("too many locals", locals_offset);
  body.num_locals = static_cast<uint32_t>(total);

  // The locals may already run past the body's declared end: the decoder reads on, as
  // it does for instructions (BodyScanner), and the mismatch is reported there.
  body.code_offset = static_cast<uint32_t>(c_.pos());
  body.code_end = static_cast<uint32_t>(start + size);
  if (body.code_offset > body.code_end) {
    // Kept so that first_error() decodes its instructions from there, as the reference
    // decoder would, before settling for the mismatch.
    m_.bodies.push_back(std::move(body));
    return malformed("section size mismatch", m_.bodies.back().offset);
  }
  c_.seek(body.code_end);
  m_.bodies.push_back(std::move(body));
  return {};
}

Result<void> Reader::read_datas() {
  saw_data_ = true;
  data_count_offset_ = c_.pos();
  uint32_t n;
  READ_INTO(n, c_.length());
  m_.datas.reserve(n);
  for (uint32_t i = 0; i < n; ++i) {
    DataSegment seg;
    seg.offset = static_cast<uint32_t>(c_.pos());
    uint32_t flags;
    READ_INTO(flags, c_.u32());
    if (flags > 2) return malformed("malformed data segment kind", seg.offset);
    if (flags == 1) {
      seg.mode = SegmentMode::Passive;
    } else {
      seg.mode = SegmentMode::Active;
      if (flags == 2) READ_INTO(seg.memory, c_.u32());
      READ_INTO(seg.offset_expr, read_const_expr());
    }
    uint32_t size;
    READ_INTO(size, c_.length());
    seg.data_offset = static_cast<uint32_t>(c_.pos());
    seg.data_size = size;
    std::span<const uint8_t> payload;
    READ_INTO(payload, c_.take(size));
    m_.datas.push_back(std::move(seg));
  }
  return {};
}

#undef READ_INTO

}  // namespace

Result<ModuleInfo> read_module(std::span<const uint8_t> binary, BodyDecoding bodies) {
  if (binary.size() > UINT32_MAX) return malformed("length out of bounds", 0);
  Reader reader(binary, bodies);
  return reader.run();
}

Result<void> check_body_encodings(const ModuleInfo& module) {
  BodyScanner scanner(module.bytes, module.num_imported_funcs, module.data_count.has_value());
  WASM_TRY(scanner.scan(module.bodies));
  return check_data_count_present(module, scanner);
}

}  // namespace midimon::wasm
