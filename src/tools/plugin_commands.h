// The `midimon plugin ...` commands as library functions: parsed arguments in, text on
// the given streams, the process exit code out (tests call them without the binary).
//
// Exit codes: 0 success (for `call`: the plugin returned 0); 1 the plugin ran and did
// not return 0 (its return code, a trap or a host refusal is printed on stderr), or a
// verification failed; 2 bad usage, or a plugin/file that cannot be loaded or found.
#pragma once

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "tools/plugin_user_settings.h"

namespace midimon::tools {

inline constexpr int kPluginExitOk = 0;
inline constexpr int kPluginExitFailed = 1;
inline constexpr int kPluginExitInvalid = 2;

struct PluginCallOptions {
  std::string source;  // PATH (plugin.toml, its directory, or a bare binary) or NAME
  std::string action;
  std::optional<int> velocity, note, cc, value;
  std::optional<int64_t> mode;
  std::string params = "{}";         // a JSON object
  std::vector<std::string> grants;   // capability names
  std::optional<uint64_t> fuel;
  std::optional<uint64_t> timeout_ms;
  std::optional<uint64_t> max_memory;
  PluginConfigOptions settings;  // the config file and the flags over it
};

// info and call read the user's config like the daemon (plugin_user_settings.h): its
// plugin directories, signature policy and the plugin's [plugins.NAME] config and limits.
int plugin_info(const std::string& source, const PluginConfigOptions& settings, std::ostream& out,
                std::ostream& err);
// A plugin the config disables ([plugins.NAME] enabled = false) is refused (exit 2): the
// daemon does not load it.
int plugin_call(const PluginCallOptions& options, std::ostream& out, std::ostream& err);

// Installed plugins (discovery over the plugin directories, the config's included), with
// enabled flag and grants.
int plugin_list(const PluginConfigOptions& settings, std::ostream& out, std::ostream& err);
// Copies a plugin directory (with plugin.toml) to $XDG_DATA_HOME/midimon/plugins/<name>,
// after the checks a load would make (under the config's signature policy).
int plugin_install(const std::string& path, const PluginConfigOptions& settings, std::ostream& out,
                   std::ostream& err);
int plugin_remove(const std::string& name, std::ostream& out, std::ostream& err);
int plugin_set_enabled(const std::string& name, bool enabled, std::ostream& out, std::ostream& err);
int plugin_change_grants(const std::string& name, const std::vector<std::string>& capabilities, bool grant,
                         std::ostream& out, std::ostream& err);

struct KeygenOptions {
  std::string private_key;  // file to write (0600)
  std::string public_key;   // file to write; default <private_key>.pub
  std::string developer_name;
  std::string developer_email;
};
int plugin_keygen(const KeygenOptions& options, std::ostream& out, std::ostream& err);
struct SignOptions {
  std::string binary;
  std::string private_key;
  std::string developer_name;   // empty: the key file's
  std::string developer_email;  // empty: the key file's
};
int plugin_sign(const SignOptions& options, std::ostream& out, std::ostream& err);
// The decision a load would make, under the config's signature policy (or --require).
int plugin_verify(const std::string& binary, const PluginConfigOptions& settings, std::ostream& out,
                  std::ostream& err);

struct TrustAddOptions {
  std::string public_key;  // hex, or a file holding it
  std::string name;
  std::string email;
};
int plugin_trust_add(const TrustAddOptions& options, std::ostream& out, std::ostream& err);
int plugin_trust_list(std::ostream& out, std::ostream& err);
int plugin_trust_remove(const std::string& key, std::ostream& out, std::ostream& err);

int plugin_new(const std::string& name, const std::string& lang, const std::string& dir, std::ostream& out,
               std::ostream& err);

}  // namespace midimon::tools
