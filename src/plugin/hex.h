// Lowercase hexadecimal, as MIDIMon's signature files and trusted keys spell keys, hashes
// and signatures.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace midimon::plugin {

std::string to_hex(std::span<const uint8_t> bytes);  // lowercase
// Accepts upper and lower case; nullopt on an odd length or a non-hex character.
std::optional<std::vector<uint8_t>> from_hex(std::string_view text);

}  // namespace midimon::plugin
