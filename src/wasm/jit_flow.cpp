// The fuel charges of machine code (jit_flow.h, block_costs).
#include "jit_flow.h"

#include <algorithm>

namespace midimon::wasm::jit_flow {

namespace {

// block_costs, with or without call units: most bodies have none, and their pass (every
// compilation with fuel makes one) does none of that work.
template <bool units>
std::vector<uint32_t> costs(std::span<const Instr> instrs, std::span<const uint32_t> call_units,
                            std::vector<uint8_t>* checked, BodyFacts* facts) {
  std::vector<uint32_t> cost(instrs.size() + 1, 0);
  // With call units: whether a slot's charge holds a callee's entry units (it must check
  // then), and whether the block being counted does.
  std::vector<uint8_t> holds(units ? instrs.size() + 1 : 0, 0);
  bool holding = false;
  constexpr size_t kNone = ~size_t{0};
  struct Open {
    Op kind;
    size_t slot = 0;          // the charge in force where it starts
    bool targeted = false;    // some branch goes to its end
    bool leaks = false;       // some branch inside goes to an outer label, or returns
    bool joined = false;      // If: the then arm falls through to the end
    size_t then_arm = kNone;  // If: its arms' first blocks
    size_t else_arm = kNone;
    size_t exit = kNone;      // Loop: the block after a br_if back to it at its level
  };
  std::vector<Open> open{{Op::End}};
  std::vector<Open> diamonds;  // ifs with both arms, in the order they end
  size_t start = 0;
  uint32_t count = 0;
  DeadStretch dead;
  auto branch = [&](uint32_t depth) {
    open[open.size() - 1 - depth].targeted = true;
    for (size_t k = open.size() - depth; k < open.size(); ++k) open[k].leaks = true;
  };
  auto store = [&] {
    cost[start] = count;
    if constexpr (units) holds[start] = holding;
  };
  auto split = [&](size_t next) {
    store();
    start = next;
    count = 0;
    holding = false;
  };
  // Continue counting into `slot`'s charge (the current block's units stored first:
  // they stay in their own charge).
  auto merge_into = [&](size_t slot) {
    store();
    holding = units && holds[slot];
    start = slot;
    count = cost[slot];
  };
  // The end of a construct other than the function body, at instruction i.
  auto close = [&](size_t i, bool falls_in) {
    const Open o = open.back();
    open.pop_back();
    if (o.kind == Op::If && o.else_arm != kNone) diamonds.push_back(o);
    const bool reached = falls_in || (o.kind != Op::Loop && o.targeted) || o.joined ||
                         (o.kind == Op::If && o.else_arm == kNone);
    if (!reached) {
      split(i + 1);  // what follows is never run: a charge of its own, never taken
      return;
    }
    if (o.kind == Op::Loop) {
      if (!o.leaks && start == o.exit) {
        const uint32_t exit = count;  // the exit block's units, not stored yet
        holding = holding || (units && holds[o.slot]);
        start = o.slot;
        count = cost[o.slot] + exit;
      }
      return;  // else: falls in, counted with the block before
    }
    if (o.kind == Op::Block && !o.targeted) return;  // falls in
    if (!o.leaks) {
      merge_into(o.slot);
    } else {
      split(i + 1);
      // An if without else whose then arm leaves (`if ... return end`): what follows
      // is only reached by the false edge, in effect its else arm.
      if (o.kind == Op::If && o.else_arm == kNone && !falls_in && !o.targeted) {
        Open d = o;
        d.else_arm = i + 1;
        diamonds.push_back(d);
      }
    }
  };
  for (size_t i = 0; i < instrs.size(); ++i) {
    const Instr& in = instrs[i];
    const Op op = in.op;
    if (dead.active()) {
      switch (dead.step(op)) {
        case DeadStretch::Step::Inside: break;
        case DeadStretch::Step::Else:
          open.back().else_arm = i + 1;
          start = i + 1;
          count = 0;
          holding = false;
          break;
        case DeadStretch::Step::End:
          if (open.size() > 1) close(i, false);
          break;
      }
      continue;
    }
    ++count;
    if (units && call_units[i] != 0) {
      count += call_units[i];
      holding = true;
    }
    switch (op) {
      case Op::Block: open.push_back({Op::Block, start}); break;
      case Op::Loop: case Op::If: {
        if (facts && op == Op::Loop) facts->has_loop = true;
        Open o{op, start};
        if (op == Op::If) o.then_arm = i + 1;
        open.push_back(o);
        split(i + 1);
        break;
      }
      case Op::Else:
        split(i + 1);
        open.back().else_arm = i + 1;
        open.back().joined = true;
        break;
      case Op::End:
        if (open.size() > 1) close(i, true);
        break;
      case Op::Call:
        if (facts) {
          facts->has_call = true;
          if (in.index == facts->func) facts->calls_func = true;
        }
        break;
      case Op::CallIndirect:
        if (facts) facts->has_call = true;
        break;
      case Op::BrIf:
        branch(in.index);
        split(i + 1);
        if (in.index == 0 && open.back().kind == Op::Loop) open.back().exit = i + 1;
        break;
      case Op::Br: case Op::BrTable: case Op::Return: case Op::Unreachable:
        if (op == Op::Br) branch(in.index);
        if (op == Op::BrTable) {
          for (uint32_t t : in.targets) branch(t);
          branch(in.index);
        }
        if (op == Op::Return) branch(static_cast<uint32_t>(open.size() - 1));
        store();
        dead.start();
        break;
      default:
        break;
    }
  }
  store();
  // Inner ifs first: their shared units may make an outer arm's first block dearer.
  for (auto it = diamonds.begin(); it != diamonds.end(); ++it) {
    const uint32_t shared = std::min(cost[it->then_arm], cost[it->else_arm]);
    cost[it->slot] += shared;
    cost[it->then_arm] -= shared;
    cost[it->else_arm] -= shared;
    if (units && shared != 0 && (holds[it->then_arm] || holds[it->else_arm])) holds[it->slot] = 1;
  }
  if (checked) *checked = std::move(holds);
  return cost;
}

}  // namespace

std::vector<uint32_t> block_costs(std::span<const Instr> instrs, std::span<const uint32_t> call_units,
                                  std::vector<uint8_t>* checked, BodyFacts* facts) {
  return call_units.empty() ? costs<false>(instrs, call_units, checked, facts)
                            : costs<true>(instrs, call_units, checked, facts);
}

std::vector<size_t> first_certain_access(std::span<const Instr> instrs) {
  std::vector<size_t> first(instrs.size(), 0);
  for (size_t i = 0; i < instrs.size(); ++i) {
    if (instrs[i].op != Op::Loop) continue;
    // Up to the first instruction after which some turns may not go on: a branch, a
    // nested construct that is not a plain block, or a label (an else or end).
    for (size_t k = i + 1; k < instrs.size(); ++k) {
      const Op op = instrs[k].op;
      if (is_access(op)) {
        first[i] = k;
        break;
      }
      if (op == Op::Loop || op == Op::If || op == Op::Else || op == Op::End || op == Op::Br ||
          op == Op::BrIf || op == Op::BrTable || op == Op::Return || op == Op::Unreachable) {
        break;
      }
    }
  }
  return first;
}

}  // namespace midimon::wasm::jit_flow
