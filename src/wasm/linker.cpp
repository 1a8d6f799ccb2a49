// Linker: a name table of external values, used to resolve imports.
#include "linker.h"

#include <vector>

namespace midimon::wasm {

void Linker::define(std::string_view module, std::string_view name, Extern value) {
  auto m = defs_.find(module);
  if (m == defs_.end()) m = defs_.emplace(std::string(module), Names{}).first;
  auto n = m->second.find(name);
  if (n != m->second.end()) {
    n->second = value;
  } else {
    m->second.emplace(std::string(name), value);
  }
}

void Linker::define_instance(std::string_view module, const Instance& instance) {
  for (const auto& [name, value] : instance.exports()) define(module, name, value);
}

FuncInst* Linker::define_func(Store& store, std::string_view module, std::string_view name,
                              const FuncType& type, HostCallback callback,
                              HostBlocking blocking) {
  FuncInst* f = store.create_host_func(type, std::move(callback), blocking);
  define(module, name, Extern::func(f));
  return f;
}

Result<Instance*> Linker::instantiate(Store& store,
                                      const std::shared_ptr<const Module>& module) const {
  std::vector<Extern> imports;
  imports.reserve(module->info().imports.size());
  for (const Import& im : module->info().imports) {
    const Extern* found = nullptr;
    if (auto m = defs_.find(im.module); m != defs_.end()) {
      if (auto n = m->second.find(im.name); n != m->second.end()) found = &n->second;
    }
    if (!found) {
      return Error{ErrorKind::Unlinkable,
                   "unknown import: \"" + im.module + "\" \"" + im.name + "\"", im.offset,
                   "section 'import'"};
    }
    imports.push_back(*found);
  }
  return store.instantiate(module, imports);
}

}  // namespace midimon::wasm
