// Store: owns runtime objects, creates them for the host, and runs calls.
#include "store.h"

#include <algorithm>
#include <string>

#include "interpreter.h"

namespace midimon::wasm {

Store::Store(Engine& engine, StoreLimits limits) : engine_(&engine), limits_(limits) {
  if (limits_.max_call_depth == 0) limits_.max_call_depth = engine.config().max_call_depth;
  if (limits_.max_value_stack_slots == 0) {
    limits_.max_value_stack_slots = engine.config().max_value_stack_slots;
  }
}

Store::~Store() = default;

FuncInst* Store::create_host_func(const FuncType& type, HostCallback callback) {
  auto f = std::make_unique<FuncInst>();
  f->type_id = engine_->intern_type(type);
  f->type = &engine_->type(f->type_id);
  f->host = std::move(callback);
  funcs_.push_back(std::move(f));
  return funcs_.back().get();
}

Result<TableInst*> Store::create_table(const TableType& type, Ref init) {
  const Limits& l = type.limits;
  if (l.max && l.min > *l.max) {
    return Error{ErrorKind::Usage, "table minimum exceeds its maximum", 0, ""};
  }
  if (l.min > kMaxTableElems) {
    return Error{ErrorKind::Limit,
                 "table of " + std::to_string(l.min) + " elements exceeds the engine's limit of " +
                     std::to_string(kMaxTableElems),
                 0, ""};
  }
  auto t = std::make_unique<TableInst>();
  t->type = type;
  t->max = std::min(l.max.value_or(UINT32_MAX), kMaxTableElems);
  t->elems.assign(l.min, init);
  tables_.push_back(std::move(t));
  return tables_.back().get();
}

Result<MemoryInst*> Store::create_memory(const MemoryType& type) {
  const Limits& l = type.limits;
  if (l.min > kMaxPages || (l.max && (*l.max > kMaxPages || l.min > *l.max))) {
    return Error{ErrorKind::Usage, "memory limits are invalid", 0, ""};
  }
  auto m = MemoryInst::create(type);
  if (!m) return Error{ErrorKind::Limit, "cannot reserve address space for a memory", 0, ""};
  memories_.push_back(std::move(m));
  return memories_.back().get();
}

GlobalInst* Store::create_global(const GlobalType& type, Value value) {
  auto g = std::make_unique<GlobalInst>();
  g->type = type;
  g->value = value;
  globals_.push_back(std::move(g));
  return globals_.back().get();
}

Trap Store::call(FuncInst* func, std::span<const Value> args, std::span<Value> results) {
  if (func == nullptr) return Trap::host("call of a null function");
  // A wasm function knows its store through its instance; host functions are not
  // tracked (checking them would cost a search).
  if (!func->is_host() && func->instance->store_ != this) {
    return Trap::host("function belongs to another store");
  }
  const FuncType& type = *func->type;
  if (args.size() != type.params.size() || results.size() != type.results.size()) {
    return Trap::host("function of type " + type.to_string() + " called with " +
                      std::to_string(args.size()) + " arguments and " +
                      std::to_string(results.size()) + " results");
  }
  if (func->is_host()) {
    Caller caller{*this, nullptr};
    return func->host(caller, args.data(), results.data());
  }
  return interpret(*this, func, args.data(), results.data());
}

}  // namespace midimon::wasm
