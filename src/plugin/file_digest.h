// SHA-256 of a plugin binary (libsodium's streaming crypto_hash_sha256), with its size:
// the two facts a signature and a manifest's `sha256` pin are checked against.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>

#include "plugin/expected.h"

namespace midimon::plugin {

using Sha256Digest = std::array<uint8_t, 32>;

struct FileDigest {
  Sha256Digest sha256{};
  uint64_t size = 0;
  std::string hex() const;  // lowercase
};

// Streams the file in 64 KiB chunks (a plugin may be large; it is not read whole).
Expected<FileDigest> digest_file(const std::filesystem::path& file);
FileDigest digest_bytes(std::span<const uint8_t> bytes);
Sha256Digest sha256(std::span<const uint8_t> bytes);

}  // namespace midimon::plugin
