// Compiler, peephole: where the superinstructions of superinstructions.h are applied.
// The translation (compiler.cpp, compiler_control.cpp) emits each instruction plainly
// unless a fuse_* / emit_*_head here takes it together with the one just before; the
// note_* calls leave behind what the next instruction may fuse with. Every rule needs
// the earlier instruction intact and directly before (no jump target in between:
// bind_here() forgets everything), and its result a fresh temp read only by the later.
#include "compiler_internal.h"

namespace midimon::wasm::compiler_detail {

using namespace peephole;

bool Compiler::fuse_binary(Op op, uint32_t a, uint32_t b) {
  const IOp ld = ld_binop(op);
  // An integer op that commutes may take a load feeding its a as well (`*p + x`: b is a
  // local or a constant, so the load is still the last instruction; its dst field must
  // be a, as something may have been dropped since).
  const bool loaded_b = ld != IOp::Invalid && last_op_ == ld_source(op) &&
                        last_made(b, stack_.size() + 1);
  const bool loaded_a = ld != IOp::Invalid && last_op_ == ld_source(op) && !loaded_b &&
                        commuted(op) == op && last_made(a, stack_.size()) &&
                        code_[static_cast<size_t>(last_dst_)] == a;
  if (loaded_a) std::swap(a, b);
  if (loaded_b || loaded_a) {
    // b comes straight from a load: [dst][a][addr][offset]
    const uint32_t addr = last_a_, off = last_off_;
    // The load is the second half of a LdPair: the first goes back to a plain load.
    if (lpair_start_ >= 0 && last_start_ == lpair_start_ + kOpUnits + 3) {
      set_handler(static_cast<uint32_t>(lpair_start_), iop(lpair_op_));
    }
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
    return true;
  }
  // A store just before, then a pointer bump: <Store>_ThenAdd.
  if (op == Op::I32Add && intact(store_start_, iop(store_op_), kOpUnits + 3, here())) {
    if (const IOp fused = store_then_add(store_op_); fused != IOp::Invalid) {
      append_binop(store_start_, fused, a, b);
      return true;
    }
  }
  // A binop just before: Pair_<A>_<B>.
  if (intact(pair_start_, iop(pair_op_), kOpUnits + 3, here())) {
    if (const IOp pair = binop_pair(pair_op_, op); pair != IOp::Invalid) {
      const int64_t start = pair_start_;
      append_binop(pair_start_, pair, a, b);
      if (pair == IOp::Pair_I32Shl_I32Add) idx_start_ = start;
      return true;
    }
  }
  // ... or one with its constant in the instruction: PairI_<A>_<B>.
  if (const IOp pair = imm_pair_ending_at(op, here()); pair != IOp::Invalid) {
    const int64_t start = pair_start_;
    append_binop(pair_start_, pair, a, b);
    if (pair == IOp::PairI_I32Shl_I32Add) idx_start_ = start;
    return true;
  }
  return false;
}

void Compiler::note_binary(Op op, uint32_t start, uint32_t a, uint32_t b) {
  note_last(start, op, a, b, 0);
  pair_start_ = start;
  pair_op_ = op;
  if (fused_branch(op) != IOp::Invalid) note_cmp(op, start, a, b);
  if (op == Op::I32Add || op == Op::I32Sub || op == Op::I64Add || op == Op::I32And) {
    arith_start_ = start;
    arith_op_ = op;
  }
}

bool Compiler::fuse_store(Op op, uint32_t addr, uint32_t v, uint32_t offset) {
  if (fuse_store_idx(op, addr, v, offset)) return true;
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
    return true;
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
    return true;
  }
  return fuse_store_after_access(op, addr, v, offset);
}

