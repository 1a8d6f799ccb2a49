// The interpreter: runs internal code (code.h) with threaded dispatch (g++ computed
// goto). pc, fp, memory base and size live in locals so they stay in registers. Wasm to
// wasm calls push a frame in the store's value stack and never recurse natively; only
// host functions calling back into wasm re-enter interpret().
//
// This file is compiled twice: on its own for the interpreter without deadline checks,
// and included by interpreter_deadline.cpp (MIDIMON_INTERP_DEADLINE_TU set) for the one
// with them. Each translation unit instantiates run() once, so the two compile in
// parallel: one unit with both was the longest step of every build.
#include "interpreter.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstring>

#include "bulk_ops.h"
#include "code.h"
#include "instance.h"
#include "numeric.h"

namespace midimon::wasm {
namespace {

// Nested interpret() activations (host -> wasm -> host -> ...) each use native stack;
// this bounds them well below a default thread stack.
constexpr uint32_t kMaxReentry = 400;

inline void set_i32(Value& v, uint32_t x) { v.bits = x; }
inline void set_i64(Value& v, uint64_t x) { v.bits = x; }
inline void set_f32(Value& v, float x) { v.bits = std::bit_cast<uint32_t>(x); }
inline void set_f64(Value& v, double x) { v.f64 = x; }

const uint64_t kZeroSize = 0;

// d = x <O> y for the binops of MIDIMON_BINOP_PAIRS (same semantics as their OP2
// handlers below). x and y are read before d is written: d may alias either.
template <Op O>
inline void binop(Value& d, const Value& x, const Value& y) {
  if constexpr (O == Op::I32Add) set_i32(d, x.i32 + y.i32);
  if constexpr (O == Op::I32Sub) set_i32(d, x.i32 - y.i32);
  if constexpr (O == Op::I32GtU) set_i32(d, x.i32 > y.i32);
  if constexpr (O == Op::I32Mul) set_i32(d, x.i32 * y.i32);
  if constexpr (O == Op::I32And) set_i32(d, x.i32 & y.i32);
  if constexpr (O == Op::I32Or) set_i32(d, x.i32 | y.i32);
  if constexpr (O == Op::I32Xor) set_i32(d, x.i32 ^ y.i32);
  if constexpr (O == Op::I32Shl) set_i32(d, x.i32 << (y.i32 & 31));
  if constexpr (O == Op::I32ShrU) set_i32(d, x.i32 >> (y.i32 & 31));
  if constexpr (O == Op::I32Rotl) set_i32(d, std::rotl(x.i32, static_cast<int>(y.i32 & 31)));
  if constexpr (O == Op::I64Add) set_i64(d, x.i64 + y.i64);
  if constexpr (O == Op::F32Add) set_f32(d, x.f32 + y.f32);
  if constexpr (O == Op::F32Mul) set_f32(d, x.f32 * y.f32);
  if constexpr (O == Op::F64Add) set_f64(d, x.f64 + y.f64);
  if constexpr (O == Op::F64Sub) set_f64(d, x.f64 - y.f64);
  if constexpr (O == Op::F64Mul) set_f64(d, x.f64 * y.f64);
}

// d = a <A> b, then the branch condition <C> on d (and c, read after d is written, since
// c may be d itself). See MIDIMON_ARITH_BRS in code.h.
template <Op A, Op C>
inline bool arith_branch(Value& d, const Value& a, const Value& b, const Value& c) {
  if constexpr (A == Op::I64Add) {
    d.i64 = a.i64 + b.i64;
    const uint64_t x = d.i64;
    [[maybe_unused]] const uint64_t y = c.i64;
    if constexpr (C == Op::I64Eqz) return x == 0;
    if constexpr (C == Op::I64Eq) return x == y;
    if constexpr (C == Op::I64Ne) return x != y;
    if constexpr (C == Op::I64LtS) return static_cast<int64_t>(x) < static_cast<int64_t>(y);
    if constexpr (C == Op::I64LtU) return x < y;
    if constexpr (C == Op::I64GtS) return static_cast<int64_t>(x) > static_cast<int64_t>(y);
    if constexpr (C == Op::I64GtU) return x > y;
    if constexpr (C == Op::I64LeS) return static_cast<int64_t>(x) <= static_cast<int64_t>(y);
    if constexpr (C == Op::I64LeU) return x <= y;
    if constexpr (C == Op::I64GeS) return static_cast<int64_t>(x) >= static_cast<int64_t>(y);
    if constexpr (C == Op::I64GeU) return x >= y;
  } else {
    static_assert(A == Op::I32Add || A == Op::I32Sub || A == Op::I32And);
    set_i32(d, A == Op::I32Add   ? a.i32 + b.i32
               : A == Op::I32Sub ? a.i32 - b.i32
                                 : a.i32 & b.i32);
    const uint32_t x = d.i32;
    [[maybe_unused]] const uint32_t y = c.i32;
    if constexpr (C == Op::BrIf) return x != 0;
    if constexpr (C == Op::I32Eqz) return x == 0;
    if constexpr (C == Op::I32Eq) return x == y;
    if constexpr (C == Op::I32Ne) return x != y;
    if constexpr (C == Op::I32LtS) return static_cast<int32_t>(x) < static_cast<int32_t>(y);
    if constexpr (C == Op::I32LtU) return x < y;
    if constexpr (C == Op::I32GtS) return static_cast<int32_t>(x) > static_cast<int32_t>(y);
    if constexpr (C == Op::I32GtU) return x > y;
    if constexpr (C == Op::I32LeS) return static_cast<int32_t>(x) <= static_cast<int32_t>(y);
    if constexpr (C == Op::I32LeU) return x <= y;
    if constexpr (C == Op::I32GeS) return static_cast<int32_t>(x) >= static_cast<int32_t>(y);
    if constexpr (C == Op::I32GeU) return x >= y;
  }
  __builtin_unreachable();  // every (A, C) of MIDIMON_ARITH_BRS returns above
}

#define LIKELY(x) __builtin_expect(!!(x), 1)
// A label's `hot` attribute (g++ only; clang has it for functions alone and warns).
#if defined(__GNUC__) && !defined(__clang__)
#define MIDIMON_HOT_LABEL __attribute__((hot))
#else
#define MIDIMON_HOT_LABEL
#endif
#define UNLIKELY(x) __builtin_expect(!!(x), 0)

// The deadline poll: is the store's interrupt flag set? On x86-64 one compare with memory
// (a relaxed load of an aligned 32-bit value is a plain read there) instead of g++'s load
// and test: a poll is then two instructions with its branch. `volatile`: read every time.
inline bool interrupted(const std::atomic<uint32_t>& flag) {
#if defined(__x86_64__) && defined(__GCC_ASM_FLAG_OUTPUTS__)
  bool set;
  asm volatile("cmpl $0, %1" : "=@ccne"(set) : "m"(flag));
  return set;
#else
  return flag.load(std::memory_order_relaxed) != 0;
#endif
}

// The calls' stack check: does a frame ending at `end` pass `limit` (ExecState::call_limit)?
// On x86-64 one compare with memory, as in interrupted() (with the atomic load g++ kept
// the limit's address in a stack slot and loaded it first). The same for the memory
// accesses' bounds check against ExecState::mem_limit: read from memory every time, so
// that g++ cannot keep it in a register, where a deadline would never lower it.
// `InRdx`: `end` in rdx (the _Idx loads and stores: left the choice, g++ computed the
// shifted index in another register and added a mov, one instruction more per access).
template <bool InRdx = false, typename T>
inline bool past_limit(T end, const std::atomic<T>& limit) {
  static_assert(sizeof(T) == 8);
#if defined(__x86_64__) && defined(__GCC_ASM_FLAG_OUTPUTS__)
  bool hit;
  if constexpr (InRdx) {
    asm volatile("cmpq %1, %2" : "=@ccb"(hit) : "d"(end), "m"(limit));
  } else {
    asm volatile("cmpq %1, %2" : "=@ccb"(hit) : "r"(end), "m"(limit));
  }
  return hit;
#else
  return end > limit.load(std::memory_order_relaxed);
#endif
}

// past_limit(end, exec.mem_limit), the field addressed from `exec`'s register (the "m"
// operand only tells g++ what is read): with the memory operand alone g++ kept the
// field's address in a register of its own, which the fuel needs (see `fuel` in run();
// together with the laundered `exec` there: without it, g++ still kept two registers,
// `store` and &exec).
template <bool InRdx = false>
inline bool past_mem_limit(uint64_t end, const Store::ExecState& exec) {
#if defined(__x86_64__) && defined(__GCC_ASM_FLAG_OUTPUTS__)
  // ExecState is not standard-layout (atomics, unique_ptr): offsetof on it is
  // conditionally supported, and g++ and clang both support it; clang warns.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Winvalid-offsetof"
  constexpr size_t off = offsetof(Store::ExecState, mem_limit);
#pragma GCC diagnostic pop
  bool hit;
  if constexpr (InRdx) {
    asm volatile("cmpq %1, %c3(%2)" : "=@ccb"(hit) : "d"(end), "r"(&exec), "i"(off), "m"(exec.mem_limit));
  } else {
    asm volatile("cmpq %1, %c3(%2)" : "=@ccb"(hit) : "r"(end), "r"(&exec), "i"(off), "m"(exec.mem_limit));
  }
  return hit;
#else
  return past_limit<InRdx>(end, exec.mem_limit);
#endif
}

// A call failed the stack check against ExecState::call_limit: a real exhaustion
// (`exhausted`: depth or frame past the stack's end) or a lowered limit, i.e. a deadline.
inline TrapKind call_limit_trap(bool exhausted) {
  return exhausted ? TrapKind::CallStackExhausted : TrapKind::DeadlineExceeded;
}

// The call sequence's inline zeroing of locals and copy of the constant pool: two slots
// a step, in one 16-byte move each. The 64-bit index keeps the addressing inside the
// moves (with a 32-bit one g++ re-extended it for every address: 11 instructions a step
// of the pool copy and 7 of the zeroing, now 5 each), and the asm keeps g++ from turning
// the loops back into memset/memcpy calls.
using SlotPair = uint64_t __attribute__((vector_size(16)));
// Both loops are written as a test, then a do-while: as `for` loops, g++ laid them out
// in Call_F and CallIndirect_F as a jump to the test at the bottom, one instruction more
// per loop and call than the guarded form it chose for Call.
[[gnu::always_inline]] inline void zero_slots(Value* p, size_t from, size_t to) {
  const SlotPair z = {0, 0};
  if (from >= to) return;
  size_t i = from;
  do {
    __asm__("" : "+r"(i));
    std::memcpy(p + i, &z, sizeof z);
    i += 2;
  } while (i < to);
}
[[gnu::always_inline]] inline void copy_slots(Value* dst, const Value* src, size_t n) {
  if (n == 0) return;
  size_t i = 0;
  do {
    __asm__("" : "+r"(i));
    SlotPair v;
    std::memcpy(&v, src + i, sizeof v);
    std::memcpy(dst + i, &v, sizeof v);
    i += 2;
  } while (i < n);
}

// `init` != nullptr: only fills the handler offset table.
// One instantiation per EngineConfig::deadline_checks, each with its own handlers (the
// compiler emits the addresses of the one its engine runs, interp_handler_addresses).
// Without deadline checks the accesses' bounds check compares with `msize`, a local g++
// keeps in a register, instead of ExecState::mem_limit in memory: the load that reading
// it costs every access made matmul about 4 % slower in CPU time (docs/performance.md,
// "One interpreter per deadline mode").
template <bool kDeadlineChecks>
Trap run(Store* store, FuncInst* func, const Value* args, Value* results, uint64_t* init,
         const uint32_t* exit_pc) {
  if (init) {
    static const void* const labels[] = {
// SIMD instructions only ever run as Simd / SimdMem ops.
#define WASM_SIMD_OP(Name, text, code, imm, sig, shape, group, bytes, lanes) &&L_Invalid,
#define WASM_OP(Name, text, prefix, code, imm, sig) &&L_##Name,
#include "opcodes.def"
#undef WASM_OP
#undef WASM_SIMD_OP
        &&L_Exit, &&L_Invalid, &&L_Copy, &&L_BrUnless, &&L_BrIfI64Nez, &&L_Ret1,
#define MIDIMON_X(Name) &&L_BrIf_##Name,
        MIDIMON_FUSED_CMPS(MIDIMON_X)
#undef MIDIMON_X
#define MIDIMON_X(Name) &&L_##Name##_Add,
        MIDIMON_LOAD_OPS(MIDIMON_X)
#undef MIDIMON_X
#define MIDIMON_X(Name, Load) &&L_##Name##_Ld,
        MIDIMON_LD_BINOPS(MIDIMON_X)
#undef MIDIMON_X
#define MIDIMON_X(Store, Name) &&L_##Store##_##Name,
        MIDIMON_STORE_BINOPS(MIDIMON_X)
#undef MIDIMON_X
        &&L_Copy2, &&L_Fuel, &&L_Poll, &&L_FuelPoll,
#define MIDIMON_X(Name, n) &&L_##Name##_F, &&L_##Name##_FB, &&L_##Name##_PB, &&L_##Name##_FPB,
        MIDIMON_COND_BRS(MIDIMON_X)
#undef MIDIMON_X
        &&L_Br_FB, &&L_Br_PB, &&L_Br_FPB, &&L_BrTable_F, &&L_Call_F, &&L_CallIndirect_F, &&L_Call_S,
#define MIDIMON_X(A, C, n) \
  &&L_##A##_##C, &&L_##A##_##C##_F, &&L_##A##_##C##_FB, &&L_##A##_##C##_PB, &&L_##A##_##C##_FPB,
        MIDIMON_ARITH_BRS(MIDIMON_X)
#undef MIDIMON_X
#define MIDIMON_X(A, B) &&L_Pair_##A##_##B,
        MIDIMON_BINOP_PAIRS(MIDIMON_X)
#undef MIDIMON_X
#define MIDIMON_X(Store, Name) &&L_##Store##_##Name##_Ld,
        MIDIMON_STORE_LD_BINOPS(MIDIMON_X)
#undef MIDIMON_X
        &&L_Copy3, &&L_Copy4,
#define MIDIMON_X(Store, T) &&L_##Store##_ThenAdd,
        MIDIMON_STORE_ADDS(MIDIMON_X)
#undef MIDIMON_X
#define MIDIMON_X(Name) &&L_##Name##_Idx,
        MIDIMON_LOAD_OPS(MIDIMON_X)
#undef MIDIMON_X
#define MIDIMON_X(Store, T) &&L_##Store##_Idx,
        MIDIMON_STORE_IDX_OPS(MIDIMON_X)
#undef MIDIMON_X
#define MIDIMON_X(Name, T, setter) &&L_##Name##_IdxTee,
        MIDIMON_LOAD_IDX_TEES(MIDIMON_X)
#undef MIDIMON_X
#define MIDIMON_X(A, B) &&L_LdPair_##A##_##B,
        MIDIMON_LOAD_PAIRS(MIDIMON_X)
#undef MIDIMON_X
#define MIDIMON_X(L, S, T) &&L_Mv_##L##_##S,
        MIDIMON_LOAD_STORES(MIDIMON_X)
#undef MIDIMON_X
#define MIDIMON_X(S, TS, L, TL, setter) &&L_StLd_##S##_##L,
        MIDIMON_STORE_LOADS(MIDIMON_X)
#undef MIDIMON_X
#define MIDIMON_X(A, TA, B, TB) &&L_StPair_##A##_##B,
        MIDIMON_STORE_PAIRS(MIDIMON_X)
#undef MIDIMON_X
        &&L_I32Sub_BrTable, &&L_I32Add_Br, &&L_Copy_Br, &&L_Copy2_Br, &&L_Const_Br,
        &&L_I32Add_GlobalSet, &&L_I32Sub_GlobalSet, &&L_GlobalGet_I32Sub_GlobalSet,
        &&L_I32AddI_GlobalSet, &&L_GlobalGet_I32AddI_GlobalSet,
        &&L_Simd, &&L_SimdMem, &&L_GlobalGetV128, &&L_GlobalSetV128,
#define MIDIMON_X(Name) &&L_##Name##_I,
        MIDIMON_IMM_BINOPS(MIDIMON_X)
#undef MIDIMON_X
#define MIDIMON_X(Name, n) &&L_##Name, &&L_##Name##_F, &&L_##Name##_FB, &&L_##Name##_PB, &&L_##Name##_FPB,
        MIDIMON_IMM_COND_BRS(MIDIMON_X)
#undef MIDIMON_X
#define MIDIMON_X(Name, T) &&L_##Name##_I,
        MIDIMON_IMM_STORES(MIDIMON_X)
#undef MIDIMON_X
        &&L_Ret1I,
#define MIDIMON_X(Name) &&L_##Name##_AddI,
        MIDIMON_LOAD_ADD_IMMS(MIDIMON_X)
#undef MIDIMON_X
#define MIDIMON_X(A, C, n) \
  &&L_##A##I_##C, &&L_##A##I_##C##_F, &&L_##A##I_##C##_FB, &&L_##A##I_##C##_PB, &&L_##A##I_##C##_FPB,
        MIDIMON_ARITH_IMM_BRS(MIDIMON_X)
#undef MIDIMON_X
        &&L_I32Sub_BrTable_F, &&L_I32Add_Br_FB, &&L_Copy_Br_FB, &&L_Copy2_Br_FB, &&L_Const_Br_FB,
#define MIDIMON_X(A, B) &&L_PairI_##A##_##B,
        MIDIMON_IMM_BINOP_PAIRS(MIDIMON_X)
#undef MIDIMON_X
        &&L_CallImport, &&L_CallImport_F,
#define MIDIMON_X(L, T, C, n) \
  &&L_##L##_##C, &&L_##L##_##C##_F, &&L_##L##_##C##_FB, &&L_##L##_##C##_PB, &&L_##L##_##C##_FPB,
        MIDIMON_LOAD_BRS(MIDIMON_X)
#undef MIDIMON_X
        &&L_EnterJit,
    };
    static_assert(sizeof(labels) / sizeof(labels[0]) == kIOpCount);
    for (uint32_t i = 0; i < kIOpCount; ++i) init[i] = reinterpret_cast<uint64_t>(labels[i]);
    return {};
  }

// The handler's address is the instruction's first two units (one 64-bit load; x86
// allows it unaligned).
#define NEXT()                         \
  do {                                 \
    uint64_t h_;                       \
    std::memcpy(&h_, pc, sizeof h_);   \
    goto* reinterpret_cast<void*>(h_); \
  } while (0)
#define SLOT(i) fp[pc[(i) + 1]]
#define TRAP(k)          \
  do {                   \
    trap_kind = (k);     \
    goto do_trap;        \
  } while (0)

  // Laundered: otherwise g++ addressed some of exec's fields from `store` and the others
  // from a register holding &exec, one register more.
  Store::ExecState* exec_p = &store->exec();
  asm("" : "+r"(exec_p));
  Store::ExecState& exec = *exec_p;
  const uint32_t max_depth = store->limits().max_call_depth;
  exec.ensure_stack(store->limits().max_value_stack_slots);  // done by Store::call already
  if (!exec.sp) exec.sp = exec.stack.get();
  Value* const saved_sp = exec.sp;
  const uint32_t saved_depth = exec.depth;
  Value* const stack_end = exec.stack_end;
  // The remaining fuel while this activation runs is split in two: a 32-bit part in a
  // local, which CHARGE takes from (g++ keeps it in a register), and the rest, left in
  // ExecState::fuel, which the rare path of a charge that does not fit the part refills
  // it from. The two are joined (the part added back to ExecState::fuel) wherever
  // anything else can see or change the fuel: around host calls (which may read or take
  // it through the Store, or run wasm in another activation) and at `finish`, the one
  // way out after this point.
  uint32_t fuel = 0;
#define FUEL_SPLIT()                                                                  \
  do {                                                                                \
    fuel = static_cast<uint32_t>(std::clamp<int64_t>(exec.fuel, 0, UINT32_MAX));      \
    exec.fuel -= fuel;                                                                \
  } while (0)
#define FUEL_JOIN()       \
  do {                    \
    exec.fuel += fuel;    \
    fuel = 0;             \
  } while (0)

  TrapKind trap_kind = TrapKind::None;
  Trap result;
  Instance* inst = nullptr;
  MemoryInst* mem = nullptr;
  uint8_t* mb = nullptr;
  // The current memory's real size. The accesses' bounds checks (MEM_CHECK) compare
  // with a copy: exec.mem_limit with deadline checks (this size until a deadline passes),
  // else `msize`.
  const uint64_t* msize_p = &kZeroSize;
  uint64_t msize = 0;  // *msize_p, for MEM_CHECK without deadline checks (SYNC_MEM_LIMIT)
  uint64_t mem_end = 0;  // a failed MEM_CHECK's access end, for mem_check_failed
  uint32_t depth = exec.depth;
  Value* fp = exec.sp;
  const uint32_t* pc = nullptr;
  // Call state handed by the call ops to their rare paths (a host function or a first
  // call: do_host_call, do_call; a failed stack check: call_check_failed). Volatile, so
  // they stay in memory, written only on those paths: as plain variables g++ merged them
  // with the call ops' own callee and frame (their copies on the rare paths), and so kept
  // those in stack slots on every call too.
  FuncInst* volatile callee = nullptr;
  Value* volatile nfp = nullptr;
  const uint32_t* volatile ret_pc = nullptr;
  const CompiledFunc* volatile cf = nullptr;

  // The end of the stack that calls check against: ExecState::call_limit, which is the
  // stack's end until a deadline passes (Store::interrupt, the watchdog: then 0, so every
  // call fails the check). The rare path tells a real exhaustion from that; with deadline
  // checks on, calls need no poll of their own (code.h).
#define CALL_LIMIT_HIT(end) past_limit(reinterpret_cast<uintptr_t>(end), exec.call_limit)

#define LOAD_INSTANCE(instance)                                           \
  do {                                                                    \
    inst = (instance);                                                    \
    mem = inst->memories.empty() ? nullptr : inst->memories[0];           \
    mb = mem ? mem->base : nullptr;                                       \
    msize_p = mem ? &mem->size : &kZeroSize;                              \
    SYNC_MEM_LIMIT();                                                     \
  } while (0)
  // The bounds checks' limit after the memory's size may have changed: ExecState's
  // mem_limit (keeping a passed deadline's 0) or, without deadline checks, `msize`.
#define SYNC_MEM_LIMIT()                                   \
  do {                                                     \
    if constexpr (kDeadlineChecks) {                       \
      exec.set_mem_limit(*msize_p);                        \
    } else {                                               \
      msize = *msize_p;                                    \
    }                                                      \
  } while (0)

  // A scalar load's or store's bounds check (code.h): the access ends at `end`. Against
  // exec.mem_limit, the memory's size or 0 after a deadline: with deadline checks on, an
  // access is a deadline poll at no cost; mem_check_failed tells which it was.
#define MEM_CHECK(end) MEM_CHECK_IN(end, false)
#define MEM_CHECK_IN(end, in_rdx)                            \
  do {                                                       \
    const uint64_t e_ = (end);                               \
    if (UNLIKELY(kDeadlineChecks ? past_mem_limit<in_rdx>(e_, exec) : e_ > msize)) { \
      mem_end = e_;                                          \
      goto mem_check_failed;                                 \
    }                                                        \
  } while (0)

  if (exec.reentry >= kMaxReentry) return Trap(TrapKind::CallStackExhausted);
  ++exec.reentry;
  FUEL_SPLIT();  // after the early return above: every way out from here joins
  {
    // The entry frame returns to the Exit instruction; its caller is itself.
    cf = func->code;
    // The real end, not call_limit: an entry needs no deadline check (what it runs before
    // its first call or loop is bounded), and reading call_limit here made g++ keep the
    // field's address in a stack slot for every call's check (a load more per call).
    if (depth >= max_depth || fp + cf->frame_size > stack_end) {
      trap_kind = TrapKind::CallStackExhausted;
      goto do_trap;
    }
    ++depth;
    for (uint32_t i = 0; i < cf->num_params; ++i) fp[i] = args[i];
    Value* ctl = fp + cf->ctl_slot;
    ctl[0].ref = reinterpret_cast<Ref>(exit_pc);
    ctl[1].ref = reinterpret_cast<Ref>(fp);
    ctl[2].ref = reinterpret_cast<Ref>(func->instance);
    for (uint32_t i = cf->num_params; i < cf->num_locals; ++i) fp[i].bits = 0;
    for (uint32_t i = 0; i < cf->num_consts; ++i) ctl[kCtlSlots + i] = cf->consts[i];
    pc = cf->entry;
    LOAD_INSTANCE(func->instance);
    NEXT();
  }

  // --- control ---
L_Exit: {
  const uint32_t nr = func->code->num_results;  // slots
  for (uint32_t i = 0; i < nr; ++i) results[i] = fp[i];
  goto finish;
}
L_Invalid:
L_Block:
L_Loop:
L_If:
L_Else:
L_End:
L_Nop:
L_Drop:
L_LocalGet:
L_LocalSet:
L_LocalTee:
L_I32Const:
L_F32Const:
L_F64Const:
L_SelectT:
L_RefNull:
  result = Trap::host("internal error: invalid internal instruction");
  goto finish;
L_Unreachable:
  TRAP(TrapKind::Unreachable);
L_Copy:
  SLOT(1) = SLOT(2);
  pc += 4;
  NEXT();
L_Copy2:
  SLOT(1) = SLOT(2);
  SLOT(3) = SLOT(4);
  pc += 6;
  NEXT();
L_Copy3:
  SLOT(1) = SLOT(2);
  SLOT(3) = SLOT(4);
  SLOT(5) = SLOT(6);
  pc += 8;
  NEXT();
L_Copy4:
  SLOT(1) = SLOT(2);
  SLOT(3) = SLOT(4);
  SLOT(5) = SLOT(6);
  SLOT(7) = SLOT(8);
  pc += 10;
  NEXT();
  // Takes `cost` from the fuel; a charge that does not fit is not taken (the store keeps
  // the fuel it had) and traps. The common path is two instructions: `sub` of the cost (a
  // memory operand) from the register g++ keeps `fuel` in, and `jb` (it was three: the
  // cost's load, a read-modify-write `sub` on ExecState::fuel, the branch). The rare path
  // (the charge is more than `fuel`) puts the charge back, then takes it from the whole
  // fuel and splits what is left again, or traps. Its barrier hides the value before the
  // `sub` (without it g++ kept a copy of that in another register: a `mov` before the
  // `sub` and one after the branch) and makes it read the cost again (`cost` has no side
  // effects): otherwise g++ loaded the cost into a register of its own for both paths, a
  // third instruction. The fuel's register was free once the accesses' bounds checks
  // stopped keeping a register for the memory limit (past_mem_limit, exec_p).
#define CHARGE(cost)                                                        \
  do {                                                                      \
    if (UNLIKELY(__builtin_sub_overflow(fuel, (cost), &fuel))) {            \
      asm volatile("" : "+r"(fuel)::"memory");                              \
      const uint32_t c_ = (cost);                                           \
      fuel += c_;                                                           \
      if (exec.fuel + fuel < static_cast<int64_t>(c_)) {                    \
        TRAP(TrapKind::FuelExhausted);                                      \
      }                                                                     \
      FUEL_JOIN();                                                          \
      exec.fuel -= c_;                                                      \
      FUEL_SPLIT();                                                         \
    }                                                                       \
  } while (0)
L_Fuel:
  CHARGE(pc[2]);
  pc += 3;
  NEXT();
L_Poll:
  if (UNLIKELY(interrupted(exec.interrupt))) goto deadline_exceeded;
  pc += 2;
  NEXT();
L_FuelPoll:
  if (UNLIKELY(interrupted(exec.interrupt))) goto deadline_exceeded;
  CHARGE(pc[2]);
  pc += 3;
  NEXT();
  // Sandbox variants of the branches (code.h, MIDIMON_COND_BRS): the charge or poll of
  // the block entered is done by the branch itself.
#define POLL()                                                                 \
  do {                                                                         \
    if (UNLIKELY(interrupted(exec.interrupt))) {                               \
      goto deadline_exceeded;                                                  \
    }                                                                          \
  } while (0)
#define C_BrIf (SLOT(1).i32 != 0)
#define C_BrUnless (SLOT(1).i32 == 0)
#define C_BrIfI64Nez (SLOT(1).i64 != 0)
#define C_BrIf_I32Eqz (SLOT(1).i32 == 0)
#define C_BrIf_I64Eqz (SLOT(1).i64 == 0)
#define C_CMP(T, field, OPR) (static_cast<T>(SLOT(1).field) OPR static_cast<T>(SLOT(2).field))
#define C_BrIf_I32Eq C_CMP(uint32_t, i32, ==)
#define C_BrIf_I32Ne C_CMP(uint32_t, i32, !=)
#define C_BrIf_I32LtS C_CMP(int32_t, i32, <)
#define C_BrIf_I32LtU C_CMP(uint32_t, i32, <)
#define C_BrIf_I32GtS C_CMP(int32_t, i32, >)
#define C_BrIf_I32GtU C_CMP(uint32_t, i32, >)
#define C_BrIf_I32LeS C_CMP(int32_t, i32, <=)
#define C_BrIf_I32LeU C_CMP(uint32_t, i32, <=)
#define C_BrIf_I32GeS C_CMP(int32_t, i32, >=)
#define C_BrIf_I32GeU C_CMP(uint32_t, i32, >=)
#define C_BrIf_I64Eq C_CMP(uint64_t, i64, ==)
#define C_BrIf_I64Ne C_CMP(uint64_t, i64, !=)
#define C_BrIf_I64LtS C_CMP(int64_t, i64, <)
#define C_BrIf_I64LtU C_CMP(uint64_t, i64, <)
#define C_BrIf_I64GtS C_CMP(int64_t, i64, >)
#define C_BrIf_I64GtU C_CMP(uint64_t, i64, >)
#define C_BrIf_I64LeS C_CMP(int64_t, i64, <=)
#define C_BrIf_I64LeU C_CMP(uint64_t, i64, <=)
#define C_BrIf_I64GeS C_CMP(int64_t, i64, >=)
#define C_BrIf_I64GeU C_CMP(uint64_t, i64, >=)
  // n operand units: rel at pc[2 + n], the base instruction is 3 + n units.
#define SANDBOX_BR(Name, n) SANDBOX_BR_C(Name, n, C_##Name)
#define SANDBOX_BR_C(Name, n, COND)                         \
  L_##Name##_F:                                             \
  if (COND) {                                               \
    pc += static_cast<int32_t>(pc[2 + n]);                  \
  } else {                                                  \
    CHARGE(pc[4 + n]);                                      \
    pc += 5 + n;                                            \
  }                                                         \
  NEXT();                                                   \
  L_##Name##_FB:                                            \
  if (COND) {                                           \
    CHARGE(pc[3 + n]);                                      \
    pc += static_cast<int32_t>(pc[2 + n]);                  \
  } else {                                                  \
    CHARGE(pc[4 + n]);                                      \
    pc += 5 + n;                                            \
  }                                                         \
  NEXT();                                                   \
  L_##Name##_PB:                                            \
  if (COND) {                                           \
    POLL();                                                 \
    pc += static_cast<int32_t>(pc[2 + n]);                  \
  } else {                                                  \
    pc += 3 + n;                                            \
  }                                                         \
  NEXT();                                                   \
  L_##Name##_FPB:                                           \
  if (COND) {                                           \
    POLL();                                                 \
    CHARGE(pc[3 + n]);                                      \
    pc += static_cast<int32_t>(pc[2 + n]);                  \
  } else {                                                  \
    CHARGE(pc[4 + n]);                                      \
    pc += 5 + n;                                            \
  }                                                         \
  NEXT();
  MIDIMON_COND_BRS(SANDBOX_BR)
  // Compare-and-branch with a constant b (MIDIMON_IMM_COND_BRS): the plain form and its
  // variants. The i64 forms sign-extend the 32-bit immediate.
#define C_IMM(T, field, OPR) (static_cast<T>(SLOT(1).field) OPR static_cast<T>(IMM_##field(2)))
#define IMM_i32(i) pc[(i) + 1]
#define IMM_i64(i) static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(pc[(i) + 1])))
#define C_BrIf_I32Eq_I C_IMM(uint32_t, i32, ==)
#define C_BrIf_I32Ne_I C_IMM(uint32_t, i32, !=)
#define C_BrIf_I32LtS_I C_IMM(int32_t, i32, <)
#define C_BrIf_I32LtU_I C_IMM(uint32_t, i32, <)
#define C_BrIf_I32GtS_I C_IMM(int32_t, i32, >)
#define C_BrIf_I32GtU_I C_IMM(uint32_t, i32, >)
#define C_BrIf_I32LeS_I C_IMM(int32_t, i32, <=)
#define C_BrIf_I32LeU_I C_IMM(uint32_t, i32, <=)
#define C_BrIf_I32GeS_I C_IMM(int32_t, i32, >=)
#define C_BrIf_I32GeU_I C_IMM(uint32_t, i32, >=)
#define C_BrIf_I64Eq_I C_IMM(uint64_t, i64, ==)
#define C_BrIf_I64Ne_I C_IMM(uint64_t, i64, !=)
#define C_BrIf_I64LtS_I C_IMM(int64_t, i64, <)
#define C_BrIf_I64LtU_I C_IMM(uint64_t, i64, <)
#define C_BrIf_I64GtS_I C_IMM(int64_t, i64, >)
#define C_BrIf_I64GtU_I C_IMM(uint64_t, i64, >)
#define C_BrIf_I64LeS_I C_IMM(int64_t, i64, <=)
#define C_BrIf_I64LeU_I C_IMM(uint64_t, i64, <=)
#define C_BrIf_I64GeS_I C_IMM(int64_t, i64, >=)
#define C_BrIf_I64GeU_I C_IMM(uint64_t, i64, >=)
#define IMM_BR(Name, n)                                     \
  L_##Name : if (C_##Name) {                                \
    pc += static_cast<int32_t>(pc[2 + n]);                  \
  } else {                                                  \
    pc += 3 + n;                                            \
  }                                                         \
  NEXT();                                                   \
  SANDBOX_BR(Name, n)
  MIDIMON_IMM_COND_BRS(IMM_BR)
#undef IMM_BR
  // Arithmetic + branch (code.h, MIDIMON_ARITH_BRS): the plain form and its variants.
  // For the forms without a compare operand, d stands in for c (never read).
#define ARITH_COND(A, C, n) arith_branch<Op::A, Op::C>(SLOT(1), SLOT(2), SLOT(3), SLOT((n) == 4 ? 4 : 1))
  // One arithmetic branch: `Label` is the op's name, COND(A, C, n) its condition (passed
  // as a macro name: an expanded condition's commas would split SANDBOX_BR_C's arguments).
#define ARITH_BR_AS(Label, A, C, n, COND)                   \
  L_##Label:                                                \
  if (COND(A, C, n)) {                                      \
    pc += static_cast<int32_t>(pc[2 + n]);                  \
  } else {                                                  \
    pc += 3 + n;                                            \
  }                                                         \
  NEXT();                                                   \
  SANDBOX_BR_C(Label, n, COND(A, C, n))
#define ARITH_BR(A, C, n) ARITH_BR_AS(A##_##C, A, C, n, ARITH_COND)
  MIDIMON_ARITH_BRS(ARITH_BR)
#undef ARITH_BR
  // The same with b in the instruction (MIDIMON_ARITH_IMM_BRS): [h][d][a][imm][rel]
#define ARITH_COND_I(A, C, n) arith_branch<Op::A, Op::C>(SLOT(1), SLOT(2), Value::from_i32(pc[4]), SLOT(1))
#define ARITH_BR_I(A, C, n) ARITH_BR_AS(A##I_##C, A, C, n, ARITH_COND_I)
  MIDIMON_ARITH_IMM_BRS(ARITH_BR_I)
#undef ARITH_BR_I
  // A load into the branch on its value (MIDIMON_LOAD_BRS): [h][addr][offset]([imm])[rel].
  // The condition is a statement expression: the bounds check's jump to the trap leaves it.
#define LOAD_BR_VALUE(T)                                               \
  ({                                                                   \
    const uint64_t ea_ = static_cast<uint64_t>(SLOT(1).i32) + pc[3];   \
    MEM_CHECK(ea_ + sizeof(T));                                        \
    T v_;                                                              \
    std::memcpy(&v_, mb + ea_, sizeof(T));                             \
    static_cast<uint32_t>(v_);                                         \
  })
#define LOAD_COND_BrNz(T) (LOAD_BR_VALUE(T) != 0)
#define LOAD_COND_BrZ(T) (LOAD_BR_VALUE(T) == 0)
#define LOAD_COND_BrEqI(T) (LOAD_BR_VALUE(T) == pc[4])
#define LOAD_COND_BrNeI(T) (LOAD_BR_VALUE(T) != pc[4])
#define LOAD_BR(L, T, C, n)                                 \
  L_##L##_##C:                                              \
  if (LOAD_COND_##C(T)) {                                   \
    pc += static_cast<int32_t>(pc[2 + n]);                  \
  } else {                                                  \
    pc += 3 + n;                                            \
  }                                                         \
  NEXT();                                                   \
  SANDBOX_BR_C(L##_##C, n, LOAD_COND_##C(T))
  MIDIMON_LOAD_BRS(LOAD_BR)
#undef LOAD_BR
#undef LOAD_COND_BrNz
#undef LOAD_COND_BrZ
#undef LOAD_COND_BrEqI
#undef LOAD_COND_BrNeI
#undef LOAD_BR_VALUE
#undef ARITH_BR_AS
#undef ARITH_COND_I
#undef ARITH_COND
#undef SANDBOX_BR_C
#undef SANDBOX_BR
#undef C_BrIf
#undef C_BrUnless
#undef C_BrIfI64Nez
#undef C_BrIf_I32Eqz
#undef C_BrIf_I64Eqz
#undef C_CMP
#undef C_BrIf_I32Eq
#undef C_BrIf_I32Ne
#undef C_BrIf_I32LtS
#undef C_BrIf_I32LtU
#undef C_BrIf_I32GtS
#undef C_BrIf_I32GtU
#undef C_BrIf_I32LeS
#undef C_BrIf_I32LeU
#undef C_BrIf_I32GeS
#undef C_BrIf_I32GeU
#undef C_BrIf_I64Eq
#undef C_BrIf_I64Ne
#undef C_BrIf_I64LtS
#undef C_BrIf_I64LtU
#undef C_BrIf_I64GtS
#undef C_BrIf_I64GtU
#undef C_BrIf_I64LeS
#undef C_BrIf_I64LeU
#undef C_BrIf_I64GeS
#undef C_BrIf_I64GeU
L_Br_FB:
  CHARGE(pc[3]);
  pc += static_cast<int32_t>(pc[2]);
  NEXT();
L_Br_PB:
  POLL();
  pc += static_cast<int32_t>(pc[2]);
  NEXT();
L_Br_FPB:
  POLL();
  CHARGE(pc[3]);
  pc += static_cast<int32_t>(pc[2]);
  NEXT();
  // Fuel-only forms (code.h): each entry of the table charges the block it enters.
L_BrTable_F: {
  uint32_t i = SLOT(1).i32;
  const uint32_t count = pc[3];
  if (i > count) i = count;
  const uint32_t* e = pc + 4 + 2 * size_t{i};  // the entry: rel, cost (size_t: one lea)
  CHARGE(e[1]);
  pc += static_cast<int32_t>(e[0]);
  NEXT();
}
  // The fused forms of I32Sub_BrTable and I32Add_Br with fuel (code.h): with the sub or
  // add unfused, Lua's opcode switch and its `pc++; continue` paid a dispatch more each.
L_I32Sub_BrTable_F: {
  uint32_t i = SLOT(1).i32 - SLOT(2).i32;
  const uint32_t count = pc[4];
  if (i > count) i = count;
  const uint32_t* e = pc + 5 + 2 * size_t{i};  // the entry: rel, cost
  CHARGE(e[1]);
  pc += static_cast<int32_t>(e[0]);
  NEXT();
}
L_I32Add_Br_FB:
  set_i32(SLOT(1), SLOT(2).i32 + SLOT(3).i32);
  CHARGE(pc[6]);
  pc += static_cast<int32_t>(pc[5]);
  NEXT();
L_Copy_Br_FB:
  SLOT(1) = SLOT(2);
  CHARGE(pc[5]);
  pc += static_cast<int32_t>(pc[4]);
  NEXT();
L_Copy2_Br_FB:
  SLOT(1) = SLOT(2);
  SLOT(3) = SLOT(4);
  CHARGE(pc[7]);
  pc += static_cast<int32_t>(pc[6]);
  NEXT();
L_Const_Br_FB:
  SLOT(1).bits = static_cast<uint64_t>(pc[3]) | (static_cast<uint64_t>(pc[4]) << 32);
  CHARGE(pc[6]);
  pc += static_cast<int32_t>(pc[5]);
  NEXT();
  // The frame set-up of a wasm callee (already compiled and checked), in each call op
  // that enters it: a shared copy (do_frame) took its callee, new fp, compiled code and
  // return pc from variables every call op set, which g++ kept in stack slots (a store
  // and one to three loads each, per call); inlined, they stay in registers. RET is the
  // return pc (read before pc changes), ENTRY where the callee starts.
  // Declared locals start at zero; constants still read from slots are copied in. Both
  // inline, two slots a step, when few (most functions, and nearly all pools now that
  // constants are carried in the instructions): the PLT calls to memset/memcpy (with the
  // registers they clobber) cost more than a few stores, though memset wins on many
  // locals (zero_slots, copy_slots). An odd count of locals overshoots by one slot into
  // a local written before read, ctl[0] (written after it) or a result slot not yet live;
  // the pool is padded to even and the frame has room (compiler.cpp, run()). Only the
  // part that is large goes through the PLT: a frame with many locals to zero often has
  // a pool of a few constants, and the other way round.
  // The return info keeps the caller's Instance, not its FuncInst: a return needs only
  // the instance (one load less than through the FuncInst), and no current FuncInst has
  // to be kept (g++ spilled it: a store and a load per call).
#define ENTER_FRAME(CALLEE, NFP, CF, ENTRY, RET) ENTER_FRAME_IN(CALLEE, NFP, CF, ENTRY, RET, true)
  // SWITCH_INST false: the callee runs in the caller's instance (a function of the same
  // module: Call, Call_F, Call_S), so there is no instance to switch to and the callee is
  // not needed after the frame's set-up (Call_S: g++ had kept it in a stack slot to test
  // its instance).
#define ENTER_FRAME_IN(CALLEE, NFP, CF, ENTRY, RET, SWITCH_INST)                        \
  do {                                                                                \
    ++depth;                                                                          \
    Value* const ctl_ = (NFP) + (CF)->ctl_slot;                                       \
    ctl_[1].ref = reinterpret_cast<Ref>(fp);                                          \
    ctl_[2].ref = reinterpret_cast<Ref>(inst);                                        \
    /* fp before the zeroing: across the memset/memcpy calls the new frame's address   \
       is then in fp's (callee-saved) register, not in one more to save. */            \
    fp = (NFP);                                                                       \
    if (LIKELY((CF)->small_init)) {                                                   \
      zero_slots(fp, (CF)->num_params, (CF)->zero_end);                               \
      copy_slots(ctl_ + kCtlSlots, (CF)->consts, (CF)->num_consts);                   \
    } else {                                                                          \
      const uint32_t nz_ = (CF)->zero_end - (CF)->num_params;                         \
      if (nz_ > kSmallInit) {                                                         \
        std::memset(fp + (CF)->num_params, 0, nz_ * sizeof(Value));                   \
      } else {                                                                        \
        zero_slots(fp, (CF)->num_params, (CF)->zero_end);                             \
      }                                                                               \
      if ((CF)->num_consts > kSmallConsts) {                                          \
        std::memcpy(ctl_ + kCtlSlots, (CF)->consts, (CF)->num_consts * sizeof(Value)); \
      } else {                                                                        \
        copy_slots(ctl_ + kCtlSlots, (CF)->consts, (CF)->num_consts);                 \
      }                                                                               \
    }                                                                                 \
    ctl_[0].ref = reinterpret_cast<Ref>(RET); /* after the zeroing's overshoot */     \
    pc = (ENTRY);                                                                     \
    if (SWITCH_INST && UNLIKELY((CALLEE)->instance != inst)) LOAD_INSTANCE((CALLEE)->instance); \
    NEXT();                                                                           \
  } while (0)
  // The call ops' common start: `c_` the callee, `n_` its frame, `f_` its code. Not yet
  // compiled or a host function: the shared do_host_call path (RET_UNITS: the op's length).
#define CALL_HEAD(CALLEE, NFP, RET_UNITS)                                               \
  FuncInst* const c_ = (CALLEE);                                                        \
  Value* const n_ = (NFP);                                                              \
  const CompiledFunc* const f_ = c_->code;                                              \
  if (UNLIKELY(f_ == nullptr)) {                                                        \
    callee = c_;                                                                        \
    nfp = n_;                                                                           \
    ret_pc = pc + (RET_UNITS);                                                          \
    goto do_host_call;                                                                  \
  }                                                                                     \
  if (UNLIKELY(depth >= max_depth || CALL_LIMIT_HIT(n_ + f_->frame_size))) {            \
    nfp = n_;                                                                           \
    cf = f_;                                                                            \
    goto call_check_failed;                                                             \
  }
  // Calls that charge the callee's entry block (its first op is a Fuel op whenever fuel
  // is on: calls see a deadline through their stack check, not a poll at entry) and
  // start after that op. Not yet compiled or a host function: the plain path (a lazily
  // compiled callee's own Fuel op then charges it). Nothing the frame set-up does is
  // observable if the charge traps (a trap unwinds all).
L_Call_F: {  // a function of this module (see Call)
  CALL_HEAD(inst->funcs[pc[2]], fp + pc[3], 4);
  CHARGE(f_->entry_fuel);
  ENTER_FRAME_IN(c_, n_, f_, f_->entry + kOpUnits + 1, pc + 4, false);
}
L_CallImport_F: {
  CALL_HEAD(inst->funcs[pc[2]], fp + pc[3], 4);
  CHARGE(f_->entry_fuel);
  ENTER_FRAME(c_, n_, f_, f_->entry + kOpUnits + 1, pc + 4);
}
L_CallIndirect_F: {  // CallIndirect's checks, then as Call_F
  const uint32_t i = SLOT(4).i32;
  TableInst* tab = inst->tables[pc[3]];
  if (UNLIKELY(i >= tab->elems.size())) TRAP(TrapKind::UndefinedElement);
  const Ref r = tab->elems[i];
  if (UNLIKELY(r == kNullRef)) TRAP(TrapKind::UninitializedElement);
  FuncInst* const c = ref_func(r);
  if (UNLIKELY(c->type_id != inst->type_ids[pc[2]])) TRAP(TrapKind::IndirectCallTypeMismatch);
  CALL_HEAD(c, fp + pc[4], 6);
  CHARGE(f_->entry_fuel);
  ENTER_FRAME(c_, n_, f_, f_->entry + kOpUnits + 1, pc + 6);
}
  // A function calling itself, its entry block paid by the caller's block (code.h):
  // compiled (it is running), its first op is the Fuel op to skip, and it runs in this
  // instance (inst->funcs[i] for the function's own index i is defined here).
L_Call_S: {
  FuncInst* const c_ = inst->funcs[pc[2]];
  Value* const n_ = fp + pc[3];
  const CompiledFunc* const f_ = c_->code;
  if (UNLIKELY(depth >= max_depth || CALL_LIMIT_HIT(n_ + f_->frame_size))) {
    nfp = n_;
    cf = f_;
    goto call_check_failed;
  }
  ENTER_FRAME_IN(c_, n_, f_, f_->entry + kOpUnits + 1, pc + 4, false);
}
#undef CHARGE
#undef POLL
L_I64Const:
  SLOT(1).bits = static_cast<uint64_t>(pc[3]) | (static_cast<uint64_t>(pc[4]) << 32);
  pc += 5;
  NEXT();
L_Br:
  pc += static_cast<int32_t>(pc[2]);
  NEXT();
L_BrIf:
  if (SLOT(1).i32) {
    pc += static_cast<int32_t>(pc[3]);
  } else {
    pc += 4;
  }
  NEXT();
L_BrUnless:
  if (!SLOT(1).i32) {
    pc += static_cast<int32_t>(pc[3]);
  } else {
    pc += 4;
  }
  NEXT();
L_BrIfI64Nez:
  if (SLOT(1).i64) {
    pc += static_cast<int32_t>(pc[3]);
  } else {
    pc += 4;
  }
  NEXT();
L_BrIf_I32Eqz:
  if (SLOT(1).i32 == 0) {
    pc += static_cast<int32_t>(pc[3]);
  } else {
    pc += 4;
  }
  NEXT();
L_BrIf_I64Eqz:
  if (SLOT(1).i64 == 0) {
    pc += static_cast<int32_t>(pc[3]);
  } else {
    pc += 4;
  }
  NEXT();
#define CMP_BR(Name, T, field, OPR)                           \
  L_BrIf_##Name : if (static_cast<T>(SLOT(1).field) OPR static_cast<T>(SLOT(2).field)) { \
    pc += static_cast<int32_t>(pc[4]);                        \
  } else {                                                    \
    pc += 5;                                                  \
  }                                                           \
  NEXT();
  CMP_BR(I32Eq, uint32_t, i32, ==)
  CMP_BR(I32Ne, uint32_t, i32, !=)
  CMP_BR(I32LtS, int32_t, i32, <)
  CMP_BR(I32LtU, uint32_t, i32, <)
  CMP_BR(I32GtS, int32_t, i32, >)
  CMP_BR(I32GtU, uint32_t, i32, >)
  CMP_BR(I32LeS, int32_t, i32, <=)
  CMP_BR(I32LeU, uint32_t, i32, <=)
  CMP_BR(I32GeS, int32_t, i32, >=)
  CMP_BR(I32GeU, uint32_t, i32, >=)
  CMP_BR(I64Eq, uint64_t, i64, ==)
  CMP_BR(I64Ne, uint64_t, i64, !=)
  CMP_BR(I64LtS, int64_t, i64, <)
  CMP_BR(I64LtU, uint64_t, i64, <)
  CMP_BR(I64GtS, int64_t, i64, >)
  CMP_BR(I64GtU, uint64_t, i64, >)
  CMP_BR(I64LeS, int64_t, i64, <=)
  CMP_BR(I64LeU, uint64_t, i64, <=)
  CMP_BR(I64GeS, int64_t, i64, >=)
  CMP_BR(I64GeU, uint64_t, i64, >=)
#undef CMP_BR
L_BrTable: {
  uint32_t i = SLOT(1).i32;
  const uint32_t count = pc[3];
  if (i > count) i = count;
  pc += static_cast<int32_t>(pc[4 + i]);
  NEXT();
}
L_Select:
  SLOT(1) = SLOT(4).i32 ? SLOT(2) : SLOT(3);
  pc += 6;
  NEXT();
  // br_table on a - b (I32Sub_BrTable): [h][a][b][count][rel * count][default rel]
L_I32Sub_BrTable: {
  uint32_t i = SLOT(1).i32 - SLOT(2).i32;
  const uint32_t count = pc[4];
  if (i > count) i = count;
  pc += static_cast<int32_t>(pc[5 + i]);
  NEXT();
}
  // An add or copies, then an unconditional jump (superinstructions.h)
L_I32Add_Br:
  set_i32(SLOT(1), SLOT(2).i32 + SLOT(3).i32);
  pc += static_cast<int32_t>(pc[5]);
  NEXT();
L_Copy_Br:
  SLOT(1) = SLOT(2);
  pc += static_cast<int32_t>(pc[4]);
  NEXT();
L_Copy2_Br:
  SLOT(1) = SLOT(2);
  SLOT(3) = SLOT(4);
  pc += static_cast<int32_t>(pc[6]);
  NEXT();
L_Const_Br:
  SLOT(1).bits = static_cast<uint64_t>(pc[3]) | (static_cast<uint64_t>(pc[4]) << 32);
  pc += static_cast<int32_t>(pc[5]);
  NEXT();

