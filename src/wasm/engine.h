// Engine: configuration shared by every module and store, and the registry that gives
// structurally equal function types one canonical id (call_indirect compares ids).
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>

#include "types.h"

namespace midimon::wasm {

struct EngineConfig {
  // Defaults for every Store created with this engine (a Store may lower them).
  uint32_t max_call_depth = 10000;          // nested wasm calls before "call stack exhausted"
  uint64_t max_value_stack_slots = 1 << 20;  // 8-byte slots of locals and operands (8 MiB)

  // Instrumentation compiled into every module of this engine. Off: the internal code has
  // no trace of it (no cost). On: see docs/engine.md for the cost model.
  bool fuel_metering = false;   // charge fuel per basic block; trap "fuel exhausted"
  bool deadline_checks = false; // poll ExecState::interrupt at loop headers, and calls
                                // check ExecState::call_limit; trap "deadline exceeded"

  // Compile each function to internal code on its first call instead of at load, so a
  // module's load costs only its (complete) validation and a program that calls a few of
  // its functions compiles only those. A module invalid anywhere still fails at load.
  // Off: Module::compile compiles every function (the spec runner does, to exercise the
  // compiler on all of them).
  bool lazy_compilation = true;

  // Translate each function to x86-64 machine code as well (jit.h) and run that, fuel and
  // deadlines included. Takes effect only on x86-64; functions the translator does not
  // cover (SIMD, v128 values) stay interpreted. The plugin engine and `midimon wasm run`
  // set it.
  bool jit = false;
};

class Engine {
 public:
  explicit Engine(EngineConfig config = {}) : config_(config) {}
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  const EngineConfig& config() const { return config_; }

  // Thread-safe. Equal types get equal ids; the returned reference stays valid for the
  // engine's lifetime.
  uint32_t intern_type(const FuncType& type);
  const FuncType& type(uint32_t id) const;

 private:
  // Orders types by params, then results; lookups compare in place (no copies).
  struct TypeOrder {
    bool operator()(const FuncType& a, const FuncType& b) const {
      return a.params != b.params ? a.params < b.params : a.results < b.results;
    }
  };

  EngineConfig config_;
  mutable std::mutex mutex_;
  std::deque<FuncType> types_;  // deque: stable addresses
  std::map<FuncType, uint32_t, TypeOrder> ids_;
};

}  // namespace midimon::wasm
