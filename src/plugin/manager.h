// The plugin manager: the library the daemon (and `midimon plugin`) uses to hold loaded
// plugins and call them. Lifecycle (load, unload, enable, disable), grants (grant,
// revoke, applied to the live plugin and persisted), list and per-plugin stats.
//
// Concurrency (docs/plugins/manager.md):
// - calls to different plugins run in parallel; calls to one plugin are serialised by
//   that plugin's own mutex (one WASM instance is single-threaded);
// - the registry lock is held only to look a plugin up, never while plugin code runs;
// - plugins are held by shared_ptr, so unloading one while it runs is safe: the running
//   call finishes on its own reference and the plugin is destroyed after it.
// A plugin that traps, times out, lies about its memory or throws is counted and logged
// (HostServices::log) and the manager goes on serving every other plugin.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "plugin/capability.h"
#include "plugin/expected.h"
#include "plugin/host_services.h"
#include "plugin/plugin.h"
#include "plugin/plugin_stats.h"

namespace midimon::plugin {

// Turns a source (a path or a plugin name) into a loaded plugin. The real one is
// make_plugin_loader() (plugin_loader.h); tests inject fakes.
using PluginLoader = std::function<Expected<std::shared_ptr<Plugin>>(const std::string& source)>;

// Where the manager keeps what the user decided per plugin, so it survives restarts.
// Implementations must be thread-safe. The manager works without one (nothing persists).
class PluginSettings {
 public:
  virtual ~PluginSettings() = default;
  virtual CapabilitySet grants(const std::string& plugin) = 0;
  virtual Expected<void> set_grants(const std::string& plugin, CapabilitySet grants) = 0;
  virtual bool enabled(const std::string& plugin) = 0;  // default true
  virtual Expected<void> set_enabled(const std::string& plugin, bool enabled) = 0;
};

// A snapshot of one loaded plugin, for `plugin list` and the daemon's status.
struct PluginInfo {
  std::string name;
  std::string source;  // what it was loaded from
  PluginKind kind = PluginKind::Wasm;
  PluginMetadata metadata;
  CapabilitySet grants;
  bool enabled = true;
  bool busy = false;  // a call is running right now
  PluginStats stats;
};

class PluginManager {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;

  // `host` receives the manager's log lines (traps, errors, refusals); it must outlive
  // the manager. `settings` may be null. `clock` times the calls (tests inject one).
  PluginManager(HostServices& host, PluginLoader loader, PluginSettings* settings = nullptr,
                Clock clock = std::chrono::steady_clock::now);
  ~PluginManager();
  PluginManager(const PluginManager&) = delete;
  PluginManager& operator=(const PluginManager&) = delete;

  // Loads through the loader and adds the plugin under its metadata name; returns the
  // name. Grants and the enabled flag come from the settings. A second plugin with a
  // name already loaded is refused (unload the first one).
  Expected<std::string> load(const std::string& source);
  // Adds a plugin loaded elsewhere (same rules as load).
  Expected<std::string> add(std::shared_ptr<Plugin> plugin, const std::string& source);
  // Removes a plugin. A call running on it finishes first on its own reference.
  Expected<void> unload(std::string_view name);
  // Puts `plugin` in the place of the loaded plugin of the same name in one step (a
  // reload that changed its settings): no call sees the name missing in between. A call
  // running on the old one finishes on it. The new one starts with fresh stats and the
  // grants and enabled flag from the settings, as add() does. Refused when no plugin of
  // that name is loaded.
  Expected<std::string> replace(std::shared_ptr<Plugin> plugin, const std::string& source);

  Expected<void> enable(std::string_view name);
  Expected<void> disable(std::string_view name);  // later calls are refused

  // Changes the live plugin's grants (effective at its next host call) and persists
  // them. A grant that cannot be saved is not applied; a revoke always is.
  Expected<void> grant(std::string_view name, Capability capability);
  Expected<void> revoke(std::string_view name, Capability capability);
  Expected<void> set_grants(std::string_view name, CapabilitySet grants);

  // Runs one action. An unknown or disabled plugin gives Status::Error with a message
  // saying so (disabled calls are counted as `refused`); anything the plugin does is
  // counted in its stats. Never throws.
  CallResult call(std::string_view name, const ActionRequest& request);

  bool contains(std::string_view name) const;
  std::optional<PluginInfo> info(std::string_view name) const;
  std::vector<PluginInfo> list() const;  // sorted by name
  std::optional<PluginStats> stats(std::string_view name) const;

 private:
  struct Entry;
  std::shared_ptr<Entry> find(std::string_view name) const;
  // A registry entry for `plugin`: its name, grants and enabled flag from the settings.
  std::shared_ptr<Entry> make_entry(std::shared_ptr<Plugin> plugin, const std::string& source) const;
  PluginInfo snapshot(const Entry& entry) const;
  // Applies `change` to the live grants and persists the result; a change that
  // removes a capability is applied even when saving fails (the safe side).
  Expected<void> change_grants(std::string_view name, std::function<CapabilitySet(CapabilitySet)> change);

  HostServices& host_;
  PluginLoader loader_;
  PluginSettings* settings_;
  Clock clock_;
  mutable std::mutex registry_mutex_;  // guards plugins_ only; never held during a call
  std::map<std::string, std::shared_ptr<Entry>, std::less<>> plugins_;
};

}  // namespace midimon::plugin
