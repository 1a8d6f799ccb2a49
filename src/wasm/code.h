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
