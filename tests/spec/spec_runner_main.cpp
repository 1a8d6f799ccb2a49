// spec_runner: runs the WebAssembly spec suite (or chosen files of it) against the
// engine and prints a per-file table, the failures and the totals.
//
//   spec_runner [--suite DIR] [--allow-missing] [--verbose] [FILE.wast or name ...]
//
// Exit status: 0 all passed (or the --expect-* totals matched), 1 failures or a total
// mismatch, 2 usage error or suite missing, 77 suite missing and skipping was asked for.
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "file_runner.h"
#include "report.h"

#ifndef MIDIMON_WAST2JSON
#define MIDIMON_WAST2JSON "wast2json"
#endif
#ifndef MIDIMON_DEFAULT_WASM_TESTSUITE
#define MIDIMON_DEFAULT_WASM_TESTSUITE "../shared/wasm-testsuite"
#endif

namespace fs = std::filesystem;
using namespace midimon::spec;

namespace {

constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;
constexpr int kExitSkipped = 77;  // CTest SKIP_RETURN_CODE

struct Options {
  std::string suite;
  std::string suite_source;  // how the suite directory was chosen, for messages
  bool allow_missing = false;
  bool simd_only = false;
  ReportOptions report;
  FileRunOptions run;
  std::optional<size_t> expect_passed, expect_failed, expect_na, expect_skipped;
  std::vector<std::string> files;
};

void usage(std::FILE* out) {
  std::fprintf(out,
      "usage: spec_runner [options] [FILE.wast or name ...]\n"
      "Runs WebAssembly spec scripts against the engine (no files: the whole suite).\n"
      "  --suite DIR          the suite directory (default: $MIDIMON_WASM_TESTSUITE, else\n"
      "                       %s)\n"
      "  --allow-missing      if the suite is missing, report SKIPPED (exit 77) instead of\n"
      "                       failing; MIDIMON_SKIP_SPEC=1 does the same\n"
      "  --simd-only          only the simd_*.wast files\n"
      "  --verbose, -v        all failures, plus n/a commands and notes\n"
      "  --eager-compile      compile every function at load (default: each on its\n"
      "                       first call, as EngineConfig::lazy_compilation)\n"
      "  --fuel, --deadline   fuel metering / deadline checks on, never running out\n"
      "                       (the results must be the same)\n"
      "  --jit                the baseline compiler on (EngineConfig::jit): functions it\n"
      "                       translates run as x86-64 code (the results must be the same)\n"
      "  --max-failures N     failures shown per file (default 20)\n"
      "  --expect-passed N    exit 0 only if the totals match these numbers\n"
      "  --expect-failed N    (alias --expect-failures; default 0)\n"
      "  --expect-na N\n"
      "  --expect-skipped N\n"
      "  --no-isolate         run files in this process (for debuggers)\n"
      "  --timeout S          per-file time limit in isolated runs (default 600, 0 = none)\n"
      "  --wast2json PATH     the converter (default %s)\n",
      MIDIMON_DEFAULT_WASM_TESTSUITE, MIDIMON_WAST2JSON);
}

bool parse_count(const char* s, size_t* out) {
  char* end = nullptr;
  errno = 0;
  unsigned long long v = std::strtoull(s, &end, 10);
  if (errno || !end || *end || !*s) return false;
  *out = static_cast<size_t>(v);
  return true;
}

// Returns -1 to continue, or an exit status.
int parse_args(int argc, char** argv, Options* o) {
  o->run.wast2json = MIDIMON_WAST2JSON;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto need = [&](const char* what) -> const char* {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "spec_runner: %s needs %s\n", a.c_str(), what);
        return nullptr;
      }
      return argv[++i];
    };
    auto count = [&](std::optional<size_t>* dst) -> bool {
      const char* v = need("a number");
      size_t n;
      if (!v || !parse_count(v, &n)) {
        if (v) std::fprintf(stderr, "spec_runner: %s: '%s' is not a number\n", a.c_str(), v);
        return false;
      }
      *dst = n;
      return true;
    };
    if (a == "--help" || a == "-h") {
      usage(stdout);
      return 0;
    } else if (a == "--suite") {
      const char* v = need("a directory");
      if (!v) return kExitUsage;
      o->suite = v;
      o->suite_source = "--suite";
    } else if (a == "--allow-missing") {
      o->allow_missing = true;
    } else if (a == "--simd-only") {
      o->simd_only = true;
    } else if (a == "--verbose" || a == "-v") {
      o->report.verbose = true;
    } else if (a == "--no-isolate") {
      o->run.isolate = false;
    } else if (a == "--eager-compile") {
      o->run.eager_compile = true;
    } else if (a == "--fuel") {
      o->run.fuel = true;
    } else if (a == "--deadline") {
      o->run.deadline = true;
    } else if (a == "--jit") {
      o->run.jit = true;
    } else if (a == "--max-failures" || a == "--timeout") {
      std::optional<size_t> n;
      if (!count(&n)) return kExitUsage;
      if (a == "--timeout") o->run.timeout_s = static_cast<unsigned>(*n);
      else o->report.max_failures_per_file = *n;
    } else if (a == "--expect-passed") {
      if (!count(&o->expect_passed)) return kExitUsage;
    } else if (a == "--expect-failed" || a == "--expect-failures") {
      if (!count(&o->expect_failed)) return kExitUsage;
    } else if (a == "--expect-na") {
      if (!count(&o->expect_na)) return kExitUsage;
    } else if (a == "--expect-skipped") {
      if (!count(&o->expect_skipped)) return kExitUsage;
    } else if (a == "--wast2json") {
      const char* v = need("a path");
      if (!v) return kExitUsage;
      o->run.wast2json = v;
    } else if (a.size() > 1 && a[0] == '-') {
      std::fprintf(stderr, "spec_runner: unknown option %s\n", a.c_str());
      usage(stderr);
      return kExitUsage;
    } else {
      o->files.push_back(a);
    }
  }
  if (o->suite.empty()) {
    if (const char* env = std::getenv("MIDIMON_WASM_TESTSUITE"); env && *env) {
      o->suite = env;
      o->suite_source = "$MIDIMON_WASM_TESTSUITE";
    } else {
      o->suite = MIDIMON_DEFAULT_WASM_TESTSUITE;
      o->suite_source = "the built-in default";
    }
  }
  return -1;
}

