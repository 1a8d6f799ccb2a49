// Finding plugins: sub-directories of each plugin directory that hold a plugin.toml, plus
// direct paths (a plugin directory, or a bare .wasm/.so binary without a manifest whose
// metadata comes from the binary when it is loaded).
//
// The scan never aborts: a broken manifest, a missing or unrecognisable binary, a duplicate
// name (the first found wins; both files are named) is a problem in the report and the
// plugin is skipped. Directories are scanned in the order given (plugin_paths.h's defaults
// first: the user's, then the system's), sub-directories in name order.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "plugin/expected.h"
#include "plugin/manifest.h"
#include "plugin/plugin.h"
#include "plugin/plugin_paths.h"

namespace midimon::plugin {

struct DiscoveredPlugin {
  std::string name;  // the manifest's, or a bare binary's file name without extension
  PluginKind kind = PluginKind::Wasm;  // from the binary's magic bytes
  std::filesystem::path binary;
  std::optional<Manifest> manifest;  // none for a bare binary
};

struct DiscoveryProblem {
  std::filesystem::path file;  // the manifest (or directory) concerned
  std::string message;         // a sentence starting "FILE:LINE:COLUMN: " or "PATH: "
};

struct DiscoveryReport {
  std::vector<DiscoveredPlugin> plugins;
  std::vector<DiscoveryProblem> problems;
  const DiscoveredPlugin* find(std::string_view name) const;
};

// Scans every directory (see PluginSearchDir::optional for missing ones).
DiscoveryReport discover_plugins(const std::vector<PluginSearchDir>& dirs);

// One plugin directory with a plugin.toml: manifest, binary present, inside the directory
// (also after resolving symbolic links), kind from its magic bytes.
Expected<DiscoveredPlugin> open_plugin_dir(const std::filesystem::path& dir);

// A path the user gave: a plugin directory, a plugin.toml, or a bare binary.
Expected<DiscoveredPlugin> open_plugin_path(const std::filesystem::path& path);

}  // namespace midimon::plugin
