// The capabilities the user granted, per plugin name, persisted at
// $XDG_STATE_HOME/midimon/grants.toml (plugin_paths.h). Default deny: a plugin that is not
// listed has no capability.
//
//   [grants]
//   webhook = ["network"]
//   "midi-echo" = ["midi"]
//
// Every change is written at once, atomically (temporary file + rename, mode 0600); if the
// write fails, the change is undone in memory too. Unknown capability names, in the file
// or from a caller, are errors (the file's with FILE:LINE:COLUMN). A file that group or
// others can write is refused. Thread-safe.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>

#include "plugin/capability.h"
#include "plugin/expected.h"

namespace midimon::plugin {

class GrantStore {
 public:
  // Loads `file` (a missing file is an empty store; it is created at the first change).
  static Expected<GrantStore> open(const std::filesystem::path& file);

  GrantStore(GrantStore&&) noexcept = default;
  GrantStore& operator=(GrantStore&&) noexcept = default;

  const std::filesystem::path& file() const { return file_; }

  CapabilitySet get(std::string_view plugin) const;  // none when not listed
  std::map<std::string, CapabilitySet> list() const;  // plugins with at least one grant

  // Adds / removes capabilities and saves. The plugin name must be a valid plugin name.
  Expected<void> grant(std::string_view plugin, CapabilitySet capabilities);
  Expected<void> revoke(std::string_view plugin, CapabilitySet capabilities);
  Expected<void> set(std::string_view plugin, CapabilitySet capabilities);
  Expected<void> revoke_all(std::string_view plugin) { return set(plugin, CapabilitySet{}); }

  // Re-reads the file (another process, e.g. the CLI, may have changed it).
  Expected<void> reload();

 private:
  explicit GrantStore(std::filesystem::path file)
      : file_(std::move(file)), mutex_(std::make_unique<std::mutex>()) {}
  static Expected<std::map<std::string, CapabilitySet>> read(const std::filesystem::path& file);
  Expected<void> update(std::string_view plugin,
                        const std::function<CapabilitySet(CapabilitySet)>& change);
  Expected<void> save_locked() const;

  std::filesystem::path file_;
  std::unique_ptr<std::mutex> mutex_;
  std::map<std::string, CapabilitySet> grants_;
};

// Parses capability names ("midi", "network", "system_control", ...): an unknown name is an
// error listing the known ones. For the CLI's `grant NAME CAP...`.
Expected<CapabilitySet> parse_capability_names(std::span<const std::string> names);

}  // namespace midimon::plugin
