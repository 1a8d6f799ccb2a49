// Ed25519 signing keys for plugins (libsodium's crypto_sign_ed25519_*).
//
// keygen writes two TOML files: the private key (created 0600 with O_EXCL, never chmod-ed
// afterwards, so it is never readable by others, not even for a moment) and the public
// key (0644) that users add to their trusted keys. Loading a private key file that group or
// others may read or write is refused, naming the file and its mode (as ssh does).
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>

#include "plugin/expected.h"

namespace midimon::plugin {

using PublicKey = std::array<uint8_t, 32>;
using Ed25519Signature = std::array<uint8_t, 64>;

struct Developer {
  std::string name;
  std::string email;
};

// The short name of a key: the first 8 bytes of SHA-256(public key), 16 lowercase hex digits.
std::string key_id(const PublicKey& key);

// Checks an Ed25519 signature (libsodium's strict verification).
bool verify_ed25519(const PublicKey& key, std::span<const uint8_t> message,
                    const Ed25519Signature& signature);

// A loaded private key. The secret is wiped (sodium_memzero) when the object dies.
class SigningKey {
 public:
  // Derives the key pair from a 32-byte seed (what the private key file stores).
  static SigningKey from_seed(std::span<const uint8_t, 32> seed, Developer developer = {});
  // A fresh random key pair.
  static SigningKey generate(Developer developer = {});

  SigningKey(const SigningKey& other);
  SigningKey& operator=(const SigningKey& other);
  ~SigningKey();

  const PublicKey& public_key() const { return public_; }
  std::string key_id() const { return plugin::key_id(public_); }
  // Who the key belongs to, as keygen recorded it (may be empty).
  const Developer& developer() const { return developer_; }
  Ed25519Signature sign(std::span<const uint8_t> message) const;

 private:
  SigningKey() = default;
  std::array<uint8_t, 64> secret_{};  // libsodium's secret key: seed || public key
  PublicKey public_{};
  Developer developer_;
};

struct PublicKeyFile {
  PublicKey public_key{};
  std::string key_id;
  Developer developer;
};

// Writes a new key pair: `private_key_file` (0600, must not exist) and `public_key_file`
// (0644, must not exist). Returns the public half.
Expected<PublicKeyFile> generate_key_files(const std::filesystem::path& private_key_file,
                                           const std::filesystem::path& public_key_file,
                                           const Developer& developer);

// Loads a private key file; refused when it is not a regular file owned by us or when its
// mode lets group/others read or write it.
Expected<SigningKey> load_signing_key(const std::filesystem::path& private_key_file);

// A public key written as 64 hex digits (MIDIMon's trusted_keys.toml spelling).
Expected<PublicKey> parse_public_key_hex(std::string_view hex);

// Loads a public key file written by generate_key_files().
Expected<PublicKeyFile> load_public_key_file(const std::filesystem::path& public_key_file);

}  // namespace midimon::plugin
