// plugin.toml: MIDIMon's manifest schema plus midimon's extensions (docs/plugins/manifest.md).
//
//   [plugin]               name, version, description, author, license (required);
//                          homepage; type = "action" | "trigger" (default "action");
//                          binary (required; relative, inside the plugin's directory);
//                          sha256 = "<64 hex>"            (extension: pin of the binary)
//   [plugin.capabilities]  network, filesystem, audio, midi, subprocess, system_control
//                          (booleans, default false; what the plugin asks for, not a grant)
//   [plugin.network]       hosts = ["api.example.com", "localhost:8080"]   (extension)
//   [plugin.limits]        max_memory_mb | max_memory_bytes, timeout_ms, fuel (extension)
//   [plugin.config]        any table; handed to the plugin as JSON by config_get (extension)
//
// Unknown keys are errors. Every error is "FILE:LINE:COLUMN: sentence".
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "plugin/capability.h"
#include "plugin/expected.h"
#include "plugin/plugin.h"

namespace midimon::plugin {

// What [plugin.limits] asks for; unset fields fall back to the config, then the defaults.
struct ManifestLimits {
  std::optional<uint64_t> max_memory_bytes;  // from max_memory_mb (MiB) or max_memory_bytes
  std::optional<std::chrono::milliseconds> timeout;
  std::optional<uint64_t> fuel;

  // The manifest's values over `fallback` (the config's or PluginLimits{}).
  PluginLimits over(const PluginLimits& fallback) const;
};

// Bounds a manifest may ask for (a manifest outside them is an error, not clamped).
inline constexpr uint64_t kManifestMaxMemoryBytes = 4ull << 30;  // wasm32's whole space
inline constexpr int64_t kManifestMaxTimeoutMs = 600'000;          // 10 minutes
inline constexpr uint64_t kManifestMaxFuel = 1ull << 50;

// Where a key was written in plugin.toml (1-based; 0 when unknown).
struct SourceLocation {
  uint32_t line = 0;
  uint32_t column = 0;
};

struct Manifest {
  std::filesystem::path file;  // the plugin.toml it came from
  std::filesystem::path dir;   // its directory (the plugin's install directory)

  std::string name;  // also a directory name: see is_valid_plugin_name()
  std::string version;
  std::string description;
  std::string author;
  std::string license;
  std::string homepage;       // empty when absent
  std::string type = "action";
  std::filesystem::path binary;  // as written: relative, no "..", normalised
  CapabilitySet capabilities;    // requested, not granted

  std::optional<std::string> sha256;      // lowercase hex, 64 characters
  std::vector<std::string> network_hosts;  // "host" or "host:port", lowercase
  ManifestLimits limits;
  std::string config_json = "{}";  // [plugin.config] as a JSON object

  SourceLocation name_at;    // for messages about the plugin (duplicates)
  SourceLocation binary_at;  // for messages about the binary (missing, wrong kind)

  std::filesystem::path binary_path() const { return dir / binary; }
  // "FILE:LINE:COLUMN: " of a location in this manifest.
  std::string where(SourceLocation at) const;
};

// Parses `text` as the manifest at `file` (used for messages and `dir`).
Expected<Manifest> parse_manifest(std::string_view text, const std::filesystem::path& file);
// Reads and parses `file` (plugin.toml).
Expected<Manifest> load_manifest(const std::filesystem::path& file);

}  // namespace midimon::plugin
