// `midimon config ...`: placeholder until the config command group lands (adds nothing).
#include "tools/command_group.h"

namespace midimon::tools {

void add_config_commands(CLI::App& /*app*/, Commands& /*commands*/) {}

}  // namespace midimon::tools
