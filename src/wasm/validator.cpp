// Module-level validation rules (spec "Modules" validation): index spaces, limits,
// constant expressions, segments, start, exports. Function bodies are checked by
// validator_code.cpp.
#include "validator.h"

#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "validator_internal.h"

namespace midimon::wasm {
namespace {

using validator_detail::invalid;

std::string section(const char* name) { return std::string("section '") + name + "'"; }

class ModuleChecker {
 public:
  explicit ModuleChecker(const ModuleInfo& m) : m_(m) {}
  // Every rule but those of function bodies.
  Result<void> run();
  std::vector<bool> take_declared() { return std::move(declared_); }

 private:
  // Byte offset of the section with this id, for rules about entries that carry none.
  uint32_t section_offset(uint8_t id) const {
    for (const SectionInfo& s : m_.sections) {
      if (s.id == id) return s.offset;
    }
    return 0;
  }

  Result<void> check_types_of_functions();
  Result<void> check_imports();
  Result<void> check_table_type(const TableType& t, size_t offset, const char* sec);
  Result<void> check_memory_type(const MemoryType& t, size_t offset, const char* sec);
  Result<void> check_const_expr(const ConstExpr& e, ValType expected, const char* sec);
  Result<void> check_globals();
  Result<void> check_elems();
  Result<void> check_datas();
  Result<void> check_start();
  Result<void> check_exports();
  void collect_declared_funcs();