  // --- calls ---
L_CallIndirect: {
  const uint32_t i = SLOT(4).i32;
  TableInst* tab = inst->tables[pc[3]];
  if (UNLIKELY(i >= tab->elems.size())) TRAP(TrapKind::UndefinedElement);
  const Ref r = tab->elems[i];
  if (UNLIKELY(r == kNullRef)) TRAP(TrapKind::UninitializedElement);
  FuncInst* const c = ref_func(r);
  if (UNLIKELY(c->type_id != inst->type_ids[pc[2]])) TRAP(TrapKind::IndirectCallTypeMismatch);
  CALL_HEAD(c, fp + pc[4], 6);
  ENTER_FRAME(c_, n_, f_, f_->entry, pc + 6);
}
  // The label's `hot` is kept from when direct calls fell into the shared frame set-up:
  // without it g++ also judges the other handlers differently and tests a slot with a
  // load and `test` instead of one `cmpl $0` (BrIf, BrUnless, Select and others: +1
  // instruction each, zstd compress +0.5 %).
  // A function of this module runs in the caller's instance (its FuncInst is this
  // instance's own): no instance to test or switch to, as in Call_S. Not yet compiled:
  // do_host_call compiles it and enters it through do_call. An imported function
  // (CallImport) may be a host function or another instance's.
L_Call:
  MIDIMON_HOT_LABEL;
  {
  CALL_HEAD(inst->funcs[pc[2]], fp + pc[3], 4);
  ENTER_FRAME_IN(c_, n_, f_, f_->entry, pc + 4, false);
}
L_CallImport: {
  CALL_HEAD(inst->funcs[pc[2]], fp + pc[3], 4);
  ENTER_FRAME(c_, n_, f_, f_->entry, pc + 4);
}
  // A callee compiled on its first call (do_host_call): callee, nfp and ret_pc set.
do_call: {
  FuncInst* const c_ = callee;
  Value* const n_ = nfp;
  const CompiledFunc* const f_ = c_->code;
  const uint32_t* const r_ = ret_pc;
  if (UNLIKELY(depth >= max_depth || CALL_LIMIT_HIT(n_ + f_->frame_size))) {
    cf = f_;
    goto call_check_failed;
  }
  ENTER_FRAME(c_, n_, f_, f_->entry, r_);
}
#undef CALL_HEAD
#undef ENTER_FRAME
#undef ENTER_FRAME_IN
do_host_call: {
  if (UNLIKELY(callee->instance != nullptr)) {
    // Not a host function: a wasm function's first call, its module compiling lazily
    // (EngineConfig::lazy_compilation). The Trap's scope ends before any indirect goto.
    {
      Trap t3 = compile_on_first_call(*callee);
      if (UNLIKELY(!t3.ok())) {
        result = std::move(t3);
        goto finish;
      }
    }
    goto do_call;
  }
  FuncInst* const hf = callee;
  Value* const args_ = nfp;  // read once each (volatile)
  const size_t np = hf->param_slots, nr = hf->result_slots;
  Value* res = args_ + np;  // scratch: results must not overwrite unread arguments
  if (UNLIKELY(res + nr > stack_end)) TRAP(TrapKind::CallStackExhausted);
  exec.sp = res + nr;
  exec.depth = depth;
  FUEL_JOIN();
  {
    // Own scope: the Trap (non-trivial destructor) must end before the threaded
    // dispatch's indirect gotos below, or clang rejects the jumps out of its scope.
    Caller caller{*store, inst};
    Trap t2 = hf->host(caller, args_, res);
    FUEL_SPLIT();  // before `finish` joins it
    if (UNLIKELY(!t2.ok())) {
      result = std::move(t2);
      goto finish;
    }
  }
  // A host function may have blocked past the deadline: the flag is checked right away
  // (only by engines with deadline checks, so without them nothing changes).
  if (UNLIKELY(kDeadlineChecks && exec.interrupt.load(std::memory_order_relaxed) != 0)) {
    TRAP(TrapKind::DeadlineExceeded);
  }
  for (size_t i = 0; i < nr; ++i) args_[i] = res[i];
  // The host may have grown the memory, or run other wasm (another memory's limit).
  SYNC_MEM_LIMIT();
  pc = ret_pc;
  NEXT();
}
  // Each return op ends in its own copy of the return (RETURN_TO_CALLER): with one shared
  // copy, g++ laid it out after one of them and the others jumped to it (one instruction
  // more per return; which one depended on the rest of the function).
#define RETURN_TO_CALLER()                                                                 \
  do {                                                                                     \
    /* fp points at the return info here. */                                              \
    pc = reinterpret_cast<const uint32_t*>(fp[0].ref);                                     \
    Instance* caller_ = reinterpret_cast<Instance*>(fp[2].ref);                            \
    fp = reinterpret_cast<Value*>(fp[1].ref);                                              \
    --depth;                                                                               \
    /* Same instance: a memory.grow in the callee has set exec.mem_limit already (a grow   \
       elsewhere returns through another instance or a host call, which set it again). */ \
    if (UNLIKELY(caller_ != inst)) LOAD_INSTANCE(caller_);                                 \
    NEXT();                                                                                \
  } while (0)
L_Ret1:
  fp[0] = SLOT(1);
  fp += pc[3];
  RETURN_TO_CALLER();
L_Ret1I:
  fp[0].bits = static_cast<uint64_t>(pc[2]) | (static_cast<uint64_t>(pc[3]) << 32);
  fp += pc[4];
  RETURN_TO_CALLER();
L_Return:
  fp += pc[2];
  RETURN_TO_CALLER();
  // A translated function's whole internal code (jit_stub.cpp): its machine code runs on
  // this frame, which it grows over the return info, so that is kept aside meanwhile.
  // The call that entered this frame counted a level of depth that the machine code's
  // entry counts again: it runs at its caller's depth.
L_EnterJit: {
  JitEntry fn;
  std::memcpy(&fn, pc + kOpUnits, sizeof fn);
  Value* const ctl = fp + pc[kOpUnits + 2];
  const Value ret0 = ctl[0], ret1 = ctl[1], ret2 = ctl[2];
  exec.sp = fp;
  exec.depth = depth - 1;
  FUEL_JOIN();
  {
    // Own scope: the Trap must end before the threaded dispatch's indirect gotos.
    Trap t2 = jit_run_on_frame(*store, fn, fp, inst);
    FUEL_SPLIT();  // before `finish` joins it
    if (UNLIKELY(!t2.ok())) {
      result = std::move(t2);
      goto finish;
    }
  }
  SYNC_MEM_LIMIT();  // the machine code may have grown the memory
  ctl[0] = ret0;
  ctl[1] = ret1;
  ctl[2] = ret2;
  fp = ctl;
  RETURN_TO_CALLER();
}
#undef RETURN_TO_CALLER

