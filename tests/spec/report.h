// Results of running spec scripts, and the report printed from them: a table per file
// (passed / failed / n/a / skipped), a total line, and the failures, capped per file.
#pragma once

#include <cstddef>
#include <cstdio>
#include <string>
#include <vector>

namespace midimon::spec {

// One command worth mentioning: a failure, a not-applicable command, or a note (passed,
// but the engine's error text or stage differs from what the script names).
struct CommandNote {
  int line = 0;
  std::string kind;     // "assert_return", ...
  std::string message;  // what differed, or why it does not apply
};

struct FileResult {
  std::string name;  // file name without directory, e.g. "i32.wast"
  size_t passed = 0;
  size_t failed = 0;
  size_t na = 0;       // not applicable: text-format assert_malformed
  size_t skipped = 0;  // whole file not run (SIMD), counted from its commands
  std::string skip_reason;
  std::vector<CommandNote> failures;
  std::vector<CommandNote> not_applicable;
  std::vector<CommandNote> notes;
  // A failure of the file as a whole (conversion, crash, timeout), also in `failures`.
  std::string fatal;

  size_t total() const { return passed + failed + na + skipped; }
};

struct Totals {
  size_t files = 0;
  size_t passed = 0, failed = 0, na = 0, skipped = 0;
  size_t notes = 0;
  void add(const FileResult& r);
};

struct ReportOptions {
  bool verbose = false;          // list n/a commands and notes too, uncapped
  size_t max_failures_per_file = 20;
};

// Serialisation, so a file can run in a child process and report back through a pipe.
std::string to_json(const FileResult& r);
bool from_json(const std::string& text, FileResult* out);

void print_failures(std::FILE* out, const FileResult& r, const ReportOptions& opt);
void print_table(std::FILE* out, const std::vector<FileResult>& results, const Totals& totals);
void print_summary(std::FILE* out, const std::vector<FileResult>& results, const Totals& totals,
                   const ReportOptions& opt);

}  // namespace midimon::spec
