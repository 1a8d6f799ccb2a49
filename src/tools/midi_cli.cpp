// `midimon midi ...`: placeholder until the midi command group lands (adds nothing).
#include "tools/command_group.h"

namespace midimon::tools {

void add_midi_commands(CLI::App& /*app*/, Commands& /*commands*/) {}

}  // namespace midimon::tools
