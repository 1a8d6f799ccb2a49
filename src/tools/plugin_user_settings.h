// The plugin settings `midimon plugin call|info|list|verify|install` run with: the same
// config file the daemon reads (--config FILE; by default
// $XDG_CONFIG_HOME/midimon/config.toml, which may be absent), read with the daemon's own
// rules (daemon/plugin_settings_from_config.h), and command-line flags over it. So a
// plugin behaves under `midimon plugin call` as it does in the daemon: same search
// directories, same signature policy, same [plugins.NAME] config and limits.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "mapping/config_model.h"
#include "plugin/expected.h"
#include "plugin/plugin_loader.h"

namespace midimon::tools {

struct PluginConfigOptions {
  std::string config_path;                // --config; empty: the default file, if it exists
  std::vector<std::string> plugin_dirs;   // --plugin-dir: searched before the config's
  std::optional<bool> require_signature;  // --require-signature / --no-require-signature
};

struct UserPluginSettings {
  plugin::LoaderSettings loader;
  std::optional<mapping::Config> config;  // none: no config file was read
  std::string config_file;                // the file read ("" when none)

  // [plugins.NAME] of the config (null without a config or a table for NAME).
  const mapping::PluginConfig* plugin(std::string_view name) const;
  // The loader settings for one plugin: its [plugins.NAME] config, as the daemon passes it.
  plugin::LoaderSettings for_plugin(std::string_view name) const;
  // Its [plugins.NAME] limits, with `flags` (the command line's) over them.
  plugin::LimitOverrides limits_for(std::string_view name, const plugin::LimitOverrides& flags) const;
};

// Reads the config. An explicit --config that is missing, or any config with errors, is
// an error listing every diagnostic as file:line:column (the daemon would refuse to start
// on it); warnings go to `warnings` one per line.
plugin::Expected<UserPluginSettings> user_plugin_settings(const PluginConfigOptions& options,
                                                         std::string* warnings = nullptr);

// The same for a command: warnings and the error ("error: ...") go to `err`; nullopt on
// error (the command exits 2).
std::optional<UserPluginSettings> user_plugin_settings_or_report(const PluginConfigOptions& options,
                                                                 std::ostream& err);

}  // namespace midimon::tools
