#include "daemon/app_profiles.h"

#include <regex>

namespace midimon::daemon {
namespace {

bool pattern_matches(const std::string& pattern, mapping::DeviceMatch match,
                     const std::string& text) {
  switch (match) {
    case mapping::DeviceMatch::Exact:
      return text == pattern;
    case mapping::DeviceMatch::Substring:
      return !text.empty() && text.find(pattern) != std::string::npos;
    case mapping::DeviceMatch::Regex:
      try {
        // The loader has compiled every pattern once already, so this cannot throw for a
        // loaded config; the catch keeps a hand-made profile from taking the daemon down.
        return std::regex_search(text, std::regex(pattern, std::regex::ECMAScript));
      } catch (const std::regex_error&) {
        return false;
      }
  }
  return false;
}

}  // namespace

std::optional<std::size_t> match_app_profile(const std::vector<mapping::AppProfile>& profiles,
                                             const FocusInfo& focus) {
  for (std::size_t i = 0; i < profiles.size(); ++i) {
    const mapping::AppProfile& p = profiles[i];
    if (p.window_class.empty() && p.title.empty()) continue;
    if (!p.window_class.empty() && !pattern_matches(p.window_class, p.match, focus.window_class) &&
        !pattern_matches(p.window_class, p.match, focus.instance)) {
      continue;
    }
    if (!p.title.empty() && !pattern_matches(p.title, p.match, focus.title)) continue;
    return i;
  }
  return std::nullopt;
}

std::optional<std::size_t> AppProfileSwitcher::on_focus(
    const std::vector<mapping::AppProfile>& profiles, const FocusInfo& focus) {
  std::optional<std::size_t> profile = match_app_profile(profiles, focus);
  if (!profile) {
    last_profile_.reset();
    return std::nullopt;
  }
  if (last_profile_ == profile) return std::nullopt;
  last_profile_ = profile;
  return profiles[*profile].mode_index;
}

}  // namespace midimon::daemon
