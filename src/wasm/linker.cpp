// Linker: a name table of external values, used to resolve imports.
#include "linker.h"

#include <vector>

namespace midimon::wasm {

void Linker::define(const std::string& module, const std::string& name, Extern value) {
  defs_[{module, name}] = value;
}

void Linker::define_instance(const std::string& module, const Instance& instance) {
  for (const auto& [name, value] : instance.exports()) define(module, name, value);
}

FuncInst* Linker::define_func(Store& store, const std::string& module, const std::string& name,
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
    auto it = defs_.find({im.module, im.name});
    if (it == defs_.end()) {
      return Error{ErrorKind::Unlinkable,
                   "unknown import: \"" + im.module + "\" \"" + im.name + "\"", im.offset,
                   "section 'import'"};
    }
    imports.push_back(it->second);
  }
  return store.instantiate(module, imports);
}

}  // namespace midimon::wasm
