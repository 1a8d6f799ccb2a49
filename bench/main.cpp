// midimon_bench: runs every kernel natively, on midimon's engine (plain, with fuel
// metering and with deadline checks) and (when `node` is on PATH) on V8, checks that all
// runners agree on each checksum, and prints a table of best-of-N times and ratios to
// native with geometric means, then the cost of the limits over the plain engine.
// Exit code: 0 on success, 1 if any runner failed or disagreed, 2 on bad usage.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "engine_runner.h"
#include "kernels.h"
#include "node_baseline.h"
#include "report.h"

namespace {

using namespace midimon::bench;

double best(const std::vector<double>& ms) { return *std::min_element(ms.begin(), ms.end()); }

Timing run_native(const Kernel& k, int n, int repeat) {
  Timing t;
  for (int i = 0; i < repeat; ++i) {
    auto start = std::chrono::steady_clock::now();
    t.checksum = k.native(n);
    auto end = std::chrono::steady_clock::now();
    t.ms.push_back(std::chrono::duration<double, std::milli>(end - start).count());
  }
  t.ok = true;
  return t;
}

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) {
      auto colon = line.find(':');
      if (colon != std::string::npos) return line.substr(colon + 2);
    }
  }
  return "unknown";
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"midimon benchmark: native vs midimon's engine vs node (V8)"};
  std::vector<std::string> only;
  int repeat = 3;
  bool quick = false;
  bool no_node = false;
  std::string wasm_dir = MIDIMON_BENCH_WASM_DIR;
  std::string node_runner = MIDIMON_BENCH_NODE_RUNNER;
  app.add_option("--kernel,-k", only, "Run only these kernels (repeatable)");
  app.add_option("--repeat,-r", repeat, "Measurements per kernel and runner; the best counts")
      ->check(CLI::Range(1, 100));
  app.add_flag("--quick", quick, "Tiny problem sizes: a smoke test of agreement, not a measurement");
  app.add_flag("--no-node", no_node, "Skip the node (V8) baseline");
  bool jit = false;
  app.add_flag("--jit", jit,
               "Run the engine (plain, fuel and deadline) as the baseline compiler's machine code "
               "(EngineConfig::jit) instead of the interpreter");
  app.add_option("--wasm-dir", wasm_dir, "Directory with the kernels' .wasm files");
  app.add_option("--node-runner", node_runner, "Path of node_runner.mjs");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  }

  std::vector<Kernel> selected;
  std::set<std::string> known;
  for (const Kernel& k : all_kernels()) known.insert(k.name);
  for (const std::string& name : only) {
    if (!known.count(name)) {
      std::cerr << "unknown kernel \"" << name << "\"; kernels:";
      for (const auto& k : known) std::cerr << " " << k;
      std::cerr << "\n";
      return 2;
    }
  }
  for (const Kernel& k : all_kernels()) {
    if (only.empty() || std::find(only.begin(), only.end(), k.name) != only.end()) selected.push_back(k);
  }

  std::string node = no_node ? "" : find_node();
  std::cout << "machine: " << cpu_model() << ", " << std::thread::hardware_concurrency()
            << " hardware threads\n";
  std::cout << "native: clang-14 -O2 (x86-64); wasm: clang-14 --target=wasm32 -O2 -nostdlib; best of "
            << repeat << (quick ? "; QUICK sizes (not a measurement)" : "") << "\n";
  if (jit) std::cout << "engine: the baseline compiler's machine code (--jit), in every mode\n";
  std::cout << "node: " << (node.empty() ? (no_node ? "skipped (--no-node)" : "not found on PATH") : node)
            << "\n\n";

  std::vector<Row> rows;
  std::vector<NodeJob> node_jobs;
  std::map<std::string, int> native_checksums;
  bool failed = false;
  for (const Kernel& k : selected) {
    const int n = quick ? k.quick_n : k.n;
    const std::string wasm_file = wasm_dir + "/" + k.name + ".wasm";
    std::cerr << "running " << k.name << " (n=" << n << ")...\n";
    Timing native = run_native(k, n, repeat);
    const LimitTimings modes = run_limit_modes(wasm_file, n, repeat, jit);
    const Timing& engine = modes.plain;
    Row row;
    row.kernel = k.name;
    row.n = n;
    row.native_ms = best(native.ms);
    native_checksums[k.name] = native.checksum;
    if (!engine.ok) {
      row.note = "engine failed: " + engine.error;
      failed = true;
    } else if (engine.checksum != native.checksum) {
      row.note = "CHECKSUM MISMATCH: native " + std::to_string(native.checksum) + ", engine " +
                 std::to_string(engine.checksum);
      failed = true;
    } else {
      row.engine_ms = best(engine.ms);
    }
    // The limit modes must compute the same checksum as the plain engine.
    for (const auto& [label, t, slot] : {std::tuple{"fuel", &modes.fuel, &row.fuel_ms},
                                         std::tuple{"deadline", &modes.deadline, &row.deadline_ms}}) {
      if (!t->ok) {
        row.note += std::string(row.note.empty() ? "" : "; ") + label + " mode failed: " + t->error;
        failed = true;
      } else if (t->checksum != native.checksum) {
        row.note += std::string(row.note.empty() ? "" : "; ") + label + " mode CHECKSUM MISMATCH";
        failed = true;
      } else {
        *slot = best(t->ms);
      }
    }
    rows.push_back(row);
    node_jobs.push_back({k.name, wasm_file, n});
  }

  if (!node.empty()) {
    std::cerr << "running node...\n";
    auto results = run_on_node(node, node_runner, node_jobs, repeat);
    for (Row& row : rows) {
      const Timing& t = results[row.kernel];
      std::string note;
      if (!t.ok) {
        note = "node failed: " + t.error;
      } else if (t.checksum != native_checksums[row.kernel]) {
        note = "NODE CHECKSUM MISMATCH: native " + std::to_string(native_checksums[row.kernel]) +
               ", node " + std::to_string(t.checksum);
      } else {
        row.node_ms = best(t.ms);
      }
      if (!note.empty()) {
        failed = true;
        row.note += (row.note.empty() ? "" : "; ") + note;
      }
    }
  }

  print_table(rows, !node.empty(), std::cout);
  std::cout << "\nlimits: the engine with fuel metering (fuel never runs out) and with deadline checks "
               "(1 h timeout, watchdog armed), best of "
            << repeat << ", modes interleaved\n";
  print_limits_table(rows, std::cout);
  if (failed) {
    std::cout << "\nFAILED: at least one runner failed or disagreed with native (see the notes)\n";
    return 1;
  }
  std::cout << "\nall checksums agree\n";
  return 0;
}
