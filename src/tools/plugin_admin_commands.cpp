// `midimon plugin list|install|remove|enable|disable|grant|revoke`: the installed plugins
// and what the user decided about them (grants, disabled), all on disk (XDG dirs).
#include <filesystem>

#include "plugin/discovery.h"
#include "plugin/grant_store.h"
#include "plugin/plugin_loader.h"
#include "plugin/plugin_settings_file.h"
#include "plugin/plugin_verify.h"
#include "tools/plugin_commands.h"

namespace midimon::tools {

using namespace midimon::plugin;
namespace fs = std::filesystem;

namespace {

fs::path user_plugin_dir(const XdgDirs& xdg) { return xdg.data_home / "midimon" / "plugins"; }

// Capability names, with "all" for every one.
Expected<CapabilitySet> parse_caps(const std::vector<std::string>& names) {
  for (const std::string& n : names) {
    if (n == "all") return CapabilitySet(static_cast<uint8_t>((1u << kCapabilityCount) - 1));
  }
  return parse_capability_names(names);
}

// "enabled", "disabled" (midimon plugin disable) or "disabled by the config".
std::string enabled_word(const UserPluginSettings& user, PluginSettingsFile& stored, const std::string& name) {
  if (const mapping::PluginConfig* configured = user.plugin(name); configured && !configured->enabled) {
    return "disabled by the config";
  }
  return stored.enabled(name) ? "enabled" : "disabled";
}

}  // namespace

int plugin_list(const PluginConfigOptions& options, std::ostream& out, std::ostream& err) {
  std::optional<UserPluginSettings> user = user_plugin_settings_or_report(options, err);
  if (!user) return kPluginExitInvalid;
  const LoaderSettings& settings = user->loader;
  Expected<std::unique_ptr<PluginSettingsFile>> stored = PluginSettingsFile::open(settings.xdg);
  if (!stored) {
    err << "error: " << stored.error() << "\n";
    return kPluginExitInvalid;
  }
  DiscoveryReport report = discover_plugins(settings.search_dirs);
  for (const DiscoveryProblem& p : report.problems) err << "warning: " << p.message << "\n";
  if (report.plugins.empty()) {
    out << "no plugins installed (in";
    for (const PluginSearchDir& d : settings.search_dirs) out << " " << d.path.string();
    out << ")\n";
    return kPluginExitOk;
  }
  for (const DiscoveredPlugin& p : report.plugins) {
    out << p.name << " " << (p.manifest ? p.manifest->version : std::string("?")) << " ["
        << plugin_kind_name(p.kind) << "] " << enabled_word(*user, **stored, p.name)
        << ", grants: " << (*stored)->grants(p.name).to_string() << ", " << p.binary.parent_path().string()
        << "\n";
  }
  return kPluginExitOk;
}

int plugin_install(const std::string& path, const PluginConfigOptions& options, std::ostream& out,
                   std::ostream& err) {
  std::optional<UserPluginSettings> user = user_plugin_settings_or_report(options, err);
  if (!user) return kPluginExitInvalid;
  const LoaderSettings& settings = user->loader;
  Expected<DiscoveredPlugin> plugin = open_plugin_path(path);
  if (!plugin) {
    err << "error: " << plugin.error() << "\n";
    return kPluginExitInvalid;
  }
  if (!plugin->manifest) {
    err << "error: " << path << ": only a plugin directory with a plugin.toml can be installed\n";
    return kPluginExitInvalid;
  }
  // Refuse now what would be refused at load: a wrong pin or a bad or untrusted signature.
  Expected<TrustStore> trust = load_trust(settings);
  if (!trust) {
    err << "error: " << trust.error() << "\n";
    return kPluginExitInvalid;
  }
  LoadCheck check = check_before_load(plugin->binary, plugin->manifest->sha256,
                                      SignaturePolicy{settings.require_signature}, *trust);
  if (!check.allowed) {
    err << "error: " << check.refusal << "\n";
    return kPluginExitInvalid;
  }
  const fs::path target = user_plugin_dir(settings.xdg) / plugin->name;
  std::error_code ec;
  if (fs::exists(target, ec)) {
    err << "error: a plugin named '" << plugin->name << "' is already installed at " << target.string()
        << "; remove it first\n";
    return kPluginExitInvalid;
  }
  fs::create_directories(target.parent_path(), ec);
  if (!ec) fs::copy(plugin->manifest->dir, target, fs::copy_options::recursive, ec);
  if (ec) {
    err << "error: cannot install into " << target.string() << ": " << ec.message() << "\n";
    fs::remove_all(target, ec);
    return kPluginExitInvalid;
  }
  out << "installed " << plugin->name << " " << plugin->manifest->version << " into " << target.string() << "\n"
      << "signature: " << check.signature.describe() << "\n"
      << "grants: none (grant what it asks for with `midimon plugin grant " << plugin->name << " CAP...`; it asks for "
      << plugin->manifest->capabilities.to_string() << ")\n";
  return kPluginExitOk;
}

int plugin_remove(const std::string& name, std::ostream& out, std::ostream& err) {
  LoaderSettings settings = LoaderSettings::from_environment();
  const fs::path user_dir = user_plugin_dir(settings.xdg);
  DiscoveryReport mine = discover_plugins({PluginSearchDir{user_dir, true}});
  const DiscoveredPlugin* found = mine.find(name);
  if (found == nullptr || !found->manifest) {
    DiscoveryReport all = discover_plugins(settings.search_dirs);
    if (const DiscoveredPlugin* elsewhere = all.find(name)) {
      err << "error: '" << name << "' is installed at " << elsewhere->binary.parent_path().string()
          << ", outside your plugin directory; remove it with the tool that installed it\n";
    } else {
      err << "error: no installed plugin named '" << name << "' in " << user_dir.string() << "\n";
    }
    return kPluginExitInvalid;
  }
  std::error_code ec;
  fs::remove_all(found->manifest->dir, ec);
  if (ec) {
    err << "error: cannot remove " << found->manifest->dir.string() << ": " << ec.message() << "\n";
    return kPluginExitInvalid;
  }
  out << "removed " << name << " (" << found->manifest->dir.string() << "); its grants and data were kept\n";
  return kPluginExitOk;
}

int plugin_set_enabled(const std::string& name, bool enabled, std::ostream& out, std::ostream& err) {
  if (!is_valid_plugin_name(name)) {
    err << "error: '" << name << "' is not a valid plugin name\n";
    return kPluginExitInvalid;
  }
  Expected<std::unique_ptr<PluginSettingsFile>> stored = PluginSettingsFile::open(XdgDirs::from_environment());
  if (!stored) {
    err << "error: " << stored.error() << "\n";
    return kPluginExitInvalid;
  }
  if (Expected<void> saved = (*stored)->set_enabled(name, enabled); !saved) {
    err << "error: " << saved.error() << "\n";
    return kPluginExitInvalid;
  }
  out << (enabled ? "enabled " : "disabled ") << name << "\n";
  return kPluginExitOk;
}

int plugin_change_grants(const std::string& name, const std::vector<std::string>& capabilities, bool grant,
                         std::ostream& out, std::ostream& err) {
  Expected<CapabilitySet> caps = parse_caps(capabilities);
  if (!caps) {
    err << "error: " << caps.error() << "\n";
    return kPluginExitInvalid;
  }
  Expected<GrantStore> store = GrantStore::open(grants_file(XdgDirs::from_environment()));
  if (!store) {
    err << "error: " << store.error() << "\n";
    return kPluginExitInvalid;
  }
  Expected<void> changed = grant ? store->grant(name, *caps) : store->revoke(name, *caps);
  if (!changed) {
    err << "error: " << changed.error() << "\n";
    return kPluginExitInvalid;
  }
  out << name << ": grants: " << store->get(name).to_string() << "\n";
  return kPluginExitOk;
}

}  // namespace midimon::tools
