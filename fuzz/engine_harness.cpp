#include "engine_harness.h"

#include <algorithm>

namespace midimon::fuzz {

using namespace midimon::wasm;

namespace {

Value zero_of(ValType) { return Value::from_i64(0); }  // i32/i64/f32/f64 0, null ref, v128 half

// The stub's limits for an imported memory/table: the import's minimum, and its
// maximum clipped to the cap (no maximum: the cap), so both engines see the same.
Limits stub_limits(const Limits& l, uint32_t cap) {
  return Limits{l.min, l.max ? std::min(*l.max, cap) : cap};
}

}  // namespace

EngineConfig fuzz_engine_config(const HarnessLimits& limits) {
  EngineConfig config;
  config.fuel_metering = true;
  config.max_call_depth = limits.max_call_depth;
  config.max_value_stack_slots = 1 << 18;
  return config;
}

EngineHarness::EngineHarness(Engine& engine, const HarnessLimits& limits)
    : engine_(engine), limits_(limits) {
  StoreLimits sl;
  sl.max_call_depth = limits.max_call_depth;
  sl.max_memory_bytes = uint64_t{limits.memory_cap_pages} * kPageSize;
  sl.max_table_elements = limits.table_cap;
  store_ = std::make_unique<Store>(engine_, sl);
}

bool EngineHarness::exceeds_caps(const ModuleInfo& info, const HarnessLimits& limits) {
  for (const MemoryType& m : info.memories) {
    if (m.limits.min > limits.memory_cap_pages) return true;
  }
  for (const TableType& t : info.tables) {
    if (t.limits.min > limits.table_cap) return true;
  }
  return false;
}

std::vector<Extern> EngineHarness::make_imports(const ModuleInfo& info) {
  std::vector<Extern> externs;
  for (const Import& imp : info.imports) {
    switch (imp.kind) {
      case ExternKind::Func: {
        const FuncType& type = info.types[imp.func_type];
        const size_t n = slot_count(type.results);  // a v128 is two slots
        FuncInst* f = store_->create_host_func(
            type, [n](Caller&, const Value*, Value* results) {
              for (size_t i = 0; i < n; ++i) results[i] = zero_of(ValType::I64);
              return Trap();
            });
        externs.push_back(Extern::func(f));
        break;
      }
      case ExternKind::Table: {
        TableType t = imp.table;
        t.limits = stub_limits(t.limits, limits_.table_cap);
        auto r = store_->create_table(t);
        externs.push_back(r.ok() ? Extern::table(*r) : Extern::table(nullptr));
        break;
      }
      case ExternKind::Memory: {
        MemoryType m = imp.memory;
        m.limits = stub_limits(m.limits, limits_.memory_cap_pages);
        auto r = store_->create_memory(m);
        externs.push_back(r.ok() ? Extern::memory(*r) : Extern::memory(nullptr));
        break;
      }
      case ExternKind::Global:
        externs.push_back(Extern::global(store_->create_global(imp.global, zero_of(imp.global.type))));
        break;
    }
  }
  return externs;
}

std::optional<Error> EngineHarness::instantiate(const std::shared_ptr<const Module>& module) {
  std::vector<Extern> imports = make_imports(module->info());
  for (const Extern& e : imports) {
    if (e.ptr == nullptr) return Error{ErrorKind::Limit, "stub import over the caps", 0, ""};
  }
  store_->exec().fuel = limits_.fuel_per_call;  // the start function runs under fuel too
  auto r = store_->instantiate(module, imports);
  if (!r.ok()) return r.take_error();
  instance_ = *r;
  return std::nullopt;
}

CallOutcome EngineHarness::call(FuncInst* func, std::optional<int64_t> fuel) {
  CallOutcome out;
  out.types = func->type->results;
  out.results.assign(slot_count(out.types), Value::from_i64(0));
  std::vector<Value> args(slot_count(func->type->params), zero_of(ValType::I64));
  store_->exec().fuel = fuel.value_or(limits_.fuel_per_call);
  Trap trap = store_->call(func, args, out.results);
  out.trap = trap.kind;
  if (trap) out.trap_message = trap.message();
  return out;
}

}  // namespace midimon::fuzz
