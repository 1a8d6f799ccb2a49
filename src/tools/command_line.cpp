#include "tools/command_line.h"

#include <CLI/CLI.hpp>

#include "tools/wasm_commands.h"  // the exit codes

namespace midimon::tools {

int run_command_line(int argc, char** argv, std::initializer_list<AddGroup> groups) {
  CLI::App app{"midimon: MIDI controllers as programmable control surfaces"};
  app.require_subcommand(1);

  Commands commands;
  for (AddGroup add : groups) add(app, commands);

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

}  // namespace midimon::tools
