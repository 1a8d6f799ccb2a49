// Linker: names external values as (module, name) and resolves a module's imports.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "result.h"
#include "runtime.h"
#include "store.h"

namespace midimon::wasm {

class Linker {
 public:
  void define(std::string_view module, std::string_view name, Extern value);
  // Defines every export of `instance` under `module` (the spec suite's `register`).
  void define_instance(std::string_view module, const Instance& instance);
  // Convenience: creates the host function in `store` and defines it.
  FuncInst* define_func(Store& store, std::string_view module, std::string_view name,
                        const FuncType& type, HostCallback callback,
                        HostBlocking blocking = HostBlocking::No);

  // Resolves imports by name; a missing one is Unlinkable `unknown import: "module" "name"`.
  Result<Instance*> instantiate(Store& store, const std::shared_ptr<const Module>& module) const;

 private:
  // module -> name -> value. Two levels, looked up by string_view (std::less<>): a host
  // module defines dozens of names (WASI: 46) and every plugin instantiation defines them
  // all, so neither a define nor an import lookup copies or compares the module name
  // more than once.
  using Names = std::map<std::string, Extern, std::less<>>;
  std::map<std::string, Names, std::less<>> defs_;
};

}  // namespace midimon::wasm
