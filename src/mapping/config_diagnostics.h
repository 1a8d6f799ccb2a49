// Errors and warnings found while loading a config, each with the place it names.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "mapping/config_model.h"

namespace midimon::mapping {

struct Diagnostic {
  SourceLocation where;
  std::string message;  // one sentence, no location prefix
  // "file:line:column: message"
  std::string to_string() const;
};

// Collects every error and warning of one load, in source order once sorted.
class Diagnostics {
 public:
  void error(SourceLocation where, std::string message);
  void warning(SourceLocation where, std::string message);
  bool has_errors() const { return !errors_.empty(); }
  // Sorts both lists by (line, column); stable, so equal places keep their order.
  void sort();
  std::vector<Diagnostic>& errors() { return errors_; }
  std::vector<Diagnostic>& warnings() { return warnings_; }

 private:
  std::vector<Diagnostic> errors_;
  std::vector<Diagnostic> warnings_;
};

// The candidate closest to `word` by edit distance when it is close enough to be a
// likely typo (case differences count as small), else an empty string.
std::string closest_match(std::string_view word, const std::vector<std::string_view>& candidates);

// " (did you mean 'x'?)" or "" — ready to append to a sentence.
std::string did_you_mean(std::string_view word, const std::vector<std::string_view>& candidates);

}  // namespace midimon::mapping
