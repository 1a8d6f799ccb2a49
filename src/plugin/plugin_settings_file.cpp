#include "plugin/plugin_settings_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>

namespace midimon::plugin {

namespace fs = std::filesystem;

fs::path disabled_plugins_file(const XdgDirs& xdg) { return xdg.state_home / "midimon" / "disabled-plugins"; }

namespace {

std::set<std::string> read_names(const fs::path& file) {
  std::set<std::string> names;
  std::ifstream in(file);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) names.insert(line);
  }
  return names;
}

// Temporary file in the same directory, then rename: readers see the old or the new list.
Expected<void> write_names(const fs::path& file, const std::set<std::string>& names) {
  std::error_code ec;
  fs::create_directories(file.parent_path(), ec);
  if (ec) return Failure{"cannot create " + file.parent_path().string() + ": " + ec.message()};
  std::string text;
  for (const std::string& n : names) text += n + "\n";
  const fs::path tmp = file.string() + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Failure{"cannot write " + tmp.string() + ": " + std::strerror(errno)};
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), file.c_str()) != 0) {
    std::string why = std::strerror(errno);
    ::unlink(tmp.c_str());
    return Failure{"cannot write " + file.string() + ": " + why};
  }
  return {};
}

}  // namespace

Expected<std::unique_ptr<PluginSettingsFile>> PluginSettingsFile::open(const XdgDirs& xdg) {
  Expected<GrantStore> grants = GrantStore::open(grants_file(xdg));
  if (!grants) return Failure{grants.error()};
  return std::unique_ptr<PluginSettingsFile>(
      new PluginSettingsFile(std::move(grants.value()), disabled_plugins_file(xdg)));
}

CapabilitySet PluginSettingsFile::grants(const std::string& plugin) {
  std::lock_guard lock(mutex_);
  (void)grants_.reload();  // a file that became unreadable keeps the last grants known
  return grants_.get(plugin);
}

Expected<void> PluginSettingsFile::set_grants(const std::string& plugin, CapabilitySet grants) {
  std::lock_guard lock(mutex_);
  return grants_.set(plugin, grants);
}

bool PluginSettingsFile::enabled(const std::string& plugin) {
  std::lock_guard lock(mutex_);
  return read_names(disabled_file_).count(plugin) == 0;
}

Expected<void> PluginSettingsFile::set_enabled(const std::string& plugin, bool enabled) {
  std::lock_guard lock(mutex_);
  std::set<std::string> names = read_names(disabled_file_);
  const bool changed = enabled ? names.erase(plugin) > 0 : names.insert(plugin).second;
  if (!changed) return {};
  return write_names(disabled_file_, names);
}

}  // namespace midimon::plugin
