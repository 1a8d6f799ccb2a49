// Compiler: one validated function body -> internal code (code.h).
//
// The operand stack is simulated at compile time: every entry records the slot where its
// value currently lives. A fresh result lives in the "temp" slot of its stack position;
// local.get and constants push the local's or the constant's own slot without emitting
// anything. Such references are made real ("materialised" into their temp slot) only when
// something would invalidate them: a local.set/tee of that local, or a control merge
// (block/loop/if entry; branches copy values into the target's slots anyway).
//
// Because the validator already accepted the body, the compiler trusts stack shapes and
// indices and does not track value types (every value is one slot).
#include "compiler.h"

#include <algorithm>
#include <unordered_map>
#include <utility>
#include <vector>

#include "code.h"
#include "decoded_body.h"

namespace midimon::wasm {
namespace {

constexpr uint32_t kMaxConsts = 256;  // per-function constant slots copied on each call

struct Ctrl {
  Op kind = Op::Block;  // Block, Loop, If; End marks the function's own frame
  uint32_t height = 0;  // stack height below the block's parameters
  uint32_t nparams = 0;
  uint32_t nresults = 0;
  uint32_t loop_start = 0;
  uint32_t hdr_units = 0;     // Loop: size of the header's Fuel/Poll op (0: none)
  int64_t hdr_field = -1;     // Loop: the header op's cost field (fuel on)
  std::vector<std::pair<uint32_t, uint32_t>> fixups;  // (rel field, instruction start)
  int64_t else_field = -1;  // If: the branch to the else arm, patched at else/end
  uint32_t else_start = 0;
  bool unreachable = false;
};

Op negate_cmp(Op op) {
  switch (op) {
    case Op::I32Eq: return Op::I32Ne;
    case Op::I32Ne: return Op::I32Eq;
    case Op::I32LtS: return Op::I32GeS;
    case Op::I32GeS: return Op::I32LtS;
    case Op::I32LtU: return Op::I32GeU;
    case Op::I32GeU: return Op::I32LtU;
    case Op::I32GtS: return Op::I32LeS;
    case Op::I32LeS: return Op::I32GtS;
    case Op::I32GtU: return Op::I32LeU;
    case Op::I32LeU: return Op::I32GtU;
    case Op::I64Eq: return Op::I64Ne;
    case Op::I64Ne: return Op::I64Eq;
    case Op::I64LtS: return Op::I64GeS;
    case Op::I64GeS: return Op::I64LtS;
    case Op::I64LtU: return Op::I64GeU;
    case Op::I64GeU: return Op::I64LtU;
    case Op::I64GtS: return Op::I64LeS;
    case Op::I64LeS: return Op::I64GtS;
    case Op::I64GtU: return Op::I64LeU;
    case Op::I64LeU: return Op::I64GtU;
    default: return Op::Count_;
  }
}

IOp fused_branch(Op cmp) {
  switch (cmp) {
#define MIDIMON_X(Name) \
  case Op::Name: return IOp::BrIf_##Name;
    MIDIMON_FUSED_CMPS(MIDIMON_X)
#undef MIDIMON_X
    default: return IOp::Invalid;
  }
}

// Superinstruction lookups (code.h); IOp::Invalid when there is none.
IOp load_add(Op load) {
  switch (load) {
#define MIDIMON_X(Name) \
  case Op::Name: return IOp::Name##_Add;
    MIDIMON_LOAD_OPS(MIDIMON_X)
#undef MIDIMON_X
    default: return IOp::Invalid;
  }
}

IOp ld_binop(Op op) {
  switch (op) {
#define MIDIMON_X(Name, Load) \
  case Op::Name: return IOp::Name##_Ld;
    MIDIMON_LD_BINOPS(MIDIMON_X)
#undef MIDIMON_X
    default: return IOp::Invalid;
  }
}

Op ld_source(Op op) {
  switch (op) {
#define MIDIMON_X(Name, Load) \
  case Op::Name: return Op::Load;
    MIDIMON_LD_BINOPS(MIDIMON_X)
#undef MIDIMON_X
    default: return Op::Count_;
  }
}

IOp store_binop(Op store, Op binop) {
#define MIDIMON_X(Store, Name) \
  if (store == Op::Store && binop == Op::Name) return IOp::Store##_##Name;
  MIDIMON_STORE_BINOPS(MIDIMON_X)
#undef MIDIMON_X
  return IOp::Invalid;
}

// Sandbox variants of a conditional branch (code.h, MIDIMON_COND_BRS).
enum class BrVariant { F, FB, PB, FPB };
IOp sandbox_branch(IOp base, BrVariant v) {
  switch (base) {
#define MIDIMON_X(Name, n)                                                             \
  case IOp::Name:                                                                      \
    return v == BrVariant::F    ? IOp::Name##_F                                        \
           : v == BrVariant::FB ? IOp::Name##_FB                                       \
           : v == BrVariant::PB ? IOp::Name##_PB                                       \
                                : IOp::Name##_FPB;
    MIDIMON_COND_BRS(MIDIMON_X)
#undef MIDIMON_X
#define MIDIMON_X(A, C, n)                                                             \
  case IOp::A##_##C:                                                                   \
    return v == BrVariant::F    ? IOp::A##_##C##_F                                     \
           : v == BrVariant::FB ? IOp::A##_##C##_FB                                    \
           : v == BrVariant::PB ? IOp::A##_##C##_PB                                    \
                                : IOp::A##_##C##_FPB;
    MIDIMON_ARITH_BRS(MIDIMON_X)
#undef MIDIMON_X
    case IOp::Br:
      return v == BrVariant::FB ? IOp::Br_FB : v == BrVariant::PB ? IOp::Br_PB : IOp::Br_FPB;
    default:
      return IOp::Invalid;
  }
}

// The arithmetic + branch op for `arith` followed by the branch condition `cond`
// (Op::BrIf for a plain non-zero test); IOp::Invalid when there is none.
IOp arith_branch_op(Op arith, Op cond) {
#define MIDIMON_X(A, C, n) \
  if (arith == Op::A && cond == Op::C) return IOp::A##_##C;
  MIDIMON_ARITH_BRS(MIDIMON_X)
#undef MIDIMON_X
  return IOp::Invalid;
}

IOp store_ld_binop(Op store, Op binop) {
#define MIDIMON_X(Store, Name) \
  if (store == Op::Store && binop == Op::Name) return IOp::Store##_##Name##_Ld;
  MIDIMON_STORE_LD_BINOPS(MIDIMON_X)
#undef MIDIMON_X
  return IOp::Invalid;
}

IOp store_then_add(Op store) {
#define MIDIMON_X(Store, T) \
  if (store == Op::Store) return IOp::Store##_ThenAdd;
  MIDIMON_STORE_ADDS(MIDIMON_X)
#undef MIDIMON_X
  return IOp::Invalid;
}

// The pair op for binop `a` followed by binop `b` (MIDIMON_BINOP_PAIRS).
IOp binop_pair(Op a, Op b) {
#define MIDIMON_X(A, B) \
  if (a == Op::A && b == Op::B) return IOp::Pair_##A##_##B;
  MIDIMON_BINOP_PAIRS(MIDIMON_X)
#undef MIDIMON_X
  return IOp::Invalid;
}

// The compare with its operands swapped: a < b is b > a.
Op mirror_cmp(Op op) {
  switch (op) {
    case Op::I32LtS: return Op::I32GtS;
    case Op::I32GtS: return Op::I32LtS;
    case Op::I32LtU: return Op::I32GtU;
    case Op::I32GtU: return Op::I32LtU;
    case Op::I32LeS: return Op::I32GeS;
    case Op::I32GeS: return Op::I32LeS;
    case Op::I32LeU: return Op::I32GeU;
    case Op::I32GeU: return Op::I32LeU;
    case Op::I64LtS: return Op::I64GtS;
    case Op::I64GtS: return Op::I64LtS;
    case Op::I64LtU: return Op::I64GtU;
    case Op::I64GtU: return Op::I64LtU;
    case Op::I64LeS: return Op::I64GeS;
    case Op::I64GeS: return Op::I64LeS;
    case Op::I64LeU: return Op::I64GeU;
    case Op::I64GeU: return Op::I64LeU;
    default: return op;  // eq, ne: symmetric
  }
}

bool is_unary(Sig s) {
  switch (s) {
    case Sig::I_I: case Sig::I_L: case Sig::I_F: case Sig::I_D:
    case Sig::L_I: case Sig::L_L: case Sig::L_F: case Sig::L_D:
    case Sig::F_I: case Sig::F_L: case Sig::F_F: case Sig::F_D:
    case Sig::D_I: case Sig::D_L: case Sig::D_F: case Sig::D_D:
      return true;
    default:
      return false;
  }
}

bool is_binary(Sig s) {
  switch (s) {
    case Sig::II_I: case Sig::LL_L: case Sig::LL_I: case Sig::FF_F: case Sig::FF_I:
    case Sig::DD_D: case Sig::DD_I:
      return true;
    default:
      return false;
  }
}

class Compiler {
 public:
  Compiler(const Engine& engine, const ModuleInfo& m, uint32_t func_index,
           const DecodedBody& decoded)
      : fuel_(engine.config().fuel_metering),
        deadline_(engine.config().deadline_checks),
        m_(m),
        type_(m.func_type(func_index)),
        body_(m.bodies[func_index - m.num_imported_funcs]),
        instrs_(decoded.instrs()),
        handlers_(interp_handler_addresses()),
        out_(std::make_unique<CompiledFunc>()),
        code_(out_->code) {}

