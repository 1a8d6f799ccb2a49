// The keys whose signatures the user accepts: MIDIMon's trusted_keys.toml, at
// $XDG_CONFIG_HOME/midimon/trusted_keys.toml (plugin_paths.h).
//
//   [[keys]]
//   name = "Ada Lovelace"
//   email = "ada@example.org"
//   public_key = "<64 hex digits>"
//   added_at = "2026-11-29T23:11:31Z"
//
// Every entry needs all four keys; unknown keys, a malformed key, a duplicate key are errors
// with FILE:LINE:COLUMN. A missing file is an empty store. A file that group or others can
// write is refused (whoever can write it can make midimon trust their key).
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "plugin/expected.h"
#include "plugin/signing_key.h"

namespace midimon::plugin {

struct TrustedKey {
  std::string name;
  std::string email;
  PublicKey public_key{};
  std::string added_at;  // RFC 3339, as written
  std::string key_id() const { return plugin::key_id(public_key); }
};

class TrustStore {
 public:
  // An empty store that saves to `file`.
  explicit TrustStore(std::filesystem::path file = {}) : file_(std::move(file)) {}

  static Expected<TrustStore> load(const std::filesystem::path& file);

  const std::filesystem::path& file() const { return file_; }
  const std::vector<TrustedKey>& keys() const { return keys_; }
  const TrustedKey* find(const PublicKey& key) const;

  // Adds a key and saves the file atomically. A key already trusted is an error naming
  // the entry that has it.
  Expected<TrustedKey> add(const PublicKey& key, std::string name, std::string email,
                           std::chrono::system_clock::time_point added_at =
                               std::chrono::system_clock::now());
  // Removes the key named by `who` — its key id (16 hex digits), its full public key in hex,
  // or its name when exactly one entry has that name — and saves. Returns the removed entry.
  Expected<TrustedKey> remove(std::string_view who);

  Expected<void> save() const;
  std::string to_toml() const;

 private:
  std::filesystem::path file_;
  std::vector<TrustedKey> keys_;
};

}  // namespace midimon::plugin
