// Compiler, fuel: blocks paid at their exit instead of their entry.
//
// A fuel charge is two instructions on top of the branch that does it. Loops whose latch
// is a block of its own (`if (a[i]) continue;` jumps to the code that bumps `i` and
// branches back) pay two charges per turn: the branch into the latch charges the latch,
// and the latch's back-edge charges the loop header. When the latch can neither change
// anything outside its frame nor trap, nobody can tell whether it was paid on entry or
// together with the block after it, so its units go into both charges of its final
// conditional branch, and the branches into it charge nothing (docs/limits.md: a run
// that runs out stops at that branch instead, with the same memory, globals and trap).
// A cycle through such blocks still pays: it ends at a back-edge, which charges its loop
// header, and loop headers are never deferred (only forward labels and else arms are).
#include <array>

#include "compiler_internal.h"

namespace midimon::wasm::compiler_detail {

namespace {

// Operations a deferred block may run: no memory, table or global write, no call, no
// trap (div/rem and the float-to-int truncations trap; the saturating ones do not), and
// the structure that does not start a block by itself (block, end) or ends it (br_if, if).
constexpr std::array<bool, kOpCount> make_pure_table() {
  std::array<bool, kOpCount> t{};
  struct Code {
    unsigned prefix, code;
  };
  constexpr Code kCodes[] = {
#define WASM_OP(Name, text, prefix, code, imm, sig) {prefix, code},
#include "opcodes.def"
#undef WASM_OP
  };
  for (uint32_t i = 0; i < kOpCount; ++i) {
    const unsigned p = kCodes[i].prefix, c = kCodes[i].code;
    bool pure = false;
    if (p == 0) {
      pure = c == 0x01 || c == 0x02 || c == 0x04 || c == 0x0B || c == 0x0D ||  // nop block if end br_if
             c == 0x1A || c == 0x1B || c == 0x1C ||                            // drop select
             (c >= 0x20 && c <= 0x23) ||  // local.get/set/tee, global.get
             (c >= 0x41 && c <= 0xC4) ||  // constants, numeric
             (c >= 0xD0 && c <= 0xD2);    // ref.null, ref.is_null, ref.func
      if ((c >= 0x6D && c <= 0x70) || (c >= 0x7F && c <= 0x82)) pure = false;  // div, rem
      if ((c >= 0xA8 && c <= 0xAB) || (c >= 0xAE && c <= 0xB1)) pure = false;  // trunc
    } else if (p == 0xFC) {
      pure = c <= 7;  // trunc_sat
    }
    t[i] = pure;
  }
  return t;
}

constexpr std::array<bool, kOpCount> kPure = make_pure_table();

// A charging branch whose taken charge came out 0, and its twin that does not charge on
// that path: the unit of the taken charge is at start + 3 + n.
struct Twin {
  IOp charging, uncharged;
  uint32_t n;
};

constexpr Twin kTwins[] = {
#define MIDIMON_X(Name, n) {IOp::Name##_FB, IOp::Name##_F, n},
    MIDIMON_COND_BRS(MIDIMON_X) MIDIMON_IMM_COND_BRS(MIDIMON_X)
#undef MIDIMON_X
#define MIDIMON_X(A, C, n) {IOp::A##_##C##_FB, IOp::A##_##C##_F, n},
    MIDIMON_ARITH_BRS(MIDIMON_X)
#undef MIDIMON_X
#define MIDIMON_X(A, C, n) {IOp::A##I_##C##_FB, IOp::A##I_##C##_F, n},
    MIDIMON_ARITH_IMM_BRS(MIDIMON_X)
#undef MIDIMON_X
#define MIDIMON_X(L, T, C, n) {IOp::L##_##C##_FB, IOp::L##_##C##_F, n},
    MIDIMON_LOAD_BRS(MIDIMON_X)
#undef MIDIMON_X
    // Unconditional: the plain ops ignore the cost unit after their rel.
    {IOp::Br_FB, IOp::Br, 0},
    {IOp::I32Add_Br_FB, IOp::I32Add_Br, 3},
    {IOp::Copy_Br_FB, IOp::Copy_Br, 2},
    {IOp::Copy2_Br_FB, IOp::Copy2_Br, 4},
    {IOp::Const_Br_FB, IOp::Const_Br, 3},
};

}  // namespace

bool Compiler::fuel_pure(Op op) { return kPure[static_cast<size_t>(op)]; }

void Compiler::start_defer_candidate(bool merged) {
  defer_cand_.active = false;
  if (!fuel_ || fuel_field_ < 0) return;
  defer_cand_.fall_in.clear();
  if (merged) {
    // merge_block just pushed the block's own field; the others count its units too.
    defer_cand_.field = merged_.back();
    defer_cand_.fall_in.push_back(static_cast<uint32_t>(fuel_field_));
    defer_cand_.fall_in.insert(defer_cand_.fall_in.end(), merged_.begin(), merged_.end() - 1);
    // A self-call (Call_S) has the entry block's cost, as it was then, added to its
    // caller's charge: that cost must not change afterwards.
    if (fuel_field_ == entry_field_) return;
  } else {
    defer_cand_.field = static_cast<uint32_t>(fuel_field_);
  }
  defer_cand_.serial = block_serial_;
  defer_cand_.active = true;
}

void Compiler::end_defer_candidate(uint32_t taken_unit, uint32_t ft_unit) {
  if (!defer_cand_.active || defer_cand_.serial != block_serial_) return;
  defer_cand_.active = false;
  deferred_.push_back({defer_cand_.field, defer_cand_.fall_in, taken_unit, ft_unit});
}

void Compiler::defer_before_fixups() {
  for (Deferred& d : deferred_) {
    d.units = cost_of(d.field);
    add_cost(d.field, 0u - d.units);
    for (uint32_t f : d.fall_in) add_cost(f, 0u - d.units);
  }
}

void Compiler::defer_after_fixups() {
  if (deferred_.empty()) return;
  for (const Deferred& d : deferred_) {
    code_[d.taken_unit] += d.units;
    code_[d.ft_unit] += d.units;
  }
  for (const CostFixup& f : back_fixups_) {
    if (code_[f.unit] != 0) continue;  // (a br_table's handler is no twin: left as is)
    for (const Twin& t : kTwins) {
      if (f.unit == f.start + 3 + t.n && intact(f.start, t.charging, 0, f.start)) {
        set_handler(f.start, t.uncharged);
        break;
      }
    }
  }
}

}  // namespace midimon::wasm::compiler_detail
