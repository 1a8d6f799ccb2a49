// Capabilities: what a plugin may reach beyond its own sandbox. Default deny; the user
// grants them per plugin (grants.h). Each one gates the host functions listed in
// docs/plugins/capabilities.md.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace midimon::plugin {

enum class Capability : uint8_t {
  Network = 0,    // http_request (to the manifest's network.hosts only)
  Filesystem,     // WASI preopens /data (read-write, per plugin) and /plugin (read-only)
  Audio,          // request_action for volume
  Midi,           // send_midi
  Subprocess,     // run_process
  SystemControl,  // request_action for keystroke, text, mouse, launch
};
inline constexpr int kCapabilityCount = 6;

// A set of capabilities as a bit mask (bit i = Capability i).
class CapabilitySet {
 public:
  constexpr CapabilitySet() = default;
  constexpr explicit CapabilitySet(uint8_t bits) : bits_(bits) {}
  constexpr bool has(Capability c) const { return (bits_ >> static_cast<int>(c)) & 1u; }
  constexpr void add(Capability c) { bits_ |= static_cast<uint8_t>(1u << static_cast<int>(c)); }
  constexpr void remove(Capability c) { bits_ &= static_cast<uint8_t>(~(1u << static_cast<int>(c))); }
  constexpr uint8_t bits() const { return bits_; }
  constexpr bool empty() const { return bits_ == 0; }
  friend constexpr bool operator==(CapabilitySet, CapabilitySet) = default;
  std::vector<Capability> list() const;
  std::string to_string() const;  // "midi, network" or "none"

 private:
  uint8_t bits_ = 0;
};

// "network", "filesystem", "audio", "midi", "subprocess", "systemcontrol"
std::string_view capability_name(Capability c);
// Accepts the lowercase metadata names and the manifest's "system_control".
std::optional<Capability> parse_capability(std::string_view name);
// MIDIMon's risk classes, shown by `plugin info`: "low", "medium", "high".
std::string_view capability_risk(Capability c);

}  // namespace midimon::plugin
