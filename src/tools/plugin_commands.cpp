// `midimon plugin info` and `midimon plugin call`.
#include "tools/plugin_commands.h"

#include <chrono>

#include <nlohmann/json.hpp>

#include "plugin/cli_host_services.h"
#include "plugin/grant_store.h"
#include "plugin/plugin_loader.h"
#include "plugin/plugin_settings_file.h"
#include "plugin/wasm_plugin.h"

namespace midimon::tools {

using namespace midimon::plugin;

namespace {

std::string mib(uint64_t bytes) {
  if (bytes % (1u << 20) == 0) return std::to_string(bytes >> 20) + " MiB";
  return std::to_string(bytes) + " bytes";
}

std::string capability_list(CapabilitySet set) {
  std::string text;
  for (Capability c : set.list()) {
    if (!text.empty()) text += ", ";
    text += std::string(capability_name(c)) + " (" + std::string(capability_risk(c)) + " risk)";
  }
  return text.empty() ? "none" : text;
}

// "needs midi (granted)", "needs systemcontrol or audio (not granted)", "always allowed".
std::string import_needs(CapabilitySet needs, CapabilitySet grants) {
  if (needs.empty()) return "always allowed";
  std::string names;
  bool any_granted = false;
  for (Capability c : needs.list()) {
    if (!names.empty()) names += " or ";
    names += capability_name(c);
    any_granted = any_granted || grants.has(c);
  }
  return "needs " + names + (any_granted ? " (granted)" : " (not granted)");
}

// Context metadata from params: MIDIMon's serde plugins read strings from it, so each
// value is sent as a string (a string as itself, anything else as its JSON text).
std::map<std::string, std::string> metadata_from_params(const nlohmann::json& params) {
  std::map<std::string, std::string> out;
  for (const auto& [key, value] : params.items()) {
    out[key] = value.is_string() ? value.get<std::string>() : value.dump();
  }
  return out;
}

// "yes", or "no" with who disabled it: the config ([plugins.NAME] enabled = false) or
// `midimon plugin disable`.
std::string enabled_text(const mapping::PluginConfig* configured, bool enabled_in_state) {
  if (configured && !configured->enabled) {
    return "no (" + configured->where.to_string() + ": [plugins." + configured->name + "] enabled = false)";
  }
  return enabled_in_state ? "yes" : "no (midimon plugin disable)";
}

// "none", or the file and where the plugin's table is in it.
std::string config_text(const UserPluginSettings& user, const mapping::PluginConfig* configured,
                        const std::string& name) {
  if (user.config_file.empty()) return "none";
  if (!configured) return user.config_file + ", no [plugins." + name + "]";
  return user.config_file + ", [plugins." + name + "] at " + configured->where.to_string();
}

}  // namespace

int plugin_info(const std::string& source, const PluginConfigOptions& options, std::ostream& out,
                std::ostream& err) {
  std::optional<UserPluginSettings> user = user_plugin_settings_or_report(options, err);
  if (!user) return kPluginExitInvalid;
  Expected<std::unique_ptr<PluginSettingsFile>> stored = PluginSettingsFile::open(user->loader.xdg);
  if (!stored) {
    err << "error: " << stored.error() << "\n";
    return kPluginExitInvalid;
  }
  Expected<DiscoveredPlugin> resolved = resolve_plugin(source, user->loader);
  if (!resolved) {
    err << "error: " << resolved.error() << "\n";
    return kPluginExitInvalid;
  }
  const CapabilitySet grants = (*stored)->grants(resolved->name);
  const mapping::PluginConfig* configured = user->plugin(resolved->name);
  CliHostServices services(err, err);  // whatever init prints stays off stdout
  Expected<LoadedPlugin> loaded = load_plugin(source, user->for_plugin(resolved->name), services, grants,
                                              user->limits_for(resolved->name, {}));
  if (!loaded) {
    err << "error: " << loaded.error() << "\n";
    return kPluginExitInvalid;
  }
  const PluginMetadata& m = loaded->plugin->metadata();
  out << "name: " << m.name << "\n"
      << "version: " << m.version << "\n"
      << "description: " << m.description << "\n"
      << "author: " << m.author << "\n"
      << "license: " << m.license << "\n"
      << "type: " << m.type << "\n";
  if (!m.homepage.empty()) out << "homepage: " << m.homepage << "\n";
  out << "kind: " << plugin_kind_name(loaded->plugin->kind()) << "\n"
      << "binary: " << loaded->resolved.binary.string() << "\n"
      << "manifest: " << (loaded->resolved.manifest ? loaded->resolved.manifest->file.string() : "none") << "\n"
      << "enabled: " << enabled_text(configured, (*stored)->enabled(m.name)) << "\n"
      << "asks for (metadata): " << capability_list(m.capabilities) << "\n";
  if (loaded->resolved.manifest) {
    out << "asks for (manifest): " << capability_list(loaded->resolved.manifest->capabilities) << "\n";
    if (!loaded->resolved.manifest->network_hosts.empty()) {
      out << "network hosts:";
      for (const std::string& h : loaded->resolved.manifest->network_hosts) out << " " << h;
      out << "\n";
    }
  }
  if (const auto* wasm = dynamic_cast<const WasmPlugin*>(loaded->plugin.get())) {
    out << "imports need: " << capability_list(wasm->requested_capabilities()) << "\n";
    out << "imports:" << (wasm->imports().empty() ? " none" : "") << "\n";
    for (const ImportInfo& i : wasm->imports()) {
      out << "  " << i.module << "." << i.name << ": " << i.type << ", " << import_needs(i.needs, grants) << "\n";
    }
  }
  out << "grants: " << grants.to_string() << "\n"
      << "signature: " << loaded->signature.describe() << "\n"
      << "signature policy: "
      << (user->loader.require_signature ? "required" : "not required (a present signature is still checked)")
      << "\n"
      << "config: " << config_text(*user, configured, resolved->name) << "\n"
      << "limits: memory " << mib(loaded->limits.max_memory_bytes) << ", timeout " << loaded->limits.timeout.count()
      << " ms, fuel " << loaded->limits.fuel << "\n";
  return kPluginExitOk;
}

int plugin_call(const PluginCallOptions& options, std::ostream& out, std::ostream& err) {
  nlohmann::json params = nlohmann::json::parse(options.params, nullptr, /*allow_exceptions=*/false);
  if (params.is_discarded() || !params.is_object()) {
    err << "error: --params must be a JSON object, got: " << options.params << "\n";
    return kPluginExitInvalid;
  }
  Expected<CapabilitySet> flag_grants = parse_capability_names(options.grants);
  if (!flag_grants) {
    err << "error: --grant: " << flag_grants.error() << "\n";
    return kPluginExitInvalid;
  }

  std::optional<UserPluginSettings> user = user_plugin_settings_or_report(options.settings, err);
  if (!user) return kPluginExitInvalid;
  Expected<std::unique_ptr<PluginSettingsFile>> stored = PluginSettingsFile::open(user->loader.xdg);
  if (!stored) {
    err << "error: " << stored.error() << "\n";
    return kPluginExitInvalid;
  }
  Expected<DiscoveredPlugin> resolved = resolve_plugin(options.source, user->loader);
  if (!resolved) {
    err << "error: " << resolved.error() << "\n";
    return kPluginExitInvalid;
  }
  const std::string& name = resolved->name;
  if (const mapping::PluginConfig* configured = user->plugin(name); configured && !configured->enabled) {
    err << "error: plugin '" << name << "' is disabled by " << user->config_file << " ("
        << configured->where.to_string() << ": [plugins." << name
        << "] enabled = false), so the daemon does not load it; enable it there to call it\n";
    return kPluginExitInvalid;
  }
  // What the user granted for good, plus what --grant adds for this call.
  const CapabilitySet grants(static_cast<uint8_t>((*stored)->grants(name).bits() | flag_grants->bits()));

  // Limits: the flags over [plugins.NAME.limits] over the manifest's over the defaults.
  LimitOverrides flags;
  flags.fuel = options.fuel;
  if (options.timeout_ms) flags.timeout = std::chrono::milliseconds(*options.timeout_ms);
  flags.max_memory_bytes = options.max_memory;
  // The memory cap holds from instantiation on; --fuel and --timeout-ms are the call's
  // (so a small --fuel limits `execute`, not the loading and `init` before it, which run
  // under the config's limits as in the daemon).
  LimitOverrides load_flags;
  load_flags.max_memory_bytes = flags.max_memory_bytes;
  const LoaderSettings settings = user->for_plugin(name);
  CliHostServices services(out, err);
  Expected<LoadedPlugin> loaded =
      load_plugin(options.source, settings, services, grants, user->limits_for(name, load_flags));
  if (!loaded) {
    err << "error: " << loaded.error() << "\n";
    return kPluginExitInvalid;
  }
  if (auto* wasm = dynamic_cast<WasmPlugin*>(loaded->plugin.get())) {
    wasm->set_limits(effective_limits(loaded->resolved, settings, user->limits_for(name, flags)));
  }

  ActionRequest request;
  request.action = options.action;
  auto byte = [](std::optional<int> v) -> std::optional<uint8_t> {
    if (!v) return std::nullopt;
    return static_cast<uint8_t>(*v);
  };
  request.context.velocity = byte(options.velocity);
  request.context.note = byte(options.note);
  request.context.cc = byte(options.cc);
  request.context.value = byte(options.value);
  request.context.current_mode = options.mode;
  request.context.timestamp_ms = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                           std::chrono::system_clock::now().time_since_epoch())
                                                           .count());
  request.context.metadata = metadata_from_params(params);
  request.params_json = params.dump();

  CallResult result = loaded->plugin->execute(request);
  switch (result.status) {
    case CallResult::Status::Ok: return kPluginExitOk;
    case CallResult::Status::Failed:
      err << "plugin returned " << result.code << "\n";
      return kPluginExitFailed;
    case CallResult::Status::Trapped:
      err << "trap: " << result.message << "\n";
      return kPluginExitFailed;
    case CallResult::Status::Error:
      err << "error: " << result.message << "\n";
      return kPluginExitFailed;
  }
  return kPluginExitFailed;
}

}  // namespace midimon::tools
