// Lookups from wasm instructions to the fused internal ops of superinstructions.h and
// the sandbox variants of branches (code.h): "is there one op for this pair, and which".
// Pure functions of the tables; where and when a pair may be fused is the compiler's
// business (compiler_fusion.cpp).
#pragma once

#include "code.h"

namespace midimon::wasm::peephole {

// The compare with the opposite result (a < b -> a >= b); Op::Count_ for eqz and
// non-compares.
Op negate_cmp(Op op);
// The compare with its operands swapped: a < b is b > a (eq, ne: themselves).
Op mirror_cmp(Op op);
// The op computing `b <op'> a` as `a <op> b` does: the integer ops that commute give
// themselves, the compares their mirror; Count_ for the rest (the float ops are left
// out: with two NaN operands, which payload comes out may depend on the order).
Op commuted(Op op);

// Each returns IOp::Invalid when there is no such fused op.
IOp fused_branch(Op cmp);                    // br_if on a compare: BrIf_<cmp>
IOp load_add(Op load);                       // <Load>_Add
IOp load_add_imm(Op load);                   // <Load>_AddI (the add's b in the instruction)
IOp ld_binop(Op binop);                      // <Binop>_Ld
Op ld_source(Op binop);                      // the load that may feed <Binop>_Ld (Count_: none)
IOp store_binop(Op store, Op binop);         // <Store>_<Binop>
IOp store_ld_binop(Op store, Op binop);      // <Store>_<Binop>_Ld
IOp store_then_add(Op store);                // <Store>_ThenAdd
IOp load_idx(Op load);                       // <Load>_Idx
IOp load_idx_tee(Op load);                   // <Load>_IdxTee
IOp store_idx(Op store);                     // <Store>_Idx
IOp load_pair(Op a, Op b);                   // LdPair_<A>_<B>
IOp load_store(Op load, Op store);           // Mv_<Load>_<Store>
IOp store_load(Op store, Op load);           // StLd_<Store>_<Load>
IOp store_pair(Op a, Op b);                  // StPair_<A>_<B>
IOp binop_pair(Op a, Op b);                  // Pair_<A>_<B>
// The first binop `a` (its wasm op: i32.sub / i64.sub by a constant are the add of its
// negation) with its constant in the instruction, then `b`: PairI_<A>_<B>.
IOp imm_binop_pair(Op a, Op b);
// `arith` then the branch condition `cond` (Op::BrIf for a plain non-zero test): <A>_<C>.
IOp arith_branch_op(Op arith, Op cond);
// The branch on a load's value (MIDIMON_LOAD_BRS): taken if it is not zero, zero, equal
// to an immediate, different from it. <Load>_<C>, or Invalid.
enum class LoadBr { Nz, Z, EqI, NeI };
IOp load_branch(Op load, LoadBr c);
IOp imm_binop(Op binop);                     // <Binop>_I (constant b in the instruction)
IOp imm_branch(Op cmp);
IOp imm_store(Op store);                     // <Store>_I (store of a constant)                      // br_if on a compare with a constant: BrIf_<cmp>_I

// Sandbox variants of a conditional branch (code.h, MIDIMON_COND_BRS; Br has FB, PB,
// FPB only).
enum class BrVariant { F, FB, PB, FPB };
IOp sandbox_branch(IOp base, BrVariant v);

}  // namespace midimon::wasm::peephole
