// Store: owns runtime objects, creates them for the host, enforces the store's limits,
// and runs calls (arming the deadline watchdog for the outermost one).
#include "store.h"

#include <algorithm>
#include <string>

#include "code.h"
#include "interpreter.h"
#include "jit.h"
#include "watchdog.h"

namespace midimon::wasm {
namespace {

Error limit_error(std::string message) { return Error{ErrorKind::Limit, std::move(message), 0, ""}; }

std::string bytes_text(uint64_t pages) {
  return std::to_string(pages) + (pages == 1 ? " page (" : " pages (") +
         std::to_string(pages * kPageSize) + " bytes)";
}

}  // namespace

Store::Store(Engine& engine, StoreLimits limits) : engine_(&engine), limits_(limits) {
  if (limits_.max_call_depth == 0) limits_.max_call_depth = engine.config().max_call_depth;
  if (limits_.max_value_stack_slots == 0) {
    limits_.max_value_stack_slots = engine.config().max_value_stack_slots;
  }
  if (limits_.max_store_memory_bytes != 0) memory_budget_.limit = limits_.max_store_memory_bytes;
}

void Store::interrupt() {
  // Calls see a deadline through the lowered call limit, memory accesses through the
  // lowered memory limit, loops and host-call returns through the flag (code.h). Without
  // deadline checks only the flag is set, as before. The memory limit after the flag,
  // both sequentially consistent: see ExecState::set_mem_limit.
  const bool lower = engine_->config().deadline_checks;
  if (lower) exec_.call_limit.store(0, std::memory_order_relaxed);
  exec_.interrupt.store(1, std::memory_order_seq_cst);
  if (lower) exec_.mem_limit.store(0, std::memory_order_seq_cst);
}

// watchdog_'s destructor disarms and unregisters it, so even a store destroyed from
// inside its own call (it should not be) leaves no dangling flag with the watchdog.
Store::~Store() = default;

Result<void> Store::check_new_memory(const MemoryType& type) const {
  const uint64_t min_bytes = uint64_t{type.limits.min} * kPageSize;
  if (limits_.max_memories != 0 && memories_.size() >= limits_.max_memories) {
    return limit_error("the store's limit of " + std::to_string(limits_.max_memories) +
                       " memories is reached");
  }
  if (limits_.max_memory_bytes != 0 && min_bytes > limits_.max_memory_bytes) {
    return limit_error("memory minimum of " + bytes_text(type.limits.min) +
                       " exceeds the store's limit of " + std::to_string(limits_.max_memory_bytes) +
                       " bytes per memory");
  }
  if (min_bytes > memory_budget_.limit - memory_budget_.used) {
    return limit_error("memory minimum of " + bytes_text(type.limits.min) + " exceeds the " +
                       std::to_string(memory_budget_.limit - memory_budget_.used) +
                       " bytes left of the store's limit of " +
                       std::to_string(memory_budget_.limit) + " bytes for all memories");
  }
  return {};
}

Result<void> Store::check_new_table(const TableType& type) const {
  if (limits_.max_tables != 0 && tables_.size() >= limits_.max_tables) {
    return limit_error("the store's limit of " + std::to_string(limits_.max_tables) +
                       " tables is reached");
  }
  if (limits_.max_table_elements != 0 && type.limits.min > limits_.max_table_elements) {
    return limit_error("table minimum of " + std::to_string(type.limits.min) +
                       " elements exceeds the store's limit of " +
                       std::to_string(limits_.max_table_elements) + " elements per table");
  }
  if (type.limits.min > kMaxTableElems) {
    return limit_error("table of " + std::to_string(type.limits.min) +
                       " elements exceeds the engine's limit of " + std::to_string(kMaxTableElems));
  }
  return {};
}

FuncInst* Store::create_host_func(const FuncType& type, HostCallback callback,
                                  HostBlocking blocking) {
  auto f = std::make_unique<FuncInst>();
  f->type_id = engine_->intern_type(type);
  f->type = &engine_->type(f->type_id);
  f->param_slots = slot_count(f->type->params);
  f->result_slots = slot_count(f->type->results);
  if (engine_->config().deadline_checks && blocking == HostBlocking::MayBlock) {
    // A host function that blocks until the deadline may return a moment before the
    // watchdog thread gets to set the flag; checking the clock here closes that race, so
    // the interpreter's poll after the host call always sees a passed deadline.
    f->host = [this, inner = std::move(callback)](Caller& caller, const Value* args,
                                                  Value* results) {
      Trap trap = inner(caller, args, results);
      if (deadline_ && std::chrono::steady_clock::now() >= *deadline_) interrupt();
      return trap;
    };
  } else {
    f->host = std::move(callback);
  }
  funcs_.push_back(std::move(f));
  return funcs_.back().get();
}

Result<TableInst*> Store::create_table(const TableType& type, Ref init) {
  const Limits& l = type.limits;
  if (l.max && l.min > *l.max) {
    return Error{ErrorKind::Usage, "table minimum exceeds its maximum", 0, ""};
  }
  WASM_TRY(check_new_table(type));
  auto t = std::make_unique<TableInst>();
  t->type = type;
  uint32_t cap = kMaxTableElems;
  if (limits_.max_table_elements != 0) cap = std::min(cap, limits_.max_table_elements);
  t->max = std::min(l.max.value_or(UINT32_MAX), cap);
  t->elems.assign(l.min, init);
  tables_.push_back(std::move(t));
  return tables_.back().get();
}

Result<MemoryInst*> Store::create_memory(const MemoryType& type) {
  const Limits& l = type.limits;
  if (l.min > kMaxPages || (l.max && (*l.max > kMaxPages || l.min > *l.max))) {
    return Error{ErrorKind::Usage, "memory limits are invalid", 0, ""};
  }
  WASM_TRY(check_new_memory(type));
  const uint64_t cap = limits_.max_memory_bytes != 0 ? limits_.max_memory_bytes : UINT64_MAX;
  auto m = MemoryInst::create(type, cap, &memory_budget_);
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

Result<void> Store::set_fuel(uint64_t fuel) {
  if (!engine_->config().fuel_metering) {
    return Error{ErrorKind::Usage,
                 "fuel metering is off: create the Engine with EngineConfig::fuel_metering = true",
                 0, ""};
  }
  exec_.fuel = static_cast<int64_t>(std::min<uint64_t>(fuel, INT64_MAX));
  return {};
}

uint64_t Store::fuel_remaining() const { return exec_.fuel > 0 ? static_cast<uint64_t>(exec_.fuel) : 0; }

Result<void> Store::set_timeout(std::chrono::nanoseconds timeout) {
  if (timeout.count() < 0) return Error{ErrorKind::Usage, "timeout is negative", 0, ""};
  if (timeout.count() != 0 && !engine_->config().deadline_checks) {
    return Error{ErrorKind::Usage,
                 "deadline checks are off: create the Engine with EngineConfig::deadline_checks = true",
                 0, ""};
  }
  timeout_ = timeout;
  return {};
}

Trap Store::call(FuncInst* func, std::span<const Value> args, std::span<Value> results) {
  if (func == nullptr) return Trap::host("call of a null function");
  // A wasm function knows its store through its instance; host functions are not
  // tracked (checking them would cost a search).
  if (!func->is_host() && func->instance->store_ != this) {
    return Trap::host("function belongs to another store");
  }
  if (args.size() != func->param_slots || results.size() != func->result_slots) [[unlikely]] {
    const FuncType& type = *func->type;
    return Trap::host("function of type " + type.to_string() + " called with " +
                      std::to_string(args.size()) + " argument slots and " +
                      std::to_string(results.size()) + " result slots");
  }
  if (!func->is_host() && func->code == nullptr) {
    if (Trap t = compile_on_first_call(*func)) return t;
  }
  // Only the outermost call owns the deadline; host -> wasm re-entry runs under it.
  const bool outermost = call_nesting_ == 0;
  if (outermost) {
    // The stack first: call_limit is its end until a deadline lowers it (store.h).
    exec_.ensure_stack(limits_.max_value_stack_slots);
    exec_.interrupt.store(0, std::memory_order_relaxed);
    exec_.call_limit.store(reinterpret_cast<uintptr_t>(exec_.stack_end), std::memory_order_relaxed);
    // mem_limit needs no restoring here: every interpreter activation sets it on entry
    // (to its memory's size, which only the interpreter knows).
    if (timeout_.count() != 0) {
      deadline_ = std::chrono::steady_clock::now() + timeout_;
      if (!watchdog_) {
        watchdog_ = std::make_unique<Watchdog::Slot>(&exec_.interrupt, &exec_.call_limit,
                                                     &exec_.mem_limit);
      }
      watchdog_->arm(*deadline_);
    }
  }
  ++call_nesting_;
  Trap trap;
  if (func->is_host()) {
    Caller caller{*this, nullptr};
    trap = func->host(caller, args.data(), results.data());
    // A host function called directly has no poll after it; check here.
    if (trap.ok() && exec_.interrupt.load(std::memory_order_relaxed) != 0 &&
        engine_->config().deadline_checks) {
      trap = Trap(TrapKind::DeadlineExceeded);
    }
  } else {
    trap = func->code->jit ? jit_invoke(*this, func, args.data(), results.data())
                           : interpret(*this, func, args.data(), results.data());
  }
  --call_nesting_;
  if (outermost && deadline_) {
    watchdog_->disarm();
    deadline_.reset();
  }
  return trap;
}

}  // namespace midimon::wasm
