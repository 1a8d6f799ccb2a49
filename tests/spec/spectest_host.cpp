#include "spectest_host.h"

#include <vector>

namespace midimon::spec {

using namespace midimon::wasm;

bool define_spectest(Store& store, Linker& linker, std::string* error) {
  // The print functions only exist to be imported and called; output would drown the
  // report, so they do nothing.
  const struct { const char* name; std::vector<ValType> params; } kPrints[] = {
      {"print", {}},
      {"print_i32", {ValType::I32}},
      {"print_i64", {ValType::I64}},
      {"print_f32", {ValType::F32}},
      {"print_f64", {ValType::F64}},
      {"print_i32_f32", {ValType::I32, ValType::F32}},
      {"print_f64_f64", {ValType::F64, ValType::F64}},
  };
  for (const auto& p : kPrints) {
    FuncType type{p.params, {}};
    linker.define_func(store, "spectest", p.name, type,
                       [](Caller&, const Value*, Value*) { return Trap(); });
  }

  linker.define("spectest", "global_i32",
                Extern::global(store.create_global({ValType::I32, false}, Value::from_i32(666))));
  linker.define("spectest", "global_i64",
                Extern::global(store.create_global({ValType::I64, false}, Value::from_i64(666))));
  linker.define("spectest", "global_f32",
                Extern::global(store.create_global({ValType::F32, false}, Value::from_f32(666.6f))));
  linker.define("spectest", "global_f64",
                Extern::global(store.create_global({ValType::F64, false}, Value::from_f64(666.6))));

  TableType table_type{ValType::FuncRef, Limits{10, 20}};
  auto table = store.create_table(table_type);
  if (!table.ok()) {
    *error = "spectest table: " + table.error().to_string();
    return false;
  }
  linker.define("spectest", "table", Extern::table(*table));

  MemoryType memory_type{Limits{1, 2}};
  auto memory = store.create_memory(memory_type);
  if (!memory.ok()) {
    *error = "spectest memory: " + memory.error().to_string();
    return false;
  }
  linker.define("spectest", "memory", Extern::memory(*memory));
  return true;
}

}  // namespace midimon::spec
