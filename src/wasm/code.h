// The interpreter's internal code: what the compiler (compiler.cpp) produces from one
// validated function body and the interpreter (interpreter.cpp) runs.
//
// Frame layout (8-byte Value slots, fp-relative; a v128 takes two adjacent slots, and
// counts below are in slots):
//   [0, num_locals)                 parameters, then declared locals (zeroed on entry up
//                                   to zero_end; the rest are written before read)
//   [ctl_slot, ctl_slot + 3)        return info: return pc, caller fp, caller Instance*
//   [const_slot, +num_consts)       constants, copied from `consts` on entry (only those
//                                   some instruction reads from a slot; the rest are
//                                   carried in the instructions, and the unused slots up
//                                   to temp_slot are never read)
//   [temp_slot, frame_size)         operand stack; the slot of every operand is static
// Results are written to slots [0, num_results) on return, which is where the caller put
// the arguments (ctl_slot >= max(num_locals, num_results) so they never collide).
//
// Code stream: 32-bit units. An instruction starts with its handler's address in two
// units (kOpUnits; dispatch is one 64-bit load and an indirect jump), followed by its
// operands (slot indices, immediates, and branch offsets relative to the instruction's
// first unit). The layouts below write the handler as one [h].
#pragma once

#include <cstdint>
#include <vector>

#include "jit.h"
#include "opcodes.h"
#include "superinstructions.h"
#include "value.h"