  Result<std::unique_ptr<CompiledFunc>> run();

 private:
  // --- slots ---
  uint32_t temp(size_t pos) const { return temp_base_ + static_cast<uint32_t>(pos); }
  bool is_local(uint32_t slot) const { return slot < num_locals_; }

  void push_slot(uint32_t slot) {
    stack_.push_back(slot);
    if (stack_.size() > max_height_) max_height_ = static_cast<uint32_t>(stack_.size());
  }
  void push_temp() { push_slot(temp(stack_.size())); }
  uint32_t pop() {
    uint32_t s = stack_.back();
    stack_.pop_back();
    return s;
  }

  // --- emitting ---
  uint32_t emit_op(IOp op) {
    last_dst_ = -1;
    last_cmp_start_ = -1;
    last_start_ = -1;
    last_copy_start_ = -1;
    uint32_t start = static_cast<uint32_t>(code_.size());
    const uint64_t h = handlers_[static_cast<uint32_t>(op)];
    code_.push_back(static_cast<uint32_t>(h));
    code_.push_back(static_cast<uint32_t>(h >> 32));
    return start;
  }
  void emit(uint32_t v) { code_.push_back(v); }
  void set_handler(uint32_t start, IOp op) {
    const uint64_t h = handlers_[static_cast<uint32_t>(op)];
    code_[start] = static_cast<uint32_t>(h);
    code_[start + 1] = static_cast<uint32_t>(h >> 32);
  }
  bool sandboxed() const { return fuel_ || deadline_; }
  BrVariant back_variant() const {
    return fuel_ ? (deadline_ ? BrVariant::FPB : BrVariant::FB) : BrVariant::PB;
  }
  // The conditional branch `base` at `start` (rel field already emitted) goes to a loop
  // header (`back`) or forward. With the sandbox on, it becomes its variant that charges
  // the block it enters (code.h): the loop header's cost when taken backwards (the rel
  // then points past the header's op), the fall-through's cost when not taken.
  void finish_cond_branch(IOp base, uint32_t start, uint32_t rel_field, const Ctrl* back) {
    if (back && sandboxed() && back->hdr_units > 0) {
      set_handler(start, sandbox_branch(base, back_variant()));
      patch(rel_field, start, back->loop_start + back->hdr_units);
      if (fuel_) {
        back_fixups_.emplace_back(here(), static_cast<uint32_t>(back->hdr_field));
        emit(0);
      }
    } else {
      if (back) {
        patch(rel_field, start, back->loop_start);
      }
      if (fuel_) set_handler(start, sandbox_branch(base, BrVariant::F));
    }
    fuel_field_ = -1;
    if (fuel_) {
      fuel_field_ = here();  // the fall-through block's cost, counted up from 0
      emit(0);
    }
  }
  uint32_t here() const { return static_cast<uint32_t>(code_.size()); }
  // A jump may land here: the previous instruction can no longer be rewritten.
  void bind_here() {
    store_start_ = -1;
    ldb_start_ = -1;
    arith_start_ = -1;
    pair_start_ = -1;
    last_dst_ = -1;
    last_cmp_start_ = -1;
    last_start_ = -1;
    last_copy_start_ = -1;
  }
  // The last instruction (emitted at `start`) computed the value at stack position
  // `pos`, a temp nothing else reads: a consumer may replace it by a superinstruction.
  bool last_made(uint32_t slot, size_t pos) const {
    return last_start_ >= 0 && slot == temp(pos) && last_dst_ >= 0;
  }
  void note_last(uint32_t start, Op op, uint32_t a, uint32_t b, uint32_t off) {
    last_start_ = start;
    last_op_ = op;
    last_a_ = a;
    last_b_ = b;
    last_off_ = off;
  }
  void patch(uint32_t field, uint32_t start, uint32_t target) {
    code_[field] = static_cast<uint32_t>(static_cast<int32_t>(target) - static_cast<int32_t>(start));
  }

