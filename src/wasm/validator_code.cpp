// Function body validation: the spec's validation algorithm (appendix "Validation
// Algorithm") over the body's instructions, decoded once (decoded_body.h). An operand
// stack of value types (with kAny for values of unreachable code) and a stack of control
// frames.
//
// Errors are sticky: the first failure is kept and the walk stops after the current
// instruction, so the pop/push helpers need not return status.
#include <algorithm>
#include <array>
#include <bit>
#include <span>
#include <string>
#include <vector>

#include "decoded_body.h"
#include "opcodes_simd.h"
#include "validator_internal.h"

namespace midimon::wasm::validator_detail {
namespace {

// The "Unknown" type of the algorithm: matches every type. Not a valid ValType byte.
constexpr ValType kAny = static_cast<ValType>(0);

// Storage for one-type spans (block types written as a single value type).
constexpr std::array<ValType, 7> kSingleTypes = {ValType::I32,     ValType::I64,
                                                 ValType::F32,     ValType::F64,
                                                 ValType::V128,    ValType::FuncRef,
                                                 ValType::ExternRef};

std::span<const ValType> single_type(ValType t) {
  for (size_t i = 0; i < kSingleTypes.size(); ++i) {
    if (kSingleTypes[i] == t) return {&kSingleTypes[i], 1};
  }
  return {};
}

bool is_numeric_or_any(ValType t) {
  return t == kAny || t == ValType::I32 || t == ValType::I64 || t == ValType::F32 ||
         t == ValType::F64;
}
bool is_vec_or_any(ValType t) { return t == kAny || t == ValType::V128; }
bool is_ref_or_any(ValType t) { return t == kAny || is_ref(t); }

// Operand types of the ops typed by the table (Sig in opcodes.h).
struct SimpleSig {
  uint8_t num_params = 0;
  std::array<ValType, 3> params{};
  ValType result = kAny;  // kAny: no result
};

constexpr ValType I = ValType::I32, L = ValType::I64, F = ValType::F32, D = ValType::F64,
                  X = ValType::V128;

constexpr SimpleSig simple_sig(Sig sig) {
  switch (sig) {
    case Sig::Special: return {};
    case Sig::V_I: return {0, {}, I};
    case Sig::V_L: return {0, {}, L};
    case Sig::V_F: return {0, {}, F};
    case Sig::V_D: return {0, {}, D};
    case Sig::I_I: return {1, {I}, I};
    case Sig::I_L: return {1, {I}, L};
    case Sig::I_F: return {1, {I}, F};
    case Sig::I_D: return {1, {I}, D};
    case Sig::L_I: return {1, {L}, I};
    case Sig::L_L: return {1, {L}, L};
    case Sig::L_F: return {1, {L}, F};
    case Sig::L_D: return {1, {L}, D};
    case Sig::F_I: return {1, {F}, I};
    case Sig::F_L: return {1, {F}, L};
    case Sig::F_F: return {1, {F}, F};
    case Sig::F_D: return {1, {F}, D};
    case Sig::D_I: return {1, {D}, I};
    case Sig::D_L: return {1, {D}, L};
    case Sig::D_F: return {1, {D}, F};
    case Sig::D_D: return {1, {D}, D};
    case Sig::II_I: return {2, {I, I}, I};
    case Sig::LL_L: return {2, {L, L}, L};
    case Sig::LL_I: return {2, {L, L}, I};
    case Sig::FF_F: return {2, {F, F}, F};
    case Sig::FF_I: return {2, {F, F}, I};
    case Sig::DD_D: return {2, {D, D}, D};
    case Sig::DD_I: return {2, {D, D}, I};
    case Sig::II_V: return {2, {I, I}, kAny};
    case Sig::IL_V: return {2, {I, L}, kAny};
    case Sig::IF_V: return {2, {I, F}, kAny};
    case Sig::ID_V: return {2, {I, D}, kAny};
    case Sig::III_V: return {3, {I, I, I}, kAny};
    case Sig::V_X: return {0, {}, X};
    case Sig::I_X: return {1, {I}, X};
    case Sig::L_X: return {1, {L}, X};
    case Sig::F_X: return {1, {F}, X};
    case Sig::D_X: return {1, {D}, X};
    case Sig::X_X: return {1, {X}, X};
    case Sig::X_I: return {1, {X}, I};
    case Sig::X_L: return {1, {X}, L};
    case Sig::X_F: return {1, {X}, F};
    case Sig::X_D: return {1, {X}, D};
    case Sig::XX_X: return {2, {X, X}, X};
    case Sig::XI_X: return {2, {X, I}, X};
    case Sig::XL_X: return {2, {X, L}, X};
    case Sig::XF_X: return {2, {X, F}, X};
    case Sig::XD_X: return {2, {X, D}, X};
    case Sig::IX_X: return {2, {I, X}, X};
    case Sig::IX_V: return {2, {I, X}, kAny};
    case Sig::XXX_X: return {3, {X, X, X}, X};
  }
  return {};
}

// log2 of the access width in bytes of a load or store: the largest valid alignment.
uint32_t natural_alignment(Op op) {
  if (is_simd(op)) return static_cast<uint32_t>(std::countr_zero(simd_info(op).bytes));
  switch (op) {
    case Op::I32Load8S: case Op::I32Load8U: case Op::I64Load8S: case Op::I64Load8U:
    case Op::I32Store8: case Op::I64Store8:
      return 0;
    case Op::I32Load16S: case Op::I32Load16U: case Op::I64Load16S: case Op::I64Load16U:
    case Op::I32Store16: case Op::I64Store16:
      return 1;
    case Op::I32Load: case Op::F32Load: case Op::I64Load32S: case Op::I64Load32U:
    case Op::I32Store: case Op::F32Store: case Op::I64Store32:
      return 2;
    default:
      return 3;  // i64/f64 loads and stores
  }
}

// The operand types of every op typed by the table, looked up rather than switched on.
// Indexed by Sig; values no Sig has are {} (never looked up).
constexpr std::array<SimpleSig, 256> kSimpleSigs = [] {
  std::array<SimpleSig, 256> table{};
  for (size_t i = 0; i < table.size(); ++i) table[i] = simple_sig(static_cast<Sig>(i));
  return table;
}();

class BodyChecker {
 public:
  BodyChecker(const ModuleInfo& m, uint32_t func_index, const std::vector<bool>& declared,
              BodyScratch& scratch)
      : m_(m),
        func_index_(func_index),
        declared_(declared),
        local_types_(scratch.local_types),
        vals_(scratch.vals),
        ctrls_(scratch.ctrls),
        scratch_(scratch.labels) {
    local_types_.clear();
    vals_.clear();
    ctrls_.clear();
  }

