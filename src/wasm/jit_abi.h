// What translated code (jit_x64.cpp) and its runtime (jit_runtime.cpp) share: the run's
// context, which the code addresses by field offset, and the C++ helpers it calls for
// whatever is not worth inlining (host calls, interpreted callees, call_indirect's
// checks, memory.grow and the bulk operations, the float ops with wasm's own rules).
#pragma once

#include <cstddef>
#include <cstdint>

#include "opcodes.h"
#include "trap.h"
#include "value.h"

namespace midimon::wasm {
class Instance;
class Store;
struct FuncInst;
}  // namespace midimon::wasm

namespace midimon::wasm::jit_detail {

// TrapKind values fit in a byte; this one says "the full Trap is in JitCtx::trap".
inline constexpr uint8_t kTrapInDetail = 0xFF;

// What translated code needs beyond the store's ExecState, kept inside it
// (ExecState::jit), so that r15 = &exec.jit reaches both: this struct's fields at
// positive offsets, ExecState's (depth, fuel, stack_end, interrupt, call_limit) at
// fixed offsets from it, read and written in place. Set by each jit_invoke (and put back
// when it returns, for the activation it is nested in).
struct JitCtx {
  uintptr_t native_limit = 0;     // rsp below this: "call stack exhausted"
  uint32_t max_depth = 0;         // StoreLimits::max_call_depth
  uint8_t trap_kind = 0;          // set with status 1: a TrapKind or kTrapInDetail
  bool deadline_checks = false;   // the engine's: poll the flag after host calls too
  bool fuel_metering = false;     // the engine's: check the fuel before C++ runs a callee
  Store* store = nullptr;
  Trap* trap = nullptr;           // the detail of a kTrapInDetail trap
};

// An instruction run by jit_slow_op: its op, its operand and result slots (fp-relative)
// and immediates.
struct SlowOp {
  Op op = Op::Nop;
  uint32_t dst = 0;
  uint32_t a = 0, b = 0, c = 0;
  uint32_t imm = 0, imm2 = 0;
};

// Runs translated code `fn` from C++: the one place where the host's calling convention
// meets the compiler's (jit_x64.cpp). Saves the C callee-saved registers, loads the
// registers translated code keeps (the context, the instance, memory 0, the fuel from
// ExecState) and writes the fuel back. Returns 0, or 1 with the trap recorded in ctx.
uint32_t enter(JitCtx* ctx, const void* fn, Value* fp, Instance* inst);

// Each returns 0, or 1 with the trap recorded in ctx.
uint32_t jit_call_slow(JitCtx* ctx, FuncInst* callee, Value* nfp, Instance* caller);
uint32_t jit_slow_op(JitCtx* ctx, Instance* inst, Value* fp, const SlowOp* op);
// The callee of a call_indirect, or null with the trap recorded.
FuncInst* jit_resolve_indirect(JitCtx* ctx, Instance* inst, uint32_t table, uint32_t type_index,
                               uint32_t index);

}  // namespace midimon::wasm::jit_detail
