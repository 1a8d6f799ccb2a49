#include "tools/plugin_user_settings.h"

#include <filesystem>
#include <system_error>

#include "daemon/plugin_settings_from_config.h"
#include "daemon/run_daemon.h"
#include "mapping/config_loader.h"

namespace midimon::tools {

using plugin::Expected;
using plugin::Failure;

const mapping::PluginConfig* UserPluginSettings::plugin(std::string_view name) const {
  return config ? daemon::find_plugin_config(*config, name) : nullptr;
}

plugin::LoaderSettings UserPluginSettings::for_plugin(std::string_view name) const {
  plugin::LoaderSettings settings = loader;
  if (const mapping::PluginConfig* p = plugin(name)) settings.config_json = p->config_json;
  return settings;
}

plugin::LimitOverrides UserPluginSettings::limits_for(std::string_view name,
                                                      const plugin::LimitOverrides& flags) const {
  plugin::LimitOverrides limits;
  if (const mapping::PluginConfig* p = plugin(name)) limits = daemon::limit_overrides_of(p->limits);
  if (flags.fuel) limits.fuel = flags.fuel;
  if (flags.timeout) limits.timeout = flags.timeout;
  if (flags.max_memory_bytes) limits.max_memory_bytes = flags.max_memory_bytes;
  return limits;
}

Expected<UserPluginSettings> user_plugin_settings(const PluginConfigOptions& options, std::string* warnings) {
  UserPluginSettings out;
  const plugin::XdgDirs xdg = plugin::XdgDirs::from_environment();
  std::string file = options.config_path;
  if (file.empty()) {
    std::error_code ec;
    file = daemon::default_config_path();
    if (!std::filesystem::exists(file, ec)) file.clear();  // no config: the defaults
  }
  if (!file.empty()) {
    mapping::LoadResult loaded = mapping::load_config(file);
    if (warnings) {
      for (const auto& w : loaded.warnings) *warnings += "warning: " + w.to_string() + "\n";
    }
    if (!loaded.ok()) {
      std::string text = "the config " + file + " cannot be used (the daemon would refuse it too):";
      for (const auto& e : loaded.errors) text += "\n  " + e.to_string();
      return Failure{text};
    }
    out.config = std::move(loaded.config);
    out.config_file = file;
  }
  const mapping::Config none;  // no file: no plugin_dirs, the default policy, no [plugins.NAME]
  out.loader = daemon::loader_settings_from_config(out.config ? *out.config : none, xdg, options.plugin_dirs);
  if (options.require_signature) out.loader.require_signature = *options.require_signature;
  return out;
}

std::optional<UserPluginSettings> user_plugin_settings_or_report(const PluginConfigOptions& options,
                                                                 std::ostream& err) {
  std::string warnings;
  Expected<UserPluginSettings> settings = user_plugin_settings(options, &warnings);
  err << warnings;
  if (!settings) {
    err << "error: " << settings.error() << "\n";
    return std::nullopt;
  }
  return std::move(settings.value());
}

}  // namespace midimon::tools
