// Compiler: one validated function body -> internal code (code.h). This file is the
// translation of each wasm instruction (compile_instr and the do_* it calls); control
// flow is in compiler_control.cpp, superinstruction fusion in compiler_fusion.cpp, and
// the class and its model of the operand stack in compiler_internal.h.
#include <algorithm>
#include <unordered_map>
#include <utility>
#include <vector>

#include "compiler_internal.h"
#include "jit_stub.h"
#include "opcodes_simd.h"

namespace midimon::wasm::compiler_detail {
namespace {

constexpr uint32_t kMaxConsts = 256;  // per-function constant slots copied on each call

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

}  // namespace

Result<void> Compiler::collect_consts() {
  std::vector<uint64_t> order;
  std::unordered_map<uint64_t, uint32_t> counts;
  using V128Bits = std::pair<uint64_t, uint64_t>;
  std::vector<V128Bits> v128_order;
  std::map<V128Bits, uint32_t> v128_counts;
  for (const Instr& in : instrs_) {
    if (in.op == Op::V128Const) {
      if (v128_counts[{in.value, in.value2}]++ == 0) v128_order.emplace_back(in.value, in.value2);
      continue;
    }
    if (!is_const_op(in.op)) continue;
    uint64_t bits = const_bits(in);
    if (counts[bits]++ == 0) order.push_back(bits);
  }
  // Constants used most often get slots; the rest are materialised where used.
  std::stable_sort(order.begin(), order.end(),
                   [&](uint64_t a, uint64_t b) { return counts[a] > counts[b]; });
  if (order.size() > kMaxConsts) order.resize(kMaxConsts);
  // Their slots are reserved here (the temps start after them) but allocated densely in
  // order of first use (const_slot), so only used ones are copied into each frame.
  uint32_t reserved = 0;
  for (uint64_t bits : order) {
    const_slots_.emplace(bits, kNoSlot);
    ++reserved;
  }
  // Zero is the base of every constant address folded into a load's or store's offset.
  if (const_slots_.emplace(0, kNoSlot).second) ++reserved;
  // v128 constants take two adjacent slots each, after the scalar ones and within the
  // same budget (so a function without SIMD gets exactly the pool it had before).
  std::stable_sort(v128_order.begin(), v128_order.end(),
                   [&](const V128Bits& a, const V128Bits& b) { return v128_counts[a] > v128_counts[b]; });
  for (const V128Bits& v : v128_order) {
    if (reserved + 2 > kMaxConsts) break;
    v128_const_slots_.emplace(v, kNoSlot);
    reserved += 2;
  }
  const_base_ = out_->ctl_slot + kCtlSlots;
  temp_base_ = const_base_ + reserved;
  return {};
}

// Locals are numbered by index, slots by position: they differ once a v128 (two slots)
// comes before another local. Without v128 locals both tables stay empty (identity).
void Compiler::map_locals() {
  bool any_v128 = false;
  for (ValType t : type_.params) any_v128 |= t == ValType::V128;
  for (const LocalGroup& g : body_.locals) any_v128 |= g.type == ValType::V128 && g.count > 0;
  const uint32_t n = static_cast<uint32_t>(type_.params.size()) + body_.num_locals;
  if (!any_v128) {
    num_locals_ = n;
    order_zeroed_locals();
    return;
  }
  local_slots_.reserve(n);
  local_wide_.reserve(n);
  uint32_t slot = 0;
  auto add = [&](ValType t) {
    local_slots_.push_back(slot);
    local_wide_.push_back(t == ValType::V128);
    slot += slot_count(t);
  };
  for (ValType t : type_.params) add(t);
  for (const LocalGroup& g : body_.locals) {
    for (uint32_t i = 0; i < g.count; ++i) add(g.type);
  }
  num_locals_ = slot;
  zero_end_ = slot;  // with v128 locals every declared local is zeroed (no reordering)
}

// Wasm starts declared locals at zero, but the call sequence need not zero one that is
// always written before it is read: one set (or tee) sitting directly in a block, loop
// or if arm (not nested deeper), before any get of it in code order that is not also
// inside that construct after the set. Code between such a set and the end of its
// construct runs only after it: branches land at the ends of blocks (a nested block that
// starts after the set ends after it; the construct's own end closes the cover) or at
// loop heads (a nested loop after the set starts after it; an enclosing loop's head is
// before the set, and the way back to the code after the set passes through the set
// again). An if's else arm is a construct of its own. A set in the function's top level
// covers the rest of the body. The locals that do need zeroing get the slots right after
// the parameters, so the call zeroes one short range.
void Compiler::order_zeroed_locals() {
  const uint32_t np = static_cast<uint32_t>(type_.params.size());
  const uint32_t n = num_locals_;
  zero_end_ = n;
  if (n == np) return;
  // A construct is identified by its depth and a serial number (an else arm gets a new
  // one); cover[x] is the construct whose set of local x covers its reads, which holds
  // while that construct is still open: cover.depth <= depth and serial[cover.depth]
  // still its number. No list to undo at each end: the scan runs over every instruction
  // of every function compiled, so it must cost little more than a pass.
  struct Cover {
    uint32_t depth, serial;
  };
  constexpr uint32_t kOpen = UINT32_MAX;       // no set yet (or its construct ended)
  constexpr uint32_t kNeeds = UINT32_MAX - 1;  // read uncovered: zeroed (final)
  std::vector<Cover> cover(n, Cover{kOpen, 0});
  for (uint32_t i = 0; i < np; ++i) cover[i].depth = kNeeds;  // parameters: never zeroed
  std::vector<uint32_t> serial(1, 0);
  uint32_t depth = 0, next_serial = 0;
  uint32_t undecided = n - np;  // neither zeroed nor covered at the top level (for good)
  auto covered = [&](const Cover& c) { return c.depth <= depth && serial[c.depth] == c.serial; };
  // Returns as soon as every local is decided (checked only where that changes, so the
  // other instructions cost a load and a compare).
  auto scan = [&] {
    for (const Instr& in : instrs_) {
      switch (in.op) {
        case Op::Block: case Op::Loop: case Op::If:
          if (++depth == serial.size()) serial.push_back(0);
          serial[depth] = ++next_serial;
          break;
        case Op::Else:
          serial[depth] = ++next_serial;
          break;
        case Op::End:
          if (depth > 0) --depth;
          break;
        case Op::LocalGet: {
          Cover& c = cover[in.index];
          if (c.depth != kNeeds && !covered(c)) {
            c.depth = kNeeds;
            if (--undecided == 0) return;
          }
          break;
        }
        case Op::LocalSet: case Op::LocalTee: {
          Cover& c = cover[in.index];
          if (c.depth != kNeeds && !covered(c)) {
            c = Cover{depth, serial[depth]};
            if (depth == 0 && --undecided == 0) return;
          }
          break;
        }
        default:
          break;
      }
    }
  };
  scan();
  uint32_t nz = 0;  // never read uncovered: never needs zeroing
  for (uint32_t i = np; i < n; ++i) nz += cover[i].depth == kNeeds;
  if (nz == n - np) return;  // all of them: identity
  local_slots_.resize(n);
  for (uint32_t i = 0; i < np; ++i) local_slots_[i] = i;
  uint32_t zeroed = np, written = np + nz;
  for (uint32_t i = np; i < n; ++i) local_slots_[i] = cover[i].depth == kNeeds ? zeroed++ : written++;
  zero_end_ = np + nz;
}

Result<std::unique_ptr<CompiledFunc>> Compiler::run() {
  const uint32_t np = slot_count(type_.params);
  const uint32_t nr = slot_count(type_.results);
  map_locals();
  out_->num_params = np;
  out_->num_locals = num_locals_;
  out_->num_results = nr;
  out_->ctl_slot = std::max(num_locals_, nr);
  WASM_TRY(collect_consts());

  Ctrl f;
  f.kind = Op::End;
  f.nresults = nr;
  f.results = type_.results;
  ctrls_.push_back(f);
  // The entry block: charged, never polled (calls see a deadline through their stack
  // check, code.h), so with fuel on its first op is always a plain Fuel (Call_F).
  open_block(false);
  entry_field_ = fuel_field_;
  WASM_TRY(compile_body());
  // Blocks paid at their exit leave the charges of their entries first, then the merged
  // brs (code.h): the charges that include their targets' costs.
  defer_before_fixups();
  std::stable_sort(cost_adds_.begin(), cost_adds_.end(),
                   [](const CostAdd& a, const CostAdd& b) { return a.pos > b.pos; });
  for (const CostAdd& a : cost_adds_) add_cost(a.field, cost_of(a.from));
  for (const CostFixup& f : back_fixups_) out_->code[f.unit] = cost_of(f.field);
  defer_after_fixups();

  out_->num_consts = static_cast<uint32_t>(out_->const_pool.size());
  // The call sequence copies the pool and zeroes the locals two slots at a time
  // (interpreter.cpp, do_call): the pool gets an even length, and the frame room for
  // the last pair of constants.
  if (out_->const_pool.size() % 2 != 0) out_->const_pool.push_back(Value{});
  out_->zero_end = zero_end_;
  out_->small_init =
      out_->zero_end - out_->num_params <= kSmallInit && out_->num_consts <= kSmallConsts;
  out_->frame_size = std::max(temp_base_ + max_height_,
                              const_base_ + static_cast<uint32_t>(out_->const_pool.size()));
  out_->entry = out_->code.data();
  out_->consts = out_->const_pool.data();
  if (fuel_) out_->entry_fuel = out_->code[kOpUnits];  // final: every fix-up is done
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
    if (defer_cand_.active && !fuel_pure(in.op)) defer_cand_.active = false;
    count_instr();
    bool done = false;
    WASM_TRY(compile_instr(in, &done));
    if (done) break;
  }
  return {};
}

