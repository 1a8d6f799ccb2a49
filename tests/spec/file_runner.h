// Runs one .wast file end to end: convert with wast2json, parse, run (or, for SIMD
// files, only count), optionally in a child process so that a crash or a hang in the
// engine costs one file's result, not the whole report.
#pragma once

#include <filesystem>
#include <string>

#include "report.h"

namespace midimon::spec {

struct FileRunOptions {
  std::string wast2json;      // the tool
  bool isolate = true;        // run in a forked child
  unsigned timeout_s = 600;   // per file, isolated runs only; 0 = none
};

// SIMD scripts are counted but not run until the engine has SIMD.
bool is_simd_file(const std::filesystem::path& wast);
inline constexpr const char* kSimdSkipReason = "SIMD (v128) is not implemented yet";

FileResult run_file(const std::filesystem::path& wast, const FileRunOptions& opt);

}  // namespace midimon::spec
