#include "desktop/utf8.h"

#include <string>

namespace midimon::desktop {

Result<std::vector<char32_t>> decode_utf8(std::string_view text) {
  std::vector<char32_t> out;
  std::size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    std::size_t length;
    char32_t cp;
    char32_t min;
    if (lead < 0x80) {
      out.push_back(lead);
      ++i;
      continue;
    } else if ((lead & 0xE0) == 0xC0) {
      length = 2, cp = lead & 0x1F, min = 0x80;
    } else if ((lead & 0xF0) == 0xE0) {
      length = 3, cp = lead & 0x0F, min = 0x800;
    } else if ((lead & 0xF8) == 0xF0) {
      length = 4, cp = lead & 0x07, min = 0x10000;
    } else {
      return Error{"invalid UTF-8 at byte offset " + std::to_string(i) + "."};
    }
    if (i + length > text.size())
      return Error{"truncated UTF-8 sequence at byte offset " + std::to_string(i) + "."};
    for (std::size_t k = 1; k < length; ++k) {
      const auto cont = static_cast<unsigned char>(text[i + k]);
      if ((cont & 0xC0) != 0x80)
        return Error{"invalid UTF-8 at byte offset " + std::to_string(i + k) + "."};
      cp = (cp << 6) | (cont & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
      return Error{"invalid UTF-8 (overlong, surrogate or out of range) at byte offset " +
                   std::to_string(i) + "."};
    out.push_back(cp);
    i += length;
  }
  return out;
}

}  // namespace midimon::desktop
