// Test helper: the four engine configurations the interpreter has code for (fuel
// metering on or off, deadline checks on or off), for tests that must hold in each.
#pragma once

#include <gtest/gtest.h>

#include <ostream>
#include <string>

#include "wasm/engine.h"

namespace midimon::test {

struct NamedConfig {
  const char* name;
  bool fuel;
  bool deadline;
  bool jit = false;  // machine code (EngineConfig::jit) instead of the interpreter
  wasm::EngineConfig engine() const {
    wasm::EngineConfig c;
    c.fuel_metering = fuel;
    c.deadline_checks = deadline;
    c.jit = jit;
    return c;
  }
};
inline void PrintTo(const NamedConfig& c, std::ostream* os) { *os << c.name; }

inline constexpr NamedConfig kAllConfigs[] = {
    {"plain", false, false}, {"fuel", true, false}, {"deadline", false, true}, {"fuel_deadline", true, true}};
// The same four with machine code (jit.h), whose code differs in each as well.
inline constexpr NamedConfig kJitConfigs[] = {{"jit_plain", false, false, true},
                                              {"jit_fuel", true, false, true},
                                              {"jit_deadline", false, true, true},
                                              {"jit_fuel_deadline", true, true, true}};

// For fuel tests parameterised by an int 0..3: bit 0 deadline checks too, bit 1 lazy
// compilation (FuelForward, FuelDefer, FuelRefill).
inline wasm::EngineConfig fuel_config(int param) {
  wasm::EngineConfig c;
  c.fuel_metering = true;
  c.deadline_checks = (param & 1) != 0;
  c.lazy_compilation = (param & 2) != 0;
  return c;
}
inline std::string fuel_config_name(const ::testing::TestParamInfo<int>& p) {
  return std::string(p.param & 1 ? "deadline" : "fuel_only") + (p.param & 2 ? "_lazy" : "_eager");
}

}  // namespace midimon::test
