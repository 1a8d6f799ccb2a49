// What the MIDI parsers of a config's inputs must assemble for its triggers to match:
// a `fourteen_bit = true` CC trigger only ever sees 14-bit messages (its MSB controller
// paired with MSB + 32), and the parser pairs only the controllers it is told to.
#pragma once

#include "mapping/config_model.h"
#include "midi/parser.h"

namespace midimon::mapping {

// Pairs every 14-bit CC trigger's controller, on its channel (on every channel when the
// trigger names none), over every mode and the global mappings. The rest of the options
// keep their defaults.
midi::ParserOptions parser_options_from_config(const Config& config);

}  // namespace midimon::mapping