  // --- variables, references ---
L_GlobalGet:
  SLOT(1) = inst->globals[pc[3]]->value;
  pc += 4;
  NEXT();
L_GlobalSet:
  inst->globals[pc[3]]->value = SLOT(1);
  pc += 4;
  NEXT();
  // The stack pointer's adjustments (superinstructions.h)
L_I32Add_GlobalSet:
  set_i32(SLOT(1), SLOT(2).i32 + SLOT(3).i32);
  inst->globals[pc[5]]->value = SLOT(1);
  pc += 6;
  NEXT();
L_I32Sub_GlobalSet:
  set_i32(SLOT(1), SLOT(2).i32 - SLOT(3).i32);
  inst->globals[pc[5]]->value = SLOT(1);
  pc += 6;
  NEXT();
L_GlobalGet_I32Sub_GlobalSet: {
  GlobalInst* g = inst->globals[pc[3]];
  set_i32(SLOT(1), g->value.i32 - SLOT(3).i32);
  g->value = SLOT(1);
  pc += 5;
  NEXT();
}
  // The same with the frame size in the instruction (a sub by n is the add of -n)
L_I32AddI_GlobalSet:
  set_i32(SLOT(1), SLOT(2).i32 + pc[4]);
  inst->globals[pc[5]]->value = SLOT(1);
  pc += 6;
  NEXT();
L_GlobalGet_I32AddI_GlobalSet: {
  GlobalInst* g = inst->globals[pc[3]];
  set_i32(SLOT(1), g->value.i32 + pc[4]);
  g->value = SLOT(1);
  pc += 5;
  NEXT();
}
L_GlobalGetV128: {
  const GlobalInst* g = inst->globals[pc[3]];
  SLOT(1) = g->value;
  fp[pc[2] + 1] = g->hi;
  pc += 4;
  NEXT();
}
L_GlobalSetV128: {
  GlobalInst* g = inst->globals[pc[3]];
  g->value = SLOT(1);
  g->hi = fp[pc[2] + 1];
  pc += 4;
  NEXT();
}