bool Compiler::fuse_store_after_access(Op op, uint32_t addr, uint32_t v, uint32_t offset) {
  // The stored value is the fresh result of the plain load just before: Mv_<Load>_<Store>
  // (the load's [dst] dropped: nothing else reads it).
  const IOp mv = load_store(last_op_, op);
  if (mv != IOp::Invalid && last_made(v, stack_.size() + 1) &&
      intact(last_start_, iop(last_op_), kOpUnits + 3, here())) {
    const size_t s0 = static_cast<size_t>(last_start_);
    const uint32_t laddr = code_[s0 + kOpUnits + 1], loff = code_[s0 + kOpUnits + 2];
    code_.resize(s0);
    forget_load_fusions();
    emit_op(mv);
    emit(laddr);
    emit(loff);
    emit(addr);
    emit(offset);
    return true;
  }
  // A plain store just before: StPair_<A>_<B>.
  const IOp pair = store_pair(store_op_, op);
  if (pair != IOp::Invalid && intact(store_start_, iop(store_op_), kOpUnits + 3, here())) {
    set_handler(static_cast<uint32_t>(store_start_), pair);
    store_start_ = -1;
    emit(addr);
    emit(v);
    emit(offset);
    return true;
  }
  return false;
}

void Compiler::forget_load_fusions() {
  last_start_ = -1;
  last_dst_ = -1;
  load_start_ = -1;
  lpair_start_ = -1;
}

void Compiler::note_store(Op op, uint32_t start) {
  store_start_ = start;
  store_op_ = op;
}

bool Compiler::fuse_load(Op op, uint32_t addr, uint32_t offset) {
  if (fuse_load_idx(op, addr, offset)) return true;
  // Both fused forms below: [dst][a][b or imm][offset], the add's code already dropped.
  const auto emit_load_of_sum = [&](IOp fused, uint32_t a, uint32_t b_or_imm) {
    emit_op(fused);
    const uint32_t field = here();
    emit(temp(stack_.size()));
    emit(a);
    emit(b_or_imm);
    emit(offset);
    result_at(field);
  };
  if (last_made(addr, stack_.size()) && last_b_ == kNoSlot &&
      (last_op_ == Op::I32Add || last_op_ == Op::I32Sub) && load_add_imm(op) != IOp::Invalid &&
      intact(last_start_, IOp::I32Add_I, kOpUnits + 3, here())) {
    // The address is a fresh `a + c` (or `a - c`, emitted as the add of -c) with c in the
    // instruction, still pending (resolve_pending_imm kept it): [dst][a][imm][offset]
    const size_t s0 = static_cast<size_t>(last_start_);
    const uint32_t a = code_[s0 + kOpUnits + 1], imm = code_[s0 + kOpUnits + 2];
    code_.resize(s0);
    imm_start_ = -1;
    emit_load_of_sum(load_add_imm(op), a, imm);
    return true;
  }
  if (last_made(addr, stack_.size()) && last_op_ == Op::I32Add && last_b_ != kNoSlot) {
    // The address is a fresh i32.add: [dst][a][b][offset]
    const uint32_t a = last_a_, b = last_b_;
    code_.resize(static_cast<size_t>(last_start_));
    emit_load_of_sum(load_add(op), a, b);
    return true;
  }
  return fuse_load_pair(op, addr, offset) || fuse_load_after_store(op, addr, offset);
}

bool Compiler::idx_address(uint32_t addr, uint32_t other, uint32_t* base, uint32_t* index,
                           uint32_t* k, bool* tee) const {
  // The shift count k is the pair's constant: in the instruction (PairI) or in the pool.
  const bool k_imm = intact(idx_start_, IOp::PairI_I32Shl_I32Add, kOpUnits + 6, here());
  if (!k_imm && !intact(idx_start_, IOp::Pair_I32Shl_I32Add, kOpUnits + 6, here())) return false;
  const size_t s0 = static_cast<size_t>(idx_start_) + kOpUnits;
  const uint32_t d1 = code_[s0], a1 = code_[s0 + 1], b1 = code_[s0 + 2];
  const uint32_t d2 = code_[s0 + 3], a2 = code_[s0 + 4], b2 = code_[s0 + 5];
  // d2 is the address and, as a temp, read by nothing else; as a local (tee) the fused op
  // writes it too. d1 is a temp (not tee'd into a local) read only by the add, so the
  // fused op need not write it.
  const bool in_local = tee != nullptr && addr < temp_base_;
  if (tee != nullptr) *tee = in_local;
  if ((addr != temp(stack_.size()) && !in_local) || d2 != addr || d1 < temp_base_ ||
      d1 == other) {
    return false;
  }
  if ((a2 == d1) == (b2 == d1)) return false;
  if (k_imm) {
    *k = b1 & 31;
  } else {
    const uint32_t const_base = out_->ctl_slot + kCtlSlots;
    if (b1 < const_base || b1 >= const_base + out_->const_pool.size()) return false;
    *k = out_->const_pool[b1 - const_base].i32 & 31;
  }
  *base = a2 == d1 ? b2 : a2;
  *index = a1;
  return true;
}

