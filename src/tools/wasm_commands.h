// The `midimon wasm ...` commands as library functions: they take parsed arguments,
// write to the given streams and return the process exit code, so tests can call them
// without spawning the CLI.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "wasi/wasi.h"

namespace midimon::tools {

enum ExitCode : int {
  kExitOk = 0,
  kExitTrap = 1,     // the module trapped (stderr: "trap: <message>")
  kExitInvalid = 2,  // unreadable, malformed, invalid or unlinkable module, or bad usage
};

struct RunOptions {
  std::string file;
  std::string invoke;              // exported function to call; empty: WASI `_start`
  std::vector<std::string> args;   // --invoke: parsed by the parameter types; else argv[1..]
  // Sandbox limits (docs/limits.md). Each instruments the engine only when given.
  std::optional<uint64_t> fuel;        // --fuel N
  std::optional<uint64_t> timeout_ms;  // --timeout-ms MS (per call)
  std::optional<uint64_t> max_memory;  // --max-memory BYTES (per memory)
  std::vector<std::string> dirs;       // --dir HOST[::GUEST][:ro]
  std::vector<std::string> env;        // --env KEY=VALUE
  bool jit = true;                     // the baseline compiler (EngineConfig::jit); --interpret: off
  // Reproducible runs (WasiConfig::realtime_start_ns, random_seed).
  std::optional<uint64_t> clock_start_s;  // --clock-start SECONDS since the epoch
  std::optional<uint64_t> random_seed;    // --random-seed N
  // What the guest is told its stdout and stderr are (the CLI: what its own fds 1 and 2
  // are, so a guest that checks isatty() behaves as it would natively).
  wasi::StdioType stdout_type = wasi::StdioType::Terminal;
  wasi::StdioType stderr_type = wasi::StdioType::Terminal;
};

// Compiles the module and instantiates it with the WASI host (stdout/stderr of the
// guest go to `out`/`err`). Without `invoke` runs `_start` as a WASI command: the exit
// code is the guest's. With `invoke` calls that export and prints each result as
// `TYPE:VALUE` on its own line. Traps: "trap: <message>" on `err`, kExitTrap.
int run_wasm(const RunOptions& options, std::ostream& out, std::ostream& err);

// Reads and validates the module; prints "FILE: valid".
int validate_wasm(const std::string& file, std::ostream& out, std::ostream& err);

// Prints the module's structure (see module_summary.h), then whether it validates.
int inspect_wasm(const std::string& file, std::ostream& out, std::ostream& err);

}  // namespace midimon::tools
