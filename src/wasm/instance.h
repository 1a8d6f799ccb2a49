// Instance: a module's functions, tables, memories and globals bound to one store.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "module.h"
#include "runtime.h"

namespace midimon::wasm {

class Instance {
 public:
  // Index spaces (imports first), read directly by the interpreter.
  std::vector<FuncInst*> funcs;
  std::vector<TableInst*> tables;
  std::vector<MemoryInst*> memories;
  std::vector<GlobalInst*> globals;
  std::vector<ElemInst> elems;
  std::vector<DataInst> datas;
  std::vector<uint32_t> type_ids;  // canonical id of each type index

  // Raw views of the index spaces for machine code (jit_x64.cpp), which reads them by
  // field offset. Set once funcs, memories and globals are final (instantiation).
  struct JitView {
    FuncInst* const* funcs = nullptr;
    GlobalInst* const* globals = nullptr;
    MemoryInst* memory0 = nullptr;
  };
  JitView jit_view;

  const Module& module() const { return *module_; }
  Store& store() const { return *store_; }

  std::optional<Extern> get_export(std::string_view name) const;
  FuncInst* get_func(std::string_view name) const;
  MemoryInst* get_memory(std::string_view name) const;
  TableInst* get_table(std::string_view name) const;
  GlobalInst* get_global(std::string_view name) const;
  const std::vector<std::pair<std::string, Extern>>& exports() const { return exports_; }

 private:
  friend class Store;
  Instance() = default;
  std::shared_ptr<const Module> module_;
  Store* store_ = nullptr;
  std::vector<std::pair<std::string, Extern>> exports_;  // in module order
  std::unordered_map<std::string, size_t> export_index_;
};

}  // namespace midimon::wasm