  // --- SIMD: one out-of-line call each (interp_simd.h) ---
L_Simd: {
  SimdFn f;
  std::memcpy(&f, pc + kOpUnits, sizeof f);
  pc += f(fp, pc);
  NEXT();
}
L_SimdMem: {
  SimdMemFn f;
  std::memcpy(&f, pc + kOpUnits, sizeof f);
  const uint32_t n = f(fp, pc, mb, *msize_p);  // the real size: no deadline poll
  if (UNLIKELY(n == 0)) TRAP(TrapKind::OutOfBoundsMemoryAccess);
  pc += n;
  NEXT();
}
L_RefFunc:
  SLOT(1).ref = func_ref(inst->funcs[pc[3]]);
  pc += 4;
  NEXT();
L_RefIsNull:
  set_i32(SLOT(1), SLOT(2).ref == kNullRef);
  pc += 4;
  NEXT();

  // --- tables ---
L_TableGet: {
  TableInst* tab = inst->tables[pc[4]];
  const uint32_t i = SLOT(2).i32;
  if (UNLIKELY(i >= tab->elems.size())) TRAP(TrapKind::OutOfBoundsTableAccess);
  SLOT(1).ref = tab->elems[i];
  pc += 5;
  NEXT();
}
L_TableSet: {
  TableInst* tab = inst->tables[pc[4]];
  const uint32_t i = SLOT(1).i32;
  if (UNLIKELY(i >= tab->elems.size())) TRAP(TrapKind::OutOfBoundsTableAccess);
  tab->elems[i] = SLOT(2).ref;
  pc += 5;
  NEXT();
}
L_TableSize:
  set_i32(SLOT(1), static_cast<uint32_t>(inst->tables[pc[3]]->elems.size()));
  pc += 4;
  NEXT();
L_TableGrow: {
  TableInst* tab = inst->tables[pc[5]];
  const int64_t r = tab->grow(SLOT(3).i32, SLOT(2).ref);
  set_i32(SLOT(1), static_cast<uint32_t>(r));
  pc += 6;
  NEXT();
}
L_TableFill: {
  const TrapKind k = bulk::table_fill(*inst->tables[pc[5]], SLOT(1).i32, SLOT(2).ref, SLOT(3).i32);
  if (UNLIKELY(k != TrapKind::None)) TRAP(k);
  pc += 6;
  NEXT();
}
L_TableCopy: {
  const TrapKind k = bulk::table_copy(*inst->tables[pc[5]], *inst->tables[pc[6]], SLOT(1).i32,
                                      SLOT(2).i32, SLOT(3).i32);
  if (UNLIKELY(k != TrapKind::None)) TRAP(k);
  pc += 7;
  NEXT();
}
L_TableInit: {
  const TrapKind k = bulk::table_init(*inst->tables[pc[6]], inst->elems[pc[5]], SLOT(1).i32,
                                      SLOT(2).i32, SLOT(3).i32);
  if (UNLIKELY(k != TrapKind::None)) TRAP(k);
  pc += 7;
  NEXT();
}
L_ElemDrop:
  inst->elems[pc[2]].refs.clear();
  pc += 3;
  NEXT();

