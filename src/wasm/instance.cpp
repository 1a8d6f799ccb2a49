// Instance: export lookups by name.
#include "instance.h"

namespace midimon::wasm {

std::optional<Extern> Instance::get_export(std::string_view name) const {
  auto it = export_index_.find(std::string(name));
  if (it == export_index_.end()) return std::nullopt;
  return exports_[it->second].second;
}

FuncInst* Instance::get_func(std::string_view name) const {
  auto e = get_export(name);
  return e ? e->as_func() : nullptr;
}

MemoryInst* Instance::get_memory(std::string_view name) const {
  auto e = get_export(name);
  return e ? e->as_memory() : nullptr;
}

TableInst* Instance::get_table(std::string_view name) const {
  auto e = get_export(name);
  return e ? e->as_table() : nullptr;
}

GlobalInst* Instance::get_global(std::string_view name) const {
  auto e = get_export(name);
  return e ? e->as_global() : nullptr;
}

}  // namespace midimon::wasm
