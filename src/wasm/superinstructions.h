// The superinstruction table: which adjacent wasm instructions the compiler fuses into
// one internal op (X-macros). This file is the one place that answers "which pairs are
// fused"; code.h turns the lists into IOp names, the interpreter into handlers
// (interpreter.cpp), peephole.cpp into the lookups "is there a fused op for (a, b)",
// and compiler_fusion.cpp applies them while emitting. Operand layouts: code.h.
//
// A pair is fused only when the first one's result is a fresh temp that only the
// second one reads, and no jump can land between them, so fusion changes neither
// results nor fuel accounting (one unit per wasm instruction either way).
#pragma once

// Integer compares that fuse with br_if into one conditional branch (BrIf_<name>).
#define MIDIMON_FUSED_CMPS(X) \
  X(I32Eqz) X(I32Eq) X(I32Ne) X(I32LtS) X(I32LtU) X(I32GtS) X(I32GtU) X(I32LeS) X(I32LeU) \
  X(I32GeS) X(I32GeU) \
  X(I64Eqz) X(I64Eq) X(I64Ne) X(I64LtS) X(I64LtU) X(I64GtS) X(I64GtU) X(I64LeS) X(I64LeU) \
  X(I64GeS) X(I64GeU)

// Pairs with a fixed first or second instruction (operand layouts):
//   <Load>_Add: i32.add then a load of its result       [h][dst][a][b][offset]
//   <Binop>_Ld: a load whose result is the binop's b     [h][dst][a][addr][offset]
//   <Store>_<Binop>: a binop whose result is stored      [h][addr][a][b][offset]
//   Copy2: two copies, done in order                     [h][dst1][src1][dst2][src2]
//   Copy3, Copy4: three or four copies, likewise (rotating a cipher's working variables)
// (Copy2..4 have no table: any copies in a row merge, up to four.)
#define MIDIMON_LOAD_OPS(X) \
  X(I32Load) X(I64Load) X(F32Load) X(F64Load) X(I32Load8S) X(I32Load8U) X(I32Load16S) \
  X(I32Load16U) X(I64Load8S) X(I64Load8U) X(I64Load16S) X(I64Load16U) X(I64Load32S) X(I64Load32U)
// Memory access fusions (real programs' profile, docs/performance.md "Which internal ops
// real code runs"):
//   <Load>_Idx: `base + (index << k)` (a Pair_I32Shl_I32Add or PairI_ with a constant k
//   whose shl result only the add reads), then a load of its result
//                                                              [h][dst][base][index][k][offset]
//   <Store>_Idx: the same address, then a store                [h][base][index][k][value][offset]
// The address is computed as the pair did: a 32-bit wrapping base + (index << k), then
// the offset added without wrapping.
#define MIDIMON_STORE_IDX_OPS(X) \
  X(I32Store, uint32_t) X(I64Store, uint64_t) X(F32Store, uint32_t) X(F64Store, uint64_t) \
  X(I32Store8, uint8_t) X(I32Store16, uint16_t)
// The same address kept in a local as well (`local.tee $p` after the add: the pointer is
// used again), then a load; the local is written first, as unfused:
//   <Load>_IdxTee  [h][dst][base][index][k][offset][p]   p = base + (index << k); dst = load
// (the real programs' profile at 0466da0: Pair_I32Shl_I32Add -> I32Load was the most
// frequent unfused pair, 1.1 % of dispatches). (load, the type it reads, its slot setter)
#define MIDIMON_LOAD_IDX_TEES(X)                                                        \
  X(I32Load, uint32_t, set_i32) X(I32Load8U, uint8_t, set_i32)                           \
  X(I32Load16U, uint16_t, set_i32) X(I64Load, uint64_t, set_i64)
// Two loads in a row, done in order (the second's address may be the first's result):
//   LdPair_<A>_<B>  [h][d1][addr1][off1][d2][addr2][off2]
#define MIDIMON_LOAD_PAIRS(X) \
  X(I32Load, I32Load) X(I32Load8U, I32Load8U) X(I32Load, I32Load8U) X(I32Load, I32Load16U) \
  X(I32Load8U, I32Load) X(I32Load16U, I32Load16U) X(I32Load, I64Load32U)
