// Loading a midimon / MIDIMon TOML config into the normalised model (config_model.h).
//
// Strict: every unknown key, wrong type, out-of-range value, missing required key,
// duplicate mode name, reference to a mode that does not exist, bad key name and bad
// regex is reported — all of them, not just the first — each as
// "file:line:column: sentence". MIDIMon's spellings load as documented aliases
// (docs/config.md). Never throws.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mapping/config_diagnostics.h"
#include "mapping/config_model.h"

namespace midimon::mapping {

struct LoadResult {
  std::optional<Config> config;      // set exactly when errors is empty
  std::vector<Diagnostic> errors;    // in source order
  std::vector<Diagnostic> warnings;  // in source order; may be non-empty on success
  bool ok() const { return config.has_value(); }
};

// Reads and loads the file at `path` (its name in diagnostics is `path` as given).
LoadResult load_config(const std::string& path);

// Loads TOML text; `name` stands for the file in diagnostics.
LoadResult load_config_string(std::string_view text, const std::string& name);

}  // namespace midimon::mapping
