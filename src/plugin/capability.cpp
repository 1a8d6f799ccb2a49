#include "plugin/capability.h"

#include <array>

namespace midimon::plugin {

namespace {
constexpr std::array<std::string_view, kCapabilityCount> kNames = {
    "network", "filesystem", "audio", "midi", "subprocess", "systemcontrol"};
constexpr std::array<std::string_view, kCapabilityCount> kRisks = {
    "medium", "high", "low", "low", "high", "medium"};
}  // namespace

std::string_view capability_name(Capability c) { return kNames[static_cast<size_t>(c)]; }
std::string_view capability_risk(Capability c) { return kRisks[static_cast<size_t>(c)]; }

std::optional<Capability> parse_capability(std::string_view name) {
  if (name == "system_control") return Capability::SystemControl;
  for (size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == name) return static_cast<Capability>(i);
  }
  return std::nullopt;
}

std::vector<Capability> CapabilitySet::list() const {
  std::vector<Capability> out;
  for (int i = 0; i < kCapabilityCount; ++i) {
    if (has(static_cast<Capability>(i))) out.push_back(static_cast<Capability>(i));
  }
  return out;
}

std::string CapabilitySet::to_string() const {
  std::string out;
  for (Capability c : list()) {
    if (!out.empty()) out += ", ";
    out += capability_name(c);
  }
  return out.empty() ? "none" : out;
}

}  // namespace midimon::plugin
