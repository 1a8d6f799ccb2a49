// The fuel charges of machine code (jit_flow.h, block_costs).
#include "jit_flow.h"

#include <algorithm>

namespace midimon::wasm::jit_flow {

namespace {

constexpr uint32_t kNone = ~uint32_t{0};
constexpr uint32_t kNoEdge = ~uint32_t{0};

// A construct open where block_costs has got to. Instruction indices fit 32 bits (a
// body is at most 4 GiB, an instruction at least a byte); 36 bytes, which the pass
// pushes and copies once per construct.
struct Open {
  Op kind;
  bool targeted = false;     // some branch goes to its end
  bool joined = false;       // If: the then arm falls through to the end
  bool cond = false;         // a br_if or br_table goes to its end
  uint32_t slot = 0;         // the charge in force where it starts
  // The outermost construct (by its place in the stack of open ones) that a branch made
  // inside this one goes to: it leaks (a branch inside goes to an outer label, or
  // returns) when that is below its own place. Passed on to the construct around it when
  // it closes, so that a branch marks one construct, not every one it leaves.
  uint32_t outermost_target = kNone;
  uint32_t edges = kNoEdge;  // the `br`s to its end (and an if's then arm), a loop's
                             // back-edges: Scratch::edges
  uint32_t at = 0;           // Loop: its `loop`
  uint32_t then_arm = kNone; // If: its arms' first blocks
  uint32_t else_arm = kNone;
  uint32_t exit = kNone;     // Loop: the block after a br_if back to it at its level
};

// An unconditional edge into the end of a construct, or a back-edge of a loop: the slot
// in force where it leaves, and the construct's next such edge (its list starts at
// Open::edges); for a loop's back-edge, the `br_if` it is (its index), or kNone for a
// `br`, kTable for a br_table.
constexpr uint32_t kTable = kNone - 1;
struct Edge {
  uint32_t slot;
  uint32_t next;
  uint32_t br_if = kNone;
};

// A join whose charge goes to the slots of the edges into it (costs, close).
struct Forward {
  uint32_t join;
  uint32_t edges;
};

// A loop (the index of its `loop`) and its back-edges (Scratch::edges), the charge in
// force where it is entered and whether every back-edge is a `br`; once latch checks
// are found: whether it checks on the way round, at LatchChecks::slots[from, to).
struct LoopEdges {
  uint32_t loop;
  uint32_t edges;
  uint32_t entry;
  bool all_br;
  bool moved = false;
  uint32_t from = 0, to = 0;
};

// block_costs' working lists, kept between bodies of the same thread: a compilation
// with fuel then allocates only the result.
struct Scratch {
  std::vector<Open> open;
  std::vector<Open> diamonds;  // ifs with both arms, in the order they end
  std::vector<Edge> edges;
  std::vector<Forward> forwards;
  std::vector<LoopEdges> loops;
  std::vector<uint32_t> work;    // latch checks: the slots still to look at
  LatchChecks latches;           // when the caller does not ask for them
  std::vector<uint32_t> latch_slots;  // every loop's, sorted
  std::vector<uint32_t> back_slots;   // where back-edges leave, sorted
  std::vector<uint32_t> taken_slots;  // a loop's br_ifs paid on their taken edges
  std::vector<std::pair<uint32_t, uint32_t>> ahead_edges;  // (own charge, br_if) paying ahead
};

// block_costs, with or without call units: most bodies have none, and their pass (every
// compilation with fuel makes one) does none of that work.
template <bool units>
std::vector<uint32_t> costs(std::span<const Instr> instrs, std::span<const uint32_t> points,
                            std::span<const uint32_t> call_units,
                            std::vector<uint8_t>* checked, BodyFacts* facts, LatchChecks* latches,
                            KeepHeader keep) {
  std::vector<uint32_t> cost(instrs.size() + 1, 0);
  // With call units: whether a slot's charge holds a callee's entry units (it must check
  // then), and whether the block being counted does.
  std::vector<uint8_t> holds(units ? instrs.size() + 1 : 0, 0);
  bool holding = false;
  thread_local Scratch scratch;
  // (Plain references: clang 14, which builds the fuzzers, cannot capture structured
  // bindings in the lambdas below.)
  std::vector<Open>& open = scratch.open;
  std::vector<Open>& diamonds = scratch.diamonds;
  std::vector<Edge>& edges = scratch.edges;
  std::vector<Forward>& forwards = scratch.forwards;
  std::vector<LoopEdges>& loops = scratch.loops;
  open.assign(1, Open{.kind = Op::End});
  diamonds.clear();
  edges.clear();
  forwards.clear();
  loops.clear();
  uint32_t start = 0;
  uint32_t count = 0;
  DeadStretch dead;
  // A branch to `depth`: a `br` (`br_if`: kNone), the `br_if` at `br_if`, or a br_table
  // (kTable).
  auto branch = [&](uint32_t depth, bool conditional, uint32_t br_if = kNone) {
    Open& t = open[open.size() - 1 - depth];
    t.targeted = true;
    if (t.kind == Op::Loop || !conditional) {
      edges.push_back({start, t.edges, br_if});
      t.edges = static_cast<uint32_t>(edges.size() - 1);
    }
    if (conditional) t.cond = true;
    Open& inner = open.back();
    inner.outermost_target = std::min(inner.outermost_target, static_cast<uint32_t>(open.size() - 1 - depth));
  };
  auto store = [&] {
    cost[start] = count;
    if constexpr (units) holds[start] = holding;
  };
  auto split = [&](uint32_t next) {
    store();
    start = next;
    count = 0;
    holding = false;
  };
  // Continue counting into `slot`'s charge (the current block's units stored first:
  // they stay in their own charge).
  auto merge_into = [&](uint32_t slot) {
    store();
    holding = units && holds[slot];
    start = slot;
    count = cost[slot];
  };
  // The end of a construct other than the function body, at instruction i.
  auto close = [&](uint32_t i, bool falls_in) {
    const Open o = open.back();
    open.pop_back();
    const bool leaks = o.outermost_target < open.size();  // below its own place
    open.back().outermost_target = std::min(open.back().outermost_target, o.outermost_target);
    if (o.kind == Op::Loop) loops.push_back({o.at, o.edges, o.slot, !o.cond});
    if (o.kind == Op::If && o.else_arm != kNone) diamonds.push_back(o);
    const bool reached = falls_in || (o.kind != Op::Loop && o.targeted) || o.joined ||
                         (o.kind == Op::If && o.else_arm == kNone);
    if (!reached) {
      split(i + 1);  // what follows is never run: a charge of its own, never taken
      return;
    }
    if (o.kind == Op::Loop) {
      if (!leaks && start == o.exit) {
        const uint32_t exit = count;  // the exit block's units, not stored yet
        holding = holding || (units && holds[o.slot]);
        start = o.slot;
        count = cost[o.slot] + exit;
      }
      return;  // else: falls in, counted with the block before
    }
    if (o.kind == Op::Block && !o.targeted) return;  // falls in
    if (!leaks) {
      merge_into(o.slot);
    } else {
      // A join every edge into which is unconditional (falling in, a `br`, the end of
      // an if's then arm when it has an else) is paid on those edges, with the charge
      // in force where each leaves: a run that takes that charge certainly takes the
      // edge. The join then needs no charge of its own.
      if (!o.cond && (o.kind == Op::Block || o.else_arm != kNone)) {
        uint32_t list = o.edges;
        if (falls_in) {
          edges.push_back({start, list});
          list = static_cast<uint32_t>(edges.size() - 1);
        }
        forwards.push_back({i + 1, list});
      }
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
  uint32_t plain = 0;  // the first instruction after the last point looked at
  for (const uint32_t i : points) {
    const Instr& in = instrs[i];
    const Op op = in.op;
    if (dead.active()) {
      plain = i + 1;
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
    // The instructions since the last point, which only count, and this one.
    count += static_cast<uint32_t>(i - plain) + 1;
    plain = i + 1;
    if (units && call_units[i] != 0) {
      count += call_units[i];
      holding = true;
    }
    switch (op) {
      case Op::Block: open.push_back({.kind = Op::Block, .slot = start}); break;
      case Op::Loop: case Op::If: {
        if (facts && op == Op::Loop) facts->has_loop = true;
        Open o{.kind = op, .slot = start, .at = i};
        if (op == Op::If) o.then_arm = i + 1;
        open.push_back(o);
        split(i + 1);
        break;
      }
      case Op::Else: {
        Open& o = open.back();
        edges.push_back({start, o.edges});  // the then arm's end
        o.edges = static_cast<uint32_t>(edges.size() - 1);
        split(i + 1);
        open.back().else_arm = i + 1;
        open.back().joined = true;
        break;
      }
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
        branch(in.index, true, i);
        split(i + 1);
        if (in.index == 0 && open.back().kind == Op::Loop) open.back().exit = i + 1;
        break;
      case Op::Br: case Op::BrTable: case Op::Return: case Op::Unreachable:
        if (op == Op::Br) branch(in.index, false);
        if (op == Op::BrTable) {
          for (uint32_t t : in.targets) branch(t, true, kTable);
          branch(in.index, true, kTable);
        }
        if (op == Op::Return) branch(static_cast<uint32_t>(open.size() - 1), true, kTable);
        store();
        dead.start();
        break;
      default:
        break;
    }
  }
  if (!dead.active()) count += static_cast<uint32_t>(instrs.size() - plain);
  store();
  // Later joins first: a join's edge may leave from an earlier join's slot.
  for (auto f = forwards.rbegin(); f != forwards.rend(); ++f) {
    const uint32_t units_here = cost[f->join];
    if (units_here == 0) continue;
    for (uint32_t e = f->edges; e != kNoEdge; e = edges[e].next) {
      cost[edges[e].slot] += units_here;
      if constexpr (units) holds[edges[e].slot] |= holds[f->join];
    }
    cost[f->join] = 0;
  }
  std::vector<uint32_t>& work = scratch.work;
  // A join paid on its edges (its units went to them), when `y` is one.
  auto forwarded = [&](uint32_t y) {
    const auto f = std::lower_bound(forwards.begin(), forwards.end(), y,
                                    [](const Forward& a, uint32_t j) { return a.join < j; });
    return f != forwards.end() && f->join == y ? f : forwards.end();
  };
  // Calls `fn` with each charge a path into slot `x` passes last: `x`, unless it is an
  // emptied join paid on its edges, then (in turn) the charges those edges leave from
  // (a path to the join passes exactly one). Each step goes to an earlier slot, so it
  // ends.
  auto last_charges = [&](uint32_t x, auto&& fn) {
    work.assign(1, x);
    while (!work.empty()) {
      const uint32_t y = work.back();
      work.pop_back();
      if (cost[y] == 0) {
        if (const auto f = forwarded(y); f != forwards.end()) {
          for (uint32_t e = f->edges; e != kNoEdge; e = edges[e].next) work.push_back(edges[e].slot);
          continue;
        }
      }
      fn(y);
    }
  };
  // The charges in force where the back-edges leave: an if arm among them keeps a unit
  // of its own, so that its loop can check there (below) instead of at its header, and
  // pay no header charge.
  std::vector<uint32_t>& back_slots = scratch.back_slots;
  back_slots.clear();
  for (const LoopEdges& l : loops) {
    for (uint32_t e = l.edges; e != kNoEdge; e = edges[e].next) {
      last_charges(edges[e].slot, [&](uint32_t y) { back_slots.push_back(y); });
    }
  }
  std::sort(back_slots.begin(), back_slots.end());
  auto is_back_slot = [&](uint32_t slot) { return std::binary_search(back_slots.begin(), back_slots.end(), slot); };
  // Inner ifs first: their shared units may make an outer arm's first block dearer.
  for (auto it = diamonds.begin(); it != diamonds.end(); ++it) {
    uint32_t shared = std::min(cost[it->then_arm], cost[it->else_arm]);
    if (shared != 0 && shared == cost[it->then_arm] && is_back_slot(it->then_arm)) --shared;
    if (shared != 0 && shared == cost[it->else_arm] && is_back_slot(it->else_arm)) --shared;
    cost[it->slot] += shared;
    cost[it->then_arm] -= shared;
    cost[it->else_arm] -= shared;
    if (units && shared != 0 && (holds[it->then_arm] || holds[it->else_arm])) holds[it->slot] = 1;
  }
  LatchChecks& lc = latches ? *latches : scratch.latches;
  lc.moved.clear();
  lc.slots.clear();
  lc.taken.clear();
  lc.ahead.clear();
  lc.refunds.clear();
  // Whether every charge a path to slot `x` passes last, within the turn, is one of
  // the loop's own (added to its slots): not the loop's header, and not emptied
  // otherwise (an arm the diamonds left a unit has none only when its block had none;
  // checking at the if's charge instead would make paths through the other arm check
  // twice a turn).
  auto resolve = [&](uint32_t x, uint32_t header, uint32_t loop) {
    bool own = true;
    last_charges(x, [&](uint32_t y) {
      if (y == header || cost[y] == 0) {
        own = false;
      } else {
        lc.slots.emplace_back(loop, y);
      }
    });
    return own;
  };
  for (LoopEdges& l : loops) {
    const size_t mark = lc.slots.size();
    bool own = true;  // every back-edge's last charges are the loop's own, not the header's
    for (uint32_t e = l.edges; e != kNoEdge && own; e = edges[e].next) {
      own = resolve(edges[e].slot, l.loop + 1, l.loop);
    }
    if (!own) {
      lc.slots.resize(mark);
      continue;
    }
    l.moved = true;
    l.from = static_cast<uint32_t>(mark);
    l.to = static_cast<uint32_t>(lc.slots.size());
    lc.moved.push_back(l.loop);
  }
  // A loop header paid on its edges, as a join is: when the loop is entered by falling
  // in and every back-edge is a `br` whose last charges are the loop's own (it checks
  // there), its header's units go to the charge in force where it is entered and to
  // those charges: a run that takes one certainly runs the header's block next. The
  // header then has no charge (bzip2 decompress: its hottest loop's two `br`s back).
  // Not a header some loop checks at (an outer loop's back-edge leaving from it).
  // Inner loops first: their units may go to an outer header, which passes them on.
  std::vector<uint32_t>& latch_slots = scratch.latch_slots;
  latch_slots.clear();
  for (const auto& [loop, slot] : lc.slots) latch_slots.push_back(slot);
  std::sort(latch_slots.begin(), latch_slots.end());
  //
  // A loop that checks at its header, whose back-edges are `br_if`s and `br`s from
  // charges of its own, is paid on its edges too: a `br_if`'s on its taken edge, which
  // checks (LatchChecks::taken; the translator inverts the branch: `sub` and `jge` to
  // the header instead of `jl` to it, three instructions a turn that goes round, as
  // before), a `br`'s with its charges, which then check. A turn that leaves (a scan
  // that finds at once) checks nothing: quicksort's scans, two turns on average.
  // Not a loop the translator runs several turns of under one check (`keep`).
  std::vector<uint32_t>& taken_slots = scratch.taken_slots;
  std::vector<std::pair<uint32_t, uint32_t>>& ahead_edges = scratch.ahead_edges;
  for (LoopEdges& l : loops) {
    const uint32_t header = l.loop + 1, units_here = cost[header];
    if (units_here == 0 || std::binary_search(latch_slots.begin(), latch_slots.end(), header)) continue;
    const size_t mark = lc.slots.size();
    taken_slots.clear();
    ahead_edges.clear();
    if (!l.moved) {
      bool own = true;
      for (uint32_t e = l.edges; e != kNoEdge && own; e = edges[e].next) {
        const uint32_t k = edges[e].br_if;
        if (k == kTable) {
          own = false;
        } else if (k == kNone) {
          own = resolve(edges[e].slot, header, l.loop);
        } else if (is_flow_point(instrs[k - 1].op)) {
          own = false;  // a block may start at k: no room for the edge's charge
        } else {
          taken_slots.push_back(k);
        }
      }
      if (!own || taken_slots.empty() || keep(l.loop)) {
        lc.slots.resize(mark);
        continue;
      }
      l.from = static_cast<uint32_t>(mark);
      l.to = static_cast<uint32_t>(lc.slots.size());
      lc.moved.push_back(l.loop);
    } else if (!l.all_br) {
      // A loop that checks on the way round and goes back by `br_if`s too: each
      // br_if's own charge, where it checks, pays the next turn's header in advance, and
      // its fall-through (the loop's exit) gives it back (LatchChecks::ahead, refunds).
      // One `sub` fewer a turn, one `add` more a run of the loop.
      bool fits = true;
      for (uint32_t e = l.edges; e != kNoEdge && fits; e = edges[e].next) {
        const uint32_t k = edges[e].br_if, from = edges[e].slot;
        if (k == kTable) {
          fits = false;
        } else if (k != kNone) {
          // Its own charge (the loop checks on the way round: not the header's), not
          // emptied (a join paid on its edges: other paths pass those too); and one
          // straight block up to the br_if, with no call or nested construct: one that
          // checks the fuel (a callee's entry, a nested loop) would see the advance,
          // which a run that leaves by this br_if does not owe (exactly enough fuel must
          // complete).
          const auto at = std::lower_bound(points.begin(), points.end(), k);
          fits = cost[from] != 0 && (at == points.begin() || *(at - 1) < from);
          ahead_edges.emplace_back(from, k);
        }
      }
      if (!fits) continue;
      for (const auto& [from, k] : ahead_edges) {
        lc.ahead.emplace_back(from, units_here);
        lc.refunds.emplace_back(k + 1, units_here);  // the fall-through gives it back
      }
    }
    const bool hold = units && holds[header];
    cost[header] = 0;
    auto pay = [&](uint32_t slot) {
      cost[slot] += units_here;
      if constexpr (units) holds[slot] = holds[slot] || hold;
    };
    for (uint32_t k = l.from; k < l.to; ++k) pay(lc.slots[k].second);
    for (const uint32_t k : taken_slots) {
      pay(k);  // cost[k] was 0: a block starts only after a flow point
      lc.taken.push_back(k);
    }
    last_charges(l.entry, pay);  // the entry: through joins paid on their edges too
  }
  std::sort(lc.moved.begin(), lc.moved.end());  // loops close inner first
  std::sort(lc.taken.begin(), lc.taken.end());
  std::sort(lc.ahead.begin(), lc.ahead.end());
  std::sort(lc.refunds.begin(), lc.refunds.end());
  if (checked) *checked = std::move(holds);
  return cost;
}

}  // namespace

std::vector<uint32_t> flow_points(std::span<const Instr> instrs) {
  std::vector<uint32_t> points;
  points.reserve(instrs.size() / 4);
  for (size_t i = 0; i < instrs.size(); ++i) {
    if (is_flow_point(instrs[i].op)) points.push_back(static_cast<uint32_t>(i));
  }
  return points;
}

std::vector<uint32_t> block_costs(std::span<const Instr> instrs, std::span<const uint32_t> points,
                                  std::span<const uint32_t> call_units, std::vector<uint8_t>* checked,
                                  BodyFacts* facts, LatchChecks* latches, KeepHeader keep) {
  return call_units.empty() ? costs<false>(instrs, points, call_units, checked, facts, latches, keep)
                            : costs<true>(instrs, points, call_units, checked, facts, latches, keep);
}

namespace {

// Operands popped and results pushed by an instruction of a simple signature.
struct Arity {
  uint8_t pops, pushes;
};
constexpr Arity sig_arity(Sig sig) {
  switch (sig) {
    case Sig::V_I: case Sig::V_L: case Sig::V_F: case Sig::V_D: case Sig::V_X: return {0, 1};
    case Sig::I_I: case Sig::I_L: case Sig::I_F: case Sig::I_D: case Sig::L_I: case Sig::L_L:
    case Sig::L_F: case Sig::L_D: case Sig::F_I: case Sig::F_L: case Sig::F_F: case Sig::F_D:
    case Sig::D_I: case Sig::D_L: case Sig::D_F: case Sig::D_D: case Sig::I_X: case Sig::L_X:
    case Sig::F_X: case Sig::D_X: case Sig::X_X: case Sig::X_I: case Sig::X_L: case Sig::X_F:
    case Sig::X_D:
      return {1, 1};
    case Sig::II_I: case Sig::LL_L: case Sig::LL_I: case Sig::FF_F: case Sig::FF_I: case Sig::DD_D:
    case Sig::DD_I: case Sig::XX_X: case Sig::XI_X: case Sig::XL_X: case Sig::XF_X: case Sig::XD_X:
    case Sig::IX_X:
      return {2, 1};
    case Sig::II_V: case Sig::IL_V: case Sig::IF_V: case Sig::ID_V: case Sig::IX_V: return {2, 0};
    case Sig::III_V: return {3, 0};
    case Sig::XXX_X: return {3, 1};
    case Sig::Special: break;
  }
  return {0xFF, 0};
}

}  // namespace

bool exit_reads_memory(std::span<const Instr> instrs, size_t first, size_t latch) {
  // Forwards through the stretch: whether each operand, and each local set in it, holds
  // something a load produced. A local not set in the stretch holds what it held when
  // the turn began, which does not count.
  std::vector<bool> stack;
  std::vector<std::pair<uint32_t, bool>> locals;  // set in the stretch, latest last
  auto local = [&](uint32_t index) {
    for (auto it = locals.rbegin(); it != locals.rend(); ++it) {
      if (it->first == index) return it->second;
    }
    return false;
  };
  auto pop = [&] {
    if (stack.empty()) return true;  // from before the turn: not followed
    const bool v = stack.back();
    stack.pop_back();
    return v;
  };
  for (size_t i = first; i < latch; ++i) {
    const Instr& in = instrs[i];
    const Op op = in.op;
    if (op >= Op::I32Load && op <= Op::I64Load32U) {
      pop();
      stack.push_back(true);
      continue;
    }
    switch (op) {
      case Op::Nop: continue;
      case Op::LocalGet: stack.push_back(local(in.index)); continue;
      case Op::LocalSet: locals.emplace_back(in.index, pop()); continue;
      case Op::LocalTee: {
        const bool v = pop();
        locals.emplace_back(in.index, v);
        stack.push_back(v);
        continue;
      }
      case Op::GlobalGet: stack.push_back(false); continue;
      case Op::GlobalSet: case Op::Drop: pop(); continue;
      case Op::Select: case Op::SelectT: {
        const bool c = pop(), b = pop(), a = pop();
        stack.push_back(a || b || c);
        continue;
      }
      default: break;
    }
    const Arity arity = sig_arity(op_info(op).sig);
    if (arity.pops == 0xFF) return true;
    bool v = false;
    for (uint8_t k = 0; k < arity.pops; ++k) v = pop() || v;
    if (arity.pushes) stack.push_back(v);
  }
  return stack.empty() || stack.back();
}

std::vector<uint32_t> first_certain_access(std::span<const Instr> instrs, std::span<const uint32_t> points) {
  std::vector<uint32_t> first;
  for (const uint32_t i : points) {
    if (instrs[i].op != Op::Loop) continue;
    // Up to the first instruction after which some turns may not go on: a branch, a
    // nested construct that is not a plain block, or a label (an else or end).
    for (size_t k = i + 1; k < instrs.size(); ++k) {
      const Op op = instrs[k].op;
      if (is_access(op)) {
        first.push_back(static_cast<uint32_t>(k));
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
