// Reading a whole file into memory, with a message a person can act on when it fails.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace midimon::tools {

// Reads `path` into `out`; on failure returns false and sets `error` to
// "cannot read FILE: <reason>".
bool read_file_bytes(const std::string& path, std::vector<uint8_t>* out, std::string* error);

}  // namespace midimon::tools