bool skip_requested(const Options& o) {
  const char* env = std::getenv("MIDIMON_SKIP_SPEC");
  return o.allow_missing || (env && std::strcmp(env, "1") == 0);
}

int suite_missing(const Options& o) {
  if (skip_requested(o)) {
    std::printf(
        "\n"
        "************************************************************************\n"
        "*  SKIPPED: the WebAssembly spec suite was NOT run.                    *\n"
        "************************************************************************\n"
        "  No suite at %s (from %s).\n"
        "  Skipping because %s. Nothing was tested.\n\n",
        o.suite.c_str(), o.suite_source.c_str(),
        o.allow_missing ? "--allow-missing was given" : "MIDIMON_SKIP_SPEC=1 is set");
    return kExitSkipped;
  }
  std::fprintf(stderr,
      "\nspec_runner: ERROR: the WebAssembly spec suite is missing.\n"
      "  Looked in: %s (from %s)\n"
      "  Set MIDIMON_WASM_TESTSUITE=/path/to/wasm-testsuite (the directory with the\n"
      "  *.wast files) or pass --suite DIR. To skip the spec tests on purpose, set\n"
      "  MIDIMON_SKIP_SPEC=1 or pass --allow-missing.\n\n",
      o.suite.c_str(), o.suite_source.c_str());
  return kExitUsage;
}

std::vector<fs::path> suite_files(const fs::path& dir, bool simd_only) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (!e.is_regular_file() || e.path().extension() != ".wast") continue;
    if (simd_only && !is_simd_file(e.path())) continue;
    out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

bool check(const char* what, const std::optional<size_t>& expected, size_t actual, bool* ok) {
  if (!expected) return false;
  if (*expected != actual) {
    std::printf("MISMATCH: expected %zu %s, got %zu\n", *expected, what, actual);
    *ok = false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (int rc = parse_args(argc, argv, &o); rc >= 0) return rc;

  // Resolve files: an existing path is used as is, anything else names a suite file.
  std::vector<fs::path> files;
  bool needs_suite = o.files.empty();
  for (const auto& f : o.files) {
    fs::path p(f);
    if (f.find('/') != std::string::npos || fs::exists(p)) {
      files.push_back(p);
    } else {
      needs_suite = true;
      if (p.extension() != ".wast") p += ".wast";
      files.push_back(fs::path(o.suite) / p);
    }
  }
  if (needs_suite && !fs::is_directory(o.suite)) return suite_missing(o);
  if (o.files.empty()) {
    files = suite_files(o.suite, o.simd_only);
    if (files.empty()) {
      std::fprintf(stderr, "spec_runner: ERROR: no %s*.wast files in %s (from %s).\n",
                   o.simd_only ? "simd_" : "", o.suite.c_str(), o.suite_source.c_str());
      return kExitFailed;
    }
  }

  std::vector<FileResult> results;
  Totals totals;
  for (const auto& f : files) {
    results.push_back(run_file(f, o.run));
    totals.add(results.back());
    print_failures(stdout, results.back(), o.report);
    std::fflush(stdout);
  }
  std::printf("\n");
  print_table(stdout, results, totals);
  print_summary(stdout, results, totals, o.report);

  bool ok = true;
  bool any = false;
  any |= check("passed", o.expect_passed, totals.passed, &ok);
  any |= check("not applicable", o.expect_na, totals.na, &ok);
  any |= check("skipped", o.expect_skipped, totals.skipped, &ok);
  // Failures are always checked: against --expect-failed, else against zero.
  const size_t want_failed = o.expect_failed.value_or(0);
  if (totals.failed != want_failed) {
    if (any || o.expect_failed) std::printf("MISMATCH: expected %zu failed, got %zu\n", want_failed, totals.failed);
    ok = false;
  }
  std::printf("%s\n", ok ? "RESULT: OK" : "RESULT: FAILED");
  return ok ? 0 : kExitFailed;
}
