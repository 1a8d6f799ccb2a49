// Test helper: the four engine configurations the interpreter has code for (fuel
// metering on or off, deadline checks on or off), for tests that must hold in each.
#pragma once

#include <ostream>

#include "wasm/engine.h"

namespace midimon::test {

struct NamedConfig {
  const char* name;
  bool fuel;
  bool deadline;
  wasm::EngineConfig engine() const {
    wasm::EngineConfig c;
    c.fuel_metering = fuel;
    c.deadline_checks = deadline;
    return c;
  }
};
inline void PrintTo(const NamedConfig& c, std::ostream* os) { *os << c.name; }

inline constexpr NamedConfig kAllConfigs[] = {
    {"plain", false, false}, {"fuel", true, false}, {"deadline", false, true}, {"fuel_deadline", true, true}};

}  // namespace midimon::test
