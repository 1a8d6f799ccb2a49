#include "result.h"

#include <cstdio>

namespace midimon::wasm {

std::string Error::to_string() const {
  char at[48];
  std::snprintf(at, sizeof at, "at byte offset 0x%zx: ", offset);
  std::string s;
  if (!where.empty()) s = where + " ";
  s += at;
  s += message;
  return s;
}

}  // namespace midimon::wasm