// (compiler_consts.cpp has the rest of the constants' handling; this one is here to be
// inlined into compile_instr.)
bool Compiler::takes_virtual(Op op) {
  // Built once: the lookups below are switches and if-chains, and this runs for every
  // instruction compiled while a constant is pending.
  static const std::vector<uint8_t> table = [] {
    std::vector<uint8_t> t(static_cast<size_t>(Op::Count_), 0);
    for (size_t i = 0; i < t.size(); ++i) {
      const Op o = static_cast<Op>(i);
      t[i] = o == Op::I32Const || o == Op::I64Const || o == Op::F32Const || o == Op::F64Const ||
             o == Op::RefNull || o == Op::LocalGet || o == Op::LocalSet || o == Op::LocalTee ||
             o == Op::Drop || o == Op::I32Sub || o == Op::I64Sub || o == Op::Return ||
             o == Op::Call || o == Op::CallIndirect || peephole::imm_binop(o) != IOp::Invalid ||
             peephole::imm_store(o) != IOp::Invalid || peephole::load_add(o) != IOp::Invalid;
    }
    return t;
  }();
  return table[static_cast<size_t>(op)] != 0;
}

Result<void> Compiler::compile_instr(const Instr& in, bool* done) {
  const Op op = in.op;
  if (imm_start_ >= 0) resolve_pending_imm(op);
  // Only a const, a binop with an immediate form or local.set/tee may take a virtual
  // constant; for anything else it is in its slot.
  if (nvirt_ != 0 && !takes_virtual(op) && !(op == Op::End && ctrls_.size() == 1)) settle_all();
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
      emit_branch(in.index, true);
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
      if (top_virtual()) {
        truncate(stack_.size() - 1);  // a dropped constant needs no slot
        return {};
      }
      pop_value();
      forget_fresh_result();
      return {};
    case Op::Select:
    case Op::SelectT:
      do_select();
      return {};
    case Op::LocalGet:
      if (local_is_v128(in.index)) {
        push_v128(local_slot(in.index));
      } else {
        push_slot(local_slot(in.index));
      }
      return {};
    case Op::LocalSet:
      do_local_set(in.index, false);
      return {};
    case Op::LocalTee:
      do_local_set(in.index, true);
      return {};
    case Op::GlobalGet:
    case Op::GlobalSet:
      do_global(in);
      return {};
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
  if (is_simd(op)) {
    do_simd(in);
    return {};
  }
  const OpInfo& info = op_info(op);
  if (info.imm == ImmKind::MemArg) {
    do_memory(in);
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

void Compiler::do_memory(const Instr& in) {
  const Op op = in.op;
  // Every form emitted below (plain, fused, immediate) checks its bounds with MEM_CHECK
  // (interpreter.cpp), which is a deadline poll; nothing below binds a label.
  access_polled_ = true;
  const Sig sig = op_info(op).sig;
  // Memory offsets are u32 in memory32, so they fit one unit.
  const uint32_t offset = static_cast<uint32_t>(in.value);
  if (sig == Sig::II_V || sig == Sig::IL_V || sig == Sig::IF_V || sig == Sig::ID_V) {
    if (top_virtual() && store_imm(op, offset)) return;
    uint32_t off = offset;
    const uint32_t v = pop(), addr = pop_addr(&off);
    if (off != offset) {
      const uint32_t start = emit_op(iop(op));
      emit(addr);
      emit(v);
      emit(off);
      note_store(op, start);
      return;
    }
    if (fuse_store(op, addr, v, offset)) return;
    const uint32_t start = emit_op(iop(op));
    emit(addr);
    emit(v);
    emit(offset);
    note_store(op, start);
    return;
  }
  uint32_t off = offset;
  const uint32_t addr = pop_addr(&off);
  if (off != offset) {
    // A constant address: the plain load from the zero slot (nothing to fuse with).
    const uint32_t start = emit_op(iop(op));
    const uint32_t field = here();
    emit(temp(stack_.size()));
    emit(addr);
    emit(off);
    result_at(field);
    note_last(start, op, addr, 0, off);
    return;
  }
  if (fuse_load(op, addr, offset)) return;
  const uint32_t start = emit_op(iop(op));
  uint32_t field = here();
  emit(temp(stack_.size()));
  emit(addr);
  emit(offset);
  result_at(field);
  note_last(start, op, addr, 0, offset);
  note_load(op, start);
}

void Compiler::do_unary(Op op) {
  uint32_t src = pop();
  emit_op(iop(op));
  uint32_t field = here();
  emit(temp(stack_.size()));
  emit(src);
  result_at(field);
  if (op == Op::I32Eqz || op == Op::I64Eqz) note_cmp(op, field - kOpUnits, src, 0);
}

void Compiler::do_binary(Op op) {
  if (nvirt_ != 0 && do_binary_imm(op)) return;
  const uint32_t b = pop();
  const uint32_t a = pop();
  if (fuse_binary(op, a, b)) return;
  const uint32_t start = emit_op(iop(op));
  uint32_t field = here();
  emit(temp(stack_.size()));
  emit(a);
  emit(b);
  result_at(field);
  note_binary(op, start, a, b);
}

void Compiler::do_local_set(uint32_t index, bool tee) {
  if (local_is_v128(index)) {
    do_local_set_v128(index, tee);
    return;
  }
  const uint32_t x = local_slot(index);
  if (top_virtual() && set_local_const(x, tee)) return;
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

void Compiler::push_const(uint64_t bits) {
  if (const_slots_.count(bits) != 0) {
    push_virtual(bits);
    return;
  }
  const_start_ = emit_op(iop(Op::I64Const));
  uint32_t field = here();
  emit(temp(stack_.size()));
  emit(static_cast<uint32_t>(bits));
  emit(static_cast<uint32_t>(bits >> 32));
  result_at(field);
}

// A v128 local is two slots, x and x + 1; the value is the top two stack entries.
void Compiler::do_local_set_v128(uint32_t index, bool tee) {
  const uint32_t x = local_slot(index);
  const size_t self = stack_.size() - 2;
  const uint32_t src = stack_[self];
  if (!tee) truncate(self);
  if (last_dst_ >= 0 && src == temp(self) && !other_refs(x, self) && !other_refs(x + 1, self + 1)) {
    // The producer (a SIMD op writing both slots at its dst) writes into the local.
    code_[static_cast<size_t>(last_dst_)] = x;
    last_dst_ = -1;
    if (tee) {
      stack_[self] = x;
      stack_[self + 1] = x + 1;
    }
    return;
  }
  if (src == x) return;  // local.get x; local.set x
  materialize_local_refs(x);
  materialize_local_refs(x + 1);
  const uint32_t lo = tee ? stack_[self] : src;
  emit_copy(x, lo);
  emit_copy(x + 1, lo + 1);
}

// select: on scalars one Select; on a v128 one per half (the low half's result cannot
// clobber an operand of the high half's: it lands in the temp below them).
void Compiler::do_select() {
  const uint32_t c = pop();
  const bool v128 = top_is_v128();
  const uint32_t b = pop_value(), a = pop_value();
  const uint32_t dst = temp(stack_.size());
  uint32_t field = 0;
  for (uint32_t half = 0; half < (v128 ? 2u : 1u); ++half) {
    emit_op(iop(Op::Select));
    if (half == 0) field = here();
    emit(dst + half);
    emit(a + half);
    emit(b + half);
    emit(c);
  }
  if (v128) {
    push_temp_v128();  // two ops wrote it: no local.set may retarget their dst
  } else {
    result_at(field);
  }
}

void Compiler::do_global(const Instr& in) {
  const bool v128 = m_.globals[in.index].type == ValType::V128;
  if (in.op == Op::GlobalGet) {
    const uint32_t start = emit_op(v128 ? IOp::GlobalGetV128 : iop(Op::GlobalGet));
    if (!v128) gget_start_ = start;
    const uint32_t field = here();
    emit(temp(stack_.size()));
    emit(in.index);
    v128 ? result_v128_at(field) : result_at(field);
    return;
  }
  const uint32_t v = pop_value();
  if (!v128 && fuse_global_set(v, in.index)) return;
  emit_op(v128 ? IOp::GlobalSetV128 : iop(Op::GlobalSet));
  emit(v);
  emit(in.index);
}

void Compiler::push_const_v128(uint64_t lo, uint64_t hi) {
  auto it = v128_const_slots_.find({lo, hi});
  if (it != v128_const_slots_.end()) {
    settle();
    if (it->second == kNoSlot) {
      it->second = const_base_ + static_cast<uint32_t>(out_->const_pool.size());
      out_->const_pool.push_back(Value::from_i64(lo));
      out_->const_pool.push_back(Value::from_i64(hi));
    }
    push_v128(it->second);
    return;
  }
  // No constant slots left: two I64Const into the temps.
  const uint32_t dst = temp(stack_.size());
  emit_op(iop(Op::I64Const));
  emit(dst);
  emit(static_cast<uint32_t>(lo));
  emit(static_cast<uint32_t>(lo >> 32));
  emit_op(iop(Op::I64Const));
  emit(dst + 1);
  emit(static_cast<uint32_t>(hi));
  emit(static_cast<uint32_t>(hi >> 32));
  push_temp_v128();
}

}  // namespace midimon::wasm::compiler_detail

namespace midimon::wasm {

Result<std::unique_ptr<CompiledFunc>> compile_function(const Engine& engine, const ModuleInfo& module,
                                                       uint32_t func_index,
                                                       const DecodedBody& decoded) {
  JitCodePtr jit;
  if (jit_enabled(engine.config())) {
    // Machine code when the translator covers the function; else it is interpreted
    // (why not is of no use here).
    jit = jit_compile(module, func_index, decoded, engine.config(), nullptr);
    // Interpreted callers (functions with SIMD) enter the machine code through a stub,
    // at ~180 instructions a call more than running interpreted code; a small function
    // is compiled for the interpreter as well, which costs little, so that a SIMD loop
    // calling a small helper stays in the interpreter (jit_stub.h).
    if (jit && decoded.instrs().size() >= kJitStubMinInstrs) {
      return jit_stub(engine.config(), module.func_type(func_index), std::move(jit));
    }
  }
  compiler_detail::Compiler c(engine, module, func_index, decoded);
  auto out = c.run();
  if (out && jit) {
    (*out)->jit = jit_entry(*jit);
    (*out)->jit_code = std::move(jit);
  }
  return out;
}

void destroy_compiled_func(CompiledFunc* f) { delete f; }

}  // namespace midimon::wasm
