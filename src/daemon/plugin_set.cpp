// The config's plugins, prepared and installed in two steps (plugin_set.h).
#include "daemon/plugin_set.h"

#include <filesystem>
#include <set>
#include <system_error>

#include "daemon/config_actions.h"
#include "daemon/plugin_settings_from_config.h"

namespace midimon::daemon {
namespace {

// The file a plugin resolves to, as text that changes when the file is replaced.
std::string file_identity(const std::filesystem::path& file) {
  std::error_code ec;
  auto size = std::filesystem::file_size(file, ec);
  auto time = std::filesystem::last_write_time(file, ec);
  return file.string() + "|" + std::to_string(ec ? 0 : size) + "|" +
         std::to_string(ec ? 0 : time.time_since_epoch().count());
}

std::string fingerprint(const PluginWant& want, const std::string& file) {
  auto opt = [](const auto& v) { return v ? std::to_string(*v) : std::string("-"); };
  return file + "|" + want.config_json + "|" + opt(want.limits.max_memory_bytes) + "|" +
         opt(want.limits.timeout_ms) + "|" + opt(want.limits.fuel);
}

}  // namespace

std::vector<PluginWant> plugins_wanted(const mapping::Config& config) {
  // Every plugin an action names, with where it is named first.
  std::vector<std::pair<std::string, mapping::SourceLocation>> named;
  for_each_action(config, [&](const mapping::Action& action) {
    if (const auto* p = std::get_if<mapping::action::Plugin>(&action.kind)) named.emplace_back(p->plugin, action.where);
  });

  std::vector<PluginWant> wants;
  std::set<std::string> seen;
  for (const mapping::PluginConfig& p : config.plugins) {  // a table says more than an action
    seen.insert(p.name);
    if (!p.enabled) continue;
    wants.push_back({p.name, p.config_json, p.limits, p.where});
  }
  for (auto& [name, where] : named) {
    if (seen.insert(name).second) wants.push_back({name, "{}", {}, where});
  }
  return wants;
}

PluginSet::Prepared PluginSet::prepare(const mapping::Config& config, const plugin::LoaderSettings& settings) const {
  Prepared prepared;
  for (PluginWant& want : plugins_wanted(config)) {
    const std::string head = want.where.to_string() + ": plugin '" + want.name + "' cannot be loaded: ";
    plugin::Expected<plugin::DiscoveredPlugin> resolved = plugin::resolve_plugin(want.name, settings);
    if (!resolved) {
      prepared.errors.push_back(head + resolved.error());
      continue;
    }
    // The signature policy is part of it: turning require_signature on re-checks every
    // loaded plugin at the reload.
    std::string print = fingerprint(want, file_identity(resolved->binary));
    if (settings.require_signature) print += "|signed";
    Loaded loaded{want, std::move(print), nullptr};
    auto installed = installed_.find(want.name);
    if (installed == installed_.end() || installed->second.fingerprint != loaded.fingerprint ||
        !manager_.contains(installed->second.registered)) {
      plugin::LoaderSettings own = settings;
      own.config_json = want.config_json;
      plugin::CapabilitySet grants = grants_ ? grants_->grants(resolved->name) : plugin::CapabilitySet{};
      plugin::Expected<plugin::LoadedPlugin> plugin =
          plugin::load_plugin(want.name, own, host_, grants, limit_overrides_of(want.limits));
      if (!plugin) {
        prepared.errors.push_back(head + plugin.error());
        continue;
      }
      loaded.plugin = std::move(plugin->plugin);
    }
    prepared.plugins.push_back(std::move(loaded));
  }
  return prepared;
}

std::vector<PluginChange> PluginSet::commit(Prepared prepared) {
  std::vector<PluginChange> changes;
  auto grants_of = [&](const std::string& registered) {
    auto info = manager_.info(registered);
    return info ? info->grants.to_string() : std::string("?");
  };
  std::set<std::string> wanted;
  for (Loaded& l : prepared.plugins) wanted.insert(l.want.name);
  // Unload first what is gone, so a new plugin may take a name a removed one had.
  for (auto it = installed_.begin(); it != installed_.end();) {
    if (wanted.count(it->first)) {
      ++it;
      continue;
    }
    (void)manager_.unload(it->second.registered);
    changes.push_back({PluginChange::Kind::Unloaded, it->first,
                       "plugin " + it->first + " unloaded (the config no longer asks for it)"});
    it = installed_.erase(it);
  }
  for (Loaded& l : prepared.plugins) {
    if (!l.plugin) continue;  // unchanged
    const std::string source = l.want.name;
    const std::string registered = l.plugin->metadata().name;
    auto old = installed_.find(l.want.name);
    plugin::Expected<std::string> done = plugin::Failure{"not installed"};
    bool replaced = false;
    if (old != installed_.end() && old->second.registered == registered && manager_.contains(registered)) {
      done = manager_.replace(std::move(l.plugin), source);
      replaced = true;
    } else {
      if (old != installed_.end()) (void)manager_.unload(old->second.registered);
      done = manager_.add(std::move(l.plugin), source);
    }
    if (!done) {
      if (old != installed_.end()) installed_.erase(old);
      changes.push_back({PluginChange::Kind::Failed, l.want.name,
                         "plugin " + l.want.name + " not loaded: " + done.error()});
      continue;
    }
    installed_[l.want.name] = Installed{registered, l.fingerprint};
    changes.push_back({replaced ? PluginChange::Kind::Reloaded : PluginChange::Kind::Loaded, l.want.name,
                       "plugin " + l.want.name + (replaced ? " reloaded with its new settings" : " loaded") +
                           " (grants: " + grants_of(registered) + ")"});
  }
  return changes;
}

}  // namespace midimon::daemon