  void emit_copy(uint32_t dst, uint32_t src) {
    if (dst == src) return;
    if (last_copy_start_ >= 0) {
      // Up to four copies in a row become one Copy2/3/4 (still done in order).
      static constexpr IOp kGrown[] = {IOp::Invalid, IOp::Copy2, IOp::Copy3, IOp::Copy4};
      set_handler(static_cast<uint32_t>(last_copy_start_), kGrown[last_copy_count_]);
      emit(dst);
      emit(src);
      if (++last_copy_count_ == 4) last_copy_start_ = -1;
      return;
    }
    const uint32_t start = emit_op(IOp::Copy);
    emit(dst);
    emit(src);
    last_copy_start_ = start;
    last_copy_count_ = 1;
  }

  void materialize(size_t i) {
    if (stack_[i] != temp(i)) {
      emit_copy(temp(i), stack_[i]);
      stack_[i] = temp(i);
    }
  }
  void materialize_local_refs(uint32_t local) {
    for (size_t i = 0; i < stack_.size(); ++i) {
      if (stack_[i] == local) materialize(i);
    }
  }
  void materialize_all_locals() {
    for (size_t i = 0; i < stack_.size(); ++i) {
      if (is_local(stack_[i])) materialize(i);
    }
  }
  bool other_refs(uint32_t local, size_t except) const {
    for (size_t i = 0; i < stack_.size(); ++i) {
      if (i != except && stack_[i] == local) return true;
    }
    return false;
  }

  // Result of a value-producing instruction whose dst field was just emitted at `field`.
  void result_at(uint32_t field) {
    push_temp();
    last_dst_ = field;
  }

  // --- control ---
  void block_sig(const BlockType& bt, uint32_t* np, uint32_t* nr) const {
    switch (bt.kind) {
      case BlockType::Kind::Empty: *np = 0; *nr = 0; break;
      case BlockType::Kind::Value: *np = 0; *nr = 1; break;
      case BlockType::Kind::TypeIndex: {
        const FuncType& t = m_.types[bt.type_index];
        *np = static_cast<uint32_t>(t.params.size());
        *nr = static_cast<uint32_t>(t.results.size());
        break;
      }
    }
  }

  Ctrl& label(uint32_t depth) { return ctrls_[ctrls_.size() - 1 - depth]; }
  bool is_func_label(uint32_t depth) const { return depth == ctrls_.size() - 1; }
  uint32_t label_arity(const Ctrl& c) const { return c.kind == Op::Loop ? c.nparams : c.nresults; }

  bool moves_needed(uint32_t depth) {
    const Ctrl& c = label(depth);
    uint32_t n = label_arity(c);
    for (uint32_t i = 0; i < n; ++i) {
      if (stack_[stack_.size() - n + i] != temp(c.height + i)) return true;
    }
    return false;
  }

  // Copies the branch's values into the target's slots; increasing order is safe because
  // every source temp sits at or above its destination (see file comment in code.h).
  void emit_moves(uint32_t depth) {
    const Ctrl& c = label(depth);
    uint32_t n = label_arity(c);
    for (uint32_t i = 0; i < n; ++i) emit_copy(temp(c.height + i), stack_[stack_.size() - n + i]);
  }

  void jump_to(uint32_t depth, uint32_t start, uint32_t field) {
    Ctrl& c = label(depth);
    if (c.kind == Op::Loop) {
      patch(field, start, c.loop_start);
    } else {
      c.fixups.emplace_back(field, start);
    }
  }

  void emit_branch(uint32_t depth) {
    if (is_func_label(depth)) {
      emit_return();
      return;
    }
    emit_moves(depth);
    const Ctrl& c = label(depth);
    if (c.kind == Op::Loop && sandboxed() && c.hdr_units > 0) {
      // Back-edge: the branch charges / polls for the loop header and skips its op.
      uint32_t start = emit_op(sandbox_branch(IOp::Br, back_variant()));
      emit(0);
      patch(start + kOpUnits, start, c.loop_start + c.hdr_units);
      if (fuel_) {
        back_fixups_.emplace_back(here(), static_cast<uint32_t>(c.hdr_field));
        emit(0);
      }
      return;
    }
    uint32_t start = emit_op(IOp::Br);
    emit(0);
    jump_to(depth, start, start + kOpUnits);
  }

