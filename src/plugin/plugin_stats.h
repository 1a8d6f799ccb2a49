// Per-plugin call statistics kept by the manager: how often a plugin was called, how
// its calls ended, how long they took and how much fuel they burnt. Plain arithmetic on
// CallResults, so the numbers are testable without a clock or an engine.
#pragma once

#include <chrono>
#include <cstdint>

#include "plugin/plugin.h"

namespace midimon::plugin {

struct PluginStats {
  uint64_t calls = 0;     // calls that reached the plugin (refused ones are not calls)
  uint64_t ok = 0;        // returned 0
  uint64_t failures = 0;  // returned non-zero
  uint64_t traps = 0;     // trapped (fuel, deadline, stack, memory, unreachable, ...)
  uint64_t timeouts = 0;  // the subset of traps that were "deadline exceeded"
  uint64_t errors = 0;    // the host refused the call (a lie about pointers, no instance)
  uint64_t refused = 0;   // not run: the plugin was disabled
  std::chrono::nanoseconds last_duration{0};
  std::chrono::nanoseconds total_duration{0};
  std::chrono::nanoseconds max_duration{0};
  uint64_t last_fuel = 0;
  uint64_t total_fuel = 0;

  // Mean duration of the calls that reached the plugin; zero before the first call.
  std::chrono::nanoseconds mean_duration() const;
  // Adds one finished call (its status, duration and fuel).
  void record(const CallResult& result);
};

}  // namespace midimon::plugin
