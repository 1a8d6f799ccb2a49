#include "plugin/plugin_paths.h"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

namespace midimon::plugin {

namespace fs = std::filesystem;

namespace {

// An absolute path from the environment, or empty (unset, empty and relative values are
// ignored: the XDG spec says relative paths are invalid).
fs::path absolute_env(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || value[0] != '/') return {};
  return fs::path(value);
}

fs::path home_dir() {
  fs::path home = absolute_env("HOME");
  if (!home.empty()) return home;
  // No usable HOME (a service with a scrubbed environment): ask the passwd database.
  if (const passwd* pw = getpwuid(geteuid()); pw != nullptr && pw->pw_dir != nullptr &&
                                              pw->pw_dir[0] == '/') {
    return fs::path(pw->pw_dir);
  }
  return fs::path("/");
}

fs::path env_or_home(const char* name, const char* home_relative) {
  fs::path value = absolute_env(name);
  return value.empty() ? home_dir() / home_relative : value;
}

Expected<fs::path> per_plugin_dir(const fs::path& base, std::string_view name) {
  if (!is_valid_plugin_name(name)) {
    return Failure{"plugin name '" + std::string(name) +
                   "' cannot name a directory: use 1-64 characters of A-Z a-z 0-9 . _ - "
                   "not starting with '.'"};
  }
  return base / std::string(name);
}

}  // namespace

XdgDirs XdgDirs::from_environment() {
  return XdgDirs{env_or_home("XDG_DATA_HOME", ".local/share"),
                 env_or_home("XDG_CONFIG_HOME", ".config"),
                 env_or_home("XDG_STATE_HOME", ".local/state")};
}

std::vector<PluginSearchDir> default_plugin_dirs(const XdgDirs& xdg) {
  return {PluginSearchDir{xdg.data_home / "midimon" / "plugins", true},
          PluginSearchDir{fs::path("/usr/share/midimon/plugins"), true}};
}

fs::path trusted_keys_file(const XdgDirs& xdg) {
  return xdg.config_home / "midimon" / "trusted_keys.toml";
}

fs::path grants_file(const XdgDirs& xdg) { return xdg.state_home / "midimon" / "grants.toml"; }

bool is_valid_plugin_name(std::string_view name) {
  if (name.empty() || name.size() > 64 || name.front() == '.') return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

Expected<fs::path> plugin_data_dir(const XdgDirs& xdg, std::string_view name) {
  return per_plugin_dir(xdg.data_home / "midimon" / "plugin-data", name);
}

Expected<fs::path> plugin_state_dir(const XdgDirs& xdg, std::string_view name) {
  return per_plugin_dir(xdg.state_home / "midimon" / "plugins", name);
}

}  // namespace midimon::plugin
