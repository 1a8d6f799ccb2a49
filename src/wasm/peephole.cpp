#include "peephole.h"

#include <cstdint>
#include <vector>

namespace midimon::wasm::peephole {

Op negate_cmp(Op op) {
  switch (op) {
    case Op::I32Eq: return Op::I32Ne;
    case Op::I32Ne: return Op::I32Eq;
    case Op::I32LtS: return Op::I32GeS;
    case Op::I32GeS: return Op::I32LtS;
    case Op::I32LtU: return Op::I32GeU;
    case Op::I32GeU: return Op::I32LtU;
    case Op::I32GtS: return Op::I32LeS;
    case Op::I32LeS: return Op::I32GtS;
    case Op::I32GtU: return Op::I32LeU;
    case Op::I32LeU: return Op::I32GtU;
    case Op::I64Eq: return Op::I64Ne;
    case Op::I64Ne: return Op::I64Eq;
    case Op::I64LtS: return Op::I64GeS;
    case Op::I64GeS: return Op::I64LtS;
    case Op::I64LtU: return Op::I64GeU;
    case Op::I64GeU: return Op::I64LtU;
    case Op::I64GtS: return Op::I64LeS;
    case Op::I64LeS: return Op::I64GtS;
    case Op::I64GtU: return Op::I64LeU;
    case Op::I64LeU: return Op::I64GtU;
    default: return Op::Count_;
  }
}

IOp fused_branch(Op cmp) {
  switch (cmp) {
#define MIDIMON_X(Name) \
  case Op::Name: return IOp::BrIf_##Name;
    MIDIMON_FUSED_CMPS(MIDIMON_X)
#undef MIDIMON_X
    default: return IOp::Invalid;
  }
}

IOp load_add_imm(Op load) {
  switch (load) {
#define MIDIMON_X(Name) \
  case Op::Name: return IOp::Name##_AddI;
    MIDIMON_LOAD_ADD_IMMS(MIDIMON_X)
#undef MIDIMON_X
    default: return IOp::Invalid;
  }
}

IOp load_add(Op load) {
  switch (load) {
#define MIDIMON_X(Name) \
  case Op::Name: return IOp::Name##_Add;
    MIDIMON_LOAD_OPS(MIDIMON_X)
#undef MIDIMON_X
    default: return IOp::Invalid;
  }
}

Op commuted(Op op) {
  switch (op) {
    case Op::I32Add: case Op::I32And: case Op::I32Or: case Op::I32Xor: case Op::I32Mul:
    case Op::I64Add: case Op::I64And: case Op::I64Or: case Op::I64Xor: case Op::I64Mul:
    case Op::I32Eq: case Op::I32Ne: case Op::I64Eq: case Op::I64Ne:
      return op;
    case Op::I32LtS: case Op::I32LtU: case Op::I32GtS: case Op::I32GtU: case Op::I32LeS:
    case Op::I32LeU: case Op::I32GeS: case Op::I32GeU: case Op::I64LtS: case Op::I64LtU:
    case Op::I64GtS: case Op::I64GtU: case Op::I64LeS: case Op::I64LeU: case Op::I64GeS:
    case Op::I64GeU:
      return mirror_cmp(op);
    default:
      return Op::Count_;
  }
}

IOp ld_binop(Op op) {
  switch (op) {
#define MIDIMON_X(Name, Load) \
  case Op::Name: return IOp::Name##_Ld;
    MIDIMON_LD_BINOPS(MIDIMON_X)
#undef MIDIMON_X
    default: return IOp::Invalid;
  }
}

Op ld_source(Op op) {
  switch (op) {
#define MIDIMON_X(Name, Load) \
  case Op::Name: return Op::Load;
    MIDIMON_LD_BINOPS(MIDIMON_X)
#undef MIDIMON_X
    default: return Op::Count_;
  }
}

IOp store_binop(Op store, Op binop) {
#define MIDIMON_X(Store, Name) \
  if (store == Op::Store && binop == Op::Name) return IOp::Store##_##Name;
  MIDIMON_STORE_BINOPS(MIDIMON_X)
#undef MIDIMON_X
  return IOp::Invalid;
}

IOp sandbox_branch(IOp base, BrVariant v) {
  switch (base) {
  // Each branch op's four sandbox variants (code.h), named by suffix.
#define MIDIMON_VARIANTS(Name)                                                         \
  case IOp::Name:                                                                      \
    return v == BrVariant::F    ? IOp::Name##_F                                        \
           : v == BrVariant::FB ? IOp::Name##_FB                                       \
           : v == BrVariant::PB ? IOp::Name##_PB                                       \
                                : IOp::Name##_FPB;
#define MIDIMON_X(Name, n) MIDIMON_VARIANTS(Name)
    MIDIMON_COND_BRS(MIDIMON_X)
    MIDIMON_IMM_COND_BRS(MIDIMON_X)  // the same four variants for the immediate forms
#undef MIDIMON_X
#define MIDIMON_X(A, C, n) MIDIMON_VARIANTS(A##_##C)
    MIDIMON_ARITH_BRS(MIDIMON_X)
#undef MIDIMON_X
#define MIDIMON_X(A, C, n) MIDIMON_VARIANTS(A##I_##C)
    MIDIMON_ARITH_IMM_BRS(MIDIMON_X)
#undef MIDIMON_X
#define MIDIMON_X(L, T, C, n) MIDIMON_VARIANTS(L##_##C)
    MIDIMON_LOAD_BRS(MIDIMON_X)
#undef MIDIMON_X
#undef MIDIMON_VARIANTS
    case IOp::Br:
      return v == BrVariant::FB ? IOp::Br_FB : v == BrVariant::PB ? IOp::Br_PB : IOp::Br_FPB;
    default:
      return IOp::Invalid;
  }
}

IOp load_branch(Op load, LoadBr c) {
  // The conditions' names in MIDIMON_LOAD_BRS, as LoadBr values.
  constexpr LoadBr BrNz = LoadBr::Nz, BrZ = LoadBr::Z, BrEqI = LoadBr::EqI, BrNeI = LoadBr::NeI;
#define MIDIMON_X(L, T, C, n) \
  if (load == Op::L && c == C) return IOp::L##_##C;
  MIDIMON_LOAD_BRS(MIDIMON_X)
#undef MIDIMON_X
  return IOp::Invalid;
}

IOp arith_branch_op(Op arith, Op cond) {
#define MIDIMON_X(A, C, n) \
  if (arith == Op::A && cond == Op::C) return IOp::A##_##C;
  MIDIMON_ARITH_BRS(MIDIMON_X)
#undef MIDIMON_X
  return IOp::Invalid;
}

IOp store_ld_binop(Op store, Op binop) {
#define MIDIMON_X(Store, Name) \
  if (store == Op::Store && binop == Op::Name) return IOp::Store##_##Name##_Ld;
  MIDIMON_STORE_LD_BINOPS(MIDIMON_X)
#undef MIDIMON_X
  return IOp::Invalid;
}

IOp store_then_add(Op store) {
#define MIDIMON_X(Store, T) \
  if (store == Op::Store) return IOp::Store##_ThenAdd;
  MIDIMON_STORE_ADDS(MIDIMON_X)
#undef MIDIMON_X
  return IOp::Invalid;
}

IOp load_idx(Op load) {
  switch (load) {
#define MIDIMON_X(Name) \
  case Op::Name: return IOp::Name##_Idx;
    MIDIMON_LOAD_OPS(MIDIMON_X)
#undef MIDIMON_X
    default: return IOp::Invalid;
  }
}

IOp load_idx_tee(Op load) {
  switch (load) {
#define MIDIMON_X(Name, T, setter) \
  case Op::Name: return IOp::Name##_IdxTee;
    MIDIMON_LOAD_IDX_TEES(MIDIMON_X)
#undef MIDIMON_X
    default: return IOp::Invalid;
  }
}

IOp store_idx(Op store) {
  switch (store) {
#define MIDIMON_X(Store, T) \
  case Op::Store: return IOp::Store##_Idx;
    MIDIMON_STORE_IDX_OPS(MIDIMON_X)
#undef MIDIMON_X
    default: return IOp::Invalid;
  }
}

IOp load_pair(Op a, Op b) {
#define MIDIMON_X(A, B) \
  if (a == Op::A && b == Op::B) return IOp::LdPair_##A##_##B;
  MIDIMON_LOAD_PAIRS(MIDIMON_X)
#undef MIDIMON_X
  return IOp::Invalid;
}

IOp load_store(Op load, Op store) {
#define MIDIMON_X(L, S, T) \
  if (load == Op::L && store == Op::S) return IOp::Mv_##L##_##S;
  MIDIMON_LOAD_STORES(MIDIMON_X)
#undef MIDIMON_X
  return IOp::Invalid;
}

IOp store_load(Op store, Op load) {
#define MIDIMON_X(S, TS, L, TL, setter) \
  if (store == Op::S && load == Op::L) return IOp::StLd_##S##_##L;
  MIDIMON_STORE_LOADS(MIDIMON_X)
#undef MIDIMON_X
  return IOp::Invalid;
}

IOp store_pair(Op a, Op b) {
#define MIDIMON_X(A, TA, B, TB) \
  if (a == Op::A && b == Op::B) return IOp::StPair_##A##_##B;
  MIDIMON_STORE_PAIRS(MIDIMON_X)
#undef MIDIMON_X
  return IOp::Invalid;
}

namespace {

// Tables built once from MIDIMON_BINOP_PAIRS and MIDIMON_IMM_BINOP_PAIRS: the compiler
// asks for nearly every binop (and the constant-carrying forms ask again), and the
// if-chain over all pairs showed in compile profiles. Ops are mapped to small indices
// (0: in no pair).
struct PairTable {
  std::vector<uint8_t> index;  // by Op
  std::vector<IOp> pairs;      // [ia * n + ib]
  std::vector<IOp> imm_pairs;  // [ia * n + ib]
  size_t n = 1;
  size_t at(Op a, Op b) const {
    const size_t ia = index[static_cast<size_t>(a)], ib = index[static_cast<size_t>(b)];
    return ia == 0 || ib == 0 ? 0 : ia * n + ib;  // row 0 stays Invalid
  }
};

const PairTable& pair_table() {
  static const PairTable t = [] {
    PairTable r;
    r.index.assign(static_cast<size_t>(Op::Count_), 0);
    auto idx = [&](Op o) {
      uint8_t& i = r.index[static_cast<size_t>(o)];
      if (i == 0) i = static_cast<uint8_t>(r.n++);
      return i;
    };
#define MIDIMON_X(A, B) idx(Op::A), idx(Op::B);
    MIDIMON_BINOP_PAIRS(MIDIMON_X)
    MIDIMON_IMM_BINOP_PAIRS(MIDIMON_X)
#undef MIDIMON_X
    r.pairs.assign(r.n * r.n, IOp::Invalid);
    r.imm_pairs.assign(r.n * r.n, IOp::Invalid);
#define MIDIMON_X(A, B) r.pairs[r.at(Op::A, Op::B)] = IOp::Pair_##A##_##B;
    MIDIMON_BINOP_PAIRS(MIDIMON_X)
#undef MIDIMON_X
#define MIDIMON_X(A, B) r.imm_pairs[r.at(Op::A, Op::B)] = IOp::PairI_##A##_##B;
    MIDIMON_IMM_BINOP_PAIRS(MIDIMON_X)
#undef MIDIMON_X
    return r;
  }();
  return t;
}

}  // namespace

IOp binop_pair(Op a, Op b) {
  const PairTable& t = pair_table();
  return t.pairs[t.at(a, b)];
}

IOp imm_binop_pair(Op a, Op b) {
  const PairTable& t = pair_table();
  if (a == Op::I32Sub) a = Op::I32Add;
  if (a == Op::I64Sub) a = Op::I64Add;
  return t.imm_pairs[t.at(a, b)];
}

IOp imm_binop(Op op) {
  switch (op) {
#define MIDIMON_X(Name) \
  case Op::Name: return IOp::Name##_I;
    MIDIMON_IMM_BINOPS(MIDIMON_X)
#undef MIDIMON_X
    default: return IOp::Invalid;
  }
}

IOp imm_branch(Op cmp) {
  switch (cmp) {
#define MIDIMON_X(Name) \
  case Op::Name: return IOp::BrIf_##Name##_I;
    MIDIMON_IMM_CMPS(MIDIMON_X)
#undef MIDIMON_X
    default: return IOp::Invalid;
  }
}

IOp imm_store(Op store) {
  switch (store) {
#define MIDIMON_X(Name, T) \
  case Op::Name: return IOp::Name##_I;
    MIDIMON_IMM_STORES(MIDIMON_X)
#undef MIDIMON_X
    default: return IOp::Invalid;
  }
}

Op mirror_cmp(Op op) {
  switch (op) {
    case Op::I32LtS: return Op::I32GtS;
    case Op::I32GtS: return Op::I32LtS;
    case Op::I32LtU: return Op::I32GtU;
    case Op::I32GtU: return Op::I32LtU;
    case Op::I32LeS: return Op::I32GeS;
    case Op::I32GeS: return Op::I32LeS;
    case Op::I32LeU: return Op::I32GeU;
    case Op::I32GeU: return Op::I32LeU;
    case Op::I64LtS: return Op::I64GtS;
    case Op::I64GtS: return Op::I64LtS;
    case Op::I64LtU: return Op::I64GtU;
    case Op::I64GtU: return Op::I64LtU;
    case Op::I64LeS: return Op::I64GeS;
    case Op::I64GeS: return Op::I64LeS;
    case Op::I64LeU: return Op::I64GeU;
    case Op::I64GeU: return Op::I64LeU;
    default: return op;  // eq, ne: symmetric
  }
}

}  // namespace midimon::wasm::peephole
