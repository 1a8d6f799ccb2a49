// The decoded form of a module binary, as produced by the binary reader
// (binary_reader.h) and checked by the validator (validator.h). Plain data: function
// bodies stay as byte ranges into `bytes` and are decoded by InstrReader when the
// validator and the compiler walk them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "opcodes.h"
#include "types.h"

namespace midimon::wasm {

// One instruction of a constant expression. The reader decodes any instruction here
// (so the validator can say "constant expression required" for, e.g., i32.add).
struct ConstInstr {
  Op op = Op::Nop;
  uint64_t imm = 0;     // bits of the constant (v128: bytes 0..7), or the func/global index
  ValType ref_type = ValType::FuncRef;  // for ref.null
  uint32_t offset = 0;  // byte offset of the opcode
  uint64_t imm_hi = 0;  // v128.const: bytes 8..15
};

// A constant expression without its final `end`.
struct ConstExpr {
  std::vector<ConstInstr> instrs;
  uint32_t offset = 0;  // byte offset of the first byte
};

struct Import {
  std::string module;
  std::string name;
  ExternKind kind = ExternKind::Func;
  uint32_t func_type = 0;  // kind == Func: type index
  TableType table;         // kind == Table
  MemoryType memory;       // kind == Memory
  GlobalType global;       // kind == Global
  uint32_t offset = 0;
};

struct Export {
  std::string name;
  ExternKind kind = ExternKind::Func;
  uint32_t index = 0;
  uint32_t offset = 0;
};

enum class SegmentMode : uint8_t { Active, Passive, Declarative };

struct ElemSegment {
  SegmentMode mode = SegmentMode::Active;
  uint32_t table = 0;
  ConstExpr offset_expr;  // active only
  ValType elem_type = ValType::FuncRef;
  // Every item as an expression; the function-index encodings become `ref.func x`.
  std::vector<ConstExpr> items;
  uint32_t offset = 0;  // byte offset of the segment
};

struct DataSegment {
  SegmentMode mode = SegmentMode::Active;  // Active or Passive
  uint32_t memory = 0;
  ConstExpr offset_expr;  // active only
  uint32_t data_offset = 0;  // range of the payload in ModuleInfo::bytes
  uint32_t data_size = 0;
  uint32_t offset = 0;
};

struct LocalGroup {
  uint32_t count = 0;
  ValType type = ValType::I32;
};

struct FuncBody {
  std::vector<LocalGroup> locals;  // declared locals (parameters not included)
  uint32_t num_locals = 0;         // sum of the groups' counts
  uint32_t code_offset = 0;        // first instruction byte in ModuleInfo::bytes
  uint32_t code_end = 0;           // one past the final `end` opcode
  uint32_t offset = 0;             // byte offset of the body's size field
};

struct SectionInfo {
  uint8_t id = 0;
  std::string name;  // "type", "import", ... or the custom section's name
  uint32_t offset = 0;  // byte offset of the section id
  uint32_t size = 0;    // payload size
};

struct ModuleInfo {
  std::vector<uint8_t> bytes;  // the binary, kept for bodies and data payloads

  std::vector<FuncType> types;
  std::vector<Import> imports;

  // Index spaces: imported entities first, then the module's own definitions.
  std::vector<uint32_t> func_types;  // type index of every function
  std::vector<TableType> tables;
  std::vector<MemoryType> memories;
  std::vector<GlobalType> globals;
  uint32_t num_imported_funcs = 0;
  uint32_t num_imported_tables = 0;
  uint32_t num_imported_memories = 0;
  uint32_t num_imported_globals = 0;

  std::vector<ConstExpr> global_inits;  // one per defined global
  std::vector<Export> exports;
  std::optional<uint32_t> start;
  std::vector<ElemSegment> elems;
  std::vector<DataSegment> datas;
  std::optional<uint32_t> data_count;
  std::vector<FuncBody> bodies;  // one per defined function

  std::vector<SectionInfo> sections;  // in file order, custom ones included
  std::unordered_map<uint32_t, std::string> func_names;  // from the "name" section
  std::string module_name;                                // from the "name" section

  const FuncType& func_type(uint32_t func_index) const { return types[func_types[func_index]]; }
  uint32_t num_funcs() const { return static_cast<uint32_t>(func_types.size()); }
};

}  // namespace midimon::wasm
