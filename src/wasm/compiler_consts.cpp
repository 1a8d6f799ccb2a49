// Compiler, constants: which constants are carried in the instruction and which get a
// slot of the pool that every call copies into its frame (code.h). The profile of real
// programs (docs/performance.md) found 56-73 % of integer binops and compares with a
// constant operand, and the copy of the pool a third of a call's cost; so a constant is
// an immediate wherever an instruction can carry it, and only the constants still read
// from a slot are in the pool. See "constants" in compiler_internal.h.
#include "compiler_internal.h"

namespace midimon::wasm::compiler_detail {

using namespace peephole;

namespace {

bool is_i64_op(Op op) {
  switch (op) {
    case Op::I64Add: case Op::I64Sub: case Op::I64And: case Op::I64Or: case Op::I64Xor:
    case Op::I64Shl: case Op::I64ShrS: case Op::I64ShrU: case Op::I64Mul:
    case Op::I64Eq: case Op::I64Ne: case Op::I64LtS: case Op::I64LtU: case Op::I64GtS:
    case Op::I64GtU: case Op::I64LeS: case Op::I64LeU: case Op::I64GeS: case Op::I64GeU:
      return true;
    default:
      return false;
  }
}

bool is_binop(Op op) {
  switch (op_info(op).sig) {
    case Sig::II_I: case Sig::LL_L: case Sig::LL_I: case Sig::FF_F: case Sig::FF_I:
    case Sig::DD_D: case Sig::DD_I:
      return true;
    default:
      return false;
  }
}

// The loop-counter steps that MIDIMON_ARITH_BRS fuses with the branch after them.
bool is_arith_step(Op op) { return op == Op::I32Add || op == Op::I32Sub || op == Op::I64Add; }

}  // namespace

uint32_t Compiler::const_slot(uint64_t bits) {
  uint32_t& slot = const_slots_.at(bits);  // every virtual constant is eligible
  if (slot == kNoSlot) {
    slot = const_base_ + static_cast<uint32_t>(out_->const_pool.size());
    out_->const_pool.push_back(Value::from_f64_bits(bits));
  }
  return slot;
}

uint32_t Compiler::pop_addr(uint32_t* offset) {
  if (top_virtual()) {
    const uint64_t sum = (vconst_[stack_.size() - 1] & 0xffffffffu) + *offset;
    if (sum <= 0xffffffffu) {
      truncate(stack_.size() - 1);
      *offset = static_cast<uint32_t>(sum);
      return const_slot(0);  // always eligible (collect_consts)
    }
  }
  return pop();
}

bool Compiler::do_binary_imm(Op wasm_op) {
  const size_t n = stack_.size();
  Op op = wasm_op;
  uint64_t c = 0;
  bool swapped = false;
  if (stack_[n - 1] == kVirtualSlot) {
    c = vconst_[n - 1];
  } else if (stack_[n - 2] == kVirtualSlot) {
    // `c <op> b` is `b <op'> c` when op commutes (op' = op) or is a compare (mirrored).
    op = commuted(wasm_op);
    if (op == Op::Count_) return false;
    c = vconst_[n - 2];
    swapped = true;
  } else {
    return false;
  }
  Op eop = op;
  uint64_t imm = c;
  if (op == Op::I32Sub) {
    eop = Op::I32Add;
    imm = static_cast<uint32_t>(0u - static_cast<uint32_t>(c));
  } else if (op == Op::I64Sub) {
    eop = Op::I64Add;
    imm = 0 - c;
  }
  const IOp iop_imm = imm_binop(eop);
  if (iop_imm == IOp::Invalid) return false;
  // i64 immediates are 32 bits, sign-extended.
  if (is_i64_op(eop) && static_cast<int64_t>(imm) != static_cast<int32_t>(imm)) return false;
  // The second of a pair or the add of a <Store>_ThenAdd fuses with the instruction
  // before: one dispatch instead of two is worth the constant's slot.
  if (op == Op::I32Add && intact(store_start_, iop(store_op_), kOpUnits + 3, here()) &&
      store_then_add(store_op_) != IOp::Invalid) {
    return false;
  }
  if ((intact(pair_start_, iop(pair_op_), kOpUnits + 3, here()) &&
       binop_pair(pair_op_, op) != IOp::Invalid) ||
      imm_pair_ending_at(op, here()) != IOp::Invalid) {
    return false;
  }
  uint32_t a;
  if (swapped) {
    a = pop();
    truncate(stack_.size() - 1);  // the virtual constant
  } else {
    truncate(stack_.size() - 1);
    a = pop();
  }
  const uint32_t start = emit_op(iop_imm);
  const uint32_t field = here();
  emit(temp(stack_.size()));
  emit(a);
  emit(static_cast<uint32_t>(imm));
  result_at(field);
  // Noted as the plain op would be, with no b slot yet: every rule that would read it
  // demotes the instruction first (resolve_pending_imm), and the others check for the
  // plain op's handler (intact), which this is not.
  note_binary(op, start, a, kNoSlot);
  note_imm(start, op, c, iop_imm, iop(op), kOpUnits + 2);
  return true;
}

bool Compiler::store_imm(Op op, uint32_t offset) {
  const uint64_t c = vconst_[stack_.size() - 1];
  const IOp iop_imm = imm_store(op);
  if (iop_imm == IOp::Invalid) return false;
  // 64-bit stores need a constant that sign-extends from 32 bits; the others store
  // only the low bits.
  if ((op == Op::I64Store || op == Op::F64Store) && static_cast<int64_t>(c) != static_cast<int32_t>(c)) {
    return false;
  }
  truncate(stack_.size() - 1);  // the virtual constant
  uint32_t off = offset;
  const uint32_t addr = pop_addr(&off);
  const uint32_t start = emit_op(iop_imm);
  emit(addr);
  emit(static_cast<uint32_t>(c));
  emit(off);
  note_store(op, start);  // as the plain store: <Store>_ThenAdd demotes it first
  note_imm(start, op, c, iop_imm, iop(op), kOpUnits + 1);
  return true;
}

bool Compiler::return_imm() {
  const uint64_t bits = vconst_[stack_.size() - 1];
  truncate(stack_.size() - 1);
  emit_op(IOp::Ret1I);
  emit(static_cast<uint32_t>(bits));
  emit(static_cast<uint32_t>(bits >> 32));
  emit(out_->ctl_slot);
  return true;
}

void Compiler::note_imm(uint32_t start, Op op, uint64_t bits, IOp imm, IOp plain, uint32_t field) {
  imm_start_ = start;
  imm_op_ = op;
  imm_bits_ = bits;
  imm_iop_ = imm;
  imm_plain_ = plain;
  imm_field_ = field;
}

bool Compiler::imm_pending_at(int64_t start) const {
  return imm_start_ >= 0 && imm_start_ == start;
}

void Compiler::demote_imm() {
  const uint32_t s0 = static_cast<uint32_t>(imm_start_);
  const uint32_t slot = const_slot(imm_bits_);
  set_handler(s0, imm_plain_);
  code_[s0 + imm_field_] = slot;
  if (last_start_ == imm_start_) last_b_ = slot;
  if (last_cmp_start_ == imm_start_) last_cmp_b_ = slot;
  imm_start_ = -1;
}

void Compiler::resolve_pending_imm(Op next) {
  const size_t s0 = static_cast<size_t>(imm_start_);
  const uint64_t h = handlers_[static_cast<uint32_t>(imm_iop_)];
  // Both forms are kOpUnits + 3 units long (binops [d][a][b], stores [addr][v][offset]).
  if (here() != s0 + kOpUnits + 3 || code_[s0] != static_cast<uint32_t>(h) ||
      code_[s0 + 1] != static_cast<uint32_t>(h >> 32)) {
    imm_start_ = -1;  // no longer the last instruction: nothing fuses with it any more
    return;
  }
  const Op p = imm_op_;
  switch (next) {
    case Op::LocalGet:
    case Op::LocalSet:
    case Op::LocalTee:
    case Op::I32Const:
    case Op::I64Const:
    case Op::F32Const:
    case Op::F64Const:
    case Op::Nop:
      return;  // emit nothing (or retarget its result): decide at the next one
    case Op::BrIf:
    case Op::If:
      // A compare: the branch head takes it as BrIf_<cmp>_I (or demotes it itself).
      if (fused_branch(p) != IOp::Invalid) return;
      // <A>_BrIf, I32And_BrIf, and an if headed by an add, sub or and (compiler_fusion.cpp)
      // read the plain op's operands: one dispatch saved is worth the constant's slot.
      // (I32And keeps its constant: the I32AndI_* forms, MIDIMON_ARITH_IMM_BRS.)
      if (is_arith_step(p)) demote_imm();
      imm_start_ = -1;
      return;
    case Op::BrTable:
      if (p == Op::I32Sub) demote_imm();  // I32Sub_BrTable (a switch on x - first case)
      imm_start_ = -1;
      return;
    case Op::Br:
      if (p == Op::I32Add) demote_imm();  // I32Add_Br (an interpreter's pc++ and back)
      imm_start_ = -1;
      return;
    case Op::GlobalSet:
      // An add or sub of a constant keeps it: fuse_global_set takes the immediate form
      // (I32AddI_GlobalSet, GlobalGet_I32AddI_GlobalSet: a stack frame's size).
      imm_start_ = -1;
      return;
    default:
      break;
  }
  bool demote = false;
  if (is_binop(next)) {
    demote = (binop_pair(p, next) != IOp::Invalid &&                            // Pair_<P>_<next>
              imm_binop_pair(p, next) == IOp::Invalid) ||                       // (PairI keeps it)
             (is_arith_step(p) && fused_branch(next) != IOp::Invalid) ||        // <A>_<cmp> later
             (next == Op::I32Add && store_then_add(p) != IOp::Invalid);         // <Store>_ThenAdd
  } else if (next == Op::I32Eqz || next == Op::I64Eqz) {
    demote = is_arith_step(p);  // <A>_<W>Eqz later (I32And: I32AndI_I32Eqz, no slot)
  } else {
    demote = store_binop(next, p) != IOp::Invalid ||                            // <Store>_<P>
             (p == Op::I32Add && load_add(next) != IOp::Invalid &&             // <Load>_Add
              load_add_imm(next) == IOp::Invalid);                            // (else _AddI)
  }
  if (demote) {
    demote_imm();
  } else {
    imm_start_ = -1;
  }
}

bool Compiler::set_local_const(uint32_t x, bool tee) {
  // A run of copies just before: the constant's copy joins it (Copy2..4, one dispatch).
  if (last_copy_start_ >= 0) {
    settle();
    return false;
  }
  const uint64_t bits = vconst_[stack_.size() - 1];
  truncate(stack_.size() - 1);
  materialize_local_refs(x);
  const_start_ = emit_op(iop(Op::I64Const));  // [dst][lo][hi]: any scalar constant's bits
  emit(x);
  emit(static_cast<uint32_t>(bits));
  emit(static_cast<uint32_t>(bits >> 32));
  if (tee) push_slot(x);
  return true;
}

}  // namespace midimon::wasm::compiler_detail