  Result<void> run(const DecodedBody& decoded);

 private:
  using Frame = CtrlFrame;

  // --- the algorithm's primitives ---
  void fail(std::string message) {
    if (!failed_) {
      failed_ = true;
      error_ = invalid(std::move(message), offset_, where());
    }
  }
  void fail_malformed(std::string message) {
    fail(std::move(message));
    error_.kind = ErrorKind::Malformed;
  }
  std::string where() const { return "function " + std::to_string(func_index_); }

  void push(ValType t) { vals_.push_back(t); }
  void push(std::span<const ValType> ts) { vals_.insert(vals_.end(), ts.begin(), ts.end()); }
  ValType pop() {
    const Frame& f = ctrls_.back();
    if (vals_.size() == f.height) {
      if (!f.unreachable) fail("type mismatch");
      return kAny;
    }
    ValType t = vals_.back();
    vals_.pop_back();
    return t;
  }
  ValType pop(ValType expect) {
    ValType actual = pop();
    if (actual != expect && actual != kAny && expect != kAny) fail("type mismatch");
    return actual;
  }
  void pop(std::span<const ValType> ts) {
    for (size_t i = ts.size(); i-- > 0;) pop(ts[i]);
  }
  void push_ctrl(Op op, std::span<const ValType> params, std::span<const ValType> results) {
    ctrls_.push_back(Frame{op, params, results, vals_.size(), false});
    push(params);
  }
  Frame pop_ctrl() {
    Frame f = ctrls_.back();
    pop(f.results);
    if (vals_.size() != f.height) fail("type mismatch");
    ctrls_.pop_back();
    return f;
  }
  static std::span<const ValType> label_types(const Frame& f) {
    return f.op == Op::Loop ? f.params : f.results;
  }
  void set_unreachable() {
    vals_.resize(ctrls_.back().height);
    ctrls_.back().unreachable = true;
  }

