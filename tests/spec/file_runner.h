// Runs one .wast file end to end: convert with wast2json, parse, run, optionally in a
// child process so that a crash or a hang in the engine costs one file's result, not
// the whole report.
#pragma once

#include <filesystem>
#include <string>

#include "report.h"

namespace midimon::spec {

struct FileRunOptions {
  std::string wast2json;      // the tool
  bool isolate = true;        // run in a forked child
  unsigned timeout_s = 600;   // per file, isolated runs only; 0 = none
  // Compile every function when a module loads (EngineConfig::lazy_compilation off), so
  // the compiler sees all of them, called or not; default: each on its first call.
  bool eager_compile = false;
  // Sandbox instrumentation on (EngineConfig::fuel_metering / deadline_checks), with
  // fuel and time that never run out: results must not change.
  bool fuel = false;
  bool deadline = false;
  // The baseline compiler on (EngineConfig::jit): translated functions run as machine
  // code; results must not change.
  bool jit = false;
};

// The SIMD scripts (simd_*.wast), for --simd-only.
bool is_simd_file(const std::filesystem::path& wast);

FileResult run_file(const std::filesystem::path& wast, const FileRunOptions& opt);

}  // namespace midimon::spec
