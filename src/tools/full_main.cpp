// midimon-full: every command of midimon (the daemon, MIDI, plugins, config, the engine).
// `midimon` runs `midimon wasm ...` itself and hands every other command line to this
// program (main.cpp). Parses arguments and runs the parsed command; every command group
// registers itself (command_group.h).
#include "tools/command_group.h"
#include "tools/command_line.h"

int main(int argc, char** argv) {
  using namespace midimon::tools;
  return run_command_line(argc, argv,
                          {add_wasm_commands, add_plugin_commands, add_midi_commands,
                           add_config_commands, add_monitor_commands, add_daemon_commands});
}
