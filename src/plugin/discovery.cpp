#include "plugin/discovery.h"

#include <algorithm>
#include <set>

#include "plugin/binary_kind.h"

namespace midimon::plugin {

namespace fs = std::filesystem;

namespace {

bool is_inside(const fs::path& dir, const fs::path& file) {
  std::error_code ec;
  fs::path real_dir = fs::canonical(dir, ec);
  if (ec) return false;
  fs::path real_file = fs::canonical(file, ec);
  if (ec) return false;
  auto [d, f] = std::mismatch(real_dir.begin(), real_dir.end(), real_file.begin(), real_file.end());
  return d == real_dir.end() && f != real_file.end();
}

// "FILE:LINE:COLUMN: " -> "FILE:LINE:COLUMN"
std::string without_colon(std::string where) {
  if (where.size() >= 2 && where.ends_with(": ")) where.resize(where.size() - 2);
  return where;
}

}  // namespace

const DiscoveredPlugin* DiscoveryReport::find(std::string_view name) const {
  for (const DiscoveredPlugin& p : plugins) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

Expected<DiscoveredPlugin> open_plugin_dir(const fs::path& dir) {
  auto manifest = load_manifest(dir / "plugin.toml");
  if (!manifest) return Failure{manifest.error()};
  fs::path binary = manifest->binary_path();
  std::error_code ec;
  if (!fs::exists(binary, ec)) {
    return Failure{manifest->where(manifest->binary_at) + "binary \"" +
                   manifest->binary.string() + "\" does not exist (looked for " +
                   binary.string() + ")"};
  }
  if (!is_inside(dir, binary)) {
    return Failure{manifest->where(manifest->binary_at) + "binary \"" +
                   manifest->binary.string() +
                   "\" resolves (through a symbolic link) to a file outside the plugin's "
                   "directory; refusing it"};
  }
  auto kind = detect_binary_kind(binary);
  if (!kind) return Failure{manifest->where(manifest->binary_at) + kind.error()};
  DiscoveredPlugin plugin;
  plugin.name = manifest->name;
  plugin.kind = *kind;
  plugin.binary = binary;
  plugin.manifest = std::move(*manifest);
  return plugin;
}

Expected<DiscoveredPlugin> open_plugin_path(const fs::path& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    if (!fs::exists(path / "plugin.toml", ec)) {
      return Failure{path.string() + ": a directory without plugin.toml is not a plugin"};
    }
    return open_plugin_dir(path);
  }
  if (path.filename() == "plugin.toml") return open_plugin_dir(path.parent_path());
  if (!fs::exists(path, ec)) return Failure{path.string() + ": no such file or directory"};
  auto kind = detect_binary_kind(path);
  if (!kind) return Failure{kind.error()};
  DiscoveredPlugin plugin;
  plugin.name = path.stem().string();
  plugin.kind = *kind;
  plugin.binary = path;
  return plugin;
}

DiscoveryReport discover_plugins(const std::vector<PluginSearchDir>& dirs) {
  DiscoveryReport report;
  std::set<fs::path> scanned;  // the same directory twice (e.g. XDG_DATA_HOME=/usr/share)
  for (const PluginSearchDir& search : dirs) {
    std::error_code ec;
    if (!fs::exists(search.path, ec)) {
      if (!search.optional) {
        report.problems.push_back({search.path, search.path.string() +
                                                    ": plugin directory does not exist"});
      }
      continue;
    }
    if (!fs::is_directory(search.path, ec)) {
      report.problems.push_back({search.path, search.path.string() + ": not a directory"});
      continue;
    }
    fs::path real = fs::weakly_canonical(search.path, ec);
    if (!scanned.insert(ec ? search.path : real).second) continue;

    std::vector<fs::path> candidates;
    fs::directory_iterator it(search.path, ec);
    if (ec) {
      report.problems.push_back(
          {search.path, search.path.string() + ": cannot list the directory: " + ec.message()});
      continue;
    }
    for (; it != fs::directory_iterator(); it.increment(ec)) {
      if (ec) {
        report.problems.push_back(
            {search.path, search.path.string() + ": error while listing: " + ec.message()});
        break;
      }
      std::error_code entry_ec;
      if (it->is_directory(entry_ec) && fs::is_regular_file(it->path() / "plugin.toml", entry_ec)) {
        candidates.push_back(it->path());
      }
    }
    std::sort(candidates.begin(), candidates.end());
    for (const fs::path& dir : candidates) {
      auto plugin = open_plugin_dir(dir);
      if (!plugin) {
        report.problems.push_back({dir / "plugin.toml", plugin.error() + "; skipped"});
        continue;
      }
      if (const DiscoveredPlugin* first = report.find(plugin->name)) {
        report.problems.push_back(
            {plugin->manifest->file,
             plugin->manifest->where(plugin->manifest->name_at) + "duplicate plugin name \"" +
                 plugin->name + "\": already found at " + without_colon(first->manifest->where(first->manifest->name_at)) +
                 "; the first one wins, this one is skipped"});
        continue;
      }
      report.plugins.push_back(std::move(*plugin));
    }
  }
  return report;
}

}  // namespace midimon::plugin
