#include "types.h"

namespace midimon::wasm {

const char* to_string(ValType t) {
  switch (t) {
    case ValType::I32: return "i32";
    case ValType::I64: return "i64";
    case ValType::F32: return "f32";
    case ValType::F64: return "f64";
    case ValType::V128: return "v128";
    case ValType::FuncRef: return "funcref";
    case ValType::ExternRef: return "externref";
  }
  return "<invalid type>";
}

bool valtype_from_byte(uint8_t b, ValType* out) {
  switch (b) {
    case 0x7F: case 0x7E: case 0x7D: case 0x7C: case 0x7B: case 0x70: case 0x6F:
      *out = static_cast<ValType>(b);
      return true;
    default:
      return false;
  }
}

namespace {
void append_list(std::string& s, const std::vector<ValType>& ts) {
  s += '(';
  for (size_t i = 0; i < ts.size(); ++i) {
    if (i) s += ", ";
    s += to_string(ts[i]);
  }
  s += ')';
}
}  // namespace

std::string FuncType::to_string() const {
  std::string s;
  append_list(s, params);
  s += " -> ";
  append_list(s, results);
  return s;
}

const char* to_string(ExternKind k) {
  switch (k) {
    case ExternKind::Func: return "func";
    case ExternKind::Table: return "table";
    case ExternKind::Memory: return "memory";
    case ExternKind::Global: return "global";
  }
  return "<invalid kind>";
}

}  // namespace midimon::wasm