  void emit_return() {
    const uint32_t n = static_cast<uint32_t>(type_.results.size());
    if (n == 1) {
      emit_op(IOp::Ret1);
      emit(stack_.back());
      emit(out_->ctl_slot);
      return;
    }
    // Sources that are locals among the destination slots 0..n-1 could be overwritten
    // before they are read: take them out of the way first.
    bool clash = false;
    for (uint32_t i = 0; i < n; ++i) {
      uint32_t s = stack_[stack_.size() - n + i];
      if (is_local(s) && s < n && s != i) clash = true;
    }
    if (clash) {
      for (size_t i = stack_.size() - n; i < stack_.size(); ++i) {
        if (is_local(stack_[i])) materialize(i);
      }
    }
    for (uint32_t i = 0; i < n; ++i) emit_copy(i, stack_[stack_.size() - n + i]);
    emit_op(iop(Op::Return));
    emit(out_->ctl_slot);
  }

  void set_unreachable() {
    fuel_field_ = -1;  // until the next block start, the code is dead
    ctrls_.back().unreachable = true;
    stack_.resize(ctrls_.back().height);
  }

  void enter_block(Op kind, const BlockType& bt, uint32_t cond) {
    uint32_t np = 0, nr = 0;
    block_sig(bt, &np, &nr);
    materialize_all_locals();
    for (size_t i = stack_.size() - np; i < stack_.size(); ++i) materialize(i);
    Ctrl c;
    c.kind = kind;
    c.height = static_cast<uint32_t>(stack_.size() - np);
    c.nparams = np;
    c.nresults = nr;
    if (kind == Op::Loop) {
      bind_here();
      c.loop_start = here();
      open_block(true);
      c.hdr_units = here() - c.loop_start;
      c.hdr_field = fuel_field_;
    } else if (kind == Op::If) {
      emit_if_branch(cond, &c);
    }
    ctrls_.push_back(std::move(c));
  }

  // Jump to the else arm when `cond` is zero; fuses a just-emitted integer compare.
  void emit_if_branch(uint32_t cond, Ctrl* c) {
    uint32_t start;
    IOp base;
    if (last_cmp_start_ >= 0 && cond == temp(stack_.size())) {
      Op op = last_cmp_op_;
      uint32_t a = last_cmp_a_, b = last_cmp_b_;
      code_.resize(static_cast<size_t>(last_cmp_start_));
      if (op == Op::I32Eqz || op == Op::I64Eqz) {
        base = op == Op::I32Eqz ? iop(Op::BrIf) : IOp::BrIfI64Nez;
        start = emit_op(base);
        emit(a);
      } else {
        base = fused_branch(negate_cmp(op));
        start = emit_op(base);
        emit(a);
        emit(b);
      }
    } else {
      base = IOp::BrUnless;
      start = emit_op(base);
      emit(cond);
    }
    c->else_field = here();
    c->else_start = start;
    emit(0);
    finish_cond_branch(base, start, static_cast<uint32_t>(c->else_field), nullptr);  // opens the then arm
  }

  void do_else() {
    Ctrl& c = ctrls_.back();
    if (!c.unreachable) {
      for (uint32_t i = 0; i < c.nresults; ++i) {
        emit_copy(temp(c.height + i), stack_[stack_.size() - c.nresults + i]);
      }
      uint32_t start = emit_op(IOp::Br);
      emit(0);
      c.fixups.emplace_back(start + kOpUnits, start);
    }
    bind_here();
    patch(static_cast<uint32_t>(c.else_field), c.else_start, here());
    c.else_field = -1;
    open_block(false);
    stack_.resize(c.height);
    for (uint32_t i = 0; i < c.nparams; ++i) push_temp();
    c.unreachable = false;
  }

  // Returns true at the function's final end.
  bool do_end() {
    Ctrl& c = ctrls_.back();
    if (ctrls_.size() == 1) {
      if (!c.unreachable) emit_return();
      return true;
    }
    if (!c.unreachable) {
      for (uint32_t i = 0; i < c.nresults; ++i) {
        emit_copy(temp(c.height + i), stack_[stack_.size() - c.nresults + i]);
      }
    }
    bind_here();
    uint32_t target = here();
    // An if without else: the false path arrives with its parameters, which are already
    // in the result slots (params == results for such an if).
    if (c.else_field >= 0) patch(static_cast<uint32_t>(c.else_field), c.else_start, target);
    for (auto [field, start] : c.fixups) patch(field, start, target);
    // Only a label some branch reaches starts a new block.
    if (c.else_field >= 0 || !c.fixups.empty()) open_block(false);
    uint32_t height = c.height, nr = c.nresults;
    ctrls_.pop_back();
    stack_.resize(height);
    for (uint32_t i = 0; i < nr; ++i) push_temp();
    return false;
  }

