#include "tools/command_line.h"

#include <CLI/CLI.hpp>

#include <cstdlib>

#include "tools/wasm_commands.h"  // the exit codes

namespace midimon::tools {
namespace {

int parse_and_run(CLI::App& app, const Commands& commands, int argc, char** argv) {
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

int run(int argc, char** argv, std::initializer_list<AddGroup> groups, bool exit_here) {
  CLI::App app{"midimon: MIDI controllers as programmable control surfaces"};
  app.require_subcommand(1);

  Commands commands;
  for (AddGroup add : groups) add(app, commands);

  const int code = parse_and_run(app, commands, argc, argv);
  // Ends the process with app and commands still alive: their destructors only free memory.
  if (exit_here) std::exit(code);
  return code;
}

}  // namespace

int run_command_line(int argc, char** argv, std::initializer_list<AddGroup> groups) {
  return run(argc, argv, groups, false);
}

void run_command_line_and_exit(int argc, char** argv, std::initializer_list<AddGroup> groups) {
  run(argc, argv, groups, true);
  std::abort();  // not reached
}

}  // namespace midimon::tools
