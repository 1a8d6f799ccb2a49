// Runs the commands of one converted script against the engine: one Engine and one
// Store per script (as the reference interpreter does), a Linker holding `spectest` and
// every registered instance, and each command checked and counted on its own.
#pragma once

#include <atomic>
#include <cstdint>

#include "report.h"
#include "wast_script.h"

namespace midimon::spec {

// Live progress, written before each command so a parent process can say where a child
// died (it lives in memory shared with the parent).
struct Progress {
  std::atomic<int> line{0};
  std::atomic<int> kind{0};  // CommandKind of the command being run
  std::atomic<uint32_t> total{0};
  std::atomic<uint32_t> done{0};
  std::atomic<uint32_t> passed{0};
  std::atomic<uint32_t> failed{0};
  std::atomic<uint32_t> na{0};
};

// Runs every command of `script`, adding to `result`. `progress` may be null.
// `eager_compile`: EngineConfig::lazy_compilation off (every function compiled at load).
// `fuel` / `deadline`: the sandbox instrumentation on, with limits never reached.
// `jit`: the baseline compiler on (EngineConfig::jit).
void run_script(const Script& script, FileResult* result, Progress* progress,
                bool eager_compile = false, bool fuel = false, bool deadline = false,
                bool jit = false);

}  // namespace midimon::spec
