// Opcode enum and per-opcode facts, generated from opcodes.def.
#pragma once

#include <cstdint>
#include <string_view>

namespace midimon::wasm {

enum class Op : uint16_t {
#define WASM_OP(Name, text, prefix, code, imm, sig) Name,
#include "opcodes.def"
#undef WASM_OP
  Count_
};

inline constexpr uint32_t kOpCount = static_cast<uint32_t>(Op::Count_);

// What follows an opcode in the binary.
enum class ImmKind : uint8_t {
  None,
  BlockType,     // s33 block type
  Label,         // labelidx
  BrTable,       // vec(labelidx) labelidx
  Func,          // funcidx
  CallIndirect,  // typeidx tableidx
  SelectT,       // vec(valtype)
  Local,         // localidx
  Global,        // globalidx
  Table,         // tableidx
  MemArg,        // align offset
  MemIdx,        // a memory index byte that must be 0x00 in WebAssembly 2.0
  I32,           // sleb32
  I64,           // sleb64
  F32,           // 4 raw bytes
  F64,           // 8 raw bytes
  RefType,       // reftype byte
  MemInit,       // dataidx, 0x00
  Data,          // dataidx
  MemCopy,       // 0x00 0x00
  TableInit,     // elemidx tableidx
  Elem,          // elemidx
  TableCopy,     // tableidx tableidx (destination first)
  V128,          // 16 raw bytes (v128.const)
  Shuffle,       // 16 lane index bytes (i8x16.shuffle)
  Lane,          // one lane index byte
  MemArgLane,    // align offset, then a lane index byte
};

// Operand signature of "simple" opcodes, read as PARAMS_RESULT with
// I=i32, L=i64, F=f32, D=f64, X=v128, V=nothing. Special: typed by hand in the validator.
enum class Sig : uint8_t {
  Special,
  V_I, V_L, V_F, V_D,
  I_I, I_L, I_F, I_D,
  L_I, L_L, L_F, L_D,
  F_I, F_L, F_F, F_D,
  D_I, D_L, D_F, D_D,
  II_I, LL_L, LL_I, FF_F, FF_I, DD_D, DD_I,
  II_V, IL_V, IF_V, ID_V,
  III_V,
  V_X, I_X, L_X, F_X, D_X, X_X, X_I, X_L, X_F, X_D,
  XX_X, XI_X, XL_X, XF_X, XD_X, IX_X, IX_V, XXX_X,
};

struct OpInfo {
  const char* name;
  uint8_t prefix;  // 0, 0xFC or 0xFD
  uint32_t code;
  ImmKind imm;
  Sig sig;
};

inline constexpr OpInfo kOpInfo[] = {
#define WASM_OP(Name, text, prefix, code, imm, sig) \
  OpInfo{text, prefix, code, ImmKind::imm, Sig::sig},
#include "opcodes.def"
#undef WASM_OP
};

constexpr const OpInfo& op_info(Op op) { return kOpInfo[static_cast<uint32_t>(op)]; }
constexpr std::string_view op_name(Op op) { return op_info(op).name; }

}  // namespace midimon::wasm
