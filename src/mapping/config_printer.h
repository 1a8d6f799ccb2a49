// Printing the normalised config as TOML: what midimon understood, with every default
// and alias resolved (`midimon validate --print`). The output loads back into an equal
// Config; derived facts a user may want to check (a Shell command's argv, the velocity
// range a level means) are printed as comments.
#pragma once

#include <string>

#include "mapping/config_model.h"

namespace midimon::mapping {

std::string print_config(const Config& config);

// One trigger / action as an inline TOML table ("{ type = "Note", note = 36, ... }").
std::string print_trigger(const Trigger& trigger);
std::string print_action(const Action& action);

// `text` as a TOML basic string, quotes included.
std::string toml_quote(std::string_view text);

}  // namespace midimon::mapping
