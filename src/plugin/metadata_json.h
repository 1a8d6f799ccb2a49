// The metadata a WASM plugin's init() returns (plugin-abi.md): UTF-8 JSON object with the
// required string fields name, version, description, author, license, type ("action" or
// "trigger"); optional homepage and capabilities (array of names). Unknown keys are
// ignored, as MIDIMon did.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "plugin/expected.h"
#include "plugin/plugin.h"

namespace midimon::plugin {

// Byte offset of the first byte that is not part of a valid UTF-8 sequence (no overlong
// forms, no surrogates, nothing above U+10FFFF), or nullopt when all of it is valid.
std::optional<size_t> invalid_utf8_offset(std::span<const uint8_t> bytes);
inline std::optional<size_t> invalid_utf8_offset(std::string_view text) {
  return invalid_utf8_offset(
      std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
}

// Parses the metadata. Errors are one sentence naming the problem, e.g.
// "metadata: missing required field \"license\"" or
// "metadata is not valid UTF-8 at byte 17".
Expected<PluginMetadata> parse_metadata(std::string_view bytes);

}  // namespace midimon::plugin
