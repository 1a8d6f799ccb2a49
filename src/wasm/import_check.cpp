// Import matching: kinds, canonical function type ids, table/memory limits, global types.
#include "import_check.h"

#include <string>

namespace midimon::wasm {
namespace {

std::string describe_limits(const Limits& l) {
  std::string s = "min " + std::to_string(l.min);
  if (l.max) s += " max " + std::to_string(*l.max);
  return s;
}

std::string describe_global(const GlobalType& g) {
  return std::string("global ") + (g.mut ? "mut " : "") + to_string(g.type);
}

// What the module asks for.
std::string describe(const Module& module, const Import& im) {
  switch (im.kind) {
    case ExternKind::Func: return "func " + module.info().types[im.func_type].to_string();
    case ExternKind::Table:
      return std::string("table ") + to_string(im.table.elem) + " " + describe_limits(im.table.limits);
    case ExternKind::Memory: return "memory " + describe_limits(im.memory.limits);
    case ExternKind::Global: return describe_global(im.global);
  }
  return "?";
}

// What the host gives.
std::string describe(const Extern& v) {
  if (v.ptr == nullptr) return std::string("null ") + to_string(v.kind);
  switch (v.kind) {
    case ExternKind::Func: return "func " + v.as_func()->type->to_string();
    case ExternKind::Table: {
      const TableInst* t = v.as_table();
      return std::string("table ") + to_string(t->type.elem) + " " + describe_limits(t->type.limits);
    }
    case ExternKind::Memory: return "memory " + describe_limits(v.as_memory()->type.limits);
    case ExternKind::Global: return describe_global(v.as_global()->type);
  }
  return "?";
}

// The spec's limits matching: the provided current size is at least the declared
// minimum, and a declared maximum is honoured by a provided maximum no larger.
bool limits_match(const Limits& provided, const Limits& declared) {
  if (provided.min < declared.min) return false;
  if (!declared.max) return true;
  return provided.max && *provided.max <= *declared.max;
}

bool matches(const Module& module, const Import& im, const Extern& v) {
  if (v.ptr == nullptr || v.kind != im.kind) return false;
  switch (im.kind) {
    case ExternKind::Func: return v.as_func()->type_id == module.type_ids()[im.func_type];
    case ExternKind::Table: {
      const TableInst* t = v.as_table();
      return t->type.elem == im.table.elem && limits_match(t->type.limits, im.table.limits);
    }
    case ExternKind::Memory: return limits_match(v.as_memory()->type.limits, im.memory.limits);
    case ExternKind::Global: {
      const GlobalType& g = v.as_global()->type;
      return g.type == im.global.type && g.mut == im.global.mut;
    }
  }
  return false;
}

}  // namespace

Result<void> check_import(const Module& module, const Import& import, const Extern& value) {
  if (matches(module, import, value)) return {};
  return Error{ErrorKind::Unlinkable,
               "incompatible import type for " + import.module + "." + import.name +
                   ": expected " + describe(module, import) + ", got " + describe(value),
               import.offset, "section 'import'"};
}

}  // namespace midimon::wasm