bool Compiler::fuse_load_idx(Op op, uint32_t addr, uint32_t offset) {
  uint32_t base, index, k;
  bool tee = false;
  if (!idx_address(addr, UINT32_MAX, &base, &index, &k, &tee)) return false;
  if (tee && load_idx_tee(op) == IOp::Invalid) return false;
  code_.resize(static_cast<size_t>(idx_start_));
  idx_start_ = -1;
  emit_op(tee ? load_idx_tee(op) : load_idx(op));
  const uint32_t field = here();
  emit(temp(stack_.size()));
  emit(base);
  emit(index);
  emit(k);
  emit(offset);
  if (tee) emit(addr);  // the local the pair's add wrote
  result_at(field);
  return true;
}

bool Compiler::fuse_store_idx(Op op, uint32_t addr, uint32_t v, uint32_t offset) {
  const IOp fused = store_idx(op);
  uint32_t base, index, k;
  if (fused == IOp::Invalid || !idx_address(addr, v, &base, &index, &k)) return false;
  code_.resize(static_cast<size_t>(idx_start_));
  idx_start_ = -1;
  emit_op(fused);
  emit(base);
  emit(index);
  emit(k);
  emit(v);
  emit(offset);
  return true;
}

void Compiler::note_load(Op op, uint32_t start) {
  load_start_ = start;
  load_op_ = op;
}

bool Compiler::fuse_load_pair(Op op, uint32_t addr, uint32_t offset) {
  if (!intact(load_start_, iop(load_op_), kOpUnits + 3, here())) return false;
  const IOp fused = load_pair(load_op_, op);
  if (fused == IOp::Invalid) return false;
  const int64_t s0 = load_start_;
  load_start_ = -1;
  append_second_load(s0, load_op_, fused, op, addr, offset);
  return true;
}

bool Compiler::fuse_load_after_store(Op op, uint32_t addr, uint32_t offset) {
  const IOp fused = store_load(store_op_, op);
  if (fused == IOp::Invalid || !intact(store_start_, iop(store_op_), kOpUnits + 3, here())) {
    return false;
  }
  const int64_t s0 = store_start_;
  store_start_ = -1;
  append_second_load(s0, store_op_, fused, op, addr, offset);
  return true;
}

void Compiler::append_second_load(int64_t s0, Op first, IOp fused, Op op, uint32_t addr,
                                  uint32_t offset) {
  set_handler(static_cast<uint32_t>(s0), fused);
  last_cmp_start_ = -1;
  last_copy_start_ = -1;
  const uint32_t second = here();
  emit(temp(stack_.size()));
  emit(addr);
  emit(offset);
  result_at(second);
  // A binop reading this load's result may still take it as its <Binop>_Ld (fuse_binary
  // splits the pair again, the first access back to its plain op: a load or a store,
  // three units either way): the second half is noted as a load of its own.
  note_last(second, op, addr, 0, offset);
  lpair_start_ = s0;
  lpair_op_ = first;
}

int64_t Compiler::emit_sub_br_table(uint32_t index, IOp fused) {
  if (!arith_ends_at(here()) || arith_op_ != Op::I32Sub) return -1;
  const size_t s0 = static_cast<size_t>(arith_start_);
  if (index != temp(stack_.size()) || code_[s0 + kOpUnits] != index) return -1;
  const uint32_t a = code_[s0 + kOpUnits + 1], b = code_[s0 + kOpUnits + 2];
  code_.resize(s0);
  arith_start_ = -1;
  const uint32_t start = emit_op(fused);
  emit(a);
  emit(b);
  return start;
}

