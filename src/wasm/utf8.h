// UTF-8 validation for names (imports, exports, custom sections), per the spec's
// definition: no overlong forms, no surrogates (U+D800..U+DFFF), nothing above U+10FFFF.
#pragma once

#include <cstdint>
#include <span>

namespace midimon::wasm {

bool is_valid_utf8(std::span<const uint8_t> bytes);

}  // namespace midimon::wasm