  const ModuleInfo& m_;
  std::vector<bool> declared_;  // C.refs
};

Result<void> ModuleChecker::check_types_of_functions() {
  const uint32_t offset = section_offset(3);
  for (uint32_t i = m_.num_imported_funcs; i < m_.num_funcs(); ++i) {
    if (m_.func_types[i] >= m_.types.size()) {
      return invalid("unknown type", offset, section("function"));
    }
  }
  return {};
}

Result<void> ModuleChecker::check_table_type(const TableType& t, size_t offset,
                                             const char* sec) {
  if (t.limits.max && t.limits.min > *t.limits.max) {
    return invalid("size minimum must not be greater than maximum", offset, section(sec));
  }
  return {};
}

Result<void> ModuleChecker::check_memory_type(const MemoryType& t, size_t offset,
                                              const char* sec) {
  const Limits& l = t.limits;
  if (l.min > kMaxPages || (l.max && *l.max > kMaxPages)) {
    return invalid("memory size must be at most 65536 pages (4GiB)", offset, section(sec));
  }
  if (l.max && l.min > *l.max) {
    return invalid("size minimum must not be greater than maximum", offset, section(sec));
  }
  return {};
}

Result<void> ModuleChecker::check_imports() {
  for (const Import& imp : m_.imports) {
    switch (imp.kind) {
      case ExternKind::Func:
        if (imp.func_type >= m_.types.size()) {
          return invalid("unknown type", imp.offset, section("import"));
        }
        break;
      case ExternKind::Table:
        WASM_TRY(check_table_type(imp.table, imp.offset, "import"));
        break;
      case ExternKind::Memory:
        WASM_TRY(check_memory_type(imp.memory, imp.offset, "import"));
        break;
      case ExternKind::Global:
        break;
    }
  }
  return {};
}

// Constant expressions (2.0): t.const, ref.null, ref.func, and global.get of an
// imported immutable global; the whole expression must produce exactly `expected`.
Result<void> ModuleChecker::check_const_expr(const ConstExpr& e, ValType expected,
                                             const char* sec) {
  std::vector<ValType> stack;
  for (const ConstInstr& in : e.instrs) {
    switch (in.op) {
      case Op::I32Const: stack.push_back(ValType::I32); break;
      case Op::I64Const: stack.push_back(ValType::I64); break;
      case Op::F32Const: stack.push_back(ValType::F32); break;
      case Op::F64Const: stack.push_back(ValType::F64); break;
      case Op::V128Const: stack.push_back(ValType::V128); break;
      case Op::RefNull: stack.push_back(in.ref_type); break;
      case Op::RefFunc:
        if (in.imm >= m_.num_funcs()) {
          return invalid("unknown function " + std::to_string(in.imm), in.offset, section(sec));
        }
        stack.push_back(ValType::FuncRef);
        break;
      case Op::GlobalGet:
        // Only imported globals are in scope for constant expressions in 2.0.
        if (in.imm >= m_.num_imported_globals) {
          return invalid("unknown global " + std::to_string(in.imm), in.offset, section(sec));
        }
        if (m_.globals[in.imm].mut) {
          return invalid("constant expression required", in.offset, section(sec));
        }
        stack.push_back(m_.globals[in.imm].type);
        break;
      default:
        return invalid("constant expression required", in.offset, section(sec));
    }
  }
  if (stack.size() != 1 || stack[0] != expected) {
    return invalid("type mismatch", e.offset, section(sec));
  }
  return {};
}

Result<void> ModuleChecker::check_globals() {
  for (size_t i = 0; i < m_.global_inits.size(); ++i) {
    const GlobalType& g = m_.globals[m_.num_imported_globals + i];
    WASM_TRY(check_const_expr(m_.global_inits[i], g.type, "global"));
  }
  return {};
}

Result<void> ModuleChecker::check_elems() {
  for (const ElemSegment& seg : m_.elems) {
    if (seg.mode == SegmentMode::Active) {
      if (seg.table >= m_.tables.size()) {
        return invalid("unknown table " + std::to_string(seg.table), seg.offset,
                       section("element"));
      }
      if (m_.tables[seg.table].elem != seg.elem_type) {
        return invalid("type mismatch", seg.offset, section("element"));
      }
      WASM_TRY(check_const_expr(seg.offset_expr, ValType::I32, "element"));
    }
    for (const ConstExpr& item : seg.items) {
      WASM_TRY(check_const_expr(item, seg.elem_type, "element"));
    }
  }
  return {};
}

Result<void> ModuleChecker::check_datas() {
  for (const DataSegment& seg : m_.datas) {
    if (seg.mode != SegmentMode::Active) continue;
    if (seg.memory >= m_.memories.size()) {
      return invalid("unknown memory " + std::to_string(seg.memory), seg.offset,
                     section("data"));
    }
    WASM_TRY(check_const_expr(seg.offset_expr, ValType::I32, "data"));
  }
  return {};
}

Result<void> ModuleChecker::check_start() {
  if (!m_.start) return {};
  const uint32_t offset = section_offset(8);
  if (*m_.start >= m_.num_funcs()) {
    return invalid("unknown function " + std::to_string(*m_.start), offset, section("start"));
  }
  const FuncType& ft = m_.func_type(*m_.start);
  if (!ft.params.empty() || !ft.results.empty()) {
    return invalid("start function must have type [] -> []", offset, section("start"));
  }
  return {};
}

Result<void> ModuleChecker::check_exports() {
  std::unordered_set<std::string_view> names;
  for (const Export& ex : m_.exports) {
    const char* what = nullptr;
    size_t count = 0;
    switch (ex.kind) {
      case ExternKind::Func: what = "function"; count = m_.num_funcs(); break;
      case ExternKind::Table: what = "table"; count = m_.tables.size(); break;
      case ExternKind::Memory: what = "memory"; count = m_.memories.size(); break;
      case ExternKind::Global: what = "global"; count = m_.globals.size(); break;
    }
    if (ex.index >= count) {
      return invalid(std::string("unknown ") + what + " " + std::to_string(ex.index), ex.offset,
                     section("export"));
    }
    if (!names.insert(ex.name).second) {
      return invalid("duplicate export name", ex.offset, section("export"));
    }
  }
  return {};
}

// C.refs: every function index mentioned outside function bodies (and the start
// section). Out-of-range indices are reported by the checks that own them.
void ModuleChecker::collect_declared_funcs() {
  declared_.assign(m_.num_funcs(), false);
  auto scan = [&](const ConstExpr& e) {
    for (const ConstInstr& in : e.instrs) {
      if (in.op == Op::RefFunc && in.imm < declared_.size()) declared_[in.imm] = true;
    }
  };
  for (const ConstExpr& e : m_.global_inits) scan(e);
  for (const ElemSegment& seg : m_.elems) {
    scan(seg.offset_expr);
    for (const ConstExpr& e : seg.items) scan(e);
  }
  for (const DataSegment& seg : m_.datas) scan(seg.offset_expr);
  for (const Export& ex : m_.exports) {
    if (ex.kind == ExternKind::Func && ex.index < declared_.size()) declared_[ex.index] = true;
  }
}

Result<void> ModuleChecker::run() {
  // Guard the index spaces the reader built, so later rules can index freely.
  if (m_.bodies.size() != m_.num_funcs() - m_.num_imported_funcs ||
      m_.global_inits.size() != m_.globals.size() - m_.num_imported_globals) {
    return invalid("inconsistent module", 0, "");
  }
  WASM_TRY(check_imports());
  WASM_TRY(check_types_of_functions());
  const uint32_t table_offset = section_offset(4);
  for (size_t i = m_.num_imported_tables; i < m_.tables.size(); ++i) {
    WASM_TRY(check_table_type(m_.tables[i], table_offset, "table"));
  }
  const uint32_t memory_offset = section_offset(5);
  for (size_t i = m_.num_imported_memories; i < m_.memories.size(); ++i) {
    WASM_TRY(check_memory_type(m_.memories[i], memory_offset, "memory"));
  }
  if (m_.memories.size() > 1) {
    return invalid("multiple memories", memory_offset, section("memory"));
  }
  WASM_TRY(check_globals());
  WASM_TRY(check_elems());
  WASM_TRY(check_datas());
  WASM_TRY(check_start());
  WASM_TRY(check_exports());
  collect_declared_funcs();
  return {};
}

}  // namespace

Result<void> ModuleValidator::check_module() {
  ModuleChecker checker(m_);
  WASM_TRY(checker.run());
  declared_ = checker.take_declared();
  return {};
}

ModuleValidator::ModuleValidator(const ModuleInfo& module) : m_(module) {}
ModuleValidator::~ModuleValidator() = default;

Result<void> ModuleValidator::check_body(uint32_t func_index, const DecodedBody& body) {
  if (!scratch_) scratch_ = std::make_unique<validator_detail::BodyScratch>();
  return validator_detail::validate_body(m_, func_index, declared_, body, *scratch_);
}

Result<void> validate_module(const ModuleInfo& module) {
  ModuleValidator validator(module);
  WASM_TRY(validator.check_module());
  DecodedBody decoded;
  for (uint32_t i = module.num_imported_funcs; i < module.num_funcs(); ++i) {
    WASM_TRY(decode_body(module.bytes, module.bodies[i - module.num_imported_funcs], i, decoded));
    WASM_TRY(validator.check_body(i, decoded));
  }
  return {};
}

}  // namespace midimon::wasm