uint32_t Compiler::emit_jump(bool charges) {
  // The plain forms and their charging twins, in the order {plain, charging}.
  constexpr IOp kBr[] = {IOp::Br, IOp::Br_FB};
  constexpr IOp kAdd[] = {IOp::I32Add_Br, IOp::I32Add_Br_FB};
  constexpr IOp kCopy[] = {IOp::Copy_Br, IOp::Copy_Br_FB};
  constexpr IOp kCopy2[] = {IOp::Copy2_Br, IOp::Copy2_Br_FB};
  constexpr IOp kConst[] = {IOp::Const_Br, IOp::Const_Br_FB};
  const int form = charges ? 1 : 0;
  int64_t s0 = -1;
  IOp fused = IOp::Invalid;
  if (arith_ends_at(here()) && arith_op_ == Op::I32Add) {
    s0 = arith_start_;
    fused = kAdd[form];
  } else if (last_copy_start_ >= 0 && last_copy_count_ <= 2) {
    s0 = last_copy_start_;
    fused = last_copy_count_ == 1 ? kCopy[form] : kCopy2[form];
  } else if (intact(const_start_, iop(Op::I64Const), kOpUnits + 3, here())) {
    s0 = const_start_;  // [dst][lo][hi], then the jump's fields
    fused = kConst[form];
  }
  uint32_t start;
  if (fused == IOp::Invalid) {
    start = emit_op(kBr[form]);
  } else {
    start = static_cast<uint32_t>(s0);
    set_handler(start, fused);
    bind_here();  // the fused op is no plain add or copy any more
  }
  emit(0);                // rel
  if (charges) emit(0);  // cost
  return start;
}

IOp Compiler::emit_if_arith_head(uint32_t cond, uint32_t* start) {
  if (arith_start_ < 0 || cond != temp(stack_.size())) return IOp::Invalid;
  const uint32_t d = code_[static_cast<size_t>(arith_start_) + kOpUnits];
  IOp fused = IOp::Invalid;
  bool with_c = false;
  uint32_t c = 0;
  // The branch goes to the else arm: taken when the condition is false.
  if (arith_ends_at(here()) && cond == d) {
    fused = arith_branch_op(arith_op_, Op::I32Eqz);
  } else if (and_imm_ends_at(here()) && cond == d) {
    fused = IOp::I32AndI_I32Eqz;
  } else if (last_cmp_start_ >= 0 && last_cmp_op_ == Op::I32Eqz && last_cmp_a_ == d &&
             and_imm_ends_at(last_cmp_start_)) {
    fused = IOp::I32AndI_BrIf;
  } else if (last_cmp_start_ >= 0 && arith_ends_at(last_cmp_start_)) {
    // A compare with a constant b (pending <cmp>_I: last_cmp_b_ is no slot yet) joins the
    // step only when it tests the step's result; its constant then goes to a slot, as in
    // emit_br_if_head. Otherwise emit_if_head makes it an If_<cmp>_I.
    if (imm_pending_at(last_cmp_start_)) {
      if (last_cmp_a_ != d) return IOp::Invalid;
      demote_imm();
    }
    const Op cmp = last_cmp_op_;
    if (cmp == Op::I32Eqz) {
      if (last_cmp_a_ == d) fused = arith_branch_op(arith_op_, Op::BrIf);
    } else if (cmp != Op::I64Eqz) {
      const Op neg = negate_cmp(cmp);
      with_c = true;
      if (last_cmp_a_ == d) {
        fused = arith_branch_op(arith_op_, neg);
        c = last_cmp_b_;
      } else if (last_cmp_b_ == d) {
        fused = arith_branch_op(arith_op_, mirror_cmp(neg));
        c = last_cmp_a_;
      }
    }
  }
  if (fused == IOp::Invalid) return IOp::Invalid;
  *start = emit_arith_branch(fused, with_c, c);
  return fused;
}

