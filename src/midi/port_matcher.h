// Which port a configured device means: its name matched exactly, as a substring, or by
// a regular expression (ECMAScript, searched anywhere in the name unless anchored). No
// fallback: a pattern that matches nothing matches nothing.
#pragma once

#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "midi/backend.h"
#include "midi/result.h"

namespace midimon::midi {

enum class MatchKind { Exact, Substring, Regex };

const char* match_kind_name(MatchKind kind);  // "exact", "substring", "regex"
std::optional<MatchKind> parse_match_kind(std::string_view text);

class PortMatcher {
 public:
  // Fails on an empty pattern or an invalid regular expression (the error says which).
  static Result<PortMatcher> make(std::string pattern, MatchKind kind);

  bool matches(const std::string& port_name) const;
  // Every match, in list order (the first is the one used).
  std::vector<const PortInfo*> find(const std::vector<PortInfo>& ports) const;
  const std::string& pattern() const { return pattern_; }
  MatchKind kind() const { return kind_; }
  std::string describe() const;  // "substring 'nanoKONTROL'"

 private:
  PortMatcher(std::string pattern, MatchKind kind) : pattern_(std::move(pattern)), kind_(kind) {}
  std::string pattern_;
  MatchKind kind_;
  std::optional<std::regex> regex_;
};

}  // namespace midimon::midi
