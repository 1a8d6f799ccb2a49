// What translated code (jit_x64.cpp) and its runtime (jit_runtime.cpp) share: the run's
// context, which the code addresses by field offset, and the C++ helpers it calls for
// whatever is not worth inlining (host calls, interpreted callees, call_indirect's
// checks, memory.grow and the bulk operations, the float ops with wasm's own rules).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "jit.h"
#include "opcodes.h"
#include "trap.h"
#include "value.h"

namespace midimon::wasm::jit_detail {

// TrapKind values fit in a byte; this one says "the full Trap is in JitCtx::trap".
inline constexpr uint8_t kTrapInDetail = 0xFF;

// One run of translated code (jit_invoke): every translated frame gets a pointer to it.
struct JitCtx {
  Value* stack_end = nullptr;     // a frame must end at or below this
  uintptr_t native_limit = 0;     // rsp below this: "call stack exhausted"
  // The fuel left (engines with fuel metering): ExecState::fuel while translated code
  // runs. A function keeps it in rbp and writes it back here around every call and on
  // return or trap.
  int64_t fuel = 0;
  uint32_t depth = 0;             // wasm call depth, as ExecState::depth
  uint32_t max_depth = 0;
  uint8_t trap_kind = 0;          // set with status 1: a TrapKind or kTrapInDetail
  bool deadline_checks = false;   // the engine's: poll `interrupt` after host calls too
  // ExecState::interrupt of the store: non-zero once a deadline has passed. Code
  // translated with deadline checks polls it at every function entry and loop header.
  const std::atomic<uint32_t>* interrupt = nullptr;
  // ExecState::call_limit of the store: the value stack's end until a deadline passes,
  // then 0. With deadline checks a function's entry compares its frame with this instead
  // of stack_end, which makes the frame check the entry's deadline poll as well.
  const std::atomic<uintptr_t>* call_limit = nullptr;
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

// Each returns 0, or 1 with the trap recorded in ctx.
uint32_t jit_call_slow(JitCtx* ctx, FuncInst* callee, Value* nfp, Instance* caller);
uint32_t jit_slow_op(JitCtx* ctx, Instance* inst, Value* fp, const SlowOp* op);
// The callee of a call_indirect, or null with the trap recorded.
FuncInst* jit_resolve_indirect(JitCtx* ctx, Instance* inst, uint32_t table, uint32_t type_index,
                               uint32_t index);

}  // namespace midimon::wasm::jit_detail
