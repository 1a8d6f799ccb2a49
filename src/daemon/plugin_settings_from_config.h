// The plugin host's settings a config file gives, in one place, so that the daemon and
// `midimon plugin call|info|list|verify|install` treat a plugin alike (docs/config.md#plugins):
//   - where plugins are looked up: extra directories first (command-line options), then
//     the config's plugin_dirs ("~/" expanded, relative paths against the config file's
//     directory), then the default ones;
//   - the signature policy, [plugins] require_signature;
//   - for one plugin, its [plugins.NAME] table: `config` (merged over the manifest's by
//     load_plugin) and `limits` (over the manifest's).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "mapping/config_model.h"
#include "plugin/plugin_loader.h"

namespace midimon::daemon {

plugin::LoaderSettings loader_settings_from_config(const mapping::Config& config, const plugin::XdgDirs& xdg,
                                                   const std::vector<std::string>& extra_plugin_dirs);

// [plugins.NAME] of `config`, or null when the config has no table for that plugin.
const mapping::PluginConfig* find_plugin_config(const mapping::Config& config, std::string_view name);

// [plugins.NAME.limits] as the loader's overrides (unset fields stay unset).
plugin::LimitOverrides limit_overrides_of(const mapping::PluginLimitsConfig& limits);

}  // namespace midimon::daemon
