// Compiler, control flow: blocks, loops, ifs, branches (with the values they carry),
// br_table, calls and returns. Branch targets are patched when their label's end is
// reached; a back-edge to a loop charges/polls for the loop header itself (code.h,
// "Sandbox instrumentation").
#include <unordered_map>

#include "compiler_internal.h"

namespace midimon::wasm::compiler_detail {

using peephole::sandbox_branch;

void Compiler::finish_cond_branch(IOp base, uint32_t start, uint32_t rel_field, const Ctrl* back) {
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

void Compiler::jump_to(uint32_t depth, uint32_t start, uint32_t field) {
  Ctrl& c = label(depth);
  if (c.kind == Op::Loop) {
    patch(field, start, c.loop_start);
  } else {
    c.fixups.emplace_back(field, start);
  }
}

void Compiler::emit_branch(uint32_t depth) {
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
  const uint32_t start = emit_jump();
  jump_to(depth, start, here() - 1);
}

void Compiler::emit_return() {
  const uint32_t n = out_->num_results;  // slots
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
    open_block(true);
    c.hdr_units = here() - c.loop_start;
    c.hdr_field = fuel_field_;
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
  finish_cond_branch(base, start, static_cast<uint32_t>(c->else_field), nullptr);  // opens the then arm
}

void Compiler::do_else() {
  Ctrl& c = ctrls_.back();
  if (!c.unreachable) {
    for (uint32_t i = 0; i < c.nresults; ++i) {
      emit_copy(temp(c.height + i), stack_[stack_.size() - c.nresults + i]);
    }
    const uint32_t start = emit_jump();
    c.fixups.emplace_back(here() - 1, start);
  }
  bind_here();
  patch(static_cast<uint32_t>(c.else_field), c.else_start, here());
  c.else_field = -1;
  open_block(false);
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
  // An if without else: the false path arrives with its parameters, which are already
  // in the result slots (params == results for such an if).
  if (c.else_field >= 0) patch(static_cast<uint32_t>(c.else_field), c.else_start, target);
  for (auto [field, start] : c.fixups) patch(field, start, target);
  // Only a label some branch reaches starts a new block.
  if (c.else_field >= 0 || !c.fixups.empty()) open_block(false);
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

void Compiler::do_br_table(const Instr& in) {
  uint32_t index = pop();
  const uint32_t count = static_cast<uint32_t>(in.targets.size());
  std::vector<uint32_t> depths(in.targets.begin(), in.targets.end());
  depths.push_back(in.index);
  const int64_t sub = emit_sub_br_table(index);
  uint32_t start;
  if (sub >= 0) {
    start = static_cast<uint32_t>(sub);
  } else {
    start = emit_op(iop(Op::BrTable));
    emit(index);
  }
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

void Compiler::do_call(const FuncType& callee, IOp op, uint32_t a, uint32_t b, bool indirect) {
  uint32_t index = indirect ? pop() : 0;
  const uint32_t np = slot_count(callee.params);
  for (size_t i = stack_.size() - np; i < stack_.size(); ++i) materialize(i);
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
