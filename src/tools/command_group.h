// How the midimon CLI is put together: each command group (wasm, plugin, midi,
// config, ...) adds its subcommands to the app in its own file and registers what to
// run when one of them is parsed. main() only parses and dispatches.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <vector>

namespace midimon::tools {

struct Command {
  CLI::App* app;              // the (sub)command that was parsed
  std::function<int()> run;   // returns the process exit code
};
using Commands = std::vector<Command>;

// One declaration per command group; each lives in <group>_cli.cpp. Option values must
// outlive parsing: groups keep them in objects captured by their run functions.
void add_wasm_commands(CLI::App& app, Commands& commands);
// `wasm` with only one of its commands: `midimon` uses it when the command line names
// that command right after `wasm` (main.cpp).
enum class WasmCommand { All, Run, Validate, Inspect };
void add_wasm_command(CLI::App& app, Commands& commands, WasmCommand which);
void add_plugin_commands(CLI::App& app, Commands& commands);
void add_midi_commands(CLI::App& app, Commands& commands);
void add_config_commands(CLI::App& app, Commands& commands);
void add_monitor_commands(CLI::App& app, Commands& commands);  // monitor, learn
void add_daemon_commands(CLI::App& app, Commands& commands);   // run, demo

}  // namespace midimon::tools
