// Every action a config holds — in the modes' mappings, their on_enter lists and the
// global mappings, nested ones (Sequence, Repeat, Conditional) included — for the parts
// of the daemon that ask "which plugins / which MIDI outputs does this config name?".
#pragma once

#include <functional>

#include "mapping/config_model.h"

namespace midimon::daemon {

// Calls `visit` for each action, a container before what it contains, in file order
// (mode by mode: mappings, then on_enter; then the global mappings).
void for_each_action(const mapping::Config& config, const std::function<void(const mapping::Action&)>& visit);

}  // namespace midimon::daemon
