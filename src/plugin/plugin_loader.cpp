#include "plugin/plugin_loader.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <system_error>

#include "plugin/binary_kind.h"
#include "plugin/native_plugin.h"
#include "plugin/wasm_plugin.h"

namespace midimon::plugin {

namespace fs = std::filesystem;

LoaderSettings LoaderSettings::from_environment() {
  LoaderSettings settings;
  settings.xdg = XdgDirs::from_environment();
  settings.search_dirs = default_plugin_dirs(settings.xdg);
  settings.trusted_keys = trusted_keys_file(settings.xdg);
  return settings;
}

namespace {

Expected<std::vector<uint8_t>> read_all(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return Failure{"cannot read " + file.string() + ": " + std::generic_category().message(errno)};
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return Failure{"cannot read " + file.string()};
  return bytes;
}

// The user's configuration over the manifest's, key by key (config_get's promise).
std::string merged_config(const std::string& manifest, const std::string& user) {
  if (user.empty() || user == "{}") return manifest;
  nlohmann::json base = nlohmann::json::parse(manifest.empty() ? "{}" : manifest, nullptr, false);
  nlohmann::json over = nlohmann::json::parse(user, nullptr, false);
  if (!base.is_object()) base = nlohmann::json::object();
  if (over.is_object()) {
    for (auto& [key, value] : over.items()) base[key] = value;
  }
  return base.dump();
}

}  // namespace

Expected<DiscoveredPlugin> resolve_plugin(const std::string& source, const LoaderSettings& settings) {
  std::error_code ec;
  const fs::path path(source);
  if (fs::exists(path, ec)) return open_plugin_path(path);
  if (!is_valid_plugin_name(source)) return Failure{source + ": no such file or directory"};
  DiscoveryReport report = discover_plugins(settings.search_dirs);
  if (const DiscoveredPlugin* found = report.find(source)) return *found;
  std::string dirs;
  for (const PluginSearchDir& d : settings.search_dirs) dirs += (dirs.empty() ? "" : ", ") + d.path.string();
  return Failure{"no file '" + source + "' and no installed plugin named '" + source + "' (searched " +
                 (dirs.empty() ? std::string("no plugin directories") : dirs) + ")"};
}

Expected<TrustStore> load_trust(const LoaderSettings& settings) {
  if (settings.trusted_keys.empty()) return TrustStore{};
  return TrustStore::load(settings.trusted_keys);
}

PluginLimits effective_limits(const DiscoveredPlugin& plugin, const LoaderSettings& settings,
                              const LimitOverrides& overrides) {
  PluginLimits limits = plugin.manifest ? plugin.manifest->limits.over(settings.limits) : settings.limits;
  if (overrides.fuel) limits.fuel = *overrides.fuel;
  if (overrides.timeout) limits.timeout = *overrides.timeout;
  if (overrides.max_memory_bytes) limits.max_memory_bytes = *overrides.max_memory_bytes;
  return limits;
}

Expected<LoadedPlugin> load_plugin(const std::string& source, const LoaderSettings& settings,
                                   HostServices& services, CapabilitySet grants, const LimitOverrides& overrides) {
  Expected<DiscoveredPlugin> resolved = resolve_plugin(source, settings);
  if (!resolved) return Failure{resolved.error()};
  Expected<std::vector<uint8_t>> bytes = read_all(resolved->binary);
  if (!bytes) return Failure{bytes.error()};
  Expected<TrustStore> trust = load_trust(settings);
  if (!trust) return Failure{trust.error()};
  const std::optional<std::string> pin =
      resolved->manifest ? resolved->manifest->sha256 : std::optional<std::string>();
  LoadCheck check = check_before_load(resolved->binary, *bytes, pin,
                                      SignaturePolicy{settings.require_signature}, *trust);
  if (!check.allowed) return Failure{check.refusal};
  if (settings.after_verify) settings.after_verify(resolved->binary);
  // The kind of the bytes read (discovery looked at the file earlier; it may differ now).
  const BinaryKind kind = classify_magic(*bytes);
  if (kind == BinaryKind::Unknown) {
    return Failure{resolved->binary.string() + ": not a plugin binary (neither WebAssembly nor ELF)"};
  }

  LoadedPlugin loaded;
  loaded.limits = effective_limits(*resolved, settings, overrides);
  if (kind == BinaryKind::Native) {
    // From the verified bytes, not the path: the file may have changed since.
    Expected<std::unique_ptr<NativePlugin>> native =
        load_native_plugin(resolved->binary, *bytes, &services, grants);
    if (!native) return Failure{native.error()};
    loaded.plugin = std::move(native.value());
  } else {
    WasmPluginOptions options;
    options.limits = loaded.limits;
    options.services = &services;
    options.grants = grants;
    options.name = resolved->name;
    options.config_json = merged_config(resolved->manifest ? resolved->manifest->config_json : "{}",
                                        settings.config_json);
    if (resolved->manifest) {
      options.allowed_hosts = resolved->manifest->network_hosts;
      options.install_dir = resolved->manifest->dir;
    }
    // A bare binary whose file name is not a valid plugin name gets no data or state
    // directory (its state lives in memory for the call).
    if (Expected<fs::path> data = plugin_data_dir(settings.xdg, resolved->name); data) options.data_dir = *data;
    if (Expected<fs::path> state = plugin_state_dir(settings.xdg, resolved->name); state) options.state_dir = *state;
    Expected<std::unique_ptr<WasmPlugin>> wasm = load_wasm_plugin(*bytes, std::move(options));
    if (!wasm) return Failure{resolved->binary.string() + ": " + wasm.error()};
    if (Expected<void> init = wasm.value()->init(); !init) {
      return Failure{resolved->binary.string() + ": init: " + init.error()};
    }
    loaded.plugin = std::move(wasm.value());
  }
  if (resolved->manifest && loaded.plugin->metadata().name != resolved->manifest->name) {
    return Failure{resolved->manifest->file.string() + ": the manifest names the plugin '" +
                   resolved->manifest->name + "' but its binary reports '" + loaded.plugin->metadata().name + "'"};
  }
  loaded.resolved = std::move(resolved.value());
  loaded.signature = std::move(check.signature);
  return loaded;
}

PluginLoader make_plugin_loader(LoaderSettings settings, HostServices& services, PluginSettings* grants) {
  return [settings = std::move(settings), &services, grants](const std::string& source)
             -> Expected<std::shared_ptr<Plugin>> {
    CapabilitySet initial;
    if (grants != nullptr) {
      if (Expected<DiscoveredPlugin> r = resolve_plugin(source, settings); r) initial = grants->grants(r->name);
    }
    Expected<LoadedPlugin> loaded = load_plugin(source, settings, services, initial);
    if (!loaded) return Failure{loaded.error()};
    return std::move(loaded->plugin);
  };
}

}  // namespace midimon::plugin
