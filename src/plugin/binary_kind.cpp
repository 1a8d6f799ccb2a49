#include "plugin/binary_kind.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>

namespace midimon::plugin {

BinaryKind classify_magic(std::span<const uint8_t> b) {
  if (b.size() < 4) return BinaryKind::Unknown;
  if (b[0] == 0x00 && b[1] == 'a' && b[2] == 's' && b[3] == 'm') return BinaryKind::Wasm;
  if (b[0] == 0x7f && b[1] == 'E' && b[2] == 'L' && b[3] == 'F') return BinaryKind::Native;
  return BinaryKind::Unknown;
}

Expected<PluginKind> detect_binary_kind(const std::filesystem::path& file) {
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec)) {
    return Failure{file.string() + ": is a directory, not a plugin binary"};
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) return Failure{file.string() + ": cannot open: " + std::strerror(errno)};
  uint8_t magic[4] = {};
  in.read(reinterpret_cast<char*>(magic), sizeof magic);
  size_t got = static_cast<size_t>(in.gcount());
  switch (classify_magic(std::span<const uint8_t>(magic, got))) {
    case BinaryKind::Wasm: return PluginKind::Wasm;
    case BinaryKind::Native: return PluginKind::Native;
    case BinaryKind::Unknown: break;
  }
  std::string first;
  for (size_t i = 0; i < got; ++i) {
    char buf[4];
    std::snprintf(buf, sizeof buf, "%02x", magic[i]);
    first += (i == 0 ? "" : " ") + std::string(buf);
  }
  std::string starts = got == 0 ? "is empty" : "starts with " + first;
  return Failure{file.string() + ": not a plugin binary: it " + starts +
                 ", expected 00 61 73 6d (WebAssembly) or 7f 45 4c 46 (ELF)"};
}

}  // namespace midimon::plugin
