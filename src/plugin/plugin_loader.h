// From "a path or a name" to a loaded Plugin: the steps the manager and `midimon plugin`
// share (docs/plugins/manager.md):
//   1. resolve: a plugin.toml, a directory holding one, a bare binary, or the name of an
//      installed plugin (searched in the plugin directories);
//   2. kind from the binary's magic bytes (never its extension);
//   3. the manifest's sha256 pin, then the signature policy (a present but bad signature
//      always refuses; a missing one only when required; a valid one must be trusted);
//   4. limits: command-line overrides over the manifest's over the config's over defaults;
//   5. load_wasm_plugin (then init, for the metadata) or load_native_plugin.
// The binary is read once: the bytes that were hashed are the bytes that are compiled
// (WASM) or copied to a sealed memfd and dlopened from there (native), so replacing the
// file after the checks changes nothing (docs/plugins/signing.md#what-is-verified-is-what-runs).
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "plugin/capability.h"
#include "plugin/expected.h"
#include "plugin/host_services.h"
#include "plugin/manager.h"
#include "plugin/discovery.h"
#include "plugin/manifest.h"
#include "plugin/plugin.h"
#include "plugin/plugin_paths.h"
#include "plugin/plugin_verify.h"
#include "plugin/trust_store.h"

namespace midimon::plugin {

struct LoaderSettings {
  XdgDirs xdg;
  std::vector<PluginSearchDir> search_dirs;  // where names are looked up
  PluginLimits limits;                       // the config's limits (over the defaults)
  // The user's configuration for the plugin being loaded (the daemon's [plugins.NAME]
  // config table, a JSON object), merged over the manifest's [plugin.config] key by key.
  std::string config_json = "{}";
  bool require_signature = false;
  std::filesystem::path trusted_keys;        // empty: no key is trusted
  // Test seam: runs after the binary was read and passed the pin and signature checks,
  // just before those same bytes are loaded. Tests replace the file on disk here to show
  // that what runs is what was verified. Empty in production.
  std::function<void(const std::filesystem::path& binary)> after_verify;

  // XDG from the environment, the default plugin directories and trusted-keys file.
  static LoaderSettings from_environment();
};

// Command-line limit flags: they win over everything else.
struct LimitOverrides {
  std::optional<uint64_t> fuel;
  std::optional<std::chrono::milliseconds> timeout;
  std::optional<uint64_t> max_memory_bytes;
};

// A path (plugin.toml, its directory, a bare binary: discovery's open_plugin_path) or
// the name of an installed plugin (discover_plugins over settings.search_dirs).
Expected<DiscoveredPlugin> resolve_plugin(const std::string& source, const LoaderSettings& settings);

// The trusted keys of `settings` (an empty store when it names no file).
Expected<TrustStore> load_trust(const LoaderSettings& settings);

PluginLimits effective_limits(const DiscoveredPlugin& plugin, const LoaderSettings& settings,
                              const LimitOverrides& overrides);

struct LoadedPlugin {
  std::shared_ptr<Plugin> plugin;
  DiscoveredPlugin resolved;
  SignatureStatus signature;  // plugin_verify.h
  PluginLimits limits;
};

// Every step above. `services` receives the plugin's effects and must outlive it.
Expected<LoadedPlugin> load_plugin(const std::string& source, const LoaderSettings& settings,
                                   HostServices& services, CapabilitySet grants,
                                   const LimitOverrides& overrides = {});

// The manager's loader over load_plugin. Grants are read from `grants` (may be null) by
// the resolved name before loading, since a WASM instance's preopens (`filesystem`) are
// decided when it is instantiated; the manager sets the same grants again afterwards.
PluginLoader make_plugin_loader(LoaderSettings settings, HostServices& services, PluginSettings* grants);

}  // namespace midimon::plugin
