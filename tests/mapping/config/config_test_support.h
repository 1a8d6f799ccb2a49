// Helpers shared by the config tests.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <variant>

#include "mapping/config_loader.h"

namespace midimon::mapping::testing {

inline std::string data_path(const std::string& name) {
  return std::string(MAPPING_CONFIG_DATA_DIR) + "/" + name;
}

inline std::string all_errors(const LoadResult& r) {
  std::string out;
  for (const auto& e : r.errors) out += e.to_string() + "\n";
  return out;
}

inline LoadResult load(const std::string& text) { return load_config_string(text, "test.toml"); }

// Loads text that must be valid; fails the test with every error otherwise.
inline Config must_load(const std::string& text, LoadResult* full = nullptr) {
  LoadResult r = load(text);
  EXPECT_TRUE(r.ok()) << all_errors(r);
  if (full) *full = r;
  return r.config.value_or(Config{});
}

// A config with one mode "Default" holding one mapping with this trigger and action
// (inline TOML tables).
inline std::string one_mapping(const std::string& trigger, const std::string& action) {
  return "[[modes]]\nname = \"Default\"\n[[modes.mappings]]\ntrigger = " + trigger +
         "\naction = " + action + "\n";
}

inline const Mapping& first_mapping(const Config& c) {
  static const Mapping empty{};
  if (c.modes.empty() || c.modes[0].mappings.empty()) {
    ADD_FAILURE() << "the config has no mapping";
    return empty;
  }
  return c.modes[0].mappings[0];
}

template <class T>
const T& trigger_as(const Config& c) {
  static const T empty{};
  const Mapping& m = first_mapping(c);
  const T* t = std::get_if<T>(&m.trigger.kind);
  if (!t) {
    ADD_FAILURE() << "the trigger is a " << trigger_type_name(m.trigger.kind);
    return empty;
  }
  return *t;
}

template <class T>
const T& action_as(const Config& c) {
  static const T empty{};
  const Mapping& m = first_mapping(c);
  const T* a = std::get_if<T>(&m.action.kind);
  if (!a) {
    ADD_FAILURE() << "the action is a " << action_type_name(m.action.kind);
    return empty;
  }
  return *a;
}

}  // namespace midimon::mapping::testing