bool Compiler::fuse_global_set(uint32_t v, uint32_t global) {
  // The constant in the instruction (I32Add_I: [d][a][imm]) or in a slot ([d][a][b]).
  const bool imm = add_imm_ends_at(here());
  if (!imm && (!arith_ends_at(here()) || (arith_op_ != Op::I32Add && arith_op_ != Op::I32Sub))) {
    return false;
  }
  const size_t s0 = static_cast<size_t>(arith_start_);
  const uint32_t d = code_[s0 + kOpUnits], a = code_[s0 + kOpUnits + 1], b = code_[s0 + kOpUnits + 2];
  if (d != v) return false;
  arith_start_ = -1;
  // a is the fresh temp of a global.get of the same global right before (read only by
  // the sub, so the fused op need not write it). The immediate form of a sub is an add.
  if ((imm || (arith_op_ == Op::I32Sub && a != b)) && a >= temp_base_ &&
      intact(gget_start_, iop(Op::GlobalGet), kOpUnits + 2, static_cast<int64_t>(s0))) {
    const size_t g0 = static_cast<size_t>(gget_start_);
    if (code_[g0 + kOpUnits] == a && code_[g0 + kOpUnits + 1] == global) {
      code_.resize(g0);
      emit_op(imm ? IOp::GlobalGet_I32AddI_GlobalSet : IOp::GlobalGet_I32Sub_GlobalSet);
      emit(d);
      emit(global);
      emit(b);  // the slot, or the immediate
      return true;
    }
  }
  code_.resize(s0);
  if (imm) {
    emit_op(IOp::I32AddI_GlobalSet);
    emit(d);
    emit(a);
    emit(b);  // the immediate
    emit(global);
    return true;
  }
  emit_op(arith_op_ == Op::I32Add ? IOp::I32Add_GlobalSet : IOp::I32Sub_GlobalSet);
  emit(d);
  emit(a);
  emit(b);
  emit(global);
  return true;
}

IOp Compiler::emit_load_branch(uint32_t cond, LoadBr c, uint32_t imm, uint32_t* start) {
  // A temp at or above the stack's height is dead once the branch has read it (a
  // constant pushed before the load puts the load's temp one above the compare's).
  if (cond < temp(stack_.size()) || !intact(load_start_, iop(load_op_), kOpUnits + 3, here())) {
    return IOp::Invalid;
  }
  const IOp fused = load_branch(load_op_, c);
  const size_t s0 = static_cast<size_t>(load_start_);
  // [h][dst][addr][offset]: the value's only reader is this branch (a dead temp; a
  // local.tee would have retargeted dst to the local).
  if (fused == IOp::Invalid || code_[s0 + kOpUnits] != cond) return IOp::Invalid;
  const uint32_t addr = code_[s0 + kOpUnits + 1], offset = code_[s0 + kOpUnits + 2];
  code_.resize(s0);
  load_start_ = -1;
  last_dst_ = -1;
  *start = emit_op(fused);
  emit(addr);
  emit(offset);
  if (c == LoadBr::EqI || c == LoadBr::NeI) emit(imm);
  return fused;
}

