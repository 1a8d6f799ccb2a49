// The V8 baseline: spawns `node bench/node_runner.mjs` once for all selected kernels and
// reads its JSON answer back.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "engine_runner.h"

namespace midimon::bench {

struct NodeJob {
  std::string name;
  std::string wasm_file;
  int n = 0;
};

// The full path of `node` on PATH, or "" when there is none.
std::string find_node();

// Runs every job in one node process; the map is keyed by kernel name. On failure of the
// whole run (node crashed, bad JSON) every job gets !ok and the reason.
std::map<std::string, Timing> run_on_node(const std::string& node, const std::string& runner_script,
                                          const std::vector<NodeJob>& jobs, int repeat);

}  // namespace midimon::bench
