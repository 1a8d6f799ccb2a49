#include "plugin/grant_store.h"

#include <sys/stat.h>

#include <cstdio>
#include <functional>
#include <optional>

#include "plugin/plugin_paths.h"
#include "plugin/secure_file.h"
#include "plugin/toml_support.h"

namespace midimon::plugin {

namespace fs = std::filesystem;
using toml_support::quote;
using toml_support::where;

namespace {

constexpr std::string_view kKnownNames =
    "network, filesystem, audio, midi, subprocess, systemcontrol (or system_control)";

std::string to_toml(const std::map<std::string, CapabilitySet>& grants) {
  std::string out =
      "# midimon: the capabilities you granted to each plugin (default: none).\n"
      "# Manage with `midimon plugin grant|revoke NAME CAPABILITY`.\n[grants]\n";
  for (const auto& [plugin, caps] : grants) {
    if (caps.empty()) continue;
    out += quote(plugin) + " = [";
    bool first = true;
    for (Capability c : caps.list()) {
      out += (first ? "" : ", ") + quote(capability_name(c));
      first = false;
    }
    out += "]\n";
  }
  return out;
}

Expected<void> check_name(std::string_view plugin) {
  if (is_valid_plugin_name(plugin)) return {};
  return Failure{"\"" + std::string(plugin) + "\" is not a valid plugin name"};
}

}  // namespace

Expected<CapabilitySet> parse_capability_names(std::span<const std::string> names) {
  CapabilitySet out;
  for (const std::string& name : names) {
    auto cap = parse_capability(name);
    if (!cap) {
      return Failure{"unknown capability \"" + name + "\"; known: " + std::string(kKnownNames)};
    }
    out.add(*cap);
  }
  return out;
}

Expected<std::map<std::string, CapabilitySet>> GrantStore::read(const fs::path& file) {
  std::map<std::string, CapabilitySet> grants;
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) return grants;  // no file yet: nothing granted
  if ((st.st_mode & 022) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return Failure{file.string() + ": the grants file has mode " + mode +
                   ", so group or others can change it; refusing to use it. Run: chmod 600 " +
                   file.string()};
  }
  auto text = read_text_file(file, 4u << 20);
  if (!text) return Failure{text.error()};
  auto root = toml_support::parse(*text, file);
  if (!root) return Failure{root.error()};
  for (auto&& [key, node] : *root) {
    if (key.str() != "grants") {
      return Failure{where(file, key.source()) + "unknown key \"" + std::string(key.str()) +
                     "\"; the grants file has only the [grants] table"};
    }
  }
  const toml::node* table = root->get("grants");
  if (table == nullptr) return grants;
  if (!table->is_table()) {
    return Failure{where(file, table->source()) + "grants must be a table, not " +
                   std::string(toml_support::type_phrase(table->type()))};
  }
  for (auto&& [key, node] : *table->as_table()) {
    std::string plugin(key.str());
    if (!is_valid_plugin_name(plugin)) {
      return Failure{where(file, key.source()) + "\"" + plugin + "\" is not a valid plugin name"};
    }
    if (!node.is_array()) {
      return Failure{where(file, node.source()) + plugin +
                     " must be an array of capability names, not " +
                     std::string(toml_support::type_phrase(node.type()))};
    }
    CapabilitySet caps;
    for (const toml::node& entry : *node.as_array()) {
      if (!entry.is_string()) {
        return Failure{where(file, entry.source()) + "a capability name must be a string, not " +
                       std::string(toml_support::type_phrase(entry.type()))};
      }
      auto cap = parse_capability(entry.as_string()->get());
      if (!cap) {
        return Failure{where(file, entry.source()) + "unknown capability \"" +
                       entry.as_string()->get() + "\"; known: " + std::string(kKnownNames)};
      }
      caps.add(*cap);
    }
    grants[plugin] = caps;
  }
  return grants;
}

Expected<GrantStore> GrantStore::open(const fs::path& file) {
  auto grants = read(file);
  if (!grants) return Failure{grants.error()};
  GrantStore store(file);
  store.grants_ = std::move(*grants);
  return store;
}

Expected<void> GrantStore::reload() {
  auto grants = read(file_);
  if (!grants) return Failure{grants.error()};
  std::lock_guard lock(*mutex_);
  grants_ = std::move(*grants);
  return {};
}

CapabilitySet GrantStore::get(std::string_view plugin) const {
  std::lock_guard lock(*mutex_);
  auto it = grants_.find(std::string(plugin));
  return it == grants_.end() ? CapabilitySet{} : it->second;
}

std::map<std::string, CapabilitySet> GrantStore::list() const {
  std::lock_guard lock(*mutex_);
  std::map<std::string, CapabilitySet> out;
  for (const auto& [plugin, caps] : grants_) {
    if (!caps.empty()) out.emplace(plugin, caps);
  }
  return out;
}

Expected<void> GrantStore::update(std::string_view plugin,
                                  const std::function<CapabilitySet(CapabilitySet)>& change) {
  if (auto ok = check_name(plugin); !ok) return ok;
  std::lock_guard lock(*mutex_);
  std::string name(plugin);
  auto it = grants_.find(name);
  std::optional<CapabilitySet> before;
  if (it != grants_.end()) before = it->second;
  CapabilitySet after = change(before.value_or(CapabilitySet{}));
  if (after.empty()) {
    grants_.erase(name);
  } else {
    grants_[name] = after;
  }
  if (auto saved = save_locked(); !saved) {
    // Keep memory and file in agreement: undo the change.
    if (before) {
      grants_[name] = *before;
    } else {
      grants_.erase(name);
    }
    return saved;
  }
  return {};
}

Expected<void> GrantStore::set(std::string_view plugin, CapabilitySet capabilities) {
  return update(plugin, [&](CapabilitySet) { return capabilities; });
}

Expected<void> GrantStore::grant(std::string_view plugin, CapabilitySet capabilities) {
  return update(plugin, [&](CapabilitySet now) {
    return CapabilitySet(static_cast<uint8_t>(now.bits() | capabilities.bits()));
  });
}

Expected<void> GrantStore::revoke(std::string_view plugin, CapabilitySet capabilities) {
  return update(plugin, [&](CapabilitySet now) {
    return CapabilitySet(static_cast<uint8_t>(now.bits() & ~capabilities.bits()));
  });
}

Expected<void> GrantStore::save_locked() const {
  return replace_file_atomically(file_, to_toml(grants_), 0600);
}

}  // namespace midimon::plugin
