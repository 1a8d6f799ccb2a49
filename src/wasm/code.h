// The interpreter's internal code: what the compiler (compiler.cpp) produces from one
// validated function body and the interpreter (interpreter.cpp) runs.
//
// Frame layout (8-byte Value slots, fp-relative):
//   [0, num_locals)                 parameters, then declared locals (zeroed on entry)
//   [ctl_slot, ctl_slot + 3)        return info: return pc, caller fp, caller FuncInst*
//   [const_slot, +num_consts)       constants, copied from `consts` on entry
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

#include "opcodes.h"
#include "value.h"

namespace midimon::wasm {

// Integer compares that fuse with br_if into one conditional branch (BrIf_<name>).
#define MIDIMON_FUSED_CMPS(X) \
  X(I32Eqz) X(I32Eq) X(I32Ne) X(I32LtS) X(I32LtU) X(I32GtS) X(I32GtU) X(I32LeS) X(I32LeU) \
  X(I32GeS) X(I32GeU) \
  X(I64Eqz) X(I64Eq) X(I64Ne) X(I64LtS) X(I64LtU) X(I64GtS) X(I64GtU) X(I64LeS) X(I64LeU) \
  X(I64GeS) X(I64GeU)

// Superinstructions (compiler.cpp fuses a pair when the first one's result is a fresh
// temp that only the second one reads; no jump can land between them):
//   <Load>_Add: i32.add then a load of its result       [h][dst][a][b][offset]
//   <Binop>_Ld: a load whose result is the binop's b     [h][dst][a][addr][offset]
//   <Store>_<Binop>: a binop whose result is stored      [h][addr][a][b][offset]
//   Copy2: two copies, done in order                     [h][dst1][src1][dst2][src2]
//   Copy3, Copy4: three or four copies, likewise (rotating a cipher's working variables)
#define MIDIMON_LOAD_OPS(X) \
  X(I32Load) X(I64Load) X(F32Load) X(F64Load) X(I32Load8S) X(I32Load8U) X(I32Load16S) \
  X(I32Load16U) X(I64Load8S) X(I64Load8U) X(I64Load16S) X(I64Load16U) X(I64Load32S) X(I64Load32U)
// (binop, the load that feeds its b)
#define MIDIMON_LD_BINOPS(X) \
  X(I32Add, I32Load) X(I32Sub, I32Load) X(I32Mul, I32Load) X(I32And, I32Load) \
  X(I32Or, I32Load) X(I32Xor, I32Load) X(F32Add, F32Load) X(F32Sub, F32Load) \
  X(F32Mul, F32Load) X(F64Add, F64Load) X(F64Sub, F64Load) X(F64Mul, F64Load) \
  X(F64Div, F64Load)
// (store, the binop whose result it stores)
#define MIDIMON_STORE_BINOPS(X) \
  X(I32Store, I32Add) X(I32Store, I32Sub) X(I32Store, I32And) X(I32Store, I32Or) \
  X(I32Store, I32Xor) X(F32Store, F32Add) X(F32Store, F32Sub) X(F32Store, F32Mul) \
  X(F64Store, F64Add) X(F64Store, F64Sub) X(F64Store, F64Mul)

// A store of a <Binop>_Ld's result (c[i] += a * b[i] style updates), in one dispatch:
//   <Store>_<Binop>_Ld  [h][addr][a][load addr][load offset][store offset]
// loads b (trapping first if out of bounds), computes a <binop> b, then stores it.
#define MIDIMON_STORE_LD_BINOPS(X)                                                      \
  X(I32Store, I32Add) X(I32Store, I32Sub) X(I32Store, I32Xor) X(I32Store, I32And)         \
  X(I32Store, I32Or) X(F32Store, F32Add) X(F32Store, F32Sub) X(F32Store, F32Mul)          \
  X(F64Store, F64Add) X(F64Store, F64Sub) X(F64Store, F64Mul)

// A store followed by an i32.add (the pointer bump of a fill or copy loop), in order:
//   <Store>_ThenAdd  [h][addr][value][offset][d][a][b]
#define MIDIMON_STORE_ADDS(X) \
  X(I32Store, uint32_t) X(I32Store8, uint8_t) X(I32Store16, uint16_t) X(I64Store, uint64_t) \
  X(F32Store, uint32_t) X(F64Store, uint64_t)

// Arithmetic fused with the conditional branch on its result (a loop counter's step
// and test): `d = a <A> b`, then branch on <C>: BrIf tests d != 0, <W>Eqz tests d == 0,
// a compare tests `d <cmp> c` (c read after d is written). (A, C, operand units):
//   A_BrIf / A_<W>Eqz  [h][d][a][b][rel]     A_<cmp>  [h][d][a][b][c][rel]
#define MIDIMON_ARITH_BRS_CMPS(X, A, W)                                                \
  X(A, W##Eqz, 3) X(A, W##Eq, 4) X(A, W##Ne, 4) X(A, W##LtS, 4) X(A, W##LtU, 4)          \
  X(A, W##GtS, 4) X(A, W##GtU, 4) X(A, W##LeS, 4) X(A, W##LeU, 4) X(A, W##GeS, 4)        \
  X(A, W##GeU, 4)
#define MIDIMON_ARITH_BRS(X)                                                           \
  X(I32Add, BrIf, 3) MIDIMON_ARITH_BRS_CMPS(X, I32Add, I32)                              \
  X(I32Sub, BrIf, 3) MIDIMON_ARITH_BRS_CMPS(X, I32Sub, I32)                              \
  MIDIMON_ARITH_BRS_CMPS(X, I64Add, I64)

// Two binops in a row, done in order (the second may read the first's result), in one
// dispatch: Pair_<A>_<B> [h][d1][a1][b1][d2][a2][b2]. The pairs are the adjacent binops
// most frequent in the bench kernels (hashes, ciphers, address arithmetic, float math).
#define MIDIMON_BINOP_PAIRS(X)                                                           \
  X(I32Add, I32Add) X(I32Add, I32Sub) X(I32Add, I32Xor) X(I32Add, I32Mul)                  \
  X(I32Add, I32Shl) X(I32Sub, I32Add) X(I32Sub, I32Sub) X(I32Shl, I32Add)                  \
  X(I32Shl, I32Xor) X(I32Xor, I32Xor) X(I32Xor, I32Add) X(I32Xor, I32And)                  \
  X(I32Xor, I32Mul) X(I32Xor, I32Rotl) X(I32Xor, I32ShrU) X(I32Xor, I32Shl)                \
  X(I32And, I32And) X(I32And, I32Add) X(I32And, I32Xor) X(I32And, I32Rotl)                 \
  X(I32Rotl, I32Rotl) X(I32Rotl, I32Xor) X(I32ShrU, I32Xor) X(I32ShrU, I32And)             \
  X(I32Mul, I32ShrU) X(I32Mul, I32Add) X(I32Mul, I32Sub) X(I32Or, I32Xor)                  \
  X(I32Xor, I32Or) X(I64Add, I64Add) X(F64Mul, F64Mul) X(F64Mul, F64Add)                   \
  X(F64Add, F64Add) X(F64Mul, F64Sub) X(F64Sub, F64Mul) X(F64Add, F64Mul)                  \
  X(F64Sub, F64Sub) X(F32Mul, F32Mul) X(F32Mul, F32Add) X(F32Add, F32Add)                  \
  X(I32GtU, I32Sub)

// Conditional branches that have sandbox variants (name, operand units before the rel
// field). With the instrumentation on, the compiler emits these instead of a separate
// Fuel/Poll op (see "Sandbox instrumentation" below):
//   <Br>_F    forward: [base layout][ft cost]          not taken: charge ft cost
//   <Br>_FB   back-edge to a loop, fuel:  [base layout][taken cost][ft cost]
//   <Br>_PB   back-edge, deadline only:   [base layout] taken: poll
//   <Br>_FPB  back-edge, fuel + deadline: [base layout][taken cost][ft cost] taken: poll
//   Br_FB [h][rel][cost]   Br_PB [h][rel]   Br_FPB [h][rel][cost]
#define MIDIMON_COND_BRS(X) \
  X(BrIf, 1) X(BrUnless, 1) X(BrIfI64Nez, 1) X(BrIf_I32Eqz, 1) X(BrIf_I64Eqz, 1) \
  X(BrIf_I32Eq, 2) X(BrIf_I32Ne, 2) X(BrIf_I32LtS, 2) X(BrIf_I32LtU, 2) X(BrIf_I32GtS, 2) \
  X(BrIf_I32GtU, 2) X(BrIf_I32LeS, 2) X(BrIf_I32LeU, 2) X(BrIf_I32GeS, 2) X(BrIf_I32GeU, 2) \
  X(BrIf_I64Eq, 2) X(BrIf_I64Ne, 2) X(BrIf_I64LtS, 2) X(BrIf_I64LtU, 2) X(BrIf_I64GtS, 2) \
  X(BrIf_I64GtU, 2) X(BrIf_I64LeS, 2) X(BrIf_I64LeU, 2) X(BrIf_I64GeS, 2) X(BrIf_I64GeU, 2)

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
//   Call                       [h][funcidx][frame base]
//   CallIndirect               [h][typeidx][tableidx][frame base][index slot]
//   Return                     [h][ctl_slot]   Ret1 [h][src][ctl_slot]: slot 0 = src, return
//   Select                     [h][dst][a][b][cond]
//   Unreachable / Exit         [h]
//   Fuel [h][cost]   Poll [h]   FuelPoll [h][cost]   (sandbox instrumentation, below)
//   <Br>_F / _FB / _PB / _FPB, Br_FB / _PB / _FPB     (MIDIMON_COND_BRS above)
//   <A>_<C> and its _F / _FB / _PB / _FPB variants     (MIDIMON_ARITH_BRS above)
//   Pair_<A>_<B>                                        (MIDIMON_BINOP_PAIRS above)
//   <Store>_<Binop>_Ld                                  (MIDIMON_STORE_LD_BINOPS above)
//   <Store>_ThenAdd                                     (MIDIMON_STORE_ADDS above)
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
// Who charges a block on entry (always with nothing executed in between, so the charge
// happens exactly when the block is entered, whichever op does it):
//   - a Fuel/FuelPoll op at the block's start (function body, branch targets; a loop
//     header's op is what the fall-in from above executes);
//   - the fall-through after a conditional branch (br_if, an if's condition): the branch
//     itself on its not-taken path (<Br>_F, the ft cost of _FB/_FPB);
//   - a loop header reached by a back-edge br/br_if: the branch on its taken path (the
//     taken cost of _FB/_FPB/Br_FB/Br_FPB, equal to the header op's cost), which then
//     jumps past the header's op. br_table and branches that need value moves still jump
//     to the header's op.
// Fuel lives in ExecState::fuel; a charge that would take it below zero traps "fuel
// exhausted" and is not taken, so the store's fuel keeps what was left. Same module,
// same arguments and same fuel: the trap comes at the same instruction.
// Deadline: ExecState::interrupt is read (relaxed) at function entry (Poll) and on
// entry to every loop header (the header's Poll, or the back-edge branch's _PB/_FPB
// variant), so every loop iteration and every call polls; the interpreter also checks it
// after each host call returns. Non-zero traps "deadline exceeded". FuelPoll and the
// _FPB variants poll first, then charge.
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
  Count_
};

inline constexpr uint32_t kIOpCount = static_cast<uint32_t>(IOp::Count_);
constexpr IOp iop(Op op) { return static_cast<IOp>(static_cast<uint16_t>(op)); }

inline constexpr uint32_t kCtlSlots = 3;
inline constexpr uint32_t kOpUnits = 2;  // code units taken by an instruction's handler

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

  std::vector<uint32_t> code;
  std::vector<Value> const_pool;
};

// Handler addresses of every IOp (interpreter.cpp). Thread-safe; computed once.
const uint64_t* interp_handler_addresses();

}  // namespace midimon::wasm
