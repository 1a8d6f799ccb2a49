#include "plugin/manifest.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "plugin/plugin_paths.h"
#include "plugin/secure_file.h"
#include "plugin/toml_support.h"

namespace midimon::plugin {

namespace fs = std::filesystem;
using toml_support::where;

namespace {

// Parses one manifest; the first error wins (a message names its place).
class ManifestParser {
 public:
  ManifestParser(const fs::path& file, Manifest& out) : file_(file), out_(out) {}

  Expected<void> parse(const toml::table& root) {
    for (auto&& [key, node] : root) {
      if (key.str() != "plugin") {
        return fail(key.source(), "unknown top-level key \"" + std::string(key.str()) +
                                      "\"; a manifest has only the [plugin] table");
      }
    }
    const toml::node* plugin = root.get("plugin");
    if (plugin == nullptr) {
      return Failure{where(file_, toml::source_position{1, 1}) +
                     "the manifest has no [plugin] table"};
    }
    if (!plugin->is_table()) return wrong_type(*plugin, "plugin", "a table");
    return parse_plugin(*plugin->as_table());
  }

 private:
  static SourceLocation location(const toml::node& node) {
    return SourceLocation{node.source().begin.line, node.source().begin.column};
  }

  Failure fail(const toml::source_region& at, const std::string& sentence) const {
    return Failure{where(file_, at) + sentence};
  }

  Failure wrong_type(const toml::node& node, std::string_view key, std::string_view wanted) const {
    return fail(node.source(), std::string(key) + " must be " + std::string(wanted) + ", not " +
                                   std::string(toml_support::type_phrase(node.type())));
  }

  // Fails on a key of `table` not in `known`.
  template <size_t N>
  Expected<void> reject_unknown(const toml::table& table, std::string_view table_name,
                                const std::array<std::string_view, N>& known) const {
    for (auto&& [key, node] : table) {
      if (std::find(known.begin(), known.end(), key.str()) != known.end()) continue;
      std::string list;
      for (std::string_view k : known) list += (list.empty() ? "" : ", ") + std::string(k);
      return fail(key.source(), "unknown key \"" + std::string(key.str()) + "\" in [" +
                                    std::string(table_name) + "]; expected one of: " + list);
    }
    return {};
  }

  Expected<void> string_field(const toml::table& table, std::string_view key, std::string& out,
                              bool required) const {
    const toml::node* node = table.get(key);
    if (node == nullptr) {
      if (!required) return {};
      return fail(table.source(),
                  "[plugin] is missing the required key \"" + std::string(key) + "\"");
    }
    if (!node->is_string()) return wrong_type(*node, key, "a string");
    out = node->as_string()->get();
    if (required && out.empty()) return fail(node->source(), std::string(key) + " must not be empty");
    return {};
  }

  Expected<void> parse_plugin(const toml::table& plugin) {
    static constexpr std::array<std::string_view, 13> kKnown = {
        "name",   "version", "description",  "author",  "license", "homepage", "type",
        "binary", "sha256",  "capabilities", "network", "limits",  "config"};
    if (auto r = reject_unknown(plugin, "plugin", kKnown); !r) return r;

    // Required strings, in the order MIDIMon's schema lists them.
    const std::array<std::pair<std::string_view, std::string*>, 5> required = {{
        {"name", &out_.name},
        {"version", &out_.version},
        {"description", &out_.description},
        {"author", &out_.author},
        {"license", &out_.license},
    }};
    for (auto [key, field] : required) {
      if (auto r = string_field(plugin, key, *field, true); !r) return r;
    }
    out_.name_at = location(*plugin.get("name"));
    if (!is_valid_plugin_name(out_.name)) {
      return fail(plugin.get("name")->source(),
                  "name \"" + out_.name +
                      "\" is not a valid plugin name: use 1-64 characters of A-Z a-z 0-9 . _ - "
                      "not starting with '.' (it names the plugin's data directory)");
    }
    if (auto r = string_field(plugin, "homepage", out_.homepage, false); !r) return r;
    if (auto r = string_field(plugin, "type", out_.type, false); !r) return r;
    if (out_.type != "action" && out_.type != "trigger") {
      return fail(plugin.get("type")->source(),
                  "type must be \"action\" or \"trigger\", not \"" + out_.type + "\"");
    }
    if (auto r = parse_binary(plugin); !r) return r;
    if (auto r = parse_sha256(plugin); !r) return r;
    if (auto r = parse_capabilities(plugin); !r) return r;
    if (auto r = parse_network(plugin); !r) return r;
    if (auto r = parse_limits(plugin); !r) return r;
    return parse_config(plugin);
  }