IOp Compiler::emit_br_if_head(uint32_t cond, uint32_t* start) {
  const bool fusable = last_cmp_start_ >= 0 && cond == temp(stack_.size());
  IOp base;
  const bool unary_cmp = fusable && (last_cmp_op_ == Op::I32Eqz || last_cmp_op_ == Op::I64Eqz);
  // A counter step right before the test: `d = a + b; br_if (d <cmp> c)`.
  const uint32_t arith_d =
      arith_start_ >= 0 ? code_[static_cast<size_t>(arith_start_) + kOpUnits] : 0;
  IOp arith_fused = IOp::Invalid;
  uint32_t arith_c = 0;
  if (fusable && imm_pending_at(last_cmp_start_)) {
    // A compare with a constant b: BrIf_<cmp>_I, unless a counter step before it makes
    // the compare the middle of an <A>_<cmp> (then its constant goes to a slot).
    if (arith_ends_at(last_cmp_start_) && last_cmp_a_ == arith_d) {
      demote_imm();
    } else {
      const size_t s0 = static_cast<size_t>(last_cmp_start_);
      const Op op = last_cmp_op_;
      const uint32_t a = last_cmp_a_, imm = code_[s0 + kOpUnits + 2];
      imm_start_ = -1;
      code_.resize(s0);
      if (op == Op::I32Eq || op == Op::I32Ne) {
        const IOp fused = emit_load_branch(a, op == Op::I32Eq ? LoadBr::EqI : LoadBr::NeI, imm, start);
        if (fused != IOp::Invalid) return fused;
      }
      base = imm_branch(op);
      *start = emit_op(base);
      emit(a);
      emit(imm);
      return base;
    }
  }
  if (fusable && last_cmp_op_ == Op::I32Eqz && last_cmp_a_ == arith_d &&
      and_imm_ends_at(last_cmp_start_)) {
    arith_fused = IOp::I32AndI_I32Eqz;  // the flag test's mask in the instruction
  } else if (!fusable && and_imm_ends_at(here()) && cond == arith_d) {
    arith_fused = IOp::I32AndI_BrIf;
  } else if (fusable && arith_ends_at(last_cmp_start_)) {
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
    *start = emit_arith_branch(arith_fused, fusable && !unary_cmp, arith_c);
  } else if (fusable) {
    Op op = last_cmp_op_;
    uint32_t a = last_cmp_a_, b = last_cmp_b_;
    code_.resize(static_cast<size_t>(last_cmp_start_));
    if (op == Op::I32Eqz) {
      if (const IOp fused = emit_load_branch(a, LoadBr::Z, 0, start); fused != IOp::Invalid) {
        return fused;
      }
    }
    base = fused_branch(op);
    *start = emit_op(base);
    emit(a);
    if (op != Op::I32Eqz && op != Op::I64Eqz) emit(b);
  } else if (const IOp fused = emit_load_branch(cond, LoadBr::Nz, 0, start);
             fused != IOp::Invalid) {
    return fused;
  } else {
    base = iop(Op::BrIf);
    *start = emit_op(base);
    emit(cond);
  }
  return base;
}

IOp Compiler::emit_if_head(uint32_t cond, uint32_t* start) {
  if (const IOp fused = emit_if_arith_head(cond, start); fused != IOp::Invalid) return fused;
  IOp base;
  if (last_cmp_start_ >= 0 && cond == temp(stack_.size())) {
    Op op = last_cmp_op_;
    uint32_t a = last_cmp_a_, b = last_cmp_b_;
    const bool imm = imm_pending_at(last_cmp_start_);  // b is the constant in the compare
    if (imm) {
      b = code_[static_cast<size_t>(last_cmp_start_) + kOpUnits + 2];
      imm_start_ = -1;
    }
    code_.resize(static_cast<size_t>(last_cmp_start_));
    // The branch skips the `then` arm: taken when the condition is false.
    const IOp from_load =
        imm && (op == Op::I32Eq || op == Op::I32Ne)
            ? emit_load_branch(a, op == Op::I32Eq ? LoadBr::NeI : LoadBr::EqI, b, start)
        : op == Op::I32Eqz ? emit_load_branch(a, LoadBr::Nz, 0, start)
                           : IOp::Invalid;
    if (from_load != IOp::Invalid) {
      base = from_load;
    } else if (imm) {
      base = imm_branch(negate_cmp(op));
      *start = emit_op(base);
      emit(a);
      emit(b);
    } else if (op == Op::I32Eqz || op == Op::I64Eqz) {
      base = op == Op::I32Eqz ? iop(Op::BrIf) : IOp::BrIfI64Nez;
      *start = emit_op(base);
      emit(a);
    } else {
      base = fused_branch(negate_cmp(op));
      *start = emit_op(base);
      emit(a);
      emit(b);
    }
  } else if (const IOp fused = emit_load_branch(cond, LoadBr::Z, 0, start);
             fused != IOp::Invalid) {
    base = fused;
  } else {
    base = IOp::BrUnless;
    *start = emit_op(base);
    emit(cond);
  }
  return base;
}

void Compiler::emit_copy(uint32_t dst, uint32_t src) {
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

void Compiler::append_binop(int64_t start, IOp fused, uint32_t a, uint32_t b) {
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

uint32_t Compiler::emit_arith_branch(IOp fused, bool with_c, uint32_t c) {
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

}  // namespace midimon::wasm::compiler_detail
