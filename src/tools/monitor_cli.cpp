// `midimon monitor` and `midimon learn`: placeholder until they land (adds nothing).
#include "tools/command_group.h"

namespace midimon::tools {

void add_monitor_commands(CLI::App& /*app*/, Commands& /*commands*/) {}

}  // namespace midimon::tools
