// Strict UTF-8 decoding for the Text action (no overlong forms, surrogates or values
// above U+10FFFF); the error names the byte offset.
#pragma once

#include <string_view>
#include <vector>

#include "desktop/result.h"

namespace midimon::desktop {

Result<std::vector<char32_t>> decode_utf8(std::string_view text);

}  // namespace midimon::desktop