  void do_br_if(uint32_t depth) {
    uint32_t cond = pop();
    const bool fusable = last_cmp_start_ >= 0 && cond == temp(stack_.size());
    if (!is_func_label(depth) && !moves_needed(depth)) {
      uint32_t start;
      IOp base;
      const bool unary_cmp = fusable && (last_cmp_op_ == Op::I32Eqz || last_cmp_op_ == Op::I64Eqz);
      // A counter step right before the test: `d = a + b; br_if (d <cmp> c)`.
      const uint32_t arith_d =
          arith_start_ >= 0 ? code_[static_cast<size_t>(arith_start_) + kOpUnits] : 0;
      IOp arith_fused = IOp::Invalid;
      uint32_t arith_c = 0;
      if (fusable && arith_ends_at(last_cmp_start_)) {
        if (unary_cmp && last_cmp_a_ == arith_d) {
          arith_fused = arith_branch_op(arith_op_, last_cmp_op_);
        } else if (!unary_cmp && last_cmp_a_ == arith_d) {
          arith_fused = arith_branch_op(arith_op_, last_cmp_op_);
          arith_c = last_cmp_b_;
        } else if (!unary_cmp && last_cmp_b_ == arith_d) {
          arith_fused = arith_branch_op(arith_op_, mirror_cmp(last_cmp_op_));
          arith_c = last_cmp_a_;
        }
      } else if (!fusable && arith_ends_at(here()) && cond == arith_d) {
        arith_fused = arith_branch_op(arith_op_, Op::BrIf);
      }
      if (arith_fused != IOp::Invalid) {
        base = arith_fused;
        start = emit_arith_branch(arith_fused, fusable && !unary_cmp, arith_c);
      } else if (fusable) {
        Op op = last_cmp_op_;
        uint32_t a = last_cmp_a_, b = last_cmp_b_;
        code_.resize(static_cast<size_t>(last_cmp_start_));
        base = fused_branch(op);
        start = emit_op(base);
        emit(a);
        if (op != Op::I32Eqz && op != Op::I64Eqz) emit(b);
      } else {
        base = iop(Op::BrIf);
        start = emit_op(base);
        emit(cond);
      }
      uint32_t field = here();
      emit(0);
      const Ctrl& target = label(depth);
      if (target.kind == Op::Loop) {
        finish_cond_branch(base, start, field, &target);
      } else {
        jump_to(depth, start, field);
        finish_cond_branch(base, start, field, nullptr);
      }
      return;
    }
    // Values must move (or we return): skip over the moves when the condition is false.
    uint32_t start = emit_op(IOp::BrUnless);
    emit(cond);
    uint32_t field = here();
    emit(0);
    emit_branch(depth);
    bind_here();
    patch(field, start, here());
    open_block(false);
  }

  void do_br_table(const Instr& in) {
    uint32_t index = pop();
    const uint32_t count = static_cast<uint32_t>(in.targets.size());
    std::vector<uint32_t> depths(in.targets.begin(), in.targets.end());
    depths.push_back(in.index);
    uint32_t start = emit_op(iop(Op::BrTable));
    emit(index);
    emit(count);
    uint32_t table = here();
    for (uint32_t i = 0; i <= count; ++i) emit(0);
    std::vector<uint32_t> stubs;  // entries that need moves or a return
    for (uint32_t i = 0; i <= count; ++i) {
      if (is_func_label(depths[i]) || moves_needed(depths[i])) {
        stubs.push_back(i);
      } else {
        jump_to(depths[i], start, table + i);
      }
    }
    // One stub per distinct target depth.
    std::unordered_map<uint32_t, uint32_t> stub_at;
    for (uint32_t i : stubs) {
      auto it = stub_at.find(depths[i]);
      if (it == stub_at.end()) {
        bind_here();
        it = stub_at.emplace(depths[i], here()).first;
        emit_branch(depths[i]);
      }
      patch(table + i, start, it->second);
    }
  }

  void do_call(const FuncType& callee, IOp op, uint32_t a, uint32_t b, bool indirect) {
    uint32_t index = indirect ? pop() : 0;
    const uint32_t np = static_cast<uint32_t>(callee.params.size());
    const uint32_t nr = static_cast<uint32_t>(callee.results.size());
    for (size_t i = stack_.size() - np; i < stack_.size(); ++i) materialize(i);
    uint32_t base = temp(stack_.size() - np);
    stack_.resize(stack_.size() - np);
    emit_op(op);
    emit(a);
    if (indirect) emit(b);
    emit(base);
    if (indirect) emit(index);
    for (uint32_t i = 0; i < nr; ++i) push_temp();
    // The callee's frame starts at `base` and needs at least max(np, nr) slots there.
    if (stack_.size() + np > max_height_) max_height_ = static_cast<uint32_t>(stack_.size() + np);
  }

  void do_unary(Op op) {
    uint32_t src = pop();
    emit_op(iop(op));
    uint32_t field = here();
    emit(temp(stack_.size()));
    emit(src);
    result_at(field);
    if (op == Op::I32Eqz || op == Op::I64Eqz) note_cmp(op, field - kOpUnits, src, 0);
  }

  void do_binary(Op op) {
    uint32_t b = pop();
    uint32_t a = pop();
    const IOp ld = ld_binop(op);
    if (ld != IOp::Invalid && last_made(b, stack_.size() + 1) && last_op_ == ld_source(op)) {
      // b comes straight from a load: [dst][a][addr][offset]
      const uint32_t addr = last_a_, off = last_off_;
      code_.resize(static_cast<size_t>(last_start_));
      const uint32_t start = emit_op(ld);
      uint32_t field = here();
      emit(temp(stack_.size()));
      emit(a);
      emit(addr);
      emit(off);
      result_at(field);
      ldb_start_ = start;
      ldb_op_ = op;
      return;
    }
    // A store just before, then a pointer bump: <Store>_ThenAdd.
    if (op == Op::I32Add && intact(store_start_, iop(store_op_), kOpUnits + 3, here())) {
      if (const IOp fused = store_then_add(store_op_); fused != IOp::Invalid) {
        append_binop(store_start_, fused, a, b);
        return;
      }
    }
    // A binop just before: Pair_<A>_<B>.
    if (intact(pair_start_, iop(pair_op_), kOpUnits + 3, here())) {
      if (const IOp pair = binop_pair(pair_op_, op); pair != IOp::Invalid) {
        append_binop(pair_start_, pair, a, b);
        return;
      }
    }
    const uint32_t start = emit_op(iop(op));
    uint32_t field = here();
    emit(temp(stack_.size()));
    emit(a);
    emit(b);
    result_at(field);
    note_last(start, op, a, b, 0);
    pair_start_ = start;
    pair_op_ = op;
    if (fused_branch(op) != IOp::Invalid) note_cmp(op, field - kOpUnits, a, b);
    if (op == Op::I32Add || op == Op::I32Sub || op == Op::I64Add) {
      arith_start_ = start;
      arith_op_ = op;
    }
  }