// Stores next to other accesses (the adjacent memory pairs of the real programs' profile
// left after the fusions above: a field or element copied, a struct filled in, a store
// then the next load), each done in order in one dispatch:
//   Mv_<Load>_<Store>    a load whose fresh result only the store right after stores;
//                        the value is not written to a slot   [h][laddr][loff][saddr][soff]
//   StLd_<Store>_<Load>  a store, then a load                   [h][saddr][v][soff][d][laddr][loff]
//   StPair_<A>_<B>       two stores                             [h][a1][v1][o1][a2][v2][o2]
// The load may read what the store wrote; a trap of the second access comes after the
// first one's effect, as unfused. T: the bytes moved / each access's width.
#define MIDIMON_LOAD_STORES(X)                                                             \
  X(I32Load, I32Store, uint32_t) X(I64Load, I64Store, uint64_t) X(I32Load8U, I32Store8, uint8_t) \
  X(I32Load16U, I32Store16, uint16_t) X(F64Load, F64Store, uint64_t)
// (store, its width, load, its width, the setter of the load's slot: set_i32 zero-extends)
#define MIDIMON_STORE_LOADS(X)                                  \
  X(I32Store, uint32_t, I32Load, uint32_t, set_i32)             \
  X(I32Store8, uint8_t, I32Load8U, uint8_t, set_i32)            \
  X(I64Store, uint64_t, I64Load, uint64_t, set_i64)
#define MIDIMON_STORE_PAIRS(X) \
  X(I32Store, uint32_t, I32Store, uint32_t) X(I64Store, uint64_t, I64Store, uint64_t)
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
  MIDIMON_ARITH_BRS_CMPS(X, I64Add, I64) \
  X(I32And, BrIf, 3) X(I32And, I32Eqz, 3)

// The flag test with its mask in the instruction (`(a & c) != 0` / `== 0`, c constant):
//   I32AndI_BrIf / I32AndI_I32Eqz  [h][d][a][imm][rel], the layout and variants of the
//   I32And rows above (an `if` takes them as the plain ones)
#define MIDIMON_ARITH_IMM_BRS(X) X(I32And, BrIf, 3) X(I32And, I32Eqz, 3)
// A load whose value only the conditional branch right after it reads (a null test,
// `if (p->next)`, and a tag compare, Lua's `if (o->tt_ == T)`): the value is not stored.
//   <Load>_BrNz / <Load>_BrZ      [h][addr][offset][rel]        taken if it is (not) zero
//   <Load>_BrEqI / <Load>_BrNeI   [h][addr][offset][imm][rel]   taken if it equals
//                                                                (differs from) imm
// with the variants of MIDIMON_COND_BRS (n = 2 or 3); the load traps as it would alone,
// before the branch charges anything. (load, its type, condition, n)
#define MIDIMON_LOAD_BRS(X)                                                              \
  X(I32Load, uint32_t, BrNz, 2) X(I32Load, uint32_t, BrZ, 2) X(I32Load, uint32_t, BrEqI, 3) \
  X(I32Load, uint32_t, BrNeI, 3) X(I32Load8U, uint8_t, BrNz, 2) X(I32Load8U, uint8_t, BrZ, 2) \
  X(I32Load8U, uint8_t, BrEqI, 3) X(I32Load8U, uint8_t, BrNeI, 3)
// A flag test `(a & b) != 0` / `== 0` is the I32And rows above (SQLite's `if (p->flags &
// F)`); an `if` on an add, sub or and result takes the same ops (emit_if_head).
// Ops that end in an unconditional jump (rel relative to the instruction's first unit):
//   I32Sub_BrTable  [h][a][b][count][rel * count][default rel]: br_table on a - b (a
//                   `switch` on `x - first_case`; the difference is not stored)
//   I32Add_Br       [h][d][a][b][rel]      (an interpreter loop's `pc++`, then back)
//   Copy_Br         [h][dst][src][rel]     Copy2_Br [h][dst1][src1][dst2][src2][rel]
//                   (values carried to a block end or loop header, then the jump)
//   Const_Br        [h][dst][lo][hi][rel]  a constant set into a local, then the jump
//                   (`x = 0; continue;`: I64Const -> Br in all seven real programs)
// The shadow stack pointer's adjustments (clang's prologue `global.get $sp; i32.const n;
// i32.sub; local.tee $fp; global.set $sp` and the epilogue's add and global.set):
//   I32Add_GlobalSet, I32Sub_GlobalSet  [h][d][a][b][g]: d = a <op> b, then global g = d
//   GlobalGet_I32Sub_GlobalSet          [h][d][g][b]:    d = global g - b, then g = d
// and with the constant frame size in the instruction (the sub of n is the add of -n),
// so that it needs no slot in the function's constant pool, copied by every call:
//   I32AddI_GlobalSet                   [h][d][a][imm][g]: d = a + imm, then g = d
//   GlobalGet_I32AddI_GlobalSet         [h][d][g][imm]:    d = global g + imm, then g = d
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

