// midimon: the command-line front end. Parses arguments and runs the parsed command;
// every command group registers itself (command_group.h).
#include <CLI/CLI.hpp>

#include "tools/command_group.h"
#include "tools/wasm_commands.h"

int main(int argc, char** argv) {
  using namespace midimon::tools;

  CLI::App app{"midimon: MIDI controllers as programmable control surfaces"};
  app.require_subcommand(1);

  Commands commands;
  add_wasm_commands(app, commands);
  add_plugin_commands(app, commands);
  add_midi_commands(app, commands);
  add_config_commands(app, commands);
  add_monitor_commands(app, commands);
  add_daemon_commands(app, commands);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // Bad usage is exit code 2, whatever CLI11's own code for the error would be.
    app.exit(e);
    return kExitInvalid;
  }

  for (const Command& command : commands) {
    if (command.app->parsed()) return command.run();
  }
  return kExitInvalid;
}
