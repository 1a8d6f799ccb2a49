// Linker: names external values as (module, name) and resolves a module's imports.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <utility>

#include "result.h"
#include "runtime.h"
#include "store.h"

namespace midimon::wasm {

class Linker {
 public:
  void define(const std::string& module, const std::string& name, Extern value);
  // Defines every export of `instance` under `module` (the spec suite's `register`).
  void define_instance(const std::string& module, const Instance& instance);
  // Convenience: creates the host function in `store` and defines it.
  FuncInst* define_func(Store& store, const std::string& module, const std::string& name,
                        const FuncType& type, HostCallback callback,
                        HostBlocking blocking = HostBlocking::No);

  // Resolves imports by name; a missing one is Unlinkable `unknown import: "module" "name"`.
  Result<Instance*> instantiate(Store& store, const std::shared_ptr<const Module>& module) const;

 private:
  std::map<std::pair<std::string, std::string>, Extern> defs_;
};

}  // namespace midimon::wasm
