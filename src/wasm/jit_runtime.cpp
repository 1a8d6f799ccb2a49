// The runtime side of translated code (jit.h, jit_abi.h): the entry from the host, the
// calls it cannot make natively, and the instructions it leaves to C++ (each with the
// interpreter's semantics, from numeric.h and the runtime objects).
#include <pthread.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cstring>

#include "bulk_ops.h"
#include "code.h"
#include "instance.h"
#include "interpreter.h"
#include "jit_abi.h"
#include "module.h"
#include "numeric.h"
#include "runtime.h"
#include "store.h"

namespace midimon::wasm {
namespace jit_detail {
namespace {

// What a translated frame may leave of the native stack for the helpers and host
// functions it calls.
constexpr uintptr_t kNativeReserve = 256 * 1024;

}  // namespace
}  // namespace jit_detail
}  // namespace midimon::wasm

// glibc: the main thread's stack top (its highest address in use at start).
extern "C" void* __libc_stack_end;

namespace midimon::wasm {
namespace jit_detail {
namespace {

// The lowest address translated code may push to on this thread: the stack's low end
// plus the reserve. Found once per thread. The main thread's stack is its top minus
// RLIMIT_STACK, the size the kernel lets it grow to (pthread_getattr_np would read
// /proc/self/maps for it: 40,000 instructions and a few syscalls, a fifth of a
// `midimon wasm run`'s own work); other threads' come from their attributes.
uintptr_t native_limit() {
  thread_local uintptr_t limit = [] {
    if (static_cast<pid_t>(syscall(SYS_gettid)) == getpid()) {
      rlimit rl{};
      const size_t kDefault = 8u << 20;
      size_t size = getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY
                        ? static_cast<size_t>(rl.rlim_cur)
                        : kDefault;
      size = std::min<size_t>(size, 1u << 30);
      const uintptr_t top = reinterpret_cast<uintptr_t>(__libc_stack_end);
      if (top > size) return top - size + std::min<uintptr_t>(kNativeReserve, size / 2);
    }
    pthread_attr_t attr;
    void* low = nullptr;
    size_t size = 0;
    if (pthread_getattr_np(pthread_self(), &attr) == 0) {
      pthread_attr_getstack(&attr, &low, &size);
      pthread_attr_destroy(&attr);
    }
    if (low == nullptr) {
      // Unknown: allow 256 KiB below this point (far less than any thread stack).
      return reinterpret_cast<uintptr_t>(__builtin_frame_address(0)) - kNativeReserve;
    }
    // A small stack (a thread created with less than twice the reserve) keeps half.
    return reinterpret_cast<uintptr_t>(low) + std::min<uintptr_t>(kNativeReserve, size / 2);
  }();
  return limit;
}

uint32_t fail(JitCtx* ctx, TrapKind k) {
  ctx->trap_kind = static_cast<uint8_t>(k);
  return 1;
}
uint32_t fail_if(JitCtx* ctx, TrapKind k) { return k == TrapKind::None ? 0 : fail(ctx, k); }
uint32_t fail(JitCtx* ctx, Trap t) {
  *ctx->trap = std::move(t);
  ctx->trap_kind = kTrapInDetail;
  return 1;
}

template <class I, class F>
uint32_t trunc_op(JitCtx* ctx, Value& dst, F x) {
  I r;
  const TrapKind k = num::trunc<I, F>(x, &r);
  if (k != TrapKind::None) return fail(ctx, k);
  if constexpr (sizeof(I) == 4) {
    dst.bits = static_cast<uint32_t>(r);
  } else {
    dst.bits = static_cast<uint64_t>(r);
  }
  return 0;
}

void set_f32(Value& v, float f) { v.bits = std::bit_cast<uint32_t>(f); }
void set_f64(Value& v, double f) { v.bits = std::bit_cast<uint64_t>(f); }

// Under deadline checks some bounds checks of translated code compare with
// ExecState::mem_limit (jit_x64.cpp, bounds_check_rcx), which must be the running
// instance's memory size (or 0 after a deadline): put back for `inst` after anything
// that may have changed it.
void restore_mem_limit(JitCtx* ctx, Store::ExecState& exec, const Instance* inst) {
  if (!ctx->deadline_checks) return;
  const MemoryInst* m = inst->jit_view.memory0;
  exec.set_mem_limit(m ? m->size : 0);
}

uint32_t call_slow(JitCtx* ctx, FuncInst* callee, Value* nfp, Instance* caller);

}  // namespace

// The depth and the fuel are ExecState's, kept current by the translated code (the fuel
// written back before every call into C++), so a host function or a nested interpreter
// sees them.
uint32_t jit_call_slow(JitCtx* ctx, FuncInst* callee, Value* nfp, Instance* caller) {
  const uint32_t status = call_slow(ctx, callee, nfp, caller);
  Store::ExecState& exec = ctx->store->exec();
  restore_mem_limit(ctx, exec, caller);
  // Every call is a deadline poll for the code that makes it (jit_flow.h, loops_lacking):
  // a translated callee polls at its entry; a host function may have blocked past the
  // deadline, and an interpreted callee need not poll before its first loop or call.
  if (status == 0 && ctx->deadline_checks && exec.interrupt.load(std::memory_order_relaxed) != 0) {
    return fail(ctx, TrapKind::DeadlineExceeded);
  }
  return status;
}

namespace {

uint32_t call_slow(JitCtx* ctx, FuncInst* callee, Value* nfp, Instance* caller) {
  Store& store = *ctx->store;
  Store::ExecState& exec = store.exec();
  // Translated code checks the fuel only at loop headers and entries (jit_x64.cpp,
  // charge): a run that could not pay does not reach a host function or the
  // interpreter.
  if (ctx->fuel_metering && exec.fuel < 0) return fail(ctx, TrapKind::FuelExhausted);
  Value* const saved_sp = exec.sp;
  const uint32_t saved_depth = exec.depth;
  if (callee->is_host()) {
    const size_t np = callee->param_slots, nr = callee->result_slots;
    Value* res = nfp + np;  // scratch: results must not overwrite unread arguments
    if (res + nr > exec.stack_end) return fail(ctx, TrapKind::CallStackExhausted);
    exec.sp = res + nr;
    Caller c{store, caller};
    Trap t = callee->host(c, nfp, res);
    exec.sp = saved_sp;
    exec.depth = saved_depth;
    if (!t.ok()) return fail(ctx, std::move(t));
    for (size_t i = 0; i < nr; ++i) nfp[i] = res[i];
    return 0;
  }
  if (callee->code == nullptr) {
    Trap t = compile_on_first_call(*callee);
    if (!t.ok()) return fail(ctx, std::move(t));
  }
  // Translated: of another instance, or compiled just now (calls within an instance are
  // otherwise native).
  if (JitEntry fn = callee->code->jit) return enter(ctx, fn, nfp, callee->instance);
  // Interpreted: a nested interpreter activation on the frames above this one.
  exec.sp = nfp;
  Trap t = interpret(store, callee, nfp, nfp);
  exec.sp = saved_sp;
  exec.depth = saved_depth;
  if (!t.ok()) return fail(ctx, std::move(t));
  return 0;
}

}  // namespace

FuncInst* jit_resolve_indirect(JitCtx* ctx, Instance* inst, uint32_t table, uint32_t type_index,
                               uint32_t index) {
  TableInst* tab = inst->tables[table];
  if (index >= tab->elems.size()) {
    fail(ctx, TrapKind::UndefinedElement);
    return nullptr;
  }
  const Ref r = tab->elems[index];
  if (r == kNullRef) {
    fail(ctx, TrapKind::UninitializedElement);
    return nullptr;
  }
  FuncInst* f = ref_func(r);
  if (f->type_id != inst->type_ids[type_index]) {
    fail(ctx, TrapKind::IndirectCallTypeMismatch);
    return nullptr;
  }
  return f;
}

uint32_t jit_slow_op(JitCtx* ctx, Instance* inst, Value* fp, const SlowOp* op) {
  Value& dst = fp[op->dst];
  const Value a = fp[op->a];
  switch (op->op) {
    case Op::I32Popcnt: dst.bits = static_cast<uint32_t>(std::popcount(a.i32)); return 0;
    case Op::I64Popcnt: dst.bits = static_cast<uint64_t>(std::popcount(a.i64)); return 0;
    case Op::F32Ceil: set_f32(dst, num::fceil(a.f32)); return 0;
    case Op::F32Floor: set_f32(dst, num::ffloor(a.f32)); return 0;
    case Op::F32Trunc: set_f32(dst, num::ftrunc(a.f32)); return 0;
    case Op::F32Nearest: set_f32(dst, num::fnearest(a.f32)); return 0;
    case Op::F64Ceil: set_f64(dst, num::fceil(a.f64)); return 0;
    case Op::F64Floor: set_f64(dst, num::ffloor(a.f64)); return 0;
    case Op::F64Trunc: set_f64(dst, num::ftrunc(a.f64)); return 0;
    case Op::F64Nearest: set_f64(dst, num::fnearest(a.f64)); return 0;
    case Op::F32Min: set_f32(dst, num::fmin(a.f32, fp[op->b].f32)); return 0;
    case Op::F32Max: set_f32(dst, num::fmax(a.f32, fp[op->b].f32)); return 0;
    case Op::F64Min: set_f64(dst, num::fmin(a.f64, fp[op->b].f64)); return 0;
    case Op::F64Max: set_f64(dst, num::fmax(a.f64, fp[op->b].f64)); return 0;
    case Op::I32TruncF32S: return trunc_op<int32_t>(ctx, dst, a.f32);
    case Op::I32TruncF32U: return trunc_op<uint32_t>(ctx, dst, a.f32);
    case Op::I32TruncF64S: return trunc_op<int32_t>(ctx, dst, a.f64);
    case Op::I32TruncF64U: return trunc_op<uint32_t>(ctx, dst, a.f64);
    case Op::I64TruncF32S: return trunc_op<int64_t>(ctx, dst, a.f32);
    case Op::I64TruncF32U: return trunc_op<uint64_t>(ctx, dst, a.f32);
    case Op::I64TruncF64S: return trunc_op<int64_t>(ctx, dst, a.f64);
    case Op::I64TruncF64U: return trunc_op<uint64_t>(ctx, dst, a.f64);
    case Op::I32TruncSatF32S: dst.bits = static_cast<uint32_t>(num::trunc_sat<int32_t>(a.f32)); return 0;
    case Op::I32TruncSatF32U: dst.bits = num::trunc_sat<uint32_t>(a.f32); return 0;
    case Op::I32TruncSatF64S: dst.bits = static_cast<uint32_t>(num::trunc_sat<int32_t>(a.f64)); return 0;
    case Op::I32TruncSatF64U: dst.bits = num::trunc_sat<uint32_t>(a.f64); return 0;
    case Op::I64TruncSatF32S: dst.bits = static_cast<uint64_t>(num::trunc_sat<int64_t>(a.f32)); return 0;
    case Op::I64TruncSatF32U: dst.bits = num::trunc_sat<uint64_t>(a.f32); return 0;
    case Op::I64TruncSatF64S: dst.bits = static_cast<uint64_t>(num::trunc_sat<int64_t>(a.f64)); return 0;
    case Op::I64TruncSatF64U: dst.bits = num::trunc_sat<uint64_t>(a.f64); return 0;
    case Op::F32ConvertI64U: set_f32(dst, static_cast<float>(a.i64)); return 0;
    case Op::F64ConvertI64U: set_f64(dst, static_cast<double>(a.i64)); return 0;
    case Op::MemoryGrow: {
      MemoryInst* mem = inst->memories[0];
      dst.bits = static_cast<uint32_t>(mem->grow(a.i32));
      restore_mem_limit(ctx, ctx->store->exec(), inst);
      return 0;
    }
    case Op::MemoryInit: {
      MemoryInst* mem = inst->memories[0];
      return fail_if(ctx, bulk::memory_init(mem->base, mem->size, inst->datas[op->imm], a.i32,
                                            fp[op->b].i32, fp[op->c].i32));
    }
    case Op::DataDrop: inst->datas[op->imm].bytes = {}; return 0;
    case Op::MemoryCopy: {
      MemoryInst* mem = inst->memories[0];
      return fail_if(ctx, bulk::memory_copy(mem->base, mem->size, a.i32, fp[op->b].i32, fp[op->c].i32));
    }
    case Op::MemoryFill: {
      MemoryInst* mem = inst->memories[0];
      return fail_if(ctx, bulk::memory_fill(mem->base, mem->size, a.i32, fp[op->b].i32, fp[op->c].i32));
    }
    case Op::TableGet: {
      TableInst* tab = inst->tables[op->imm];
      if (a.i32 >= tab->elems.size()) return fail(ctx, TrapKind::OutOfBoundsTableAccess);
      dst.ref = tab->elems[a.i32];
      return 0;
    }
    case Op::TableSet: {
      TableInst* tab = inst->tables[op->imm];
      if (a.i32 >= tab->elems.size()) return fail(ctx, TrapKind::OutOfBoundsTableAccess);
      tab->elems[a.i32] = fp[op->b].ref;
      return 0;
    }
    case Op::TableSize: dst.bits = static_cast<uint32_t>(inst->tables[op->imm]->elems.size()); return 0;
    case Op::TableGrow: {
      TableInst* tab = inst->tables[op->imm];
      dst.bits = static_cast<uint32_t>(tab->grow(fp[op->b].i32, a.ref));
      return 0;
    }
    case Op::TableFill:
      return fail_if(ctx, bulk::table_fill(*inst->tables[op->imm], a.i32, fp[op->b].ref, fp[op->c].i32));
    case Op::TableCopy:
      return fail_if(ctx, bulk::table_copy(*inst->tables[op->imm], *inst->tables[op->imm2], a.i32,
                                           fp[op->b].i32, fp[op->c].i32));
    case Op::TableInit:
      return fail_if(ctx, bulk::table_init(*inst->tables[op->imm2], inst->elems[op->imm], a.i32,
                                           fp[op->b].i32, fp[op->c].i32));
    case Op::ElemDrop: inst->elems[op->imm].refs.clear(); return 0;
    default:
      return fail(ctx, Trap::host("internal error: no machine-code helper for " +
                                  std::string(op_name(op->op))));
  }
}

}  // namespace jit_detail

Trap jit_run_on_frame(Store& store, JitEntry fn, Value* fp, Instance* inst) {
  using jit_detail::JitCtx;
  Store::ExecState& exec = store.exec();
  Trap detail;
  // A host function called from translated code may call back into wasm: this
  // activation's context is put back for it afterwards.
  const JitCtx outer = exec.jit;
  JitCtx& ctx = exec.jit;
  ctx.native_limit = jit_detail::native_limit();
  ctx.max_depth = store.limits().max_call_depth;
  ctx.store = &store;
  ctx.trap = &detail;
  ctx.trap_kind = 0;
  ctx.deadline_checks = store.engine().config().deadline_checks;
  ctx.fuel_metering = store.engine().config().fuel_metering;
  uint32_t status = jit_detail::enter(&ctx, fn, fp, inst);
  // A charge after the last check may not have fit (jit_x64.cpp, charge).
  if (status == 0 && ctx.fuel_metering && exec.fuel < 0) {
    status = 1;
    ctx.trap_kind = static_cast<uint8_t>(TrapKind::FuelExhausted);
  }
  const uint8_t trap_kind = ctx.trap_kind;
  exec.jit = outer;
  if (status == 0) return Trap();
  if (trap_kind == jit_detail::kTrapInDetail) return detail;
  return Trap(static_cast<TrapKind>(trap_kind));
}

Trap jit_invoke(Store& store, FuncInst* func, const Value* args, Value* results) {
  Store::ExecState& exec = store.exec();
  exec.ensure_stack(store.limits().max_value_stack_slots);
  if (!exec.sp) exec.sp = exec.stack.get();
  Value* const fp = exec.sp;
  const uint32_t saved_depth = exec.depth;
  if (fp + std::max(func->param_slots, func->result_slots) > exec.stack_end) {
    return Trap(TrapKind::CallStackExhausted);
  }
  for (uint32_t i = 0; i < func->param_slots; ++i) fp[i] = args[i];
  Trap t = jit_run_on_frame(store, func->code->jit, fp, func->instance);
  exec.sp = fp;
  exec.depth = saved_depth;
  if (!t.ok()) return t;
  for (uint32_t i = 0; i < func->result_slots; ++i) results[i] = fp[i];
  return Trap();
}

}  // namespace midimon::wasm
