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

}  // namespace

int plugin_info(const std::string& source, std::ostream& out, std::ostream& err) {
  LoaderSettings settings = LoaderSettings::from_environment();
  Expected<std::unique_ptr<PluginSettingsFile>> stored = PluginSettingsFile::open(settings.xdg);
  if (!stored) {
    err << "error: " << stored.error() << "\n";
    return kPluginExitInvalid;
  }
  Expected<DiscoveredPlugin> resolved = resolve_plugin(source, settings);
  if (!resolved) {
    err << "error: " << resolved.error() << "\n";
    return kPluginExitInvalid;
  }
  const CapabilitySet grants = (*stored)->grants(resolved->name);
  CliHostServices services(err, err);  // whatever init prints stays off stdout
  Expected<LoadedPlugin> loaded = load_plugin(source, settings, services, grants);
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
      << "enabled: " << ((*stored)->enabled(m.name) ? "yes" : "no") << "\n"
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

  LoaderSettings settings = LoaderSettings::from_environment();
  Expected<std::unique_ptr<PluginSettingsFile>> stored = PluginSettingsFile::open(settings.xdg);
  if (!stored) {
    err << "error: " << stored.error() << "\n";
    return kPluginExitInvalid;
  }
  Expected<DiscoveredPlugin> resolved = resolve_plugin(options.source, settings);
  if (!resolved) {
    err << "error: " << resolved.error() << "\n";
    return kPluginExitInvalid;
  }
  // What the user granted for good, plus what --grant adds for this call.
  const CapabilitySet grants(static_cast<uint8_t>((*stored)->grants(resolved->name).bits() | flag_grants->bits()));

  LimitOverrides overrides;
  overrides.fuel = options.fuel;
  if (options.timeout_ms) overrides.timeout = std::chrono::milliseconds(*options.timeout_ms);
  overrides.max_memory_bytes = options.max_memory;

  // The memory cap holds from instantiation on; fuel and deadline are the call's (so a
  // small --fuel limits `execute`, not the loading and `init` before it).
  LimitOverrides load_overrides;
  load_overrides.max_memory_bytes = overrides.max_memory_bytes;
  CliHostServices services(out, err);
  Expected<LoadedPlugin> loaded = load_plugin(options.source, settings, services, grants, load_overrides);
  if (!loaded) {
    err << "error: " << loaded.error() << "\n";
    return kPluginExitInvalid;
  }
  if (auto* wasm = dynamic_cast<WasmPlugin*>(loaded->plugin.get())) {
    wasm->set_limits(effective_limits(loaded->resolved, settings, overrides));
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