  // --- memory ---
#define LOAD(Name, T, setter, conv)                                        \
  L_##Name : {                                                             \
    const uint64_t ea = static_cast<uint64_t>(SLOT(2).i32) + pc[4];        \
    MEM_CHECK(ea + sizeof(T));                                             \
    T v;                                                                   \
    std::memcpy(&v, mb + ea, sizeof(T));                                   \
    setter(SLOT(1), conv);                                                 \
    pc += 5;                                                               \
    NEXT();                                                                \
  }                                                                        \
  L_##Name##_Add : {                                                       \
    const uint64_t ea = static_cast<uint64_t>(SLOT(2).i32 + SLOT(3).i32) + pc[5]; \
    MEM_CHECK(ea + sizeof(T));                                                    \
    T v;                                                                   \
    std::memcpy(&v, mb + ea, sizeof(T));                                   \
    setter(SLOT(1), conv);                                                 \
    pc += 6;                                                               \
    NEXT();                                                                \
  }
  LOAD(I32Load, uint32_t, set_i32, v)
  LOAD(I64Load, uint64_t, set_i64, v)
  LOAD(F32Load, uint32_t, set_i32, v)
  LOAD(F64Load, uint64_t, set_i64, v)
  LOAD(I32Load8S, int8_t, set_i32, static_cast<uint32_t>(static_cast<int32_t>(v)))
  LOAD(I32Load8U, uint8_t, set_i32, v)
  LOAD(I32Load16S, int16_t, set_i32, static_cast<uint32_t>(static_cast<int32_t>(v)))
  LOAD(I32Load16U, uint16_t, set_i32, v)
  LOAD(I64Load8S, int8_t, set_i64, static_cast<uint64_t>(static_cast<int64_t>(v)))
  LOAD(I64Load8U, uint8_t, set_i64, v)
  LOAD(I64Load16S, int16_t, set_i64, static_cast<uint64_t>(static_cast<int64_t>(v)))
  LOAD(I64Load16U, uint16_t, set_i64, v)
  LOAD(I64Load32S, int32_t, set_i64, static_cast<uint64_t>(static_cast<int64_t>(v)))
  LOAD(I64Load32U, uint32_t, set_i64, v)
