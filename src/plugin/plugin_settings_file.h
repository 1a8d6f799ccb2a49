// The manager's PluginSettings on disk: grants in the GrantStore (grants.toml) and the
// disabled plugins in $XDG_STATE_HOME/midimon/disabled-plugins (one name per line,
// written atomically). Both are re-read at every question, so a change made by
// `midimon plugin grant|disable` in another process is seen at the next load.
#pragma once

#include <filesystem>
#include <mutex>

#include "plugin/grant_store.h"
#include "plugin/manager.h"
#include "plugin/plugin_paths.h"

namespace midimon::plugin {

std::filesystem::path disabled_plugins_file(const XdgDirs& xdg);

class PluginSettingsFile final : public PluginSettings {
 public:
  static Expected<std::unique_ptr<PluginSettingsFile>> open(const XdgDirs& xdg);

  CapabilitySet grants(const std::string& plugin) override;
  Expected<void> set_grants(const std::string& plugin, CapabilitySet grants) override;
  bool enabled(const std::string& plugin) override;
  Expected<void> set_enabled(const std::string& plugin, bool enabled) override;

  GrantStore& grant_store() { return grants_; }

 private:
  PluginSettingsFile(GrantStore grants, std::filesystem::path disabled_file)
      : grants_(std::move(grants)), disabled_file_(std::move(disabled_file)) {}
  std::mutex mutex_;
  GrantStore grants_;
  std::filesystem::path disabled_file_;
};

}  // namespace midimon::plugin
