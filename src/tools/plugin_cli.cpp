// `midimon plugin ...`: placeholder until the plugin command group lands (adds nothing).
#include "tools/command_group.h"

namespace midimon::tools {

void add_plugin_commands(CLI::App& /*app*/, Commands& /*commands*/) {}

}  // namespace midimon::tools