// The pairs whose first binop has a constant b, carried in the instruction (as <Binop>_I)
// so that it needs no slot in the constant pool that every call copies:
//   PairI_<A>_<B> [h][d1][a1][imm][d2][a2][b2]  d1 = a1 <A> imm, d2 = a2 <B> b2
// A is the immediate form's op: i32.sub by c is the add of -c, so the pairs of I32Sub use
// PairI_I32Add_*; the i64 form sign-extends imm. The pairs of MIDIMON_BINOP_PAIRS whose
// first op has an immediate form. Before these, a constant first op gave up its
// immediate to form the pair: in SQLite, 39 % of the pool slots its calls copied
// (docs/performance.md, "Pairs with a constant in the instruction").
#define MIDIMON_IMM_BINOP_PAIRS(X)                                                       \
  X(I32Add, I32Add) X(I32Add, I32Sub) X(I32Add, I32Xor) X(I32Add, I32Mul)                  \
  X(I32Add, I32Shl) X(I32Shl, I32Add) X(I32Shl, I32Xor) X(I32Xor, I32Xor)                  \
  X(I32Xor, I32Add) X(I32Xor, I32And) X(I32Xor, I32Mul) X(I32Xor, I32Rotl)                 \
  X(I32Xor, I32ShrU) X(I32Xor, I32Shl) X(I32Xor, I32Or) X(I32And, I32And)                  \
  X(I32And, I32Add) X(I32And, I32Xor) X(I32And, I32Rotl) X(I32ShrU, I32Xor)                \
  X(I32ShrU, I32And) X(I32Mul, I32ShrU) X(I32Mul, I32Add) X(I32Mul, I32Sub)                \
  X(I32Or, I32Xor) X(I64Add, I64Add)

// Constants carried in the instruction. Every frame gets a copy of its function's
// constant pool on entry (code.h), so a constant that is only ever read through these
// forms costs nothing per call; the compiler gives a constant a pool slot only when some
// instruction still reads it from one (compiler_consts.cpp).
//   <Binop>_I     [h][d][a][imm]   d = a <binop> imm (i64 forms sign-extend imm;
//                                  i32.sub / i64.sub by c are emitted as the add of -c)
//   BrIf_<cmp>_I  [h][a][imm][rel] br_if (a <cmp> imm), the layout of BrIf_<cmp> (with
//                                  its sandbox variants, MIDIMON_IMM_COND_BRS in code.h)
//   <Store>_I     [h][addr][imm][offset]  store of a constant (sign-extended to 64 bits,
//                                  then truncated to the store's width)
//   Ret1I         [h][lo][hi][ctl_slot]   return of a constant (one result slot)
#define MIDIMON_IMM_CMPS(X) \
  X(I32Eq) X(I32Ne) X(I32LtS) X(I32LtU) X(I32GtS) X(I32GtU) X(I32LeS) X(I32LeU) X(I32GeS) \
  X(I32GeU) X(I64Eq) X(I64Ne) X(I64LtS) X(I64LtU) X(I64GtS) X(I64GtU) X(I64LeS) X(I64LeU) \
  X(I64GeS) X(I64GeU)
#define MIDIMON_IMM_BINOPS(X)                                                            \
  X(I32Add) X(I32And) X(I32Or) X(I32Xor) X(I32Shl) X(I32ShrS) X(I32ShrU) X(I32Mul)         \
  X(I64Add) X(I64And) X(I64Or) X(I64Xor) X(I64Shl) X(I64ShrS) X(I64ShrU) X(I64Mul)         \
  MIDIMON_IMM_CMPS(X)
// A load whose address is a fresh `a + c` (the field of a struct at a constant offset
// from a pointer; the sum wraps at 32 bits, so it cannot go into the load's offset):
// <Load>_Add with c in the instruction. Only the loads whose adds kept SQLite's constant
// pools large (docs/performance.md "Fewer constants in the pools").
//   <Load>_AddI   [h][dst][a][imm][offset]  load at u32(a + imm) + offset
#define MIDIMON_LOAD_ADD_IMMS(X) X(I32Load) X(I32Load8U) X(I32Load16U) X(I64Load)
#define MIDIMON_IMM_STORES(X) \
  X(I32Store, uint32_t) X(I64Store, uint64_t) X(F32Store, uint32_t) X(F64Store, uint64_t) \
  X(I32Store8, uint8_t) X(I32Store16, uint16_t) X(I64Store8, uint8_t) X(I64Store16, uint16_t) \
  X(I64Store32, uint32_t)
