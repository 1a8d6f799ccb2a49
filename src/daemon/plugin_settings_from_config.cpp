#include "daemon/plugin_settings_from_config.h"

#include <cstdlib>
#include <filesystem>

namespace midimon::daemon {

plugin::LoaderSettings loader_settings_from_config(const mapping::Config& config, const plugin::XdgDirs& xdg,
                                                   const std::vector<std::string>& extra_plugin_dirs) {
  plugin::LoaderSettings settings;
  settings.xdg = xdg;
  settings.trusted_keys = plugin::trusted_keys_file(xdg);
  settings.require_signature = config.require_plugin_signature;
  for (const auto& dir : extra_plugin_dirs) settings.search_dirs.push_back({dir, true});
  const std::filesystem::path base = std::filesystem::path(config.source).parent_path();
  for (const auto& dir : config.plugin_dirs) {
    std::filesystem::path p(dir);
    // "~/..." as the config examples write it (MIDIMon's shipped configs do too).
    const char* home = std::getenv("HOME");
    if (home && (dir == "~" || dir.starts_with("~/"))) p = std::filesystem::path(home) / dir.substr(dir.size() > 1 ? 2 : 1);
    if (p.is_relative()) p = base / p;  // relative to the config file, not the cwd
    settings.search_dirs.push_back({p, false});
  }
  for (auto& dir : plugin::default_plugin_dirs(xdg)) settings.search_dirs.push_back(dir);
  return settings;
}

const mapping::PluginConfig* find_plugin_config(const mapping::Config& config, std::string_view name) {
  for (const mapping::PluginConfig& p : config.plugins) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

plugin::LimitOverrides limit_overrides_of(const mapping::PluginLimitsConfig& limits) {
  plugin::LimitOverrides o;
  o.fuel = limits.fuel;
  if (limits.timeout_ms) o.timeout = std::chrono::milliseconds(*limits.timeout_ms);
  o.max_memory_bytes = limits.max_memory_bytes;
  return o;
}

}  // namespace midimon::daemon