#undef LOAD
  // <Load>_Add with the constant b in the instruction: [h][dst][a][imm][offset]
#define LOAD_ADDI(Name, T, setter, conv)                                              \
  L_##Name##_AddI : {                                                                 \
    const uint64_t ea = static_cast<uint64_t>(static_cast<uint32_t>(SLOT(2).i32 + pc[4])) + pc[5]; \
    MEM_CHECK(ea + sizeof(T));                                                        \
    T v;                                                                              \
    std::memcpy(&v, mb + ea, sizeof(T));                                              \
    setter(SLOT(1), conv);                                                            \
    pc += 6;                                                                          \
    NEXT();                                                                           \
  }
  LOAD_ADDI(I32Load, uint32_t, set_i32, v)
  LOAD_ADDI(I32Load8U, uint8_t, set_i32, v)
  LOAD_ADDI(I32Load16U, uint16_t, set_i32, v)
  LOAD_ADDI(I64Load, uint64_t, set_i64, v)
#undef LOAD_ADDI
  // Indexed loads and stores (<Load>_Idx, <Store>_Idx): base + (index << k), 32-bit wrap,
  // then the offset. Load [h][dst][base][index][k][offset]
#define LOAD_IDX(Name, T, setter, conv)                                    \
  L_##Name##_Idx : {                                                       \
    const uint64_t ea = static_cast<uint64_t>(SLOT(2).i32 + (SLOT(3).i32 << pc[5])) + pc[6]; \
    MEM_CHECK_IN(ea + sizeof(T), true);                                                      \
    T v;                                                                   \
    std::memcpy(&v, mb + ea, sizeof(T));                                   \
    setter(SLOT(1), conv);                                                 \
    pc += 7;                                                               \
    NEXT();                                                                \
  }
  LOAD_IDX(I32Load, uint32_t, set_i32, v)
  LOAD_IDX(I64Load, uint64_t, set_i64, v)
  LOAD_IDX(F32Load, uint32_t, set_i32, v)
  LOAD_IDX(F64Load, uint64_t, set_i64, v)
  LOAD_IDX(I32Load8S, int8_t, set_i32, static_cast<uint32_t>(static_cast<int32_t>(v)))
  LOAD_IDX(I32Load8U, uint8_t, set_i32, v)
  LOAD_IDX(I32Load16S, int16_t, set_i32, static_cast<uint32_t>(static_cast<int32_t>(v)))
  LOAD_IDX(I32Load16U, uint16_t, set_i32, v)
  LOAD_IDX(I64Load8S, int8_t, set_i64, static_cast<uint64_t>(static_cast<int64_t>(v)))
  LOAD_IDX(I64Load8U, uint8_t, set_i64, v)
  LOAD_IDX(I64Load16S, int16_t, set_i64, static_cast<uint64_t>(static_cast<int64_t>(v)))
  LOAD_IDX(I64Load16U, uint16_t, set_i64, v)
  LOAD_IDX(I64Load32S, int32_t, set_i64, static_cast<uint64_t>(static_cast<int64_t>(v)))
  LOAD_IDX(I64Load32U, uint32_t, set_i64, v)
#undef LOAD_IDX
  // Store [h][base][index][k][value][offset]
#define STORE_IDX(Name, T)                                                 \
  L_##Name##_Idx : {                                                       \
    const uint64_t ea = static_cast<uint64_t>(SLOT(1).i32 + (SLOT(2).i32 << pc[4])) + pc[6]; \
    MEM_CHECK_IN(ea + sizeof(T), true);                                                      \
    const T v = static_cast<T>(SLOT(4).bits);                              \
    std::memcpy(mb + ea, &v, sizeof(T));                                   \
    pc += 7;                                                               \
    NEXT();                                                                \
  }
  MIDIMON_STORE_IDX_OPS(STORE_IDX)
#undef STORE_IDX
  // The indexed load whose address is also kept in a local (<Load>_IdxTee):
  // [h][dst][base][index][k][offset][p]. p is written before the access, as the pair wrote
  // it before the load (dst may be p itself: then the loaded value is what stays).
#define LOAD_IDX_TEE(Name, T, setter)                                      \
  L_##Name##_IdxTee : {                                                    \
    const uint32_t a = SLOT(2).i32 + (SLOT(3).i32 << pc[5]);               \
    set_i32(SLOT(6), a);                                                   \
    const uint64_t ea = static_cast<uint64_t>(a) + pc[6];                  \
    MEM_CHECK_IN(ea + sizeof(T), true);                                    \
    T v;                                                                   \
    std::memcpy(&v, mb + ea, sizeof(T));                                   \
    setter(SLOT(1), v);                                                    \
    pc += 8;                                                               \
    NEXT();                                                                \
  }
  MIDIMON_LOAD_IDX_TEES(LOAD_IDX_TEE)
#undef LOAD_IDX_TEE
  // Two loads in order (LdPair_<A>_<B>): [h][d1][addr1][off1][d2][addr2][off2]. The
  // pairs are zero-extending loads (set_i32 zero-extends to the whole slot, so it serves
  // i64.load32_u too); LDT_<Op> is the type each reads.
#define LDT_I32Load uint32_t
#define LDT_I32Load8U uint8_t
#define LDT_I32Load16U uint16_t
#define LDT_I64Load32U uint32_t
#define LD_PAIR_ONE(T, d, a, off)                                          \
  {                                                                        \
    const uint64_t ea = static_cast<uint64_t>(SLOT(a).i32) + pc[off];      \
    MEM_CHECK(ea + sizeof(T));                                             \
    T v;                                                                   \
    std::memcpy(&v, mb + ea, sizeof(T));                                   \
    set_i32(SLOT(d), v);                                                   \
  }
#define LD_PAIR(A, B)                                                      \
  L_LdPair_##A##_##B:                                                      \
  LD_PAIR_ONE(LDT_##A, 1, 2, 4)                                            \
  LD_PAIR_ONE(LDT_##B, 4, 5, 7)                                            \
  pc += 8;                                                                 \
  NEXT();
  MIDIMON_LOAD_PAIRS(LD_PAIR)
#undef LD_PAIR
#undef LD_PAIR_ONE
#undef LDT_I32Load
#undef LDT_I32Load8U
#undef LDT_I32Load16U
#undef LDT_I64Load32U
  // Stores next to other accesses (superinstructions.h), each access in order with its
  // own bounds check. One store of slot V's low bytes at SLOT(A) + pc[OFF]:
#define ST_ONE(T, A, V, OFF)                                               \
  {                                                                        \
    const uint64_t ea = static_cast<uint64_t>(SLOT(A).i32) + pc[OFF];      \
    MEM_CHECK(ea + sizeof(T));                                             \
    const T v = static_cast<T>(SLOT(V).bits);                              \
    std::memcpy(mb + ea, &v, sizeof(T));                                   \
  }
  // Mv_<Load>_<Store> [h][laddr][loff][saddr][soff]: the bytes loaded are the bytes
  // stored (same width; the 8- and 16-bit loads zero-extend, their stores truncate back).
#define MV(L, S, T)                                                        \
  L_Mv_##L##_##S : {                                                       \
    const uint64_t la = static_cast<uint64_t>(SLOT(1).i32) + pc[3];        \
    MEM_CHECK(la + sizeof(T));                                             \
    T v;                                                                   \
    std::memcpy(&v, mb + la, sizeof(T));                                   \
    const uint64_t sa = static_cast<uint64_t>(SLOT(3).i32) + pc[5];        \
    MEM_CHECK(sa + sizeof(T));                                             \
    std::memcpy(mb + sa, &v, sizeof(T));                                   \
    pc += 6;                                                               \
    NEXT();                                                                \
  }
  MIDIMON_LOAD_STORES(MV)
#undef MV
  // StLd_<Store>_<Load> [h][saddr][v][soff][d][laddr][loff]
#define ST_LD(S, TS, L, TL, setter)                                        \
  L_StLd_##S##_##L : {                                                     \
    ST_ONE(TS, 1, 2, 4)                                                    \
    const uint64_t ea = static_cast<uint64_t>(SLOT(5).i32) + pc[7];        \
    MEM_CHECK(ea + sizeof(TL));                                            \
    TL v;                                                                  \
    std::memcpy(&v, mb + ea, sizeof(TL));                                  \
    setter(SLOT(4), v);                                                    \
    pc += 8;                                                               \
    NEXT();                                                                \
  }
  MIDIMON_STORE_LOADS(ST_LD)
#undef ST_LD
  // StPair_<A>_<B> [h][a1][v1][o1][a2][v2][o2]
#define ST_PAIR(A, TA, B, TB)                                              \
  L_StPair_##A##_##B:                                                      \
  ST_ONE(TA, 1, 2, 4)                                                      \
  ST_ONE(TB, 4, 5, 7)                                                      \
  pc += 8;                                                                 \
  NEXT();
  MIDIMON_STORE_PAIRS(ST_PAIR)
#undef ST_PAIR
#undef ST_ONE
#define STORE(Name, T)                                                     \
  L_##Name : {                                                             \
    const uint64_t ea = static_cast<uint64_t>(SLOT(1).i32) + pc[4];        \
    MEM_CHECK(ea + sizeof(T));                                             \
    const T v = static_cast<T>(SLOT(2).bits);                              \
    std::memcpy(mb + ea, &v, sizeof(T));                                   \
    pc += 5;                                                               \
    NEXT();                                                                \
  }
  STORE(I32Store, uint32_t)
  STORE(I64Store, uint64_t)
  STORE(F32Store, uint32_t)
  STORE(F64Store, uint64_t)
  STORE(I32Store8, uint8_t)
  STORE(I32Store16, uint16_t)
  STORE(I64Store8, uint8_t)
  STORE(I64Store16, uint16_t)
  STORE(I64Store32, uint32_t)
#undef STORE
L_MemorySize:
  set_i32(SLOT(1), static_cast<uint32_t>(*msize_p / kPageSize));
  pc += 3;
  NEXT();
L_MemoryGrow: {
  const int64_t r = mem->grow(SLOT(2).i32);
  SYNC_MEM_LIMIT();
  set_i32(SLOT(1), static_cast<uint32_t>(r));
  pc += 4;
  NEXT();
}
L_MemoryInit: {
  // Bulk operations check the real size: no deadline poll (the compiler never counts
  // them as one, code.h).
  const TrapKind k = bulk::memory_init(mb, *msize_p, inst->datas[pc[5]], SLOT(1).i32, SLOT(2).i32,
                                       SLOT(3).i32);
  if (UNLIKELY(k != TrapKind::None)) TRAP(k);
  pc += 6;
  NEXT();
}
L_DataDrop:
  inst->datas[pc[2]].bytes = {};
  pc += 3;
  NEXT();
L_MemoryCopy: {
  const TrapKind k = bulk::memory_copy(mb, *msize_p, SLOT(1).i32, SLOT(2).i32, SLOT(3).i32);
  if (UNLIKELY(k != TrapKind::None)) TRAP(k);
  pc += 5;
  NEXT();
}
L_MemoryFill: {
  const TrapKind k = bulk::memory_fill(mb, *msize_p, SLOT(1).i32, SLOT(2).i32, SLOT(3).i32);
  if (UNLIKELY(k != TrapKind::None)) TRAP(k);
  pc += 5;
  NEXT();
}

  // --- numeric ---
  // OP1: [h][dst][a]   OP2: [h][dst][a][b]; `a`/`b` are read as type T from `field`.
#define OP1(Name, T, field, setter, expr) \
  L_##Name : {                            \
    const T a = static_cast<T>(SLOT(2).field); \
    setter(SLOT(1), expr);                \
    pc += 4;                              \
    NEXT();                               \
  }
#define OP2(Name, T, field, setter, expr)      \
  L_##Name : {                                 \
    const T a = static_cast<T>(SLOT(2).field); \
    const T b = static_cast<T>(SLOT(3).field); \
    setter(SLOT(1), expr);                     \
    pc += 5;                                   \
    NEXT();                                    \
  }
// Trapping ops compute into `r` via `call`, which returns a TrapKind.
#define OP2_TRAP(Name, T, field, setter, call)       \
  L_##Name : {                                       \
    const T a = static_cast<T>(SLOT(2).field);       \
    const T b = static_cast<T>(SLOT(3).field);       \
    T r;                                             \
    const TrapKind k = call;                         \
    if (UNLIKELY(k != TrapKind::None)) TRAP(k);      \
    setter(SLOT(1), r);                              \
    pc += 5;                                         \
    NEXT();                                          \
  }
