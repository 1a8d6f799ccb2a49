// Where the plugin host keeps things, following the XDG base directory spec. Every XDG
// lookup of the plugin host is here, so tests can point all of them at a temp dir (set
// XDG_DATA_HOME, XDG_CONFIG_HOME, XDG_STATE_HOME and HOME, or build an XdgDirs by hand).
//
//   plugins (scanned)     $XDG_DATA_HOME/midimon/plugins, then /usr/share/midimon/plugins
//   per-plugin data       $XDG_DATA_HOME/midimon/plugin-data/<name>   (WASI /data)
//   per-plugin state      $XDG_STATE_HOME/midimon/plugins/<name>      (state_get/state_set)
//   trusted keys          $XDG_CONFIG_HOME/midimon/trusted_keys.toml
//   grants                $XDG_STATE_HOME/midimon/grants.toml
#pragma once

#include <filesystem>
#include <string_view>
#include <vector>

#include "plugin/expected.h"

namespace midimon::plugin {

struct XdgDirs {
  std::filesystem::path data_home;    // $XDG_DATA_HOME, default $HOME/.local/share
  std::filesystem::path config_home;  // $XDG_CONFIG_HOME, default $HOME/.config
  std::filesystem::path state_home;   // $XDG_STATE_HOME, default $HOME/.local/state

  // Reads the environment now (no caching). A variable that is unset, empty or relative is
  // ignored, as the XDG spec says; without HOME the defaults fall back to the passwd entry.
  static XdgDirs from_environment();
};

// A plugin directory to scan. `optional` ones (the defaults) may be missing silently; a
// missing directory the user named is reported by discovery.
struct PluginSearchDir {
  std::filesystem::path path;
  bool optional = false;
};

// $XDG_DATA_HOME/midimon/plugins, then /usr/share/midimon/plugins (both optional).
std::vector<PluginSearchDir> default_plugin_dirs(const XdgDirs& xdg);

std::filesystem::path trusted_keys_file(const XdgDirs& xdg);
std::filesystem::path grants_file(const XdgDirs& xdg);

// A plugin name is used as a directory name, so it must be safe as one: 1-64 characters
// of [A-Za-z0-9._-], not starting with '.' (so never "." or "..").
bool is_valid_plugin_name(std::string_view name);

// $XDG_DATA_HOME/midimon/plugin-data/<name> (the filesystem capability's /data) and
// $XDG_STATE_HOME/midimon/plugins/<name> (state_get/state_set). Not created here; an
// invalid name is an error.
Expected<std::filesystem::path> plugin_data_dir(const XdgDirs& xdg, std::string_view name);
Expected<std::filesystem::path> plugin_state_dir(const XdgDirs& xdg, std::string_view name);

}  // namespace midimon::plugin
