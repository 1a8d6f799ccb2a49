// The `midimon wasm ...` commands as library functions: they take parsed arguments,
// write to the given streams and return the process exit code, so tests can call them
// without spawning the CLI.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace midimon::tools {

enum ExitCode : int {
  kExitOk = 0,
  kExitTrap = 1,     // the module trapped (stderr: "trap: <message>")
  kExitInvalid = 2,  // unreadable, malformed, invalid or unlinkable module, or bad usage
};

struct RunOptions {
  std::string file;
  std::string invoke;              // exported function to call
  std::vector<std::string> args;   // parsed by the function's parameter types
};

// Compiles and instantiates the module, calls `invoke` and prints each result as
// `TYPE:VALUE` on its own line.
int run_wasm(const RunOptions& options, std::ostream& out, std::ostream& err);

// Reads and validates the module; prints "FILE: valid".
int validate_wasm(const std::string& file, std::ostream& out, std::ostream& err);

// Prints the module's structure (see module_summary.h), then whether it validates.
int inspect_wasm(const std::string& file, std::ostream& out, std::ostream& err);

}  // namespace midimon::tools