  // --- index checks; each returns false (after failing) when out of range ---
  bool check_label(uint32_t depth) {
    if (depth < ctrls_.size()) return true;
    fail("unknown label");
    return false;
  }
  bool check_func(uint32_t x) {
    if (x < m_.num_funcs()) return true;
    fail("unknown function " + std::to_string(x));
    return false;
  }
  bool check_table(uint32_t x) {
    if (x < m_.tables.size()) return true;
    fail("unknown table " + std::to_string(x));
    return false;
  }
  bool check_memory(uint32_t x) {
    if (x < m_.memories.size()) return true;
    fail("unknown memory " + std::to_string(x));
    return false;
  }
  bool check_global(uint32_t x) {
    if (x < m_.globals.size()) return true;
    fail("unknown global " + std::to_string(x));
    return false;
  }
  bool check_type(uint32_t x) {
    if (x < m_.types.size()) return true;
    fail("unknown type");
    return false;
  }
  bool check_elem(uint32_t x) {
    if (x < m_.elems.size()) return true;
    fail("unknown elem segment " + std::to_string(x));
    return false;
  }
  bool check_data(uint32_t x) {
    const size_t count = m_.data_count ? *m_.data_count : m_.datas.size();
    if (x >= count) {
      fail("unknown data segment " + std::to_string(x));
      return false;
    }
    // Data indices in code need the data count section: a binary-format rule, checked
    // here because the reader does not decode bodies. An index that would be out of
    // range anyway is reported as such (what the text-format suite expects).
    if (!m_.data_count) {
      fail_malformed("data count section required");
      return false;
    }
    return true;
  }
  bool check_local(uint32_t x, ValType* type) {
    if (x >= local_types_.size()) {
      fail("unknown local " + std::to_string(x));
      return false;
    }
    *type = local_types_[x];
    return true;
  }

  void check_instr(const Instr& in);
  void check_block_type(const BlockType& bt, std::span<const ValType>* params,
                        std::span<const ValType>* results);

