#include "tools/module_summary.h"

#include <cstdio>
#include <string>

namespace midimon::tools {
namespace {

using namespace midimon::wasm;

std::string hex(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%x", v);
  return buf;
}

// "min 1 max 2 pages", "min 1 pages, no max" (unit: "pages" or "" for tables).
std::string limits_text(const Limits& l, const char* unit) {
  std::string s = "min " + std::to_string(l.min);
  if (l.max) s += " max " + std::to_string(*l.max);
  s += unit;
  if (!l.max) s += ", no max";
  return s;
}

std::string global_text(const GlobalType& g) {
  return std::string(g.mut ? "mut " : "const ") + to_string(g.type);
}

std::string func_name(const ModuleInfo& m, uint32_t index) {
  auto it = m.func_names.find(index);
  return it == m.func_names.end() ? "" : " $" + it->second;
}

}  // namespace

void describe_module(const ModuleInfo& m, std::ostream& out) {
  if (!m.module_name.empty()) out << "module $" << m.module_name << "\n";

  out << "sections: " << m.sections.size() << "\n";
  for (const SectionInfo& s : m.sections) {
    out << "  " << (s.id == 0 ? "custom \"" + s.name + "\"" : s.name) << " (id " << int(s.id)
        << ") at " << hex(s.offset) << ", " << s.size << " bytes\n";
  }

  out << "types: " << m.types.size() << "\n";
  for (size_t i = 0; i < m.types.size(); ++i) out << "  " << i << ": " << m.types[i].to_string() << "\n";

  out << "imports: " << m.imports.size() << "\n";
  for (const Import& im : m.imports) {
    out << "  " << im.module << "." << im.name << ": " << to_string(im.kind);
    switch (im.kind) {
      case ExternKind::Func:
        out << " type " << im.func_type;
        if (im.func_type < m.types.size()) out << " " << m.types[im.func_type].to_string();
        break;
      case ExternKind::Table: out << " " << to_string(im.table.elem) << " " << limits_text(im.table.limits, ""); break;
      case ExternKind::Memory: out << " " << limits_text(im.memory.limits, " pages"); break;
      case ExternKind::Global: out << " " << global_text(im.global); break;
    }
    out << "\n";
  }

  out << "functions: " << m.num_funcs() << " (" << m.num_imported_funcs << " imported, "
      << m.num_funcs() - m.num_imported_funcs << " defined)\n";

  out << "tables: " << m.tables.size() << "\n";
  for (size_t i = 0; i < m.tables.size(); ++i) {
    out << "  " << i << ": " << to_string(m.tables[i].elem) << " " << limits_text(m.tables[i].limits, "")
        << (i < m.num_imported_tables ? " (imported)" : "") << "\n";
  }
  out << "memories: " << m.memories.size() << "\n";
  for (size_t i = 0; i < m.memories.size(); ++i) {
    out << "  " << i << ": " << limits_text(m.memories[i].limits, " pages")
        << (i < m.num_imported_memories ? " (imported)" : "") << "\n";
  }
  out << "globals: " << m.globals.size() << "\n";
  for (size_t i = 0; i < m.globals.size(); ++i) {
    out << "  " << i << ": " << global_text(m.globals[i])
        << (i < m.num_imported_globals ? " (imported)" : "") << "\n";
  }

  out << "exports: " << m.exports.size() << "\n";
  for (const Export& e : m.exports) {
    out << "  \"" << e.name << "\": " << to_string(e.kind) << " " << e.index;
    if (e.kind == ExternKind::Func && e.index < m.num_funcs() &&
        m.func_types[e.index] < m.types.size()) {
      out << func_name(m, e.index) << " " << m.func_type(e.index).to_string();
    }
    out << "\n";
  }
  if (m.start) out << "start: func " << *m.start << func_name(m, *m.start) << "\n";
  out << "element segments: " << m.elems.size() << "\n";
  out << "data segments: " << m.datas.size() << "\n";
}

}  // namespace midimon::tools