#define OP1_TRAP(Name, T, field, R, setter)          \
  L_##Name : {                                       \
    const T a = SLOT(2).field;                       \
    R r;                                             \
    const TrapKind k = num::trunc<R, T>(a, &r);      \
    if (UNLIKELY(k != TrapKind::None)) TRAP(k);      \
    setter(SLOT(1), r);                              \
    pc += 4;                                         \
    NEXT();                                          \
  }

  OP1(I32Eqz, uint32_t, i32, set_i32, a == 0)
  OP2(I32Eq, uint32_t, i32, set_i32, a == b)
  OP2(I32Ne, uint32_t, i32, set_i32, a != b)
  OP2(I32LtS, int32_t, i32, set_i32, a < b)
  OP2(I32LtU, uint32_t, i32, set_i32, a < b)
  OP2(I32GtS, int32_t, i32, set_i32, a > b)
  OP2(I32GtU, uint32_t, i32, set_i32, a > b)
  OP2(I32LeS, int32_t, i32, set_i32, a <= b)
  OP2(I32LeU, uint32_t, i32, set_i32, a <= b)
  OP2(I32GeS, int32_t, i32, set_i32, a >= b)
  OP2(I32GeU, uint32_t, i32, set_i32, a >= b)
  OP1(I64Eqz, uint64_t, i64, set_i32, a == 0)
  OP2(I64Eq, uint64_t, i64, set_i32, a == b)
  OP2(I64Ne, uint64_t, i64, set_i32, a != b)
  OP2(I64LtS, int64_t, i64, set_i32, a < b)
  OP2(I64LtU, uint64_t, i64, set_i32, a < b)
  OP2(I64GtS, int64_t, i64, set_i32, a > b)
  OP2(I64GtU, uint64_t, i64, set_i32, a > b)
  OP2(I64LeS, int64_t, i64, set_i32, a <= b)
  OP2(I64LeU, uint64_t, i64, set_i32, a <= b)
  OP2(I64GeS, int64_t, i64, set_i32, a >= b)
  OP2(I64GeU, uint64_t, i64, set_i32, a >= b)
  OP2(F32Eq, float, f32, set_i32, a == b)
  OP2(F32Ne, float, f32, set_i32, a != b)
  OP2(F32Lt, float, f32, set_i32, a < b)
  OP2(F32Gt, float, f32, set_i32, a > b)
  OP2(F32Le, float, f32, set_i32, a <= b)
  OP2(F32Ge, float, f32, set_i32, a >= b)
  OP2(F64Eq, double, f64, set_i32, a == b)
  OP2(F64Ne, double, f64, set_i32, a != b)
  OP2(F64Lt, double, f64, set_i32, a < b)
  OP2(F64Gt, double, f64, set_i32, a > b)
  OP2(F64Le, double, f64, set_i32, a <= b)
  OP2(F64Ge, double, f64, set_i32, a >= b)

  OP1(I32Clz, uint32_t, i32, set_i32, static_cast<uint32_t>(std::countl_zero(a)))
  OP1(I32Ctz, uint32_t, i32, set_i32, static_cast<uint32_t>(std::countr_zero(a)))
  OP1(I32Popcnt, uint32_t, i32, set_i32, static_cast<uint32_t>(std::popcount(a)))
  OP2(I32Add, uint32_t, i32, set_i32, a + b)
  OP2(I32Sub, uint32_t, i32, set_i32, a - b)
  OP2(I32Mul, uint32_t, i32, set_i32, a * b)
  OP2_TRAP(I32DivS, int32_t, i32, set_i32, num::div_s<int32_t>(a, b, &r))
  OP2_TRAP(I32DivU, uint32_t, i32, set_i32,
           b == 0 ? TrapKind::IntegerDivideByZero : (r = a / b, TrapKind::None))
  OP2_TRAP(I32RemS, int32_t, i32, set_i32, num::rem_s<int32_t>(a, b, &r))
  OP2_TRAP(I32RemU, uint32_t, i32, set_i32,
           b == 0 ? TrapKind::IntegerDivideByZero : (r = a % b, TrapKind::None))
  OP2(I32And, uint32_t, i32, set_i32, a & b)
  OP2(I32Or, uint32_t, i32, set_i32, a | b)
  OP2(I32Xor, uint32_t, i32, set_i32, a ^ b)
  OP2(I32Shl, uint32_t, i32, set_i32, a << (b & 31))
  OP2(I32ShrS, uint32_t, i32, set_i32, static_cast<uint32_t>(static_cast<int32_t>(a) >> (b & 31)))
  OP2(I32ShrU, uint32_t, i32, set_i32, a >> (b & 31))
  OP2(I32Rotl, uint32_t, i32, set_i32, std::rotl(a, static_cast<int>(b & 31)))
  OP2(I32Rotr, uint32_t, i32, set_i32, std::rotr(a, static_cast<int>(b & 31)))

  OP1(I64Clz, uint64_t, i64, set_i64, static_cast<uint64_t>(std::countl_zero(a)))
  OP1(I64Ctz, uint64_t, i64, set_i64, static_cast<uint64_t>(std::countr_zero(a)))
  OP1(I64Popcnt, uint64_t, i64, set_i64, static_cast<uint64_t>(std::popcount(a)))
  OP2(I64Add, uint64_t, i64, set_i64, a + b)
  OP2(I64Sub, uint64_t, i64, set_i64, a - b)
  OP2(I64Mul, uint64_t, i64, set_i64, a * b)
  OP2_TRAP(I64DivS, int64_t, i64, set_i64, num::div_s<int64_t>(a, b, &r))
  OP2_TRAP(I64DivU, uint64_t, i64, set_i64,
           b == 0 ? TrapKind::IntegerDivideByZero : (r = a / b, TrapKind::None))
  OP2_TRAP(I64RemS, int64_t, i64, set_i64, num::rem_s<int64_t>(a, b, &r))
  OP2_TRAP(I64RemU, uint64_t, i64, set_i64,
           b == 0 ? TrapKind::IntegerDivideByZero : (r = a % b, TrapKind::None))
  OP2(I64And, uint64_t, i64, set_i64, a & b)
  OP2(I64Or, uint64_t, i64, set_i64, a | b)
  OP2(I64Xor, uint64_t, i64, set_i64, a ^ b)
  OP2(I64Shl, uint64_t, i64, set_i64, a << (b & 63))
  OP2(I64ShrS, uint64_t, i64, set_i64, static_cast<uint64_t>(static_cast<int64_t>(a) >> (b & 63)))
  OP2(I64ShrU, uint64_t, i64, set_i64, a >> (b & 63))
  OP2(I64Rotl, uint64_t, i64, set_i64, std::rotl(a, static_cast<int>(b & 63)))
  OP2(I64Rotr, uint64_t, i64, set_i64, std::rotr(a, static_cast<int>(b & 63)))

  // Binops with a constant b carried in the instruction (superinstructions.h,
  // MIDIMON_IMM_BINOPS): [h][d][a][imm], the i64 forms sign-extending imm.
#define OP2I(Name, T, field, setter, expr)           \
  L_##Name##_I : {                                   \
    const T a = static_cast<T>(SLOT(2).field);       \
    const T b = static_cast<T>(IMM_##field(3));      \
    setter(SLOT(1), expr);                           \
    pc += 5;                                         \
    NEXT();                                          \
  }
  OP2I(I32Add, uint32_t, i32, set_i32, a + b)
  OP2I(I32And, uint32_t, i32, set_i32, a & b)
  OP2I(I32Or, uint32_t, i32, set_i32, a | b)
  OP2I(I32Xor, uint32_t, i32, set_i32, a ^ b)
  OP2I(I32Shl, uint32_t, i32, set_i32, a << (b & 31))
  OP2I(I32ShrS, uint32_t, i32, set_i32, static_cast<uint32_t>(static_cast<int32_t>(a) >> (b & 31)))
  OP2I(I32ShrU, uint32_t, i32, set_i32, a >> (b & 31))
  OP2I(I32Mul, uint32_t, i32, set_i32, a * b)
  OP2I(I32Eq, uint32_t, i32, set_i32, a == b)
  OP2I(I32Ne, uint32_t, i32, set_i32, a != b)
  OP2I(I32LtS, int32_t, i32, set_i32, a < b)
  OP2I(I32LtU, uint32_t, i32, set_i32, a < b)
  OP2I(I32GtS, int32_t, i32, set_i32, a > b)
  OP2I(I32GtU, uint32_t, i32, set_i32, a > b)
  OP2I(I32LeS, int32_t, i32, set_i32, a <= b)
  OP2I(I32LeU, uint32_t, i32, set_i32, a <= b)
  OP2I(I32GeS, int32_t, i32, set_i32, a >= b)
  OP2I(I32GeU, uint32_t, i32, set_i32, a >= b)
  OP2I(I64Add, uint64_t, i64, set_i64, a + b)
  OP2I(I64And, uint64_t, i64, set_i64, a & b)
  OP2I(I64Or, uint64_t, i64, set_i64, a | b)
  OP2I(I64Xor, uint64_t, i64, set_i64, a ^ b)
  OP2I(I64Shl, uint64_t, i64, set_i64, a << (b & 63))
  OP2I(I64ShrS, uint64_t, i64, set_i64, static_cast<uint64_t>(static_cast<int64_t>(a) >> (b & 63)))
  OP2I(I64ShrU, uint64_t, i64, set_i64, a >> (b & 63))
  OP2I(I64Mul, uint64_t, i64, set_i64, a * b)
  OP2I(I64Eq, uint64_t, i64, set_i32, a == b)
  OP2I(I64Ne, uint64_t, i64, set_i32, a != b)
  OP2I(I64LtS, int64_t, i64, set_i32, a < b)
  OP2I(I64LtU, uint64_t, i64, set_i32, a < b)
  OP2I(I64GtS, int64_t, i64, set_i32, a > b)
  OP2I(I64GtU, uint64_t, i64, set_i32, a > b)
  OP2I(I64LeS, int64_t, i64, set_i32, a <= b)
  OP2I(I64LeU, uint64_t, i64, set_i32, a <= b)
  OP2I(I64GeS, int64_t, i64, set_i32, a >= b)
  OP2I(I64GeU, uint64_t, i64, set_i32, a >= b)
#undef OP2I

  // Sign operations work on the bits so NaN payloads pass through untouched.
  OP1(F32Abs, uint32_t, i32, set_i32, num::f32_abs(a))
  OP1(F32Neg, uint32_t, i32, set_i32, num::f32_neg(a))
  OP1(F32Ceil, float, f32, set_f32, num::fceil(a))
  OP1(F32Floor, float, f32, set_f32, num::ffloor(a))
  OP1(F32Trunc, float, f32, set_f32, num::ftrunc(a))
  OP1(F32Nearest, float, f32, set_f32, num::fnearest(a))
  OP1(F32Sqrt, float, f32, set_f32, std::sqrt(a))
  OP2(F32Add, float, f32, set_f32, a + b)
  OP2(F32Sub, float, f32, set_f32, a - b)
  OP2(F32Mul, float, f32, set_f32, a * b)
  OP2(F32Div, float, f32, set_f32, a / b)
  OP2(F32Min, float, f32, set_f32, num::fmin(a, b))
  OP2(F32Max, float, f32, set_f32, num::fmax(a, b))
  OP2(F32Copysign, uint32_t, i32, set_i32, num::f32_copysign(a, b))
  OP1(F64Abs, uint64_t, i64, set_i64, num::f64_abs(a))
  OP1(F64Neg, uint64_t, i64, set_i64, num::f64_neg(a))
  OP1(F64Ceil, double, f64, set_f64, num::fceil(a))
  OP1(F64Floor, double, f64, set_f64, num::ffloor(a))
  OP1(F64Trunc, double, f64, set_f64, num::ftrunc(a))
  OP1(F64Nearest, double, f64, set_f64, num::fnearest(a))
  OP1(F64Sqrt, double, f64, set_f64, std::sqrt(a))
  OP2(F64Add, double, f64, set_f64, a + b)
  OP2(F64Sub, double, f64, set_f64, a - b)
  OP2(F64Mul, double, f64, set_f64, a * b)
  OP2(F64Div, double, f64, set_f64, a / b)
  OP2(F64Min, double, f64, set_f64, num::fmin(a, b))
  OP2(F64Max, double, f64, set_f64, num::fmax(a, b))
  OP2(F64Copysign, uint64_t, i64, set_i64, num::f64_copysign(a, b))

  OP1(I32WrapI64, uint64_t, i64, set_i32, static_cast<uint32_t>(a))
  OP1_TRAP(I32TruncF32S, float, f32, int32_t, set_i32)
  OP1_TRAP(I32TruncF32U, float, f32, uint32_t, set_i32)
  OP1_TRAP(I32TruncF64S, double, f64, int32_t, set_i32)
  OP1_TRAP(I32TruncF64U, double, f64, uint32_t, set_i32)
  OP1(I64ExtendI32S, int32_t, i32, set_i64, static_cast<uint64_t>(static_cast<int64_t>(a)))
  OP1(I64ExtendI32U, uint32_t, i32, set_i64, a)
  OP1_TRAP(I64TruncF32S, float, f32, int64_t, set_i64)
  OP1_TRAP(I64TruncF32U, float, f32, uint64_t, set_i64)
  OP1_TRAP(I64TruncF64S, double, f64, int64_t, set_i64)
  OP1_TRAP(I64TruncF64U, double, f64, uint64_t, set_i64)
  OP1(F32ConvertI32S, int32_t, i32, set_f32, static_cast<float>(a))
  OP1(F32ConvertI32U, uint32_t, i32, set_f32, static_cast<float>(a))
  OP1(F32ConvertI64S, int64_t, i64, set_f32, static_cast<float>(a))
  OP1(F32ConvertI64U, uint64_t, i64, set_f32, static_cast<float>(a))
  OP1(F32DemoteF64, double, f64, set_f32, static_cast<float>(a))
  OP1(F64ConvertI32S, int32_t, i32, set_f64, static_cast<double>(a))
  OP1(F64ConvertI32U, uint32_t, i32, set_f64, static_cast<double>(a))
  OP1(F64ConvertI64S, int64_t, i64, set_f64, static_cast<double>(a))
  OP1(F64ConvertI64U, uint64_t, i64, set_f64, static_cast<double>(a))
  OP1(F64PromoteF32, float, f32, set_f64, static_cast<double>(a))
  OP1(I32ReinterpretF32, uint32_t, i32, set_i32, a)
  OP1(I64ReinterpretF64, uint64_t, i64, set_i64, a)
  OP1(F32ReinterpretI32, uint32_t, i32, set_i32, a)
  OP1(F64ReinterpretI64, uint64_t, i64, set_i64, a)

  OP1(I32Extend8S, uint32_t, i32, set_i32, static_cast<uint32_t>(static_cast<int32_t>(static_cast<int8_t>(a))))
  OP1(I32Extend16S, uint32_t, i32, set_i32, static_cast<uint32_t>(static_cast<int32_t>(static_cast<int16_t>(a))))
  OP1(I64Extend8S, uint64_t, i64, set_i64, static_cast<uint64_t>(static_cast<int64_t>(static_cast<int8_t>(a))))
  OP1(I64Extend16S, uint64_t, i64, set_i64, static_cast<uint64_t>(static_cast<int64_t>(static_cast<int16_t>(a))))
  OP1(I64Extend32S, uint64_t, i64, set_i64, static_cast<uint64_t>(static_cast<int64_t>(static_cast<int32_t>(a))))

  OP1(I32TruncSatF32S, float, f32, set_i32, static_cast<uint32_t>(num::trunc_sat<int32_t>(a)))
  OP1(I32TruncSatF32U, float, f32, set_i32, num::trunc_sat<uint32_t>(a))
  OP1(I32TruncSatF64S, double, f64, set_i32, static_cast<uint32_t>(num::trunc_sat<int32_t>(a)))
  OP1(I32TruncSatF64U, double, f64, set_i32, num::trunc_sat<uint32_t>(a))
  OP1(I64TruncSatF32S, float, f32, set_i64, static_cast<uint64_t>(num::trunc_sat<int64_t>(a)))
  OP1(I64TruncSatF32U, float, f32, set_i64, num::trunc_sat<uint64_t>(a))
  OP1(I64TruncSatF64S, double, f64, set_i64, static_cast<uint64_t>(num::trunc_sat<int64_t>(a)))
  OP1(I64TruncSatF64U, double, f64, set_i64, num::trunc_sat<uint64_t>(a))