  // The instruction `op` noted at `start` (`units` long) is still in place, unchanged
  // (no fusion rewrote it), and ends at `end`: the next instruction starts there, so no
  // jump target or other op lies between.
  bool intact(int64_t start, IOp op, uint32_t units, int64_t end) const {
    if (start < 0 || start + units != end) return false;
    const uint64_t h = handlers_[static_cast<uint32_t>(op)];
    const size_t s0 = static_cast<size_t>(start);
    return code_[s0] == static_cast<uint32_t>(h) && code_[s0 + 1] == static_cast<uint32_t>(h >> 32);
  }
  bool arith_ends_at(int64_t end) const {
    return intact(arith_start_, iop(arith_op_), kOpUnits + 3, end);
  }
  // Turns the instruction at `start` into `fused` by appending a binop's [d][a][b] to it
  // (a pair, or a store then add). The result is no single instruction any more, so no
  // later fusion may take it apart; its d can still be retargeted by a local.set.
  void append_binop(int64_t start, IOp fused, uint32_t a, uint32_t b) {
    set_handler(static_cast<uint32_t>(start), fused);
    store_start_ = -1;
    pair_start_ = -1;
    last_start_ = -1;
    last_cmp_start_ = -1;
    last_copy_start_ = -1;
    arith_start_ = -1;
    const uint32_t field = here();
    emit(temp(stack_.size()));
    emit(a);
    emit(b);
    result_at(field);
  }
  // Replaces the noted binop (and everything after it) by the arithmetic + branch op
  // `fused` (MIDIMON_ARITH_BRS): [d][a][b], then `c` when `with_c`. Returns its start.
  uint32_t emit_arith_branch(IOp fused, bool with_c, uint32_t c) {
    const size_t s0 = static_cast<size_t>(arith_start_);
    const uint32_t d = code_[s0 + kOpUnits], a = code_[s0 + kOpUnits + 1], b = code_[s0 + kOpUnits + 2];
    code_.resize(s0);
    const uint32_t start = emit_op(fused);
    emit(d);
    emit(a);
    emit(b);
    if (with_c) emit(c);
    arith_start_ = -1;
    return start;
  }

  void note_cmp(Op op, uint32_t start, uint32_t a, uint32_t b) {
    last_cmp_start_ = start;
    last_cmp_op_ = op;
    last_cmp_a_ = a;
    last_cmp_b_ = b;
  }

  void do_local_set(uint32_t x, bool tee) {
    uint32_t src = tee ? stack_.back() : pop();
    const size_t self = tee ? stack_.size() - 1 : stack_.size();
    if (last_dst_ >= 0 && src == temp(self) && !other_refs(x, self)) {
      // The producer writes straight into the local.
      code_[static_cast<size_t>(last_dst_)] = x;
      last_dst_ = -1;
      last_cmp_start_ = -1;
      if (tee) stack_.back() = x;
      return;
    }
    if (src == x) return;  // local.get x; local.set x
    materialize_local_refs(x);
    if (tee) src = stack_.back();
    emit_copy(x, src);
  }

  void push_const(uint64_t bits) {
    auto it = const_slots_.find(bits);
    if (it != const_slots_.end()) {
      push_slot(it->second);
      return;
    }
    emit_op(iop(Op::I64Const));
    uint32_t field = here();
    emit(temp(stack_.size()));
    emit(static_cast<uint32_t>(bits));
    emit(static_cast<uint32_t>(bits >> 32));
    result_at(field);
  }

  // A basic block starts here (code.h, "Sandbox instrumentation"): opens its Fuel charge,
  // and polls the deadline when `header` (function entry, loop header).
  void open_block(bool header) {
    fuel_field_ = -1;
    if (fuel_) {
      emit_op(header && deadline_ ? IOp::FuelPoll : IOp::Fuel);
      fuel_field_ = here();
      emit(0);
    } else if (header && deadline_) {
      emit_op(IOp::Poll);
    }
  }

  Result<void> collect_consts();
  Result<void> compile_body();
  Result<void> compile_instr(const Instr& in, bool* done);

  const bool fuel_;
  const bool deadline_;
  int64_t fuel_field_ = -1;  // cost field of the current block's Fuel op; -1: none/dead code
  // (taken-cost unit of a back-edge branch, its loop header's cost field): filled in
  // once the body is compiled and every block's cost is final.
  std::vector<std::pair<uint32_t, uint32_t>> back_fixups_;
  const ModuleInfo& m_;
  const FuncType& type_;
  const FuncBody& body_;
  const std::span<const Instr> instrs_;  // the body, decoded once (decoded_body.h)
  const uint64_t* handlers_;
  std::unique_ptr<CompiledFunc> out_;
  std::vector<uint32_t>& code_;

