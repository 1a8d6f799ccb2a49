#include "plugin/file_digest.h"

#include <sodium.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <vector>

#include "plugin/hex.h"

namespace midimon::plugin {

std::string FileDigest::hex() const { return to_hex(sha256); }

Expected<FileDigest> digest_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    return Failure{file.string() + ": cannot open for reading: " + std::strerror(errno)};
  }
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  FileDigest digest;
  std::vector<char> chunk(64 * 1024);
  while (in) {
    in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    std::streamsize got = in.gcount();
    if (got <= 0) break;
    crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(chunk.data()),
                              static_cast<unsigned long long>(got));
    digest.size += static_cast<uint64_t>(got);
  }
  if (in.bad()) return Failure{file.string() + ": read error while hashing"};
  crypto_hash_sha256_final(&state, digest.sha256.data());
  return digest;
}

Sha256Digest sha256(std::span<const uint8_t> bytes) {
  Sha256Digest out{};
  crypto_hash_sha256(out.data(), bytes.data(), bytes.size());
  return out;
}

FileDigest digest_bytes(std::span<const uint8_t> bytes) {
  return FileDigest{sha256(bytes), bytes.size()};
}

}  // namespace midimon::plugin
