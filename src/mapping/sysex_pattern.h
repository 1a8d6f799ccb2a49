// SysEx patterns with wildcards, e.g. "F0 7E ?? 06 02 * F7":
//   two hex digits  one exact byte
//   ??              any one byte
//   *               any run of bytes, including none
// Matching is against the whole message, F0 to F7 inclusive.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace midimon::mapping {

struct SysExPatternItem {
  enum class Kind : uint8_t { Byte, AnyOne, AnyRun } kind = Kind::Byte;
  uint8_t byte = 0;
  bool operator==(const SysExPatternItem&) const = default;
};
using SysExPattern = std::vector<SysExPatternItem>;

// Parses the text form; on failure returns false and sets error to a sentence naming
// the 1-based token position.
bool parse_sysex_pattern(std::string_view text, SysExPattern& out, std::string& error);
std::string sysex_pattern_text(const SysExPattern& pattern);

bool sysex_matches(const SysExPattern& pattern, const uint8_t* data, size_t size);

}  // namespace midimon::mapping