namespace midimon::wasm {

// Conditional branches that have sandbox variants (name, operand units before the rel
// field). With the instrumentation on, the compiler emits these instead of a separate
// Fuel/Poll op (see "Sandbox instrumentation" below):
//   <Br>_F    _FB whose taken cost came out 0 (its target is paid at that target's
//             exit, see "deferred" below): [base layout][taken cost = 0][ft cost]
//             taken: no charge; not taken: charge ft cost
//   <Br>_FB   back-edge to a loop, fuel:  [base layout][taken cost][ft cost]
//   <Br>_PB   back-edge, deadline only:   [base layout] taken: poll
//   <Br>_FPB  back-edge, fuel + deadline: [base layout][taken cost][ft cost] taken: poll
//   Br_FB [h][rel][cost]   Br_PB [h][rel]   Br_FPB [h][rel][cost]
// With fuel on, a forward branch is _FB too (never _FPB: only loop headers poll), its
// taken cost being its target block's cost. Three more fuel-only forms:
//   BrTable_F       [h][index][count][(rel, cost) * (count + 1)]  (each entry's rel
//                   and cost side by side: one address for both)
//   Call_F          [h][funcidx][frame base]        (Call's layout)
//   CallImport_F    [h][funcidx][frame base]        (CallImport's)
//   CallIndirect_F  [h][typeidx][tableidx][frame base][index slot]
//   Call_S          [h][funcidx][frame base]        a function's call of itself whose
//                   entry cost the caller's block has paid: starts past the Fuel op
//   I32Sub_BrTable_F [h][a][b][count][(rel, cost) * (count + 1)]
//                   I32Sub_BrTable whose entries charge like BrTable_F's
//   I32Add_Br_FB    [h][d][a][b][rel][cost]   I32Add_Br whose jump charges like Br_FB's
//                   (fuel without polling: a forward br, or a back-edge that needs no poll)
//   Copy_Br_FB      [h][dst][src][rel][cost]  Copy2_Br_FB [h][d1][s1][d2][s2][rel][cost]
//   Const_Br_FB     [h][dst][lo][hi][rel][cost]
//                   the same for Copy_Br / Copy2_Br / Const_Br
#define MIDIMON_COND_BRS(X) \
  X(BrIf, 1) X(BrUnless, 1) X(BrIfI64Nez, 1) X(BrIf_I32Eqz, 1) X(BrIf_I64Eqz, 1) \
  X(BrIf_I32Eq, 2) X(BrIf_I32Ne, 2) X(BrIf_I32LtS, 2) X(BrIf_I32LtU, 2) X(BrIf_I32GtS, 2) \
  X(BrIf_I32GtU, 2) X(BrIf_I32LeS, 2) X(BrIf_I32LeU, 2) X(BrIf_I32GeS, 2) X(BrIf_I32GeU, 2) \
  X(BrIf_I64Eq, 2) X(BrIf_I64Ne, 2) X(BrIf_I64LtS, 2) X(BrIf_I64LtU, 2) X(BrIf_I64GtS, 2) \
  X(BrIf_I64GtU, 2) X(BrIf_I64LeS, 2) X(BrIf_I64LeU, 2) X(BrIf_I64GeS, 2) X(BrIf_I64GeU, 2)

// Compare-and-branch with the constant in the instruction (superinstructions.h,
// MIDIMON_IMM_CMPS), with the same sandbox variants as MIDIMON_COND_BRS.
#define MIDIMON_IMM_COND_BRS(X) \
  X(BrIf_I32Eq_I, 2) X(BrIf_I32Ne_I, 2) X(BrIf_I32LtS_I, 2) X(BrIf_I32LtU_I, 2) \
  X(BrIf_I32GtS_I, 2) X(BrIf_I32GtU_I, 2) X(BrIf_I32LeS_I, 2) X(BrIf_I32LeU_I, 2) \
  X(BrIf_I32GeS_I, 2) X(BrIf_I32GeU_I, 2) X(BrIf_I64Eq_I, 2) X(BrIf_I64Ne_I, 2) \
  X(BrIf_I64LtS_I, 2) X(BrIf_I64LtU_I, 2) X(BrIf_I64GtS_I, 2) X(BrIf_I64GtU_I, 2) \
  X(BrIf_I64LeS_I, 2) X(BrIf_I64LeU_I, 2) X(BrIf_I64GeS_I, 2) X(BrIf_I64GeU_I, 2)

// Internal operations. The first kOpCount reuse the wasm opcodes (only those with a
// direct handler are ever emitted); the rest exist only in internal code.
//   wasm unary/convert op      [h][dst][src]
//   wasm binary op             [h][dst][a][b]
//   load                       [h][dst][addr][offset]
//   store                      [h][addr][value][offset]
//   Copy                       [h][dst][src]
//   Br                         [h][rel]
//   BrIf / BrUnless / BrIfI64Nez [h][cond][rel]
//   BrIf_<cmp>                 [h][a][b][rel]   (eqz forms: [h][a][rel])
//   BrTable                    [h][index][count][rel * count][default rel]
//   Call                       [h][funcidx][frame base]   a function of this module: the
//                              callee runs in the caller's instance (no switch to test)
//   CallImport                 [h][funcidx][frame base]   an imported function: a host
//                              function, or one of another instance (switched to)
//   CallIndirect               [h][typeidx][tableidx][frame base][index slot]
//   Return                     [h][ctl_slot]   Ret1 [h][src][ctl_slot]: slot 0 = src, return
//   Select                     [h][dst][a][b][cond]
//   Unreachable / Exit         [h]
//   Fuel [h][cost]   Poll [h]   FuelPoll [h][cost]   (sandbox instrumentation, below)
//   <Br>_F / _FB / _PB / _FPB, Br_FB / _PB / _FPB     (MIDIMON_COND_BRS above)
//   <A>_<C> and its _F / _FB / _PB / _FPB variants     (MIDIMON_ARITH_BRS, superinstructions.h)
//   Pair_<A>_<B>, PairI_<A>_<B>              (MIDIMON_BINOP_PAIRS, MIDIMON_IMM_BINOP_PAIRS)
//   <Store>_<Binop>_Ld                                  (MIDIMON_STORE_LD_BINOPS, superinstructions.h)
//   <Store>_ThenAdd                                     (MIDIMON_STORE_ADDS, superinstructions.h)
//   <Load>_Idx, <Store>_Idx, <Load>_IdxTee, LdPair_<A>_<B> (superinstructions.h)
//   Mv_<Load>_<Store>, StLd_<Store>_<Load>, StPair_<A>_<B> (superinstructions.h)
//   I32Sub_BrTable, I32Add_Br, Copy_Br, Copy2_Br, Const_Br (superinstructions.h)
//   I32Add_GlobalSet, I32Sub_GlobalSet, GlobalGet_I32Sub_GlobalSet (superinstructions.h)
//   I32AddI_GlobalSet, GlobalGet_I32AddI_GlobalSet      (superinstructions.h)
//   GlobalGetV128 [h][dst][globalidx]   GlobalSetV128 [h][src][globalidx]   (both slots)
//   EnterJit [h][fn: 2 units][ctl_slot]   runs the function's machine code (jit.h) on
//                              this frame, then returns: the whole code of a large
//                              function the baseline compiler translated (after a Fuel
//                              op of cost 0 with fuel on), so the interpreter's calls
//                              reach it and it is not compiled twice (jit_stub.cpp)
//   <Load>_AddI [h][dst][a][imm][offset]               (MIDIMON_LOAD_ADD_IMMS, superinstructions.h)
//   I32AndI_<C> and its variants [h][d][a][imm][rel]   (MIDIMON_ARITH_IMM_BRS, superinstructions.h)
//   <Load>_<C> and its variants [h][addr][offset]([imm])[rel] (MIDIMON_LOAD_BRS, superinstructions.h)
//   <Binop>_I, BrIf_<cmp>_I and its variants, <Store>_I, Ret1I  (constants in the
//                                                      instruction, superinstructions.h)
//
// SIMD: every 0xFD instruction but v128.const (which lives in constant slots, two per
// value) is one Simd or SimdMem op: [h][fn: 2 units][operands], where fn is the address
// of its handler (interp_simd.h, a function called out of the dispatch loop so that the
// scalar handlers stay as they are). A v128 operand names its first slot. Operands by
// shape (SimdShape, opcodes_simd.h):
//   Unary, Test, Splat [dst][a]   Binary [dst][a][b]   Ternary [dst][a][b][c]
//   Extract [dst][a][lane]   Replace [dst][a][x][lane]   Shift [dst][a][count]
//   Shuffle [dst][a][b][16 lane bytes in 4 units]
//   SimdMem: Load [dst][addr][offset]   LoadLane [dst][addr][v][offset][lane]
//            Store [addr][v][offset]    StoreLane [addr][v][offset][lane]
// A SimdMem handler returning 0 means out of bounds: the op traps.
//
// Sandbox instrumentation (only with EngineConfig::fuel_metering / deadline_checks; with
// both off the compiler emits none of it and the code is exactly as without them).
// Fuel cost model: one unit per wasm instruction the compiler does not skip as
// unreachable, control instructions (block, loop, if, else, end, br*) included. The
// units are charged per basic block, all at once when the block is entered. Blocks start
// at the function body, every branch target (loop header, the end of a block or if that
// some branch reaches, an else arm) and the fall-through after a br_if or an if's
// condition. A structural end or else counts in the block it closes; a call does not
// end a block (the caller's remaining instructions were charged before the call).
// Who charges a block on entry (with nothing executed in between, so the charge happens
// when the block is entered, whichever op does it; the one exception is the last item):
//   - a Fuel/FuelPoll op at the block's start: the function body, and a branch target
//     that only branches reach (an else arm, a label after dead code);
//   - the fall-through after a conditional branch (br_if, an if's condition): the branch
//     itself on its not-taken path (the ft cost of _F/_FB/_FPB);
//   - a block reached by a branch (br, br_if and its fused forms, an if's jump to its
//     else arm or end, br_table): the branch on its taken path (the taken cost of
//     _FB/_FPB/Br_FB/Br_FPB, a BrTable_F entry's cost), which then jumps past the
//     target's Fuel op if it has one. br_table entries and br_ifs that need value moves
//     or return go through a stub or the moves, whose own Br_FB (or return) does it;
//     with deadline checks on, so do br_table entries back to a loop (the stub's
//     Br_PB/Br_FPB polls).
//   - a function's entry block, when called by Call_F/CallIndirect_F (fuel on; the
//     callee's first op is then always Fuel, never a poll): the call charges the
//     callee's Fuel op's cost, read from the callee's code, and starts after that op.
//     Host functions are not charged beyond the call instruction. A function calling
//     itself (a direct call, outside the blocks its entry charge pays for, and not when
//     that charge ends in a merged br) uses Call_S instead: its entry block's final
//     cost is added to the charge of the block the call is in, like that many more
//     instructions there (the call always continues into that entry block), and the
//     call starts past the Fuel op without charging.
//   - a block that the block before it always continues into has no Fuel op: on that
//     path its cost is part of the charge of the block before it, so it is paid earlier,
//     when that block is entered. That is a block entered by falling in (a loop header
//     entered from above, a label some branch reaches and the code before falls into),
//     and the forward target of a br that ends a block (a plain Br then, which charges
//     nothing; the end of an if's then arm too). Chains add up (a block falling into one
//     that ends with such a br pays for both targets). Totals are the same on every
//     path; a run that cannot pay stops that much earlier (docs/limits.md).
//   - "deferred": a block that starts at a label (a forward branch target or an else
//     arm), runs only instructions without an effect or a trap (locals, constants,
//     global.get, numeric ops but div/rem and the trapping truncations) and ends with a
//     conditional branch (br_if, if) is paid at its exit instead: its cost is added to
//     both charges of that branch, the blocks falling into it no longer include it, and
//     the branches into it charge nothing (<Br>_F, Br, I32Add_Br, Copy_Br, Copy2_Br,
//     Const_Br when their taken cost comes out 0). Running it unpaid changes nothing
//     anyone can see: a run that cannot pay stops at its exit with the memory, globals
//     and trap it would have had at its entry (compiler_fuel.cpp). Loop headers are never deferred, so
//     every cycle still pays at its back-edge.
// Fuel lives in ExecState::fuel; a charge that would take it below zero traps "fuel
// exhausted" and is not taken, so the store's fuel keeps what was left. Same module,
// same arguments and same fuel: the trap comes at the same instruction.
// Deadline: ExecState::interrupt is read (relaxed) by every branch back to a loop
// header (the back-edge br/br_if's _PB/_FPB variant, Br_PB/Br_FPB, also in the stubs of
// br_table entries), so every loop iteration after the first polls, except where a
// memory access polled (below); a loop header has no poll op of its own (entering a loop from above does not poll: the first iteration
// ends at a back-edge or leaves the loop; the Poll/FuelPoll ops are left only at the
// header of a loop after dead code, which nothing enters). The interpreter also checks
// the flag after each host call returns. Non-zero traps "deadline exceeded". The _FPB
// variants poll first, then charge. Calls have no poll: every call already
// checks that the new frame ends below ExecState::call_limit, which is the stack's end
// until a deadline passes; Store::interrupt and the watchdog then set it to 0 (with the
// flag), so the next call fails the check, and its rare path traps "deadline exceeded"
// when the frame fits the real stack (store.h). So every call is a deadline check at no
// cost, recursion included, and with fuel on every call can be a Call_F.
// Memory accesses poll at no cost the same way: every scalar load's and store's bounds
// check (plain or fused, MEM_CHECK in interpreter.cpp) compares the access's end with
// ExecState::mem_limit, the memory's size until a deadline passes, then 0 (lowered with
// the flag); the rare path traps "deadline exceeded" when the access fits the real size.
// So a back-edge emitted after such an access with no jump target in between (the
// access ran on every path since the last block start, hence in every iteration that
// takes the back-edge) does not poll: the plain branch with deadline checks only, _FB
// (Br_FB) with fuel as well, and br_table entries back to a loop then need no stub.
// memory.copy/fill/init, SIMD accesses and host functions check the real size and are
// no poll. An engine without deadline checks runs an interpreter of its own whose
// accesses compare with the real size, kept in a register (interp_handler_addresses).
enum class IOp : uint16_t {
#define WASM_OP(Name, text, prefix, code, imm, sig) Name,
#include "opcodes.def"
#undef WASM_OP
  Exit,
  Invalid,
  Copy,
  BrUnless,
  BrIfI64Nez,
  Ret1,
#define MIDIMON_X(Name) BrIf_##Name,
  MIDIMON_FUSED_CMPS(MIDIMON_X)
#undef MIDIMON_X
#define MIDIMON_X(Name) Name##_Add,
  MIDIMON_LOAD_OPS(MIDIMON_X)
#undef MIDIMON_X
#define MIDIMON_X(Name, Load) Name##_Ld,
  MIDIMON_LD_BINOPS(MIDIMON_X)
#undef MIDIMON_X
#define MIDIMON_X(Store, Name) Store##_##Name,
  MIDIMON_STORE_BINOPS(MIDIMON_X)
#undef MIDIMON_X
  Copy2,
  Fuel,
  Poll,
  FuelPoll,
#define MIDIMON_X(Name, n) Name##_F, Name##_FB, Name##_PB, Name##_FPB,
  MIDIMON_COND_BRS(MIDIMON_X)
#undef MIDIMON_X
  Br_FB,
  Br_PB,
  Br_FPB,
  BrTable_F,
  Call_F,
  CallIndirect_F,
  Call_S,
#define MIDIMON_X(A, C, n) A##_##C, A##_##C##_F, A##_##C##_FB, A##_##C##_PB, A##_##C##_FPB,
  MIDIMON_ARITH_BRS(MIDIMON_X)
#undef MIDIMON_X
#define MIDIMON_X(A, B) Pair_##A##_##B,
  MIDIMON_BINOP_PAIRS(MIDIMON_X)
#undef MIDIMON_X
#define MIDIMON_X(Store, Name) Store##_##Name##_Ld,
  MIDIMON_STORE_LD_BINOPS(MIDIMON_X)
#undef MIDIMON_X
  Copy3,
  Copy4,
#define MIDIMON_X(Store, T) Store##_ThenAdd,
  MIDIMON_STORE_ADDS(MIDIMON_X)
#undef MIDIMON_X
#define MIDIMON_X(Name) Name##_Idx,
  MIDIMON_LOAD_OPS(MIDIMON_X)
#undef MIDIMON_X
#define MIDIMON_X(Store, T) Store##_Idx,
  MIDIMON_STORE_IDX_OPS(MIDIMON_X)
#undef MIDIMON_X
#define MIDIMON_X(Name, T, setter) Name##_IdxTee,
  MIDIMON_LOAD_IDX_TEES(MIDIMON_X)
#undef MIDIMON_X
#define MIDIMON_X(A, B) LdPair_##A##_##B,
  MIDIMON_LOAD_PAIRS(MIDIMON_X)
#undef MIDIMON_X
#define MIDIMON_X(L, S, T) Mv_##L##_##S,
  MIDIMON_LOAD_STORES(MIDIMON_X)
#undef MIDIMON_X
#define MIDIMON_X(S, TS, L, TL, setter) StLd_##S##_##L,
  MIDIMON_STORE_LOADS(MIDIMON_X)
#undef MIDIMON_X
#define MIDIMON_X(A, TA, B, TB) StPair_##A##_##B,
  MIDIMON_STORE_PAIRS(MIDIMON_X)
#undef MIDIMON_X
  I32Sub_BrTable,
  I32Add_Br,
  Copy_Br,
  Copy2_Br,
  Const_Br,
  I32Add_GlobalSet,
  I32Sub_GlobalSet,
  GlobalGet_I32Sub_GlobalSet,
  I32AddI_GlobalSet,
  GlobalGet_I32AddI_GlobalSet,
  Simd,
  SimdMem,
  GlobalGetV128,
  GlobalSetV128,
#define MIDIMON_X(Name) Name##_I,
  MIDIMON_IMM_BINOPS(MIDIMON_X)
#undef MIDIMON_X
#define MIDIMON_X(Name, n) Name, Name##_F, Name##_FB, Name##_PB, Name##_FPB,
  MIDIMON_IMM_COND_BRS(MIDIMON_X)
#undef MIDIMON_X
#define MIDIMON_X(Name, T) Name##_I,
  MIDIMON_IMM_STORES(MIDIMON_X)
#undef MIDIMON_X
  Ret1I,
#define MIDIMON_X(Name) Name##_AddI,
  MIDIMON_LOAD_ADD_IMMS(MIDIMON_X)
#undef MIDIMON_X
#define MIDIMON_X(A, C, n) A##I_##C, A##I_##C##_F, A##I_##C##_FB, A##I_##C##_PB, A##I_##C##_FPB,
  MIDIMON_ARITH_IMM_BRS(MIDIMON_X)
#undef MIDIMON_X
  I32Sub_BrTable_F,
  I32Add_Br_FB,
  Copy_Br_FB,
  Copy2_Br_FB,
  Const_Br_FB,
#define MIDIMON_X(A, B) PairI_##A##_##B,
  MIDIMON_IMM_BINOP_PAIRS(MIDIMON_X)
#undef MIDIMON_X
  CallImport,
  CallImport_F,
#define MIDIMON_X(L, T, C, n) L##_##C, L##_##C##_F, L##_##C##_FB, L##_##C##_PB, L##_##C##_FPB,
  MIDIMON_LOAD_BRS(MIDIMON_X)
#undef MIDIMON_X
  EnterJit,
  Count_
};

inline constexpr uint32_t kIOpCount = static_cast<uint32_t>(IOp::Count_);
constexpr IOp iop(Op op) { return static_cast<IOp>(static_cast<uint16_t>(op)); }

inline constexpr uint32_t kCtlSlots = 3;
inline constexpr uint32_t kOpUnits = 2;  // code units taken by an instruction's handler
// Locals to zero and constants to copy that a call does inline (CompiledFunc::small_init;
// more go through memset/memcpy). Measured with the 16-byte loops (interpreter.cpp,
// copy_slots): 12 constants beat 8 on SQLite and bzip2 compress and moved no other
// program or kernel; 16 made bzip2 compress slower.
inline constexpr uint32_t kSmallInit = 8;
inline constexpr uint32_t kSmallConsts = 12;

struct CompiledFunc {
  // Read on every call.
  const uint32_t* entry = nullptr;  // code.data()
  const Value* consts = nullptr;    // const_pool.data()
  uint32_t num_params = 0;
  uint32_t num_locals = 0;  // parameters included
  uint32_t ctl_slot = 0;
  uint32_t num_consts = 0;  // at ctl_slot + kCtlSlots
  uint32_t frame_size = 0;  // slots
  uint32_t num_results = 0;
  // At most kSmallInit locals to zero and kSmallConsts constants to copy: the call
  // sequence does both inline (more go through memset/memcpy, faster on large frames;
  // when only one of the two is large, only that one does).
  bool small_init = false;
  // Locals in [num_params, zero_end) are zeroed on each call; those after are always
  // written before they are read (compiler.cpp, order_zeroed_locals).
  uint32_t zero_end = 0;
  // With fuel on: the charge of the entry block's Fuel op (code[kOpUnits]), which
  // Call_F and CallIndirect_F take before entering past that op. A copy here is one load
  // less per call than reading it through `entry`.
  uint32_t entry_fuel = 0;

  // Machine code for the same function (jit.h), when the engine translates and the
  // function is covered; `jit` is its entry, read on every call between translated
  // functions.
  JitEntry jit = nullptr;
  JitCodePtr jit_code;

  std::vector<uint32_t> code;
  std::vector<Value> const_pool;
};

// Handler addresses of every IOp (interpreter.cpp) for engines with or without
// EngineConfig::deadline_checks: each mode has an interpreter of its own. Thread-safe;
// computed once.
const uint64_t* interp_handler_addresses(bool deadline_checks);

// SIMD handlers, called by the Simd / SimdMem ops (interp_simd.h). A SimdFn returns the
// instruction's length in units; a SimdMemFn returns 0 instead for an access out of
// bounds (nothing written).
using SimdFn = uint32_t (*)(Value* fp, const uint32_t* pc);
using SimdMemFn = uint32_t (*)(Value* fp, const uint32_t* pc, uint8_t* mem, uint64_t mem_size);
// The address of a SIMD op's handler (interp_simd.cpp); 0 for v128.const.
uint64_t simd_handler(Op op);

}  // namespace midimon::wasm