  uint32_t num_locals_ = 0;
  uint32_t temp_base_ = 0;
  uint32_t max_height_ = 0;
  std::vector<uint32_t> stack_;
  std::vector<Ctrl> ctrls_;
  std::unordered_map<uint64_t, uint32_t> const_slots_;
  int64_t last_dst_ = -1;        // dst field of the last instruction if it made the top temp
  int64_t last_cmp_start_ = -1;  // start of the last instruction if it is a fusable compare
  int64_t arith_start_ = -1;     // start of the last i32.add/i32.sub/i64.add (arith_ends_at)
  int64_t pair_start_ = -1;      // start of the last plain binop (may head a pair)
  int64_t store_start_ = -1;     // start of the last plain store (may take an i32.add)
  Op store_op_ = Op::Nop;
  int64_t ldb_start_ = -1;       // start of the last <Binop>_Ld (may be stored: <Store>_<Binop>_Ld)
  Op ldb_op_ = Op::Nop;
  Op pair_op_ = Op::Nop;
  Op arith_op_ = Op::Nop;
  int64_t last_start_ = -1;      // start of the last binop or load (see last_made)
  Op last_op_ = Op::Nop;
  uint32_t last_a_ = 0, last_b_ = 0, last_off_ = 0;
  uint32_t last_copy_count_ = 0;  // copies in the instruction at last_copy_start_
  int64_t last_copy_start_ = -1;  // start of the last instruction if it is a Copy
  Op last_cmp_op_ = Op::Nop;
  uint32_t last_cmp_a_ = 0, last_cmp_b_ = 0;
};

uint64_t const_bits(const Instr& in) {
  switch (in.op) {
    case Op::I32Const:
    case Op::F32Const:
      return in.value & 0xffffffffu;
    case Op::RefNull:
      return 0;
    default:
      return in.value;
  }
}

bool is_const_op(Op op) {
  return op == Op::I32Const || op == Op::I64Const || op == Op::F32Const || op == Op::F64Const ||
         op == Op::RefNull;
}

Result<void> Compiler::collect_consts() {
  std::vector<uint64_t> order;
  std::unordered_map<uint64_t, uint32_t> counts;
  for (const Instr& in : instrs_) {
    if (!is_const_op(in.op)) continue;
    uint64_t bits = const_bits(in);
    if (counts[bits]++ == 0) order.push_back(bits);
  }
  // Constants used most often get slots; the rest are materialised where used.
  std::stable_sort(order.begin(), order.end(),
                   [&](uint64_t a, uint64_t b) { return counts[a] > counts[b]; });
  if (order.size() > kMaxConsts) order.resize(kMaxConsts);
  for (uint64_t bits : order) {
    const_slots_.emplace(bits, out_->ctl_slot + kCtlSlots + static_cast<uint32_t>(out_->const_pool.size()));
    out_->const_pool.push_back(Value::from_f64_bits(bits));
  }
  return {};
}

Result<std::unique_ptr<CompiledFunc>> Compiler::run() {
  const uint32_t np = static_cast<uint32_t>(type_.params.size());
  const uint32_t nr = static_cast<uint32_t>(type_.results.size());
  num_locals_ = np + body_.num_locals;
  out_->num_params = np;
  out_->num_locals = num_locals_;
  out_->num_results = nr;
  out_->ctl_slot = std::max(num_locals_, nr);
  WASM_TRY(collect_consts());
  out_->num_consts = static_cast<uint32_t>(out_->const_pool.size());
  temp_base_ = out_->ctl_slot + kCtlSlots + out_->num_consts;

  Ctrl f;
  f.kind = Op::End;
  f.nresults = nr;
  ctrls_.push_back(f);
  open_block(true);
  WASM_TRY(compile_body());
  for (auto [unit, field] : back_fixups_) out_->code[unit] = out_->code[field];

  out_->frame_size = temp_base_ + max_height_;
  out_->entry = out_->code.data();
  out_->consts = out_->const_pool.data();
  return std::move(out_);
}

Result<void> Compiler::compile_body() {
  uint32_t skip_depth = 0;  // nesting inside unreachable code
  for (const Instr& in : instrs_) {
    if (ctrls_.back().unreachable) {
      switch (in.op) {
        case Op::Block:
        case Op::Loop:
        case Op::If:
          ++skip_depth;
          continue;
        case Op::Else:
          if (skip_depth > 0) continue;
          break;
        case Op::End:
          if (skip_depth > 0) {
            --skip_depth;
            continue;
          }
          break;
        default:
          continue;
      }
    }
    if (fuel_field_ >= 0) ++code_[static_cast<size_t>(fuel_field_)];
    bool done = false;
    WASM_TRY(compile_instr(in, &done));
    if (done) break;
  }
  return {};
}

Result<void> Compiler::compile_instr(const Instr& in, bool* done) {
  const Op op = in.op;
  switch (op) {
    case Op::Unreachable:
      emit_op(iop(Op::Unreachable));
      set_unreachable();
      return {};
    case Op::Nop:
      return {};
    case Op::Block:
    case Op::Loop:
      enter_block(op, in.block, 0);
      return {};
    case Op::If: {
      uint32_t cond = pop();
      enter_block(op, in.block, cond);
      return {};
    }
    case Op::Else:
      do_else();
      return {};
    case Op::End:
      *done = do_end();
      return {};
    case Op::Br:
      emit_branch(in.index);
      set_unreachable();
      return {};
    case Op::BrIf:
      do_br_if(in.index);
      return {};
    case Op::BrTable:
      do_br_table(in);
      set_unreachable();
      return {};
    case Op::Return:
      emit_return();
      set_unreachable();
      return {};
    case Op::Call:
      do_call(m_.func_type(in.index), iop(Op::Call), in.index, 0, false);
      return {};
    case Op::CallIndirect:
      do_call(m_.types[in.index], iop(Op::CallIndirect), in.index, in.index2, true);
      return {};
    case Op::Drop:
      pop();
      return {};
    case Op::Select:
    case Op::SelectT: {
      uint32_t c = pop(), b = pop(), a = pop();
      emit_op(iop(Op::Select));
      uint32_t field = here();
      emit(temp(stack_.size()));
      emit(a);
      emit(b);
      emit(c);
      result_at(field);
      return {};
    }
    case Op::LocalGet:
      push_slot(in.index);
      return {};
    case Op::LocalSet:
      do_local_set(in.index, false);
      return {};
    case Op::LocalTee:
      do_local_set(in.index, true);
      return {};
    case Op::GlobalGet: {
      emit_op(iop(op));
      uint32_t field = here();
      emit(temp(stack_.size()));
      emit(in.index);
      result_at(field);
      return {};
    }
    case Op::GlobalSet: {
      uint32_t v = pop();
      emit_op(iop(op));
      emit(v);
      emit(in.index);
      return {};
    }
    case Op::TableGet: {
      uint32_t i = pop();
      emit_op(iop(op));
      uint32_t field = here();
      emit(temp(stack_.size()));
      emit(i);
      emit(in.index);
      result_at(field);
      return {};
    }
    case Op::TableSet: {
      uint32_t v = pop(), i = pop();
      emit_op(iop(op));
      emit(i);
      emit(v);
      emit(in.index);
      return {};
    }
    case Op::I32Const:
    case Op::I64Const:
    case Op::F32Const:
    case Op::F64Const:
    case Op::RefNull:
      push_const(const_bits(in));
      return {};
    case Op::RefFunc: {
      emit_op(iop(op));
      uint32_t field = here();
      emit(temp(stack_.size()));
      emit(in.index);
      result_at(field);
      return {};
    }
    case Op::RefIsNull:
      do_unary(op);
      return {};
    case Op::MemorySize: {
      emit_op(iop(op));
      uint32_t field = here();
      emit(temp(stack_.size()));
      result_at(field);
      return {};
    }
    case Op::MemoryGrow:
      do_unary(op);
      return {};
    case Op::MemoryInit:
    case Op::MemoryCopy:
    case Op::MemoryFill: {
      uint32_t n = pop(), s = pop(), d = pop();
      emit_op(iop(op));
      emit(d);
      emit(s);
      emit(n);
      if (op == Op::MemoryInit) emit(in.index);
      return {};
    }
    case Op::DataDrop:
    case Op::ElemDrop:
      emit_op(iop(op));
      emit(in.index);
      return {};
    case Op::TableInit:
    case Op::TableCopy: {
      uint32_t n = pop(), s = pop(), d = pop();
      emit_op(iop(op));
      emit(d);
      emit(s);
      emit(n);
      emit(in.index);
      emit(in.index2);
      return {};
    }
    case Op::TableGrow: {
      uint32_t n = pop(), init = pop();
      emit_op(iop(op));
      uint32_t field = here();
      emit(temp(stack_.size()));
      emit(init);
      emit(n);
      emit(in.index);
      result_at(field);
      return {};
    }
    case Op::TableSize: {
      emit_op(iop(op));
      uint32_t field = here();
      emit(temp(stack_.size()));
      emit(in.index);
      result_at(field);
      return {};
    }
    case Op::TableFill: {
      uint32_t n = pop(), v = pop(), i = pop();
      emit_op(iop(op));
      emit(i);
      emit(v);
      emit(n);
      emit(in.index);
      return {};
    }
    default:
      break;
  }
  const OpInfo& info = op_info(op);
  if (info.imm == ImmKind::MemArg) {
    // Memory offsets are u32 in memory32, so they fit one unit.
    const uint32_t offset = static_cast<uint32_t>(in.value);
    if (info.sig == Sig::II_V || info.sig == Sig::IL_V || info.sig == Sig::IF_V ||
        info.sig == Sig::ID_V) {
      uint32_t v = pop(), addr = pop();
      const IOp st_ld = store_ld_binop(op, ldb_op_);
      if (st_ld != IOp::Invalid && intact(ldb_start_, ld_binop(ldb_op_), kOpUnits + 4, here()) &&
          last_dst_ == ldb_start_ + kOpUnits && v == temp(stack_.size() + 1)) {
        // The stored value is a fresh <Binop>_Ld result: [addr][a][laddr][loffset][offset]
        const size_t s0 = static_cast<size_t>(ldb_start_);
        const uint32_t a = code_[s0 + kOpUnits + 1], laddr = code_[s0 + kOpUnits + 2],
                       loff = code_[s0 + kOpUnits + 3];
        code_.resize(s0);
        emit_op(st_ld);
        emit(addr);
        emit(a);
        emit(laddr);
        emit(loff);
        emit(offset);
        ldb_start_ = -1;
        return {};
      }
      const IOp st = store_binop(op, last_op_);
      if (st != IOp::Invalid && last_made(v, stack_.size() + 1)) {
        // The stored value is a binop's fresh result: [addr][a][b][offset]
        const uint32_t a = last_a_, b = last_b_;
        code_.resize(static_cast<size_t>(last_start_));
        emit_op(st);
        emit(addr);
        emit(a);
        emit(b);
        emit(offset);
        return {};
      }
      const uint32_t start = emit_op(iop(op));
      emit(addr);
      emit(v);
      emit(offset);
      store_start_ = start;
      store_op_ = op;
    } else {
      uint32_t addr = pop();
      if (last_made(addr, stack_.size()) && last_op_ == Op::I32Add) {
        // The address is a fresh i32.add: [dst][a][b][offset]
        const uint32_t a = last_a_, b = last_b_;
        code_.resize(static_cast<size_t>(last_start_));
        emit_op(load_add(op));
        uint32_t field = here();
        emit(temp(stack_.size()));
        emit(a);
        emit(b);
        emit(offset);
        result_at(field);
        return {};
      }
      const uint32_t start = emit_op(iop(op));
      uint32_t field = here();
      emit(temp(stack_.size()));
      emit(addr);
      emit(offset);
      result_at(field);
      note_last(start, op, addr, 0, offset);
    }
    return {};
  }
  if (is_unary(info.sig)) {
    do_unary(op);
    return {};
  }
  if (is_binary(info.sig)) {
    do_binary(op);
    return {};
  }
  return Error{ErrorKind::Invalid, std::string("compiler: unsupported instruction ") + info.name,
               in.offset, ""};
}

}  // namespace

Result<std::unique_ptr<CompiledFunc>> compile_function(const Engine& engine, const ModuleInfo& module,
                                                       uint32_t func_index,
                                                       const DecodedBody& decoded) {
  Compiler c(engine, module, func_index, decoded);
  return c.run();
}

void destroy_compiled_func(CompiledFunc* f) { delete f; }

}  // namespace midimon::wasm
