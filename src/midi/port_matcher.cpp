// Device name matching (port_matcher.h).
#include "midi/port_matcher.h"

namespace midimon::midi {

const char* match_kind_name(MatchKind kind) {
  switch (kind) {
    case MatchKind::Exact: return "exact";
    case MatchKind::Substring: return "substring";
    case MatchKind::Regex: return "regex";
  }
  return "unknown";
}

std::optional<MatchKind> parse_match_kind(std::string_view text) {
  if (text == "exact") return MatchKind::Exact;
  if (text == "substring") return MatchKind::Substring;
  if (text == "regex") return MatchKind::Regex;
  return std::nullopt;
}

Result<PortMatcher> PortMatcher::make(std::string pattern, MatchKind kind) {
  if (pattern.empty()) return Error{"a device pattern must not be empty"};
  PortMatcher matcher(std::move(pattern), kind);
  if (kind == MatchKind::Regex) {
    try {
      matcher.regex_.emplace(matcher.pattern_, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      return Error{"invalid regular expression '" + matcher.pattern_ + "': " + e.what()};
    }
  }
  return matcher;
}

bool PortMatcher::matches(const std::string& port_name) const {
  switch (kind_) {
    case MatchKind::Exact: return port_name == pattern_;
    case MatchKind::Substring: return port_name.find(pattern_) != std::string::npos;
    case MatchKind::Regex: return std::regex_search(port_name, *regex_);
  }
  return false;
}

std::vector<const PortInfo*> PortMatcher::find(const std::vector<PortInfo>& ports) const {
  std::vector<const PortInfo*> out;
  for (const PortInfo& p : ports) {
    if (matches(p.name)) out.push_back(&p);
  }
  return out;
}

std::string PortMatcher::describe() const {
  return std::string(match_kind_name(kind_)) + " '" + pattern_ + "'";
}

}  // namespace midimon::midi
