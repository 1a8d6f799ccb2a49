// Runs a kernel's wasm32 build on midimon's engine and times `run(n)`.
#pragma once

#include <string>
#include <vector>

namespace midimon::bench {

struct Timing {
  bool ok = false;
  std::string error;       // when !ok: load error or trap message
  int checksum = 0;        // the last run's result
  std::vector<double> ms;  // one entry per repetition
};

// Compiles and instantiates `wasm_file` once, then times `run(n)` `repeat` times.
// Compilation and instantiation are not timed.
Timing run_on_engine(const std::string& wasm_file, int n, int repeat);

// The kernel three ways in one process: no limits; fuel metering on (with fuel that
// never runs out); deadline checks on (a one-hour timeout, so every call arms the
// watchdog). Each mode has its own engine, module and store; repetitions interleave
// the modes so drift in machine speed affects all three alike.
struct LimitTimings {
  Timing plain, fuel, deadline;
};
// `jit`: every mode runs the baseline compiler's machine code (EngineConfig::jit).
LimitTimings run_limit_modes(const std::string& wasm_file, int n, int repeat, bool jit = false);

}  // namespace midimon::bench
