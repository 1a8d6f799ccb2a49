// What the baseline compiler (jit_x64.cpp) learns from a body's structured control flow
// before it emits any code: how much fuel each charge takes and where, and which loops
// must check the fuel or poll the deadline at their headers. Functions of the decoded
// instructions alone, kept apart from the code generator.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "instr_reader.h"
#include "opcodes.h"

namespace midimon::wasm::jit_flow {

// A stretch of dead code (after br, br_table, return or unreachable), followed up to
// where it ends: constructs opened inside it are skipped whole, and the else or end of
// the construct it is in ends it. Both analyses below walk dead code with it.
class DeadStretch {
 public:
  enum class Step { Inside, Else, End };
  void start() { active_ = true; nested_ = 0; }
  bool active() const { return active_; }
  // What `op`, the next instruction in the stretch, means; Else and End end it.
  Step step(Op op) {
    if (op == Op::Block || op == Op::Loop || op == Op::If) {
      ++nested_;
    } else if (op == Op::Else && nested_ == 0) {
      active_ = false;
      return Step::Else;
    } else if (op == Op::End) {
      if (nested_ == 0) {
        active_ = false;
        return Step::End;
      }
      --nested_;
    }
    return Step::Inside;
  }

 private:
  bool active_ = false;
  uint32_t nested_ = 0;  // constructs opened inside it
};

// The instructions the analyses below stop at: structured control, branches, returns,
// traps and calls. Any other instruction only counts (one unit of fuel), so they walk
// these alone, a fifth of real code's instructions (sqlite3: 94 K of 481 K), and count
// the stretches between them by their indices.
inline constexpr std::array<bool, kOpCount> kFlowPoints = [] {
  std::array<bool, kOpCount> t{};
  for (Op op : {Op::Block, Op::Loop, Op::If, Op::Else, Op::End, Op::Br, Op::BrIf, Op::BrTable,
                Op::Return, Op::Unreachable, Op::Call, Op::CallIndirect}) {
    t[static_cast<size_t>(op)] = true;
  }
  return t;
}();
inline bool is_flow_point(Op op) { return kFlowPoints[static_cast<size_t>(op)]; }
// The index of every flow point of `instrs`, in order.
std::vector<uint32_t> flow_points(std::span<const Instr> instrs);

// Fuel (docs/limits.md): one unit per instruction, charged in advance, never more than
// a run that returns will have used by then. A charge is taken at the function's entry,
// at every loop header, at the start of each if and else arm, after every br_if (the
// fall-through) and after the end of a block or if that a branch leaves for an outer
// label. Each covers the instructions up to the next such point, plus the code it is
// certain to reach once if the call returns:
//   - after the end of a loop, or of a block no branch goes to (reached by falling in);
//   - after the end of a block or if that no branch inside leaves for an outer label
//     (a closed construct): charged where the construct starts;
//   - a closed loop's exit, the code after a br_if back to it at its own level, up to
//     its end: charged where the loop starts, not on each turn;
//   - the units both arms of an if start with (the lesser of their first blocks'):
//     charged before the if, the rest in the arm (an arm a loop's back-edge leaves
//     from keeps one unit, so that the loop can check there: LatchChecks); the code
//     after an if with no else whose then arm leaves (`if ... return end`) counts as
//     its else arm;
//   - the code after the end of a block or if that a branch leaves (a join), when every
//     edge into it is unconditional (falling in, a `br`, an arm's end; no br_if,
//     br_table or if without else): charged on each edge, with the charge in force
//     where it leaves, and not at the join;
//   - a loop's header, when the loop is entered by falling in and goes back only by
//     `br`s from charges of its own, which check for it (LatchChecks): charged where it
//     is entered and on each back-edge, as a join, unless some loop checks at it;
//   - a loop's header, when it goes back by `br_if`s (and `br`s from charges of its
//     own) and would check at its header: charged where it is entered, on each
//     `br_if`'s taken edge, which checks (LatchChecks::taken), and with each `br`'s
//     charges, which check; a turn that leaves checks nothing;
//   - a loop's header, when the loop checks on the way round at the charges of
//     `br_if`s back to it (and `br`s), each a straight block up to its br_if: charged
//     where it is entered and, for the next turn, with those charges, in advance
//     (LatchChecks::ahead); each such br_if's fall-through gives it back
//     (LatchChecks::refunds). Not certain to be used, the advance must not be seen by
//     a check before the br_if (a callee's entry, a nested loop).
// An instruction after br, br_table, return or unreachable is not counted up to the end
// or else that closes its block. A run's total is then the interpreter's on every path,
// and a run given exactly what it needs completes (where one that cannot pay stops:
// jit_x64.cpp, charge).
// Indexed by instruction: the units charged where a block starting there begins (0:
// no charge); one more entry for the end.
//
// `call_units` (by instruction, may be empty): units a call adds to the charge that
// covers it, the callee's entry charge, which the caller pays for it so that the callee
// checks nothing on the way in (jit_x64.cpp: a function's calls to itself). Such a
// charge must check that it fits, so that every call still passes a check: `checked`,
// when given, says which slots hold such units (a diamond's slot too when its shared
// units may).
// `call_units` must be empty or have one entry per instruction. `facts`, when given,
// learns on the way what the translator may skip work for (live code only).
struct BodyFacts {
  uint32_t func = 0;        // in: the function's own index
  bool calls_func = false;  // a `call` names `func`
  bool has_loop = false;
  bool has_call = false;    // any call or call_indirect
};
// Fuel checked on the way round (`latches`, when given): a loop whose every back-edge (a
// br, br_if or br_table to it) leaves from a charge of its own inside the loop, not the
// header's, may check there instead of at its header. Every turn that goes round passes
// such a charge (the charge in force at a branch is on every path to it), and a turn
// that leaves first (a search that finds at once, a `while` that ends, a refill loop
// that has enough) checks nothing. `moved`: the index of each such loop's `loop`, in
// order; `slots`: (loop, slot) for the charges of its back-edges. A loop no branch goes
// back to is moved with no slots: it cannot go round.
// `taken`: the `br_if`s back to a loop whose charge is on their taken edge (the units
// at their own index), in order; each checks. Their loops are among `moved`.
// `ahead`: (slot, units) for the charges of `br_if`s back to a loop that also pay its
// header for the next turn; `refunds`: (slot, units) for those br_ifs' fall-throughs,
// which give those units back. Both sorted by slot.
struct LatchChecks {
  std::vector<uint32_t> moved;
  std::vector<std::pair<uint32_t, uint32_t>> slots;
  std::vector<uint32_t> taken;
  std::vector<std::pair<uint32_t, uint32_t>> ahead, refunds;
};
// Whether the loop at an index keeps its header's charge and check (the translator runs
// several turns of it under one); asked only of loops that would not.
struct KeepHeader {
  bool (*keeps)(const void* ctx, uint32_t loop) = nullptr;
  const void* ctx = nullptr;
  bool operator()(uint32_t loop) const { return keeps && keeps(ctx, loop); }
};
// `points`: flow_points(instrs).
std::vector<uint32_t> block_costs(std::span<const Instr> instrs, std::span<const uint32_t> points,
                                  std::span<const uint32_t> call_units = {},
                                  std::vector<uint8_t>* checked = nullptr, BodyFacts* facts = nullptr,
                                  LatchChecks* latches = nullptr, KeepHeader keep = {});

// Whether the condition of the `br_if` at `latch` may depend on memory read in the
// stretch [first, latch): a value a load there produced reaches it, directly, through
// arithmetic or through a local set there. The stretch is a loop's turn with no control
// flow and no call (the translator asks before it unrolls a loop: a turn that stops on
// what it reads, a search or a scan, often stops after one or two turns; a counted one
// goes on). True too for any instruction it does not follow (conservative).
bool exit_reads_memory(std::span<const Instr> instrs, size_t first, size_t latch);

inline bool is_access(Op op) {
  return (op >= Op::I32Load && op <= Op::I64Load32U) || (op >= Op::I32Store && op <= Op::I64Store32);
}
inline bool is_call(Op op) { return op == Op::Call || op == Op::CallIndirect; }
// The first scalar load or store of each loop's straight-line start, for the loops
// that have one, in order: it runs on every turn. `points`: flow_points(instrs).
std::vector<uint32_t> first_certain_access(std::span<const Instr> instrs, std::span<const uint32_t> points);

// The loops (by the index of their `loop`) where some turn can reach a back-edge
// without running an instruction that `does(instr, index)` since the header. Deadline
// checks: a loop polls at its header unless every turn runs a call (a translated callee
// polls at its entry: the frame check against call_limit; jit_call_slow after any other)
// or an access whose bounds check compares with mem_limit, which is a poll then
// (jit_x64.cpp, bounds_check_rcx; only each loop's first_certain_access does: a load
// from memory for every access would cost memory-heavy loops more time than one poll a
// turn). Fuel: the same with calls alone, which check the fuel. Found by
// following the structured control flow once: `ran` says such an instruction
// certainly ran since the innermost loop's header on every path here (a branch to the
// end of a block or if passes on its value, the end takes the conjunction; whatever
// ran before a construct ran on every path through it; a nested loop whose own header
// checks counts as such an instruction).
// `unchecked_headers` (indices of `loop`s, in order): loops that do not check at their
// header (LatchChecks::moved), which therefore do not count for an outer loop.
// `points`: the instructions to look at, in order: the flow points and every
// instruction that `does`; the others are skipped.
template <class Pred>
std::vector<bool> loops_lacking(std::span<const Instr> instrs, std::span<const uint32_t> points, Pred does,
                                std::span<const uint32_t> unchecked_headers = {}) {
  std::vector<bool> lacking(instrs.size(), false);
  struct Open {
    Op kind;
    size_t at;         // the instruction that opened it
    bool at_entry;     // `ran` when it was entered
    bool join = true;  // the conjunction over the branches to its end (not loops)
  };
  std::vector<Open> open{{Op::End, 0, false}};
  bool ran = false;
  DeadStretch dead;
  auto branch = [&](uint32_t depth) {
    Open& t = open[open.size() - 1 - depth];
    if (t.kind == Op::Loop) {
      if (!ran) lacking[t.at] = true;
    } else {
      t.join = t.join && ran;
    }
  };
  auto close = [&](bool falls_in) {
    const Open o = open.back();
    open.pop_back();
    if (o.kind == Op::Loop) {
      // Only falling out leaves a loop; a nested loop that checks at its header has
      // checked on the way in.
      ran = (falls_in && ran) || o.at_entry ||
            (lacking[o.at] && !std::binary_search(unchecked_headers.begin(), unchecked_headers.end(), o.at));
    } else if (o.kind == Op::If) {
      ran = o.at_entry;  // no else: the false edge runs nothing
    } else {
      ran = (o.join && (!falls_in || ran)) || o.at_entry;
    }
  };
  for (const size_t i : points) {
    const Instr& in = instrs[i];
    const Op op = in.op;
    if (dead.active()) {
      switch (dead.step(op)) {
        case DeadStretch::Step::Inside: break;
        case DeadStretch::Step::Else:
          open.back().kind = Op::Else;
          ran = open.back().at_entry;
          break;
        case DeadStretch::Step::End:
          if (open.size() > 1) close(false);
          break;
      }
      continue;
    }
    if (does(in, i)) {
      ran = true;
      continue;
    }
    switch (op) {
      case Op::Block: open.push_back({op, i, ran}); break;
      case Op::Loop:
        open.push_back({op, i, ran});
        ran = false;
        break;
      case Op::If: open.push_back({op, i, ran}); break;
      case Op::Else: {
        Open& o = open.back();
        o.join = o.join && ran;  // the then arm's end
        o.kind = Op::Else;       // its else arm: no implicit false edge to the end
        ran = o.at_entry;
        break;
      }
      case Op::End:
        if (open.size() == 1) break;
        close(true);
        break;
      case Op::BrIf: branch(in.index); break;
      case Op::Br: case Op::BrTable: case Op::Return: case Op::Unreachable:
        if (op == Op::Br) branch(in.index);
        if (op == Op::BrTable) {
          for (uint32_t t : in.targets) branch(t);
          branch(in.index);
        }
        dead.start();
        break;
      default: break;
    }
  }
  return lacking;
}

}  // namespace midimon::wasm::jit_flow
