// StateStore: a plugin's small key-value store (state_get/state_set/state_delete), kept
// across calls and daemon restarts. Bounded (StateBounds); every change is written to
// <dir>/state.json atomically (temporary file, fsync, rename), so a crash leaves either
// the old or the new file. Keys and values are arbitrary bytes, stored base64-encoded.
// Not thread-safe: a plugin's calls are serialised by its owner.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "plugin/expected.h"

namespace midimon::plugin {

struct StateBounds {
  size_t max_key_bytes = 256;
  size_t max_value_bytes = 64 * 1024;
  size_t max_keys = 1024;
  size_t max_total_bytes = 1 << 20;  // keys + values
};

class StateStore {
 public:
  // `dir` empty: in memory only (tools and tests that need no persistence). The file is
  // read on first use; the directory is created on the first write.
  explicit StateStore(std::filesystem::path dir, StateBounds bounds = {});

  // Results are host-API codes (host_errno.h): 0, -28 bad key, -44 no such key,
  // -51 over a bound (nothing changed), -29 the file could not be read or written.
  int32_t get(std::string_view key, std::string* value);
  int32_t set(std::string_view key, std::string_view value);
  int32_t remove(std::string_view key);

  size_t size() const { return entries_.size(); }
  size_t total_bytes() const { return total_; }
  const std::filesystem::path& file() const { return file_; }
  // The reason of the last -29, for the log.
  const std::string& last_error() const { return last_error_; }

 private:
  Expected<void> ensure_loaded();
  Expected<void> persist() const;
  int32_t check_key(std::string_view key) const;
  std::filesystem::path file_;
  StateBounds bounds_;
  std::map<std::string, std::string, std::less<>> entries_;
  size_t total_ = 0;
  bool loaded_ = false;
  std::string last_error_;
};

}  // namespace midimon::plugin