  Expected<void> parse_binary(const toml::table& plugin) {
    std::string binary;
    if (auto r = string_field(plugin, "binary", binary, true); !r) return r;
    const toml::node& node = *plugin.get("binary");
    out_.binary_at = location(node);
    if (binary.find('\0') != std::string::npos) {
      return fail(node.source(), "binary must not contain a NUL character");
    }
    fs::path path(binary);
    if (path.is_absolute()) {
      return fail(node.source(), "binary \"" + binary +
                                     "\" is an absolute path; it must be relative to the "
                                     "plugin's directory");
    }
    for (const fs::path& part : path) {
      if (part == "..") {
        return fail(node.source(), "binary \"" + binary +
                                       "\" contains \"..\"; it must stay inside the plugin's "
                                       "directory");
      }
    }
    fs::path normal = path.lexically_normal();
    if (normal.empty() || normal == "." || !normal.has_filename()) {
      return fail(node.source(), "binary \"" + binary + "\" does not name a file");
    }
    out_.binary = normal;
    return {};
  }

  Expected<void> parse_sha256(const toml::table& plugin) {
    const toml::node* node = plugin.get("sha256");
    if (node == nullptr) return {};
    if (!node->is_string()) return wrong_type(*node, "sha256", "a string");
    std::string hex = node->as_string()->get();
    bool ok = hex.size() == 64 &&
              std::all_of(hex.begin(), hex.end(), [](unsigned char c) { return std::isxdigit(c); });
    if (!ok) {
      return fail(node->source(),
                  "sha256 must be 64 hexadecimal digits (the SHA-256 of the binary), got \"" +
                      hex + "\"");
    }
    std::transform(hex.begin(), hex.end(), hex.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    out_.sha256 = hex;
    return {};
  }

  // A sub-table of [plugin]: absent is fine (nullptr), anything but a table is an error.
  Expected<const toml::table*> sub_table(const toml::table& plugin, std::string_view key) const {
    const toml::node* node = plugin.get(key);
    if (node == nullptr) return static_cast<const toml::table*>(nullptr);
    if (!node->is_table()) return wrong_type(*node, "plugin." + std::string(key), "a table");
    return node->as_table();
  }

  Expected<void> parse_capabilities(const toml::table& plugin) {
    auto table = sub_table(plugin, "capabilities");
    if (!table) return Failure{table.error()};
    if (*table == nullptr) return {};
    for (auto&& [key, node] : **table) {
      std::optional<Capability> cap = parse_capability(key.str());
      if (!cap) {
        return fail(key.source(),
                    "unknown capability \"" + std::string(key.str()) +
                        "\" in [plugin.capabilities]; expected one of: network, filesystem, "
                        "audio, midi, subprocess, system_control");
      }
      if (!node.is_boolean()) return wrong_type(node, key.str(), "a boolean");
      if (node.as_boolean()->get()) out_.capabilities.add(*cap);
    }
    return {};
  }

  static bool valid_host(std::string_view host) {
    std::string_view name = host;
    size_t colon = host.rfind(':');
    if (!host.empty() && host.front() == '[') {
      // [IPv6]:port or [IPv6]
      size_t close = host.find(']');
      if (close == std::string_view::npos || close == 1) return false;
      for (char c : host.substr(1, close - 1)) {
        if (!std::isxdigit(static_cast<unsigned char>(c)) && c != ':' && c != '.') return false;
      }
      if (close + 1 == host.size()) return true;
      if (host[close + 1] != ':') return false;
      colon = close + 1;
      name = {};
    } else if (colon != std::string_view::npos) {
      name = host.substr(0, colon);
    } else {
      colon = std::string_view::npos;
    }
    if (colon != std::string_view::npos) {
      std::string_view port = host.substr(colon + 1);
      if (port.empty() || port.size() > 5) return false;
      unsigned value = 0;
      for (char c : port) {
        if (c < '0' || c > '9') return false;
        value = value * 10 + static_cast<unsigned>(c - '0');
      }
      if (value == 0 || value > 65535) return false;
    }
    if (host.front() == '[') return true;
    if (name.empty() || name.size() > 253 || name.front() == '.' || name.front() == '-') return false;
    for (char c : name) {
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-')) return false;
    }
    return true;
  }

  Expected<void> parse_network(const toml::table& plugin) {
    auto table = sub_table(plugin, "network");
    if (!table) return Failure{table.error()};
    if (*table == nullptr) return {};
    static constexpr std::array<std::string_view, 1> kKnown = {"hosts"};
    if (auto r = reject_unknown(**table, "plugin.network", kKnown); !r) return r;
    const toml::node* hosts = (*table)->get("hosts");
    if (hosts == nullptr) return {};
    if (!hosts->is_array()) return wrong_type(*hosts, "hosts", "an array of strings");
    for (const toml::node& entry : *hosts->as_array()) {
      if (!entry.is_string()) return wrong_type(entry, "each entry of hosts", "a string");
      std::string host = entry.as_string()->get();
      std::transform(host.begin(), host.end(), host.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      if (!valid_host(host)) {
        return fail(entry.source(),
                    "\"" + entry.as_string()->get() +
                        "\" is not a host name: use \"name\" or \"name:port\" (letters, digits, "
                        "'.', '-'; no scheme, path or wildcard)");
      }
      out_.network_hosts.push_back(host);
    }
    return {};
  }

  // An integer in [min, max] or an error at its place.
  Expected<int64_t> bounded_integer(const toml::node& node, std::string_view key, int64_t min,
                                    int64_t max) const {
    if (!node.is_integer()) return wrong_type(node, key, "an integer");
    int64_t value = node.as_integer()->get();
    if (value < min || value > max) {
      return fail(node.source(), std::string(key) + " = " + std::to_string(value) +
                                     " is out of range; it must be between " +
                                     std::to_string(min) + " and " + std::to_string(max));
    }
    return value;
  }

  Expected<void> parse_limits(const toml::table& plugin) {
    auto table = sub_table(plugin, "limits");
    if (!table) return Failure{table.error()};
    if (*table == nullptr) return {};
    const toml::table& limits = **table;
    static constexpr std::array<std::string_view, 4> kKnown = {"max_memory_mb", "max_memory_bytes",
                                                                "timeout_ms", "fuel"};
    if (auto r = reject_unknown(limits, "plugin.limits", kKnown); !r) return r;
    const toml::node* mb = limits.get("max_memory_mb");
    const toml::node* bytes = limits.get("max_memory_bytes");
    if (mb != nullptr && bytes != nullptr) {
      return fail(bytes->source(), "give max_memory_mb or max_memory_bytes, not both");
    }
    if (mb != nullptr) {
      auto v = bounded_integer(*mb, "max_memory_mb", 1, int64_t(kManifestMaxMemoryBytes >> 20));
      if (!v) return Failure{v.error()};
      out_.limits.max_memory_bytes = static_cast<uint64_t>(*v) << 20;
    }
    if (bytes != nullptr) {
      auto v = bounded_integer(*bytes, "max_memory_bytes", 65536, int64_t(kManifestMaxMemoryBytes));
      if (!v) return Failure{v.error()};
      out_.limits.max_memory_bytes = static_cast<uint64_t>(*v);
    }
    if (const toml::node* t = limits.get("timeout_ms")) {
      auto v = bounded_integer(*t, "timeout_ms", 1, kManifestMaxTimeoutMs);
      if (!v) return Failure{v.error()};
      out_.limits.timeout = std::chrono::milliseconds(*v);
    }
    if (const toml::node* f = limits.get("fuel")) {
      auto v = bounded_integer(*f, "fuel", 1, int64_t(kManifestMaxFuel));
      if (!v) return Failure{v.error()};
      out_.limits.fuel = static_cast<uint64_t>(*v);
    }
    return {};
  }

  Expected<void> parse_config(const toml::table& plugin) {
    auto table = sub_table(plugin, "config");
    if (!table) return Failure{table.error()};
    if (*table != nullptr) out_.config_json = toml_support::to_json(**table);
    return {};
  }

  const fs::path& file_;
  Manifest& out_;
};

}  // namespace

std::string Manifest::where(SourceLocation at) const {
  return toml_support::where(file, toml::source_position{at.line, at.column});
}

PluginLimits ManifestLimits::over(const PluginLimits& fallback) const {
  PluginLimits out = fallback;
  if (max_memory_bytes) out.max_memory_bytes = *max_memory_bytes;
  if (timeout) out.timeout = *timeout;
  if (fuel) out.fuel = *fuel;
  return out;
}

Expected<Manifest> parse_manifest(std::string_view text, const fs::path& file) {
  auto root = toml_support::parse(text, file);
  if (!root) return Failure{root.error()};
  Manifest manifest;
  manifest.file = file;
  manifest.dir = file.parent_path();
  ManifestParser parser(file, manifest);
  if (auto r = parser.parse(*root); !r) return Failure{r.error()};
  return manifest;
}

Expected<Manifest> load_manifest(const fs::path& file) {
  auto text = read_text_file(file, 1u << 20);
  if (!text) return Failure{text.error()};
  return parse_manifest(*text, file);
}

}  // namespace midimon::plugin
