// midimon: the command-line front end.
//
// `midimon wasm ...` (run, validate, inspect a module) is parsed and run here, in a
// program that links only the engine and the WASI host: starting it costs about what an
// empty process costs, where loading the libraries the daemon needs (libcurl and its TLS
// and Kerberos stack, X11, JACK, systemd, ...) cost milliseconds before main() even ran
// (docs/performance.md, "Process start"). Every other command line goes unchanged to
// midimon-full, the program with all commands, which must sit in the same directory: this
// process becomes it (execv: same process id, arguments and environment).
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

#include "tools/command_group.h"
#include "tools/command_line.h"
#include "tools/wasm_commands.h"

namespace {

// The directory of this program's executable (symlinks resolved), with a final '/'.
std::string own_directory() {
  char buf[4096];
  const ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return "";
  const std::string path(buf, static_cast<size_t>(n));
  return path.substr(0, path.rfind('/') + 1);
}

int run_full(char** argv) {
  const std::string full = own_directory() + "midimon-full";
  execv(full.c_str(), argv);
  std::fprintf(stderr, "midimon: cannot run %s: %s\n", full.c_str(), std::strerror(errno));
  return midimon::tools::kExitInvalid;
}

// The `wasm` command group for a command line `midimon wasm NAME ...`. When NAME is one of
// the group's commands, only that one is registered: `wasm` and the program each take one
// subcommand (require_subcommand(1)), so once CLI11 has read `wasm NAME` no later word can
// select another, and the other commands' apps and options would be built for nothing
// (48,000 instructions, 13 % of `midimon wasm run` of a trivial module; docs/performance.md,
// "Process start"). Anything else (`midimon wasm`, `midimon wasm --help`, a misspelt
// command) gets the whole group, so help and errors are unchanged.
midimon::tools::AddGroup wasm_group(int argc, char** argv) {
  using namespace midimon::tools;
  const std::string_view name = argc > 2 ? argv[2] : "";
  if (name == "run") {
    return [](CLI::App& app, Commands& commands) { add_wasm_command(app, commands, WasmCommand::Run); };
  }
  if (name == "validate") {
    return [](CLI::App& app, Commands& commands) { add_wasm_command(app, commands, WasmCommand::Validate); };
  }
  if (name == "inspect") {
    return [](CLI::App& app, Commands& commands) { add_wasm_command(app, commands, WasmCommand::Inspect); };
  }
  return add_wasm_commands;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace midimon::tools;
  if (argc > 1 && std::string_view(argv[1]) == "wasm") {
    run_command_line_and_exit(argc, argv, {wasm_group(argc, argv)});
  }
  return run_full(argv);
}
