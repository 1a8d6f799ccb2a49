// The compiler's internal class, shared by its files (not part of the engine's API):
//   compiler.cpp          how each wasm instruction is translated (the entry point)
//   compiler_control.cpp  blocks, branches, br_table, calls and returns
//   compiler_fusion.cpp   the peephole: applying the superinstruction table
//                         (superinstructions.h, lookups in peephole.cpp) while emitting
//
// The operand stack is simulated at compile time: every entry records the slot where its
// value currently lives. A fresh result lives in the "temp" slot of its stack position;
// local.get and constants push the local's or the constant's own slot without emitting
// anything. Such references are made real ("materialised" into their temp slot) only when
// something would invalidate them: a local.set/tee of that local, or a control merge
// (block/loop/if entry; branches copy values into the target's slots anyway).
//
// Because the validator already accepted the body, the compiler trusts stack shapes and
// indices and does not track value types, except for one bit per stack entry: a v128
// takes two consecutive slots (value.h), so it is two entries, and the upper one is
// marked so that drop and select know how wide their operand is. Everything that moves
// values (materialising, branch moves, calls, returns) works slot by slot and never
// separates the two halves.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <unordered_map>
#include <utility>
#include <vector>

#include "code.h"
#include "compiler.h"
#include "decoded_body.h"
#include "peephole.h"

namespace midimon::wasm::compiler_detail {

using peephole::BrVariant;

struct Ctrl {
  Op kind = Op::Block;  // Block, Loop, If; End marks the function's own frame
  uint32_t height = 0;  // stack height (slots) below the block's parameters
  uint32_t nparams = 0;   // slots
  uint32_t nresults = 0;  // slots
  std::span<const ValType> params, results;
  uint32_t loop_start = 0;
  uint32_t hdr_units = 0;     // Loop: size of the header's Fuel/Poll op (0: none)
  int64_t hdr_field = -1;     // Loop: the header's cost field (fuel on; see merge_block)
  // A forward branch to this label: rel field, instruction start, and (fuel on) its
  // taken-cost unit: it charges the label's block itself, jumping past its Fuel op if it
  // has one, and the unit gets the block's cost (code.h, "Sandbox instrumentation").
  // A merged br (Compiler::emit_merged_br) has kMerged | its index in br_merges_ instead.
  struct Fixup {
    uint32_t field, start, cost;  // cost: kNoCost when fuel is off
  };
  static constexpr uint32_t kNoCost = UINT32_MAX;
  static constexpr uint32_t kMerged = 0x80000000u;
  std::vector<Fixup> fixups;
  int64_t else_field = -1;  // If: the branch to the else arm, patched at else/end
  uint32_t else_start = 0;
  int32_t else_cost = -1;   // If (fuel on): that branch's taken-cost unit
  bool unreachable = false;
};

class Compiler {
 public:
  Compiler(const Engine& engine, const ModuleInfo& m, uint32_t func_index,
           const DecodedBody& decoded)
      : fuel_(engine.config().fuel_metering),
        deadline_(engine.config().deadline_checks),
        func_index_(func_index),
        m_(m),
        type_(m.func_type(func_index)),
        body_(m.bodies[func_index - m.num_imported_funcs]),
        instrs_(decoded.instrs()),
        handlers_(interp_handler_addresses(engine.config().deadline_checks)),
        out_(std::make_unique<CompiledFunc>()),
        code_(out_->code) {}

  Result<std::unique_ptr<CompiledFunc>> run();

 private:
  // --- slots ---
  uint32_t temp(size_t pos) const { return temp_base_ + static_cast<uint32_t>(pos); }
  bool is_local(uint32_t slot) const { return slot < num_locals_; }
  // A local's first slot, and whether it is a v128 (two slots).
  uint32_t local_slot(uint32_t x) const { return local_slots_.empty() ? x : local_slots_[x]; }
  bool local_is_v128(uint32_t x) const { return !local_wide_.empty() && local_wide_[x]; }

