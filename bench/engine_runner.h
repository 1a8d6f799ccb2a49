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

}  // namespace midimon::bench
