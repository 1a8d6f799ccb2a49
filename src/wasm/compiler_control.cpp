// Compiler, control flow: blocks, loops, ifs, branches (with the values they carry),
// br_table, calls and returns. Branch targets are patched when their label's end is
// reached; a back-edge to a loop charges/polls for the loop header itself (code.h,
// "Sandbox instrumentation").
#include <unordered_map>

#include "compiler_internal.h"

namespace midimon::wasm::compiler_detail {

using peephole::sandbox_branch;

int64_t Compiler::finish_cond_branch(IOp base, uint32_t start, uint32_t rel_field, const Ctrl* back) {
  int64_t taken_cost = -1;
  const uint32_t taken_unit = here();  // with fuel on, both ways below put it here
  if (back && (deadline_ || back->hdr_units > 0 || back->hdr_field >= 0)) {
    // Deadline only and an access polled already: the plain branch stays.
    if (fuel_ || back_polls()) set_handler(start, sandbox_branch(base, back_variant()));
    patch(rel_field, start, back->loop_start + back->hdr_units);
    if (fuel_) {
      back_fixups_.push_back({here(), static_cast<uint32_t>(back->hdr_field), start});
      emit(0);
    }
  } else if (!back && fuel_) {
    // Forward: charges its target when taken (jump_to fills the unit in, with no poll:
    // only loop headers poll).
    set_handler(start, sandbox_branch(base, BrVariant::FB));
    taken_cost = here();
    emit(0);
  } else if (back) {
    patch(rel_field, start, back->loop_start);
  }
  fuel_field_ = -1;
  if (fuel_) {
    merged_.clear();
    fuel_field_ = here();  // the fall-through block's cost, counted up from 0
    emit(0);
    end_defer_candidate(taken_unit, static_cast<uint32_t>(fuel_field_));
    ++block_serial_;
  }
  return taken_cost;
}

bool Compiler::moves_needed(uint32_t depth) {
  const Ctrl& c = label(depth);
  uint32_t n = label_arity(c);
  for (uint32_t i = 0; i < n; ++i) {
    if (stack_[stack_.size() - n + i] != temp(c.height + i)) return true;
  }
  return false;
}

void Compiler::emit_moves(uint32_t depth) {
  const Ctrl& c = label(depth);
  uint32_t n = label_arity(c);
  for (uint32_t i = 0; i < n; ++i) emit_copy(temp(c.height + i), stack_[stack_.size() - n + i]);
}

void Compiler::jump_to(uint32_t depth, uint32_t start, uint32_t field, int64_t cost) {
  Ctrl& c = label(depth);
  if (c.kind == Op::Loop) {
    if (cost >= 0 && c.hdr_field >= 0 && (c.hdr_field & kVirtualField)) {
      // A merged header: its op, if any, only polls and must run.
      patch(field, start, c.loop_start);
      back_fixups_.push_back({static_cast<uint32_t>(cost), static_cast<uint32_t>(c.hdr_field), start});
    } else if (cost >= 0 && c.hdr_field >= 0 && !deadline_) {
      // A header's FuelPoll must run (it polls); a plain Fuel op can be skipped.
      patch(field, start, c.loop_start + c.hdr_units);
      back_fixups_.push_back({static_cast<uint32_t>(cost), static_cast<uint32_t>(c.hdr_field), start});
    } else {
      patch(field, start, c.loop_start);
    }
  } else if (cost >= 0) {
    c.fixups.push_back({field, start, static_cast<uint32_t>(cost)});
  } else {
    c.fixups.push_back({field, start, Ctrl::kNoCost});
  }
}

void Compiler::bind_label(Ctrl& c, uint32_t target, uint32_t past, int64_t field) {
  if (c.else_field >= 0 && c.else_cost < 0) patch(static_cast<uint32_t>(c.else_field), c.else_start, target);
  const uint32_t cost_field = static_cast<uint32_t>(field);
  for (const Ctrl::Fixup& k : c.fixups) {
    if (k.cost == Ctrl::kNoCost) {
      patch(k.field, k.start, target);
    } else if (k.cost & Ctrl::kMerged) {
      patch(k.field, k.start, past);
      const BrMerge& m = br_merges_[k.cost & ~Ctrl::kMerged];
      for (uint32_t f : m.fields) cost_adds_.push_back({m.pos, f, cost_field});
    } else {
      patch(k.field, k.start, past);
      back_fixups_.push_back({k.cost, cost_field, k.start});
    }
  }
  if (c.else_cost >= 0) {
    patch(static_cast<uint32_t>(c.else_field), c.else_start, past);
    back_fixups_.push_back({static_cast<uint32_t>(c.else_cost), cost_field, c.else_start});
  }
}

bool Compiler::emit_merged_br(Ctrl& c) {
  if (!fuel_ || fuel_field_ < 0 || c.kind == Op::Loop) return false;
  if (fuel_field_ == entry_field_) entry_grows_ = true;  // no Call_S in this function
  // It charges nothing, so it fuses with the add or copies before it as without fuel
  // (I32Add_Br, Copy_Br, Copy2_Br, Const_Br: Lua's `pc++`, values carried to a block's end).
  const uint32_t start = emit_jump();
  BrMerge m{start, {static_cast<uint32_t>(fuel_field_)}};
  m.fields.insert(m.fields.end(), merged_.begin(), merged_.end());
  c.fixups.push_back({here() - 1, start, Ctrl::kMerged | static_cast<uint32_t>(br_merges_.size())});
  br_merges_.push_back(std::move(m));
  return true;
}

void Compiler::emit_branch(uint32_t depth, bool always) {
  if (is_func_label(depth)) {
    emit_return();
    return;
  }
  emit_moves(depth);
  const Ctrl& c = label(depth);
  if (c.kind == Op::Loop && (fuel_ || back_polls() || c.hdr_units > 0 || c.hdr_field >= 0)) {
    // Back-edge: the branch charges / polls for the loop header and skips its op. (With
    // deadline checks only and an access that polled, a plain jump below.)
    const BrVariant v = back_variant();
    if (v == BrVariant::FB) {  // may fuse with the add before it
      const uint32_t start = emit_jump(/*charges=*/true);
      patch(here() - 2, start, c.loop_start + c.hdr_units);
      back_fixups_.push_back({here() - 1, static_cast<uint32_t>(c.hdr_field), start});
      return;
    }
    uint32_t start = emit_op(sandbox_branch(IOp::Br, v));
    emit(0);
    patch(start + kOpUnits, start, c.loop_start + c.hdr_units);
    if (fuel_) {
      back_fixups_.push_back({here(), static_cast<uint32_t>(c.hdr_field), start});
      emit(0);
    }
    return;
  }
  // Forward (or a loop without instrumentation); with fuel on, the Br charges its target
  // unless the block charged it already. Without fuel a plain Br may fuse with the add
  // or copy before it (emit_jump).
  if (always && emit_merged_br(label(depth))) return;
  if (!fuel_) {
    const uint32_t start = emit_jump();
    jump_to(depth, start, here() - 1);
    return;
  }
  const uint32_t start = emit_jump(/*charges=*/true);
  jump_to(depth, start, here() - 2, here() - 1);
}

void Compiler::emit_return() {
  const uint32_t n = out_->num_results;  // slots
  if (n == 1 && top_virtual() && return_imm()) return;
  settle_all();
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

void Compiler::block_sig(const BlockType& bt, Ctrl* c) const {
  // Storage for one-type result lists (block types written as a single value type).
  static constexpr ValType kSingle[] = {ValType::I32, ValType::I64, ValType::F32, ValType::F64,
                                        ValType::V128, ValType::FuncRef, ValType::ExternRef};
  switch (bt.kind) {
    case BlockType::Kind::Empty:
      break;
    case BlockType::Kind::Value:
      for (const ValType& t : kSingle) {
        if (t == bt.value) c->results = {&t, 1};
      }
      break;
    case BlockType::Kind::TypeIndex:
      c->params = m_.types[bt.type_index].params;
      c->results = m_.types[bt.type_index].results;
      break;
  }
  c->nparams = slot_count(c->params);
  c->nresults = slot_count(c->results);
}

void Compiler::enter_block(Op kind, const BlockType& bt, uint32_t cond) {
  Ctrl c;
  block_sig(bt, &c);
  const uint32_t np = c.nparams;
  materialize_all_locals();
  for (size_t i = stack_.size() - np; i < stack_.size(); ++i) materialize(i);
  c.kind = kind;
  c.height = static_cast<uint32_t>(stack_.size() - np);
  if (kind == Op::Loop) {
    bind_here();
    c.loop_start = here();
    // Entered by falling in from above: with fuel on, charged with the block before it.
    // No poll when entered from above: every way back to the header polls (the
    // back-edge br/br_if variants, and br_table entries through a stub that branches),
    // or follows a scalar access that did (back_polls).
    if (fuel_) c.hdr_field = merge_block();
    if (c.hdr_field < 0 && fuel_) {
      open_block(true);  // dead code before: only its own back-edges could enter it
      c.hdr_field = fuel_field_;
    }
    c.hdr_units = here() - c.loop_start;
  } else if (kind == Op::If) {
    emit_if_branch(cond, &c);
  }
  ctrls_.push_back(std::move(c));
}

void Compiler::emit_if_branch(uint32_t cond, Ctrl* c) {
  uint32_t start;
  const IOp base = emit_if_head(cond, &start);
  c->else_field = here();
  c->else_start = start;
  emit(0);
  // Opens the then arm; the jump to the else arm (or end) charges that block.
  c->else_cost = static_cast<int32_t>(
      finish_cond_branch(base, start, static_cast<uint32_t>(c->else_field), nullptr));
}

void Compiler::do_else() {
  Ctrl& c = ctrls_.back();
  if (!c.unreachable) {
    for (uint32_t i = 0; i < c.nresults; ++i) {
      emit_copy(temp(c.height + i), stack_[stack_.size() - c.nresults + i]);
    }
    if (!emit_merged_br(c)) {
      if (fuel_) {
        const uint32_t start = emit_op(IOp::Br_FB);
        emit(0);
        c.fixups.push_back({start + kOpUnits, start, here()});
        emit(0);
      } else {
        const uint32_t start = emit_jump();  // may fuse with the add or copy before it
        c.fixups.push_back({here() - 1, start, Ctrl::kNoCost});
      }
    }
  }
  bind_here();
  const uint32_t target = here();
  open_block(false);  // with fuel on, its Fuel op is skipped by the only way in
  if (c.else_cost >= 0) {
    patch(static_cast<uint32_t>(c.else_field), c.else_start, here());
    back_fixups_.push_back({static_cast<uint32_t>(c.else_cost), static_cast<uint32_t>(fuel_field_), c.else_start});
    start_defer_candidate(false);
  } else {
    patch(static_cast<uint32_t>(c.else_field), c.else_start, target);
  }
  c.else_field = -1;
  c.else_cost = -1;
  truncate(c.height);
  push_temps(c.params);
  c.unreachable = false;
}

bool Compiler::do_end() {
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
  // Only a label some branch reaches starts a new block. An if without else: the false
  // path arrives with its parameters, which are already in the result slots (params ==
  // results for such an if).
  if (!fuel_) {
    if (c.else_field >= 0) patch(static_cast<uint32_t>(c.else_field), c.else_start, target);
    for (const Ctrl::Fixup& k : c.fixups) patch(k.field, k.start, target);
    if (c.else_field >= 0 || !c.fixups.empty()) open_block(false);
  } else if (c.else_field >= 0 || !c.fixups.empty()) {
    const int64_t merged = merge_block();  // the code before falls in
    if (merged >= 0) {
      bind_label(c, target, target, merged);
    } else {
      open_block(false);
      bind_label(c, target, here(), fuel_field_);  // past its Fuel op
    }
    start_defer_candidate(merged >= 0);
  }
  const uint32_t height = c.height;
  const std::span<const ValType> results = c.results;
  ctrls_.pop_back();
  truncate(height);
  push_temps(results);
  return false;
}

void Compiler::do_br_if(uint32_t depth) {
  uint32_t cond = pop();
  if (!is_func_label(depth) && !moves_needed(depth)) {
    uint32_t start;
    const IOp base = emit_br_if_head(cond, &start);
    uint32_t field = here();
    emit(0);
    const Ctrl& target = label(depth);
    if (target.kind == Op::Loop) {
      finish_cond_branch(base, start, field, &target);
    } else {
      const int64_t cost = finish_cond_branch(base, start, field, nullptr);
      jump_to(depth, start, field, cost);
    }
    return;
  }
  // Values must move (or we return): skip over the moves when the condition is false.
  // With fuel on, that skip charges the block it lands on; the moves cost nothing, and
  // the branch after them charges its own target.
  uint32_t start = emit_op(fuel_ ? sandbox_branch(IOp::BrUnless, BrVariant::FB) : IOp::BrUnless);
  emit(cond);
  uint32_t field = here();
  emit(0);
  int64_t cost = -1;
  if (fuel_) {
    cost = here();
    emit(0);
    emit(0);  // not taken: nothing to charge
  }
  emit_branch(depth);
  bind_here();
  patch(field, start, here());
  open_block(false);
  if (cost >= 0) {
    patch(field, start, here());
    back_fixups_.push_back({static_cast<uint32_t>(cost), static_cast<uint32_t>(fuel_field_), start});
  }
}

void Compiler::do_br_table(const Instr& in) {
  uint32_t index = pop();
  const uint32_t count = static_cast<uint32_t>(in.targets.size());
  std::vector<uint32_t> depths(in.targets.begin(), in.targets.end());
  depths.push_back(in.index);
  // An i32.sub just before may fuse into it (Lua's opcode switch); with fuel each entry
  // carries its target's cost (BrTable_F, I32Sub_BrTable_F).
  // Loop entries need a stub to poll, unless an access polled before (access_polled_).
  const bool loop_stubs = deadline_ && !access_polled_;
  const int64_t sub = emit_sub_br_table(index, fuel_ ? IOp::I32Sub_BrTable_F : IOp::I32Sub_BrTable);
  uint32_t start;
  if (sub >= 0) {
    start = static_cast<uint32_t>(sub);
  } else {
    start = emit_op(fuel_ ? IOp::BrTable_F : iop(Op::BrTable));
    emit(index);
  }
  emit(count);
  // With fuel each entry is its rel, then its cost (0 for a stub, whose own branch
  // charges): one address for both.
  const uint32_t table = here();
  const uint32_t step = fuel_ ? 2 : 1;
  for (uint32_t i = 0; i < (count + 1) * step; ++i) emit(0);
  std::vector<uint32_t> stubs;  // entries that need moves, a return or a poll
  for (uint32_t i = 0; i <= count; ++i) {
    // A back-edge with deadline checks on goes through a stub too: its Br_PB / Br_FPB
    // polls (loop headers have no poll of their own).
    if (is_func_label(depths[i]) || moves_needed(depths[i]) ||
        (loop_stubs && label(depths[i]).kind == Op::Loop)) {
      stubs.push_back(i);
    } else {
      jump_to(depths[i], start, table + step * i, fuel_ ? int64_t{table + step * i + 1} : -1);
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
    patch(table + step * i, start, it->second);
  }
}

void Compiler::do_call(const FuncType& callee, IOp op, uint32_t a, uint32_t b, bool indirect) {
  uint32_t index = indirect ? pop() : 0;
  // With fuel on, the call charges the callee's entry block itself (code.h); a call of
  // this function by itself outside its entry charge has it paid by the current block
  // instead (Call_S): the entry's cost is final once its block has ended (unless it
  // ended in a merged br), and counts here like that many instructions.
  if (fuel_) op = indirect ? IOp::CallIndirect_F : IOp::Call_F;
  // An imported function may be a host function or run in another instance: CallImport
  // tests for the switch that a call within the module never needs.
  if (!indirect && a < m_.num_imported_funcs) op = fuel_ ? IOp::CallImport_F : IOp::CallImport;
  if (fuel_ && !indirect && a == func_index_ && fuel_field_ >= 0 && entry_field_ >= 0 &&
      fuel_field_ != entry_field_ && !entry_grows_) {
    op = IOp::Call_S;
    const uint32_t entry_cost = code_[static_cast<size_t>(entry_field_)];
    code_[static_cast<size_t>(fuel_field_)] += entry_cost;
    for (uint32_t f : merged_) virt_costs_[f & ~kVirtualField] += entry_cost;
  }
  const uint32_t np = slot_count(callee.params);
  for (size_t i = stack_.size() - np; i < stack_.size(); ++i) {
    if (stack_[i] != kVirtualSlot) materialize(i);
  }
  // Constant arguments are written into their slots by the call site (after the copies,
  // which may merge into one Copy2..4), rather than taking a pool slot that every call
  // of this function would copy in.
  for (size_t i = stack_.size() - np; i < stack_.size(); ++i) {
    if (stack_[i] != kVirtualSlot) continue;
    emit_op(iop(Op::I64Const));
    emit(temp(i));
    emit(static_cast<uint32_t>(vconst_[i]));
    emit(static_cast<uint32_t>(vconst_[i] >> 32));
    stack_[i] = temp(i);
    --nvirt_;
  }
  uint32_t base = temp(stack_.size() - np);
  truncate(stack_.size() - np);
  emit_op(op);
  emit(a);
  if (indirect) emit(b);
  emit(base);
  if (indirect) emit(index);
  push_temps(callee.results);
  // The callee's frame starts at `base` and needs at least max(np, nr) slots there.
  if (stack_.size() + np > max_height_) max_height_ = static_cast<uint32_t>(stack_.size() + np);
}

}  // namespace midimon::wasm::compiler_detail