  // `hi`: the entry is the upper half of a v128.
  void push_slot(uint32_t slot, bool hi = false) {
    stack_.push_back(slot);
    hi_.push_back(hi);
    if (stack_.size() > max_height_) max_height_ = static_cast<uint32_t>(stack_.size());
  }
  void push_temp() { push_slot(temp(stack_.size())); }
  void push_v128(uint32_t lo) {
    push_slot(lo);
    push_slot(lo + 1, true);
  }
  void push_temp_v128() { push_v128(temp(stack_.size())); }
  // Temps for values of the given types (block and call results).
  void push_temps(std::span<const ValType> types) {
    for (ValType t : types) t == ValType::V128 ? push_temp_v128() : push_temp();
  }
  // One slot (a scalar, or one half of a v128 while moving slots).
  uint32_t pop() {
    if (stack_.back() == kVirtualSlot) settle_at(stack_.size() - 1);
    uint32_t s = stack_.back();
    stack_.pop_back();
    hi_.pop_back();
    return s;
  }
  bool top_is_v128() const { return !hi_.empty() && hi_.back(); }
  // A whole value: its (first) slot.
  uint32_t pop_value() {
    if (top_is_v128()) pop();
    return pop();
  }
  void truncate(size_t height) {
    for (size_t i = height; nvirt_ != 0 && i < stack_.size(); ++i) {
      if (stack_[i] == kVirtualSlot) --nvirt_;
    }
    stack_.resize(height);
    hi_.resize(height);
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
  // Whether a back-edge emitted here must poll the deadline: not when a scalar load or
  // store certainly ran since the last block start (access_polled_), as its bounds check
  // against ExecState::mem_limit fails once a deadline has passed (code.h).
  bool back_polls() const { return deadline_ && !access_polled_; }
  // The variant of a back-edge emitted here (fuel and/or a poll; with neither, the caller
  // keeps the plain branch).
  BrVariant back_variant() const {
    return fuel_ ? (back_polls() ? BrVariant::FPB : BrVariant::FB) : BrVariant::PB;
  }
  uint32_t here() const { return static_cast<uint32_t>(code_.size()); }
  // A jump may land here: the previous instruction can no longer be rewritten, and the
  // accesses before it ran on some paths only.
  void bind_here() {
    access_polled_ = false;
    store_start_ = -1;
    ldb_start_ = -1;
    arith_start_ = -1;
    pair_start_ = -1;
    idx_start_ = -1;
    const_start_ = -1;
    load_start_ = -1;
    lpair_start_ = -1;
    gget_start_ = -1;
    last_dst_ = -1;
    last_cmp_start_ = -1;
    last_start_ = -1;
    last_copy_start_ = -1;
  }
  // A value was dropped: the last instruction's result may be gone, and the temp now on
  // top is then an older one. The fusions of a consumer with the producer just before
  // (last_made, a compare's br_if) see only that the top is a temp, so they must stop.
  void forget_fresh_result() {
    last_dst_ = -1;
    last_start_ = -1;
    last_cmp_start_ = -1;
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
  void result_v128_at(uint32_t field) {
    push_temp_v128();
    last_dst_ = field;
  }

  // --- control ---
  // The block's parameter and result types, and their slot counts.
  void block_sig(const BlockType& bt, Ctrl* c) const;

  Ctrl& label(uint32_t depth) { return ctrls_[ctrls_.size() - 1 - depth]; }
  bool is_func_label(uint32_t depth) const { return depth == ctrls_.size() - 1; }
  uint32_t label_arity(const Ctrl& c) const { return c.kind == Op::Loop ? c.nparams : c.nresults; }

  void set_unreachable() {
    ++block_serial_;
    fuel_field_ = -1;  // until the next block start, the code is dead
    if (fuel_) merged_.clear();
    ctrls_.back().unreachable = true;
    truncate(ctrls_.back().height);
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
  // An i32.and with its constant b in the instruction (I32And_I) ends at `end`: the
  // I32AndI_* flag tests take it (MIDIMON_ARITH_IMM_BRS).
  bool and_imm_ends_at(int64_t end) const {
    return arith_op_ == Op::I32And && intact(arith_start_, IOp::I32And_I, kOpUnits + 3, end);
  }
  // An i32.add or i32.sub with its constant in the instruction (I32Add_I; a sub by c is
  // the add of -c) ends at `end`: fuse_global_set takes it.
  bool add_imm_ends_at(int64_t end) const {
    return (arith_op_ == Op::I32Add || arith_op_ == Op::I32Sub) &&
           intact(arith_start_, IOp::I32Add_I, kOpUnits + 3, end);
  }

  // The binop just before has its constant b in the instruction (<Binop>_I, intact up to
  // `end`) and pairs with `op` as PairI_<A>_<op> (MIDIMON_IMM_BINOP_PAIRS); else Invalid.
  IOp imm_pair_ending_at(Op op, int64_t end) const {
    const IOp pair = peephole::imm_binop_pair(pair_op_, op);
    if (pair == IOp::Invalid) return IOp::Invalid;
    const Op eop = pair_op_ == Op::I32Sub ? Op::I32Add : pair_op_ == Op::I64Sub ? Op::I64Add : pair_op_;
    return intact(pair_start_, peephole::imm_binop(eop), kOpUnits + 3, end) ? pair : IOp::Invalid;
  }

  void note_cmp(Op op, uint32_t start, uint32_t a, uint32_t b) {
    last_cmp_start_ = start;
    last_cmp_op_ = op;
    last_cmp_a_ = a;
    last_cmp_b_ = b;
  }

  // A basic block starts here (code.h, "Sandbox instrumentation"): opens its Fuel charge,
  // and polls the deadline when `header` (a loop header).
  void open_block(bool header) {
    ++block_serial_;
    fuel_field_ = -1;
    if (fuel_) {
      merged_.clear();
      emit_op(header && deadline_ ? IOp::FuelPoll : IOp::Fuel);
      fuel_field_ = here();
      emit(0);
    } else if (header && deadline_) {
      emit_op(IOp::Poll);
    }
  }


  // --- constants (compiler_consts.cpp) ---
  // A constant pushed by i32/i64/f32/f64.const or ref.null is a "virtual" stack entry
  // (kVirtualSlot, its bits in vconst_) until an instruction consumes it: those that can
  // carry it (<Binop>_I, <Store>_I, Ret1I, local.set; a load or store folds a constant
  // address into its offset) take it as an immediate; any other instruction first
  // settles every virtual entry into a pool slot, allocated on first use, so the pool
  // copied into every frame holds only constants some instruction reads from a slot.
  // An immediate form stays "pending" until the next instruction shows whether a
  // superinstruction wants the plain form instead (then it is demoted to it, the
  // constant getting a slot).
  static constexpr uint32_t kVirtualSlot = 0xffffffffu;
  static constexpr uint32_t kNoSlot = 0xffffffffu;
  bool top_virtual() const { return !stack_.empty() && stack_.back() == kVirtualSlot; }
  void push_virtual(uint64_t bits) {
    if (vconst_.size() <= stack_.size()) vconst_.resize(stack_.size() + 1);
    vconst_[stack_.size()] = bits;
    push_slot(kVirtualSlot);
    ++nvirt_;
  }
  void settle_at(size_t i) {
    stack_[i] = const_slot(vconst_[i]);
    --nvirt_;
  }
  void settle() {
    if (top_virtual()) settle_at(stack_.size() - 1);
  }
  // Whether `op` may find a virtual constant on the stack (compile_instr settles them
  // all before any other instruction).
  static bool takes_virtual(Op op);
  void settle_all() {
    for (size_t i = 0; nvirt_ != 0 && i < stack_.size(); ++i) {
      if (stack_[i] == kVirtualSlot) settle_at(i);
    }
  }
  // The address operand of a load or store: a constant one is folded into the offset
  // (read from a shared zero slot) when the sum fits the offset field.
  uint32_t pop_addr(uint32_t* offset);
  uint32_t const_slot(uint64_t bits);
  // The constant on top, if virtual, taken as an immediate by `op` (a binop).
  bool do_binary_imm(Op op);
  bool set_local_const(uint32_t x, bool tee);
  // The same for a store of it (<Store>_I) and a return of it (Ret1I).
  bool store_imm(Op op, uint32_t offset);
  bool return_imm();
  // Records the pending immediate form at `start` (its constant in unit `field`) and
  // the plain op it becomes if demoted.
  void note_imm(uint32_t start, Op op, uint64_t bits, IOp imm, IOp plain, uint32_t field);
  // Called before each instruction `next`: demotes or forgets the pending immediate form.
  void resolve_pending_imm(Op next);
  void demote_imm();
  bool imm_pending_at(int64_t start) const;
  uint32_t nvirt_ = 0;             // virtual entries on the stack
  std::vector<uint64_t> vconst_;   // by stack position: the constant of a virtual entry
  uint32_t const_base_ = 0;
  int64_t imm_start_ = -1;  // start of the pending <Binop>_I or <Store>_I
  Op imm_op_ = Op::Nop;     // its wasm op (i32.sub for an add of -c)
  uint64_t imm_bits_ = 0;   // the wasm constant
  IOp imm_iop_ = IOp::Invalid, imm_plain_ = IOp::Invalid;
  uint32_t imm_field_ = 0;
  // A block starts here that the code before falls into (a loop header, or a label some
  // branch reaches). With fuel on it gets no Fuel op: its cost is added to the charge of
  // the block it follows (code.h), and also counted in a field of its own, which the
  // branches that enter it charge. Returns that field (-1: fuel off, or dead code before,
  // so no fall-in).
  int64_t merge_block() {
    ++block_serial_;
    if (!fuel_ || fuel_field_ < 0) return -1;
    const uint32_t f = kVirtualField | static_cast<uint32_t>(virt_costs_.size());
    virt_costs_.push_back(0);
    merged_.push_back(f);
    return f;
  }
  // A block's cost, from its field (a code unit, or a merged block's own count).
  uint32_t cost_of(uint32_t field) const {
    return field & kVirtualField ? virt_costs_[field & ~kVirtualField] : code_[field];
  }
  void add_cost(uint32_t field, uint32_t units) {
    (field & kVirtualField ? virt_costs_[field & ~kVirtualField] : code_[field]) += units;
  }
  // One instruction more in the current block (and in the merged blocks it falls into).
  // (merged_ is empty whenever fuel_field_ is -1: one test when fuel is off.)
  void count_instr() {
    if (fuel_field_ >= 0) {
      ++code_[static_cast<size_t>(fuel_field_)];
      for (uint32_t f : merged_) ++virt_costs_[f & ~kVirtualField];
    }
  }

  // --- translation (compiler.cpp) ---
  Result<void> collect_consts();
  void map_locals();
  void order_zeroed_locals();
  Result<void> compile_body();
  Result<void> compile_instr(const Instr& in, bool* done);
  void do_memory(const Instr& in);
  void do_unary(Op op);
  void do_binary(Op op);
  void do_local_set(uint32_t x, bool tee);
  void do_local_set_v128(uint32_t x, bool tee);
  void do_select();
  void do_global(const Instr& in);
  void push_const(uint64_t bits);
  void push_const_v128(uint64_t lo, uint64_t hi);

  // --- SIMD (compiler_simd.cpp) ---
  void do_simd(const Instr& in);
  // Emits the Simd/SimdMem op that calls `op`'s handler; returns its start.
  uint32_t emit_simd_op(Op op);

  // --- control (compiler_control.cpp) ---
  void enter_block(Op kind, const BlockType& bt, uint32_t cond);
  // Jump to the else arm when `cond` is zero (the head may fuse a compare).
  void emit_if_branch(uint32_t cond, Ctrl* c);
  void do_else();
  // Returns true at the function's final end.
  bool do_end();
  void do_br_if(uint32_t depth);
  void do_br_table(const Instr& in);
  void do_call(const FuncType& callee, IOp op, uint32_t a, uint32_t b, bool indirect);
  // `always`: the branch is the block's unconditional end (a br, the end of an if's then
  // arm), so the block always continues into the target: see emit_merged_br.
  void emit_branch(uint32_t depth, bool always = false);
  // With fuel on, a forward br that ends a reachable block is a plain Br: its target's
  // cost is added to the charge of the block (and of the merged blocks it belongs to,
  // merge_block) once every cost is final. Returns false (nothing emitted) otherwise.
  bool emit_merged_br(Ctrl& c);
  void emit_return();
  // `cost` >= 0: the branch's taken-cost unit; it then charges its target block itself
  // and jumps past the target's Fuel op (a forward target, or a loop header whose op is
  // a plain Fuel); where it cannot, the unit is left 0 and the jump goes to the op.
  void jump_to(uint32_t depth, uint32_t start, uint32_t field, int64_t cost = -1);
  // Binds the pending forward branches of `c` to the block at `target`; those that charge
  // it jump to `past` (after its Fuel op, if any) and charge `cost_field`'s cost.
  void bind_label(Ctrl& c, uint32_t target, uint32_t past, int64_t cost_field);
  bool moves_needed(uint32_t depth);
  // Copies the branch's values into the target's slots; increasing order is safe because
  // every source temp sits at or above its destination (see file comment in code.h).
  void emit_moves(uint32_t depth);
  // The conditional branch `base` at `start` (rel field already emitted) goes to a loop
  // header (`back`) or forward. With the sandbox on, it becomes its variant that charges
  // the block it enters (code.h): the loop header's cost when taken backwards (the rel
  // then points past the header's op), the fall-through's cost when not taken.
  // A forward branch (`back` null) with fuel on becomes its _FB variant: its taken-cost
  // unit is returned (-1 otherwise) for jump_to, which fills it in.
  int64_t finish_cond_branch(IOp base, uint32_t start, uint32_t rel_field, const Ctrl* back);

  // --- peephole (compiler_fusion.cpp) ---
  // Each fuse_* either replaces the just-emitted instruction(s) by a superinstruction
  // that includes the current one and returns true, or emits nothing and returns false.
  // The note_* record what a plain instruction left for the next one to fuse with.
  bool fuse_binary(Op op, uint32_t a, uint32_t b);
  void note_binary(Op op, uint32_t start, uint32_t a, uint32_t b);
  bool fuse_store(Op op, uint32_t addr, uint32_t v, uint32_t offset);
  void note_store(Op op, uint32_t start);
  bool fuse_load(Op op, uint32_t addr, uint32_t offset);
  // The address `addr` is the result of the intact Pair_I32Shl_I32Add (or PairI_) just
  // before, `base + (index << k)` with a constant k whose shl result nothing else reads
  // (and which is not `other`, a store's value; loads pass UINT32_MAX): fills base,
  // index, k.
  // The result is a fresh temp on top of the stack, or, when `tee` is given, also a local
  // the add wrote (retargeted by a local.tee or set): *tee says which.
  bool idx_address(uint32_t addr, uint32_t other, uint32_t* base, uint32_t* index, uint32_t* k,
                   bool* tee = nullptr) const;
  bool fuse_load_idx(Op op, uint32_t addr, uint32_t offset);
  bool fuse_store_idx(Op op, uint32_t addr, uint32_t v, uint32_t offset);
  // A load right after a plain load: LdPair_<A>_<B>.
  bool fuse_load_pair(Op op, uint32_t addr, uint32_t offset);
  // A load right after a plain store: StLd_<Store>_<Load>.
  bool fuse_load_after_store(Op op, uint32_t addr, uint32_t offset);
  // Both above: the first access (at s0, plain op `first`) becomes `fused`, and this load's
  // operands follow it.
  void append_second_load(int64_t s0, Op first, IOp fused, Op op, uint32_t addr, uint32_t offset);
  // A store of the plain load just before (Mv_<Load>_<Store>) or after a plain store
  // (StPair_<A>_<B>).
  bool fuse_store_after_access(Op op, uint32_t addr, uint32_t v, uint32_t offset);
  // The load just before was merged away: nothing may fuse with it any more.
  void forget_load_fusions();
  void note_load(Op op, uint32_t start);
  // The branch on the dead temp `cond` after the plain I32Load / I32Load8U that wrote it
  // (intact, ending here): the load is taken back and its fused branch `<Load>_<C>`
  // (MIDIMON_LOAD_BRS; C one of BrNz, BrZ, BrEqI, BrNeI) emitted with the load's address
  // and offset, then `imm` for the compares. Else nothing is emitted and Invalid returned.
  IOp emit_load_branch(uint32_t cond, peephole::LoadBr c, uint32_t imm, uint32_t* start);
  // br_table on the fresh result of the i32.sub just before: `fused`, I32Sub_BrTable or
  // (fuel on) I32Sub_BrTable_F. Returns the op's start (its table follows), or -1 when
  // it does not apply.
  int64_t emit_sub_br_table(uint32_t index, IOp fused);
  // An unconditional jump, fused with the i32.add, one or two copies or the constant just
  // before when possible (I32Add_Br, Copy_Br, Copy2_Br, Const_Br). Returns its start; its
  // rel field is the last unit emitted (0 until patched). `charges`: a jump that charges its
  // target (Br_FB, fuel on and no poll; fused: I32Add_Br_FB, Copy_Br_FB, Copy2_Br_FB,
  // Const_Br_FB), whose rel and
  // cost fields are the last two units emitted (0 until filled in).
  uint32_t emit_jump(bool charges = false);
  // An if's branch to its else arm fused with the add/sub/and just before (directly, or
  // through eqz or a compare); IOp::Invalid when none applies (nothing emitted).
  IOp emit_if_arith_head(uint32_t cond, uint32_t* start);
  // global.set of the i32.add/i32.sub just before (its result, fresh or tee'd into a
  // local), itself maybe of a global.get of the same global: <A>_GlobalSet,
  // GlobalGet_I32Sub_GlobalSet.
  bool fuse_global_set(uint32_t v, uint32_t global);
  // Emits the head of br_if's conditional branch (up to its rel field, not included):
  // fused with the compare and/or counter step just before when possible. Returns the
  // base op (for its sandbox variants) and its start in `*start`.
  IOp emit_br_if_head(uint32_t cond, uint32_t* start);
  // The same for an if's branch to its else arm, taken when `cond` is zero.
  IOp emit_if_head(uint32_t cond, uint32_t* start);
  // Runs of up to four copies become one Copy2/3/4.
  void emit_copy(uint32_t dst, uint32_t src);
  // Turns the instruction at `start` into `fused` by appending a binop's [d][a][b] to it
  // (a pair, or a store then add). The result is no single instruction any more, so no
  // later fusion may take it apart; its d can still be retargeted by a local.set.
  void append_binop(int64_t start, IOp fused, uint32_t a, uint32_t b);
  // Replaces the noted binop (and everything after it) by the arithmetic + branch op
  // `fused` (MIDIMON_ARITH_BRS): [d][a][b], then `c` when `with_c`. Returns its start.
  uint32_t emit_arith_branch(IOp fused, bool with_c, uint32_t c);

  const bool fuel_;
  const bool deadline_;
  // A scalar load or store (do_memory: every one has a bounds check against
  // ExecState::mem_limit) was emitted since the last jump target (bind_here), so on
  // every path reaching the current position it has run since the last block start; a
  // back-edge here needs no poll (back_polls). Conservative: reset at every label.
  bool access_polled_ = false;
  const uint32_t func_index_;
  // The entry block's cost field (fuel on), and whether its charge ends in a merged br
  // (then its final cost is known only at the end): see Call_S (code.h).
  int64_t entry_field_ = -1;
  bool entry_grows_ = false;
  int64_t fuel_field_ = -1;  // cost field of the current block's Fuel op; -1: none/dead code
  // Cost fields at or above kVirtualField are merged blocks' own counts (merge_block):
  // index into virt_costs_. merged_: those still counting up with fuel_field_.
  static constexpr uint32_t kVirtualField = 0x80000000u;
  std::vector<uint32_t> virt_costs_;
  std::vector<uint32_t> merged_;
  // Merged forward brs (emit_merged_br): where each is and the cost fields that get its
  // target's cost; once the targets are bound, one (br position, field, target's field)
  // per field in cost_adds_, applied in decreasing br position so that a target's own
  // additions (from brs after it) are in before it is added.
  struct BrMerge {
    uint32_t pos;
    std::vector<uint32_t> fields;
  };
  std::vector<BrMerge> br_merges_;
  struct CostAdd {
    uint32_t pos, field, from;
  };
  std::vector<CostAdd> cost_adds_;
  // (taken-cost unit of a branch, its target block's cost field (see cost_of), the
  // start of the op that charges it: a br_table entry's is the table's): filled in once
  // the body is compiled and every block's cost is final.
  struct CostFixup {
    uint32_t unit, field, start;
  };
  std::vector<CostFixup> back_fixups_;
  // --- fuel: blocks paid at their exit (compiler_fuel.cpp) ---
  // A block entered at a label (a forward branch target or an else arm) that runs no
  // instruction with an effect or a trap (fuel_pure) and ends with a conditional branch
  // is not charged on entry: its units are added to both charges of that branch, so the
  // branches into it charge nothing (their _F / plain twins) and the block before it,
  // when it falls in, no longer pays for it (code.h, "deferred").
  struct DeferCandidate {
    bool active = false;
    uint32_t field = 0;            // the block's own cost field
    uint64_t serial = 0;           // block_serial_ when it started
    std::vector<uint32_t> fall_in;  // fields of the blocks that fall into it
  };
  struct Deferred {
    uint32_t field;
    std::vector<uint32_t> fall_in;
    uint32_t taken_unit, ft_unit;  // its final branch's two charges
    uint32_t units = 0;            // its cost, once the body is compiled
  };
  DeferCandidate defer_cand_;
  std::vector<Deferred> deferred_;
  uint64_t block_serial_ = 0;  // bumped whenever a basic block starts or code goes dead
  // A block that starts at a label: a candidate for deferral (fuel on). `merged`: it is
  // fallen into (merge_block's field), else it has its own Fuel op.
  void start_defer_candidate(bool merged);
  // Its final conditional branch: taken-cost and ft-cost units.
  void end_defer_candidate(uint32_t taken_unit, uint32_t ft_unit);
  static bool fuel_pure(Op op);
  // Before the merged brs' costs and the fixups: the deferred blocks' fields and the
  // fall-in charges lose their units.
  void defer_before_fixups();
  // After them: their final branches charge the units; entries left charging 0 become
  // the non-charging twins of their ops.
  void defer_after_fixups();
  const ModuleInfo& m_;
  const FuncType& type_;
  const FuncBody& body_;
  const std::span<const Instr> instrs_;  // the body, decoded once (decoded_body.h)
  const uint64_t* handlers_;
  std::unique_ptr<CompiledFunc> out_;
  std::vector<uint32_t>& code_;

  uint32_t num_locals_ = 0;  // slots of parameters and locals
  uint32_t zero_end_ = 0;    // slots [params, zero_end_) are zeroed on entry
  std::vector<uint32_t> local_slots_;  // local index -> first slot; empty: the same (no v128)
  std::vector<uint8_t> local_wide_;    // local index -> is a v128; empty: none is
  uint32_t temp_base_ = 0;
  uint32_t max_height_ = 0;
  std::vector<uint32_t> stack_;
  std::vector<uint8_t> hi_;  // per stack entry: the upper half of a v128
  std::vector<Ctrl> ctrls_;
  // Constants eligible for a pool slot -> their slot, kNoSlot until first used.
  std::unordered_map<uint64_t, uint32_t> const_slots_;
  std::map<std::pair<uint64_t, uint64_t>, uint32_t> v128_const_slots_;  // two slots each
  int64_t last_dst_ = -1;        // dst field of the last instruction if it made the top temp
  int64_t last_cmp_start_ = -1;  // start of the last instruction if it is a fusable compare
  int64_t arith_start_ = -1;     // start of the last i32.add/i32.sub/i64.add (arith_ends_at)
  int64_t pair_start_ = -1;      // start of the last plain binop (may head a pair)
  int64_t store_start_ = -1;     // start of the last plain store (may take an i32.add)
  int64_t idx_start_ = -1;       // start of the last (Pair|PairI)_I32Shl_I32Add
  int64_t const_start_ = -1;     // start of the last I64Const (a local's or a temp's: Const_Br)
  int64_t load_start_ = -1;      // start of the last plain load (may head a LdPair)
  Op load_op_ = Op::Nop;
  int64_t lpair_start_ = -1;     // start of the last LdPair (its second load may still be split
  Op lpair_op_ = Op::Nop;        // off for a <Binop>_Ld; lpair_op_ is its first load)
  int64_t gget_start_ = -1;      // start of the last scalar global.get
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

}  // namespace midimon::wasm::compiler_detail
