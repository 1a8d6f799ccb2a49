// The plugins a config asks for, kept in step with the plugin manager across reloads.
//
// A config asks for a plugin by an enabled [plugins.NAME] table or by a Plugin action
// naming it (anywhere: mappings, on_enter, nested actions); `enabled = false` keeps it
// out even when an action names it. What the config decides about a plugin — its
// `config` table (over the manifest's [plugin.config], key by key) and its `limits`
// (over the manifest's [plugin.limits]) — together with the file it resolves to (path,
// size, modification time) is its fingerprint.
//
// A reload is two steps, so that a plugin that cannot be loaded changes nothing:
//   prepare(): loads every plugin that is new or whose fingerprint changed, installing
//              nothing; says which could not be loaded and where the config asks for them;
//   commit():  installs them (a changed one replaces the old instance in one step),
//              unloads the ones the config no longer asks for. An unchanged plugin keeps
//              its instance, and with it its memory and its stats.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "mapping/config_model.h"
#include "plugin/host_services.h"
#include "plugin/manager.h"
#include "plugin/plugin_loader.h"

namespace midimon::daemon {

// One plugin a config asks for.
struct PluginWant {
  std::string name;
  std::string config_json = "{}";
  mapping::PluginLimitsConfig limits;
  mapping::SourceLocation where;  // the [plugins.NAME] table, else the first action naming it
};
std::vector<PluginWant> plugins_wanted(const mapping::Config& config);

// What commit() did to one plugin, for the log and the events stream.
struct PluginChange {
  enum class Kind : uint8_t { Loaded, Reloaded, Unloaded, Failed };
  Kind kind;
  std::string plugin;
  std::string sentence;  // "plugin counter loaded (grants: none)", ...
};

class PluginSet {
 public:
  // `grants` (may be null) gives each plugin's grants before it is instantiated (a WASM
  // instance's preopens are decided then). All three must outlive the set.
  PluginSet(plugin::PluginManager& manager, plugin::HostServices& host, plugin::PluginSettings* grants)
      : manager_(manager), host_(host), grants_(grants) {}

  struct Loaded {
    PluginWant want;
    std::string fingerprint;
    std::shared_ptr<plugin::Plugin> plugin;  // null: unchanged, the installed one stays
  };
  struct Prepared {
    std::vector<Loaded> plugins;  // every plugin the config asks for that could be loaded
    std::vector<std::string> errors;  // "config.toml:12:1: plugin 'obs' cannot be loaded: ..."
    bool ok() const { return errors.empty(); }
  };

  // `settings`: the search directories, trusted keys and XDG dirs of this config.
  Prepared prepare(const mapping::Config& config, const plugin::LoaderSettings& settings) const;
  std::vector<PluginChange> commit(Prepared prepared);

 private:
  struct Installed {
    std::string registered;  // the name the manager knows it by (its metadata name)
    std::string fingerprint;
  };

  plugin::PluginManager& manager_;
  plugin::HostServices& host_;
  plugin::PluginSettings* grants_;
  std::map<std::string, Installed> installed_;  // by the config's name; prepare/commit only
};

}  // namespace midimon::daemon