  const ModuleInfo& m_;
  uint32_t func_index_;
  const std::vector<bool>& declared_;
  std::vector<ValType>& local_types_;  // the buffers of BodyScratch
  std::vector<ValType>& vals_;
  std::vector<Frame>& ctrls_;
  std::vector<ValType>& scratch_;
  size_t offset_ = 0;  // offset of the instruction being checked
  bool failed_ = false;
  Error error_;
};

Result<void> BodyChecker::run(const DecodedBody& decoded) {
  const FuncType& type = m_.func_type(func_index_);
  const FuncBody& body = m_.bodies[func_index_ - m_.num_imported_funcs];
  // One entry per local: the reader caps the declared locals (kMaxLocals), so this stays
  // small, and a local's type is one load.
  local_types_.assign(type.params.begin(), type.params.end());
  local_types_.reserve(type.params.size() + body.num_locals);
  for (const LocalGroup& g : body.locals) local_types_.insert(local_types_.end(), g.count, g.type);

  offset_ = body.code_offset;
  ctrls_.push_back(Frame{Op::Block, {}, type.results, 0, false});
  const std::span<const Instr> instrs = decoded.instrs();
  size_t next = 0;
  while (!ctrls_.empty()) {
    if (next == instrs.size()) {
      offset_ = body.code_end;
      fail_malformed("END opcode expected");
      return error_;
    }
    const Instr& in = instrs[next++];
    offset_ = in.offset;
    check_instr(in);
    if (failed_) return error_;
  }
  if (next != instrs.size()) {
    // Instructions after the function's final `end`: the body's declared size is too large.
    offset_ = instrs[next].offset;
    fail_malformed("section size mismatch");
    return error_;
  }
  return {};
}

void BodyChecker::check_block_type(const BlockType& bt, std::span<const ValType>* params,
                                   std::span<const ValType>* results) {
  *params = {};
  *results = {};
  switch (bt.kind) {
    case BlockType::Kind::Empty:
      break;
    case BlockType::Kind::Value:
      *results = single_type(bt.value);
      break;
    case BlockType::Kind::TypeIndex:
      if (!check_type(bt.type_index)) return;
      *params = m_.types[bt.type_index].params;
      *results = m_.types[bt.type_index].results;
      break;
  }
}

void BodyChecker::check_instr(const Instr& in) {
  const OpInfo& info = op_info(in.op);
  if (info.sig != Sig::Special) {
    if (info.imm == ImmKind::MemArg || info.imm == ImmKind::MemArgLane) {
      if (!check_memory(0)) return;
      if (in.index > natural_alignment(in.op)) {
        return fail("alignment must not be larger than natural");
      }
      if (info.imm == ImmKind::MemArgLane && in.index2 >= simd_info(in.op).lanes) {
        return fail("invalid lane index");
      }
    } else if (info.imm == ImmKind::Lane) {
      if (in.index >= simd_info(in.op).lanes) return fail("invalid lane index");
    } else if (info.imm == ImmKind::Shuffle) {
      for (int i = 0; i < 8; ++i) {
        if (((in.value >> (8 * i)) & 0xff) >= 32 || ((in.value2 >> (8 * i)) & 0xff) >= 32) {
          return fail("invalid lane index");
        }
      }
    } else if (info.imm == ImmKind::MemIdx || info.imm == ImmKind::MemCopy) {
      if (!check_memory(0)) return;
    } else if (info.imm == ImmKind::MemInit) {
      if (!check_memory(0) || !check_data(in.index)) return;
    }
    const SimpleSig& s = kSimpleSigs[static_cast<uint8_t>(info.sig)];
    for (uint8_t i = s.num_params; i-- > 0;) pop(s.params[i]);
    if (s.result != kAny) push(s.result);
    return;
  }

  switch (in.op) {
    case Op::Unreachable:
      set_unreachable();
      break;
    case Op::Nop:
      break;
    case Op::Block:
    case Op::Loop: {
      std::span<const ValType> params, results;
      check_block_type(in.block, &params, &results);
      if (failed_) return;
      pop(params);
      push_ctrl(in.op, params, results);
      break;
    }
    case Op::If: {
      std::span<const ValType> params, results;
      check_block_type(in.block, &params, &results);
      if (failed_) return;
      pop(ValType::I32);
      pop(params);
      push_ctrl(in.op, params, results);
      break;
    }
    case Op::Else: {
      if (ctrls_.back().op != Op::If) return fail_malformed("else without matching if");
      Frame f = pop_ctrl();
      push_ctrl(Op::Else, f.params, f.results);
      break;
    }
    case Op::End: {
      Frame f = pop_ctrl();
      // An `if` without `else` has an implicit empty else: [t1*] -> [t2*] needs t1* = t2*.
      if (f.op == Op::If && !std::ranges::equal(f.params, f.results)) {
        return fail("type mismatch");
      }
      push(f.results);
      break;
    }
    case Op::Br:
      if (!check_label(in.index)) return;
      pop(label_types(ctrls_[ctrls_.size() - 1 - in.index]));
      set_unreachable();
      break;
    case Op::BrIf: {
      if (!check_label(in.index)) return;
      pop(ValType::I32);
      auto types = label_types(ctrls_[ctrls_.size() - 1 - in.index]);
      pop(types);
      push(types);
      break;
    }
    case Op::BrTable: {
      pop(ValType::I32);
      if (!check_label(in.index)) return;
      auto default_types = label_types(ctrls_[ctrls_.size() - 1 - in.index]);
      for (uint32_t target : in.targets) {
        if (!check_label(target)) return;
        auto types = label_types(ctrls_[ctrls_.size() - 1 - target]);
        if (types.size() != default_types.size()) return fail("type mismatch");
        // The spec's push_vals(pop_vals(...)): pop with checking, then put back the
        // actual operand types (kAny where the unreachable stack had none).
        scratch_.resize(types.size());
        for (size_t i = types.size(); i-- > 0;) scratch_[i] = pop(types[i]);
        push(scratch_);
      }
      pop(default_types);
      set_unreachable();
      break;
    }
    case Op::Return:
      pop(ctrls_.front().results);
      set_unreachable();
      break;
    case Op::Call: {
      if (!check_func(in.index)) return;
      const FuncType& ft = m_.func_type(in.index);
      pop(ft.params);
      push(ft.results);
      break;
    }
    case Op::CallIndirect: {
      if (!check_table(in.index2) || !check_type(in.index)) return;
      if (m_.tables[in.index2].elem != ValType::FuncRef) return fail("type mismatch");
      const FuncType& ft = m_.types[in.index];
      pop(ValType::I32);
      pop(ft.params);
      push(ft.results);
      break;
    }
    case Op::Drop:
      pop();
      break;
    case Op::Select: {
      // Without a type annotation only numeric (and vector) operands are allowed.
      pop(ValType::I32);
      const ValType t1 = pop();
      const ValType t2 = pop();
      if (!((is_numeric_or_any(t1) && is_numeric_or_any(t2)) ||
            (is_vec_or_any(t1) && is_vec_or_any(t2)))) {
        return fail("type mismatch");
      }
      if (t1 != t2 && t1 != kAny && t2 != kAny) return fail("type mismatch");
      push(t1 == kAny ? t2 : t1);
      break;
    }
    case Op::SelectT:
      if (in.select_arity != 1) return fail("invalid result arity");
      pop(ValType::I32);
      pop(in.type);
      pop(in.type);
      push(in.type);
      break;
    case Op::LocalGet: {
      ValType t;
      if (!check_local(in.index, &t)) return;
      push(t);
      break;
    }
    case Op::LocalSet: {
      ValType t;
      if (!check_local(in.index, &t)) return;
      pop(t);
      break;
    }
    case Op::LocalTee: {
      ValType t;
      if (!check_local(in.index, &t)) return;
      pop(t);
      push(t);
      break;
    }
    case Op::GlobalGet:
      if (!check_global(in.index)) return;
      push(m_.globals[in.index].type);
      break;
    case Op::GlobalSet:
      if (!check_global(in.index)) return;
      if (!m_.globals[in.index].mut) return fail("global is immutable");
      pop(m_.globals[in.index].type);
      break;
    case Op::TableGet:
      if (!check_table(in.index)) return;
      pop(ValType::I32);
      push(m_.tables[in.index].elem);
      break;
    case Op::TableSet:
      if (!check_table(in.index)) return;
      pop(m_.tables[in.index].elem);
      pop(ValType::I32);
      break;
    case Op::TableGrow:
      if (!check_table(in.index)) return;
      pop(ValType::I32);
      pop(m_.tables[in.index].elem);
      push(ValType::I32);
      break;
    case Op::TableSize:
      if (!check_table(in.index)) return;
      push(ValType::I32);
      break;
    case Op::TableFill:
      if (!check_table(in.index)) return;
      pop(ValType::I32);
      pop(m_.tables[in.index].elem);
      pop(ValType::I32);
      break;
    case Op::TableInit:
      // index = element segment, index2 = table.
      if (!check_table(in.index2) || !check_elem(in.index)) return;
      if (m_.elems[in.index].elem_type != m_.tables[in.index2].elem) {
        return fail("type mismatch");
      }
      pop(ValType::I32);
      pop(ValType::I32);
      pop(ValType::I32);
      break;
    case Op::TableCopy:
      // index = destination table, index2 = source table.
      if (!check_table(in.index) || !check_table(in.index2)) return;
      if (m_.tables[in.index2].elem != m_.tables[in.index].elem) return fail("type mismatch");
      pop(ValType::I32);
      pop(ValType::I32);
      pop(ValType::I32);
      break;
    case Op::ElemDrop:
      check_elem(in.index);
      break;
    case Op::DataDrop:
      check_data(in.index);
      break;
    case Op::RefNull:
      push(in.type);
      break;
    case Op::RefIsNull:
      if (!is_ref_or_any(pop())) return fail("type mismatch");
      push(ValType::I32);
      break;
    case Op::RefFunc:
      if (!check_func(in.index)) return;
      if (!declared_[in.index]) return fail("undeclared function reference");
      push(ValType::FuncRef);
      break;
    default:
      // Every Special op is handled above; reaching here means opcodes.def grew.
      return fail("unknown operator");
  }
}

}  // namespace

Result<void> validate_body(const ModuleInfo& module, uint32_t func_index,
                           const std::vector<bool>& declared, const DecodedBody& decoded,
                           BodyScratch& scratch) {
  return BodyChecker(module, func_index, declared, scratch).run(decoded);
}

}  // namespace midimon::wasm::validator_detail