#undef OP1
#undef OP2
#undef OP1_TRAP
#undef OP2_TRAP

  // --- superinstructions (code.h) ---
  // Two binops in order: [h][d1][a1][b1][d2][a2][b2]
#define PAIR(A, B)                             \
  L_Pair_##A##_##B:                            \
  binop<Op::A>(SLOT(1), SLOT(2), SLOT(3));     \
  binop<Op::B>(SLOT(4), SLOT(5), SLOT(6));     \
  pc += 8;                                     \
  NEXT();
  MIDIMON_BINOP_PAIRS(PAIR)
#undef PAIR
  // The same with the first op's b in the instruction: [h][d1][a1][imm][d2][a2][b2]
  // (sign-extended: the i64 add's immediate is, and the i32 ops read the low half).
#define PAIRI(A, B)                                      \
  L_PairI_##A##_##B : {                                  \
    Value imm_;                                          \
    imm_.bits = IMM_i64(3);                              \
    binop<Op::A>(SLOT(1), SLOT(2), imm_);                \
    binop<Op::B>(SLOT(4), SLOT(5), SLOT(6));             \
    pc += 8;                                             \
    NEXT();                                              \
  }
  MIDIMON_IMM_BINOP_PAIRS(PAIRI)
#undef PAIRI
  // b is loaded from memory: [h][dst][a][addr][offset]
#define LD_OP2(Name, T, field, setter, expr)                                   \
  L_##Name##_Ld : {                                                            \
    const uint64_t ea = static_cast<uint64_t>(SLOT(3).i32) + pc[5];            \
    MEM_CHECK(ea + sizeof(T));                                                 \
    const T a = static_cast<T>(SLOT(2).field);                                 \
    T b;                                                                       \
    std::memcpy(&b, mb + ea, sizeof(T));                                       \
    setter(SLOT(1), expr);                                                     \
    pc += 6;                                                                   \
    NEXT();                                                                    \
  }
  LD_OP2(I32Add, uint32_t, i32, set_i32, a + b)
  LD_OP2(I32Sub, uint32_t, i32, set_i32, a - b)
  LD_OP2(I32Mul, uint32_t, i32, set_i32, a * b)
  LD_OP2(I32And, uint32_t, i32, set_i32, a & b)
  LD_OP2(I32Or, uint32_t, i32, set_i32, a | b)
  LD_OP2(I32Xor, uint32_t, i32, set_i32, a ^ b)
  LD_OP2(F32Add, float, f32, set_f32, a + b)
  LD_OP2(F32Sub, float, f32, set_f32, a - b)
  LD_OP2(F32Mul, float, f32, set_f32, a * b)
  LD_OP2(F64Add, double, f64, set_f64, a + b)
  LD_OP2(F64Sub, double, f64, set_f64, a - b)
  LD_OP2(F64Mul, double, f64, set_f64, a * b)
  LD_OP2(F64Div, double, f64, set_f64, a / b)
#undef LD_OP2
  // The binop's result is stored: [h][addr][a][b][offset]
#define OP2_ST(Store, Name, T, field, expr)                                    \
  L_##Store##_##Name : {                                                       \
    const uint64_t ea = static_cast<uint64_t>(SLOT(1).i32) + pc[5];            \
    MEM_CHECK(ea + sizeof(T));                                                 \
    const T a = static_cast<T>(SLOT(2).field);                                 \
    const T b = static_cast<T>(SLOT(3).field);                                 \
    const T v = expr;                                                          \
    std::memcpy(mb + ea, &v, sizeof(T));                                       \
    pc += 6;                                                                   \
    NEXT();                                                                    \
  }
  OP2_ST(I32Store, I32Add, uint32_t, i32, a + b)
  OP2_ST(I32Store, I32Sub, uint32_t, i32, a - b)
  OP2_ST(I32Store, I32And, uint32_t, i32, a & b)
  OP2_ST(I32Store, I32Or, uint32_t, i32, a | b)
  OP2_ST(I32Store, I32Xor, uint32_t, i32, a ^ b)
  OP2_ST(F32Store, F32Add, float, f32, a + b)
  OP2_ST(F32Store, F32Sub, float, f32, a - b)
  OP2_ST(F32Store, F32Mul, float, f32, a * b)
  OP2_ST(F64Store, F64Add, double, f64, a + b)
  OP2_ST(F64Store, F64Sub, double, f64, a - b)
  OP2_ST(F64Store, F64Mul, double, f64, a * b)
#undef OP2_ST
  // The stored value is a binop whose b is loaded: [h][addr][a][laddr][loffset][soffset]
#define ST_LD_OP2(Store, Name, T, field, expr)                                 \
  L_##Store##_##Name##_Ld : {                                                  \
    const uint64_t la = static_cast<uint64_t>(SLOT(3).i32) + pc[5];            \
    MEM_CHECK(la + sizeof(T));                                                 \
    const T a = static_cast<T>(SLOT(2).field);                                 \
    T b;                                                                       \
    std::memcpy(&b, mb + la, sizeof(T));                                       \
    const T v = expr;                                                          \
    const uint64_t sa = static_cast<uint64_t>(SLOT(1).i32) + pc[6];            \
    MEM_CHECK(sa + sizeof(T));                                                 \
    std::memcpy(mb + sa, &v, sizeof(T));                                       \
    pc += 7;                                                                   \
    NEXT();                                                                    \
  }
  ST_LD_OP2(I32Store, I32Add, uint32_t, i32, a + b)
  ST_LD_OP2(I32Store, I32Sub, uint32_t, i32, a - b)
  ST_LD_OP2(I32Store, I32Xor, uint32_t, i32, a ^ b)
  ST_LD_OP2(I32Store, I32And, uint32_t, i32, a & b)
  ST_LD_OP2(I32Store, I32Or, uint32_t, i32, a | b)
  ST_LD_OP2(F32Store, F32Add, float, f32, a + b)
  ST_LD_OP2(F32Store, F32Sub, float, f32, a - b)
  ST_LD_OP2(F32Store, F32Mul, float, f32, a * b)
  ST_LD_OP2(F64Store, F64Add, double, f64, a + b)
  ST_LD_OP2(F64Store, F64Sub, double, f64, a - b)
  ST_LD_OP2(F64Store, F64Mul, double, f64, a * b)
#undef ST_LD_OP2
  // A store, then an i32.add: [h][addr][value][offset][d][a][b]
#define STORE_ADD(Name, T)                                                 \
  L_##Name##_ThenAdd : {                                                   \
    const uint64_t ea = static_cast<uint64_t>(SLOT(1).i32) + pc[4];        \
    MEM_CHECK(ea + sizeof(T));                                             \
    const T v = static_cast<T>(SLOT(2).bits);                              \
    std::memcpy(mb + ea, &v, sizeof(T));                                   \
    binop<Op::I32Add>(SLOT(4), SLOT(5), SLOT(6));                          \
    pc += 8;                                                               \
    NEXT();                                                                \
  }
  MIDIMON_STORE_ADDS(STORE_ADD)
#undef STORE_ADD
  // Store of a constant (MIDIMON_IMM_STORES): [h][addr][imm][offset].
#define STORE_I(Name, T)                                                   \
  L_##Name##_I : {                                                         \
    const uint64_t ea = static_cast<uint64_t>(SLOT(1).i32) + pc[4];        \
    MEM_CHECK(ea + sizeof(T));                                             \
    const T v = static_cast<T>(IMM_i64(2));                                \
    std::memcpy(mb + ea, &v, sizeof(T));                                   \
    pc += 5;                                                               \
    NEXT();                                                                \
  }
  MIDIMON_IMM_STORES(STORE_I)
#undef STORE_I

  // The polls' rare path, one for all, which sets no trap_kind: with TRAP (or a jump to
  // a label that set trap_kind and fell into do_trap) g++ moved the kind's `mov` before
  // the branch, into every poll's common path.
deadline_exceeded:
  result = Trap(TrapKind::DeadlineExceeded);
  goto finish;
call_check_failed:  // the call ops (CALL_HEAD), do_call: nfp, cf and depth as they checked them
  trap_kind = call_limit_trap(depth >= max_depth || nfp + cf->frame_size > stack_end);
  goto do_trap;
mem_check_failed:  // MEM_CHECK: past the real size, or within it with the limit lowered
  trap_kind = mem_end > *msize_p ? TrapKind::OutOfBoundsMemoryAccess : TrapKind::DeadlineExceeded;
do_trap:
  result = Trap(trap_kind);
finish:
  FUEL_JOIN();
  exec.sp = saved_sp;
  exec.depth = saved_depth;
  --exec.reentry;
  return result;
#undef NEXT
#undef SLOT
#undef TRAP
#undef LOAD_INSTANCE
#undef SYNC_MEM_LIMIT
#undef MEM_CHECK
#undef MEM_CHECK_IN
#undef CALL_LIMIT_HIT
#undef FUEL_SPLIT
#undef FUEL_JOIN
}

struct Tables {
  std::array<uint64_t, kIOpCount> addresses{};
  uint32_t exit_code[kOpUnits] = {};
};

template <bool kDeadlineChecks>
const Tables& tables() {
  static const Tables t = [] {
    Tables x;
    (void)run<kDeadlineChecks>(nullptr, nullptr, nullptr, nullptr, x.addresses.data(), nullptr);
    std::memcpy(x.exit_code, &x.addresses[static_cast<uint32_t>(IOp::Exit)], sizeof(uint64_t));
    return x;
  }();
  return t;
}

}  // namespace

// The deadline instantiation's entry points, defined in interpreter_deadline.cpp's unit.
namespace interp_deadline {
const uint64_t* handler_addresses();
Trap interpret(Store& store, FuncInst* func, const Value* args, Value* results);
}  // namespace interp_deadline

#ifdef MIDIMON_INTERP_DEADLINE_TU

const uint64_t* interp_deadline::handler_addresses() { return tables<true>().addresses.data(); }

Trap interp_deadline::interpret(Store& store, FuncInst* func, const Value* args, Value* results) {
  return run<true>(&store, func, args, results, nullptr, tables<true>().exit_code);
}

#else

const uint64_t* interp_handler_addresses(bool deadline_checks) {
  return deadline_checks ? interp_deadline::handler_addresses() : tables<false>().addresses.data();
}

Trap interpret(Store& store, FuncInst* func, const Value* args, Value* results) {
  if (store.engine().config().deadline_checks) return interp_deadline::interpret(store, func, args, results);
  return run<false>(&store, func, args, results, nullptr, tables<false>().exit_code);
}

#endif

}  // namespace midimon::wasm
