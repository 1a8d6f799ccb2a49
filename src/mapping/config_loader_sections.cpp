// The top-level tables other than modes: [device] / [[devices]], [advanced_settings],
// [logging], [desktop], [[app_profiles]] and [plugins.<name>].
#include <regex>

#include "mapping/config_reader.h"

namespace midimon::mapping::detail {

std::string table_to_json(const toml::table& table);  // config_loader_actions.cpp

namespace {

constexpr int64_t kMaxTimingMs = 600'000;

// A regex that std::regex (ECMAScript) accepts, else an error at `node`.
bool check_regex(const std::string& pattern, const toml::node& node, LoadContext& ctx,
                 std::string_view key) {
  try {
    std::regex re(pattern, std::regex::ECMAScript);
    (void)re;
    return true;
  } catch (const std::regex_error& e) {
    ctx.error(node, "'" + std::string(key) + "' is not a valid regular expression: " + e.what());
    return false;
  }
}

std::optional<DeviceMatch> read_match(TableReader& r) {
  return r.choice<DeviceMatch>("match", {{"exact", DeviceMatch::Exact},
                                         {"substring", DeviceMatch::Substring},
                                         {"regex", DeviceMatch::Regex}});
}

std::optional<DeviceConfig> read_device(const toml::table& table, const std::string& what,
                                        LoadContext& ctx) {
  TableReader r(table, what, ctx);
  DeviceConfig d;
  d.where = ctx.at(table);
  bool ok = true;
  auto name = r.string("name", Need::Required, false);
  // `port`: MIDIMon's explicit port index (an integer), or our port-name pattern.
  const toml::node* port = r.get("port");
  if (port && port->is_integer()) {
    if (auto index = r.integer_at(port, "port", 0, 65535)) d.port_index = static_cast<uint32_t>(*index);
    else ok = false;
  } else if (port) {
    if (auto pattern = r.string_at(port, "port", Need::Optional, false)) d.port = *pattern;
    else ok = false;
  }
  auto match = read_match(r);
  if (table.get("match") && !match) ok = false;
  auto backend = r.choice<MidiBackend>(
      "backend", {{"auto", MidiBackend::Auto}, {"jack", MidiBackend::Jack}, {"alsa", MidiBackend::Alsa}});
  if (table.get("backend") && !backend) ok = false;
  auto auto_connect = r.boolean("auto_connect");
  auto auto_reconnect = r.boolean("auto_reconnect");
  if ((table.get("auto_connect") && !auto_connect) || (table.get("auto_reconnect") && !auto_reconnect))
    ok = false;
  r.finish();
  if (!name || !ok) return std::nullopt;
  d.name = *name;
  if (d.port.empty()) d.port = d.name;
  d.match = match.value_or(DeviceMatch::Substring);
  d.backend = backend.value_or(MidiBackend::Auto);
  d.auto_connect = auto_connect.value_or(true);
  d.auto_reconnect = auto_reconnect.value_or(true);
  if (d.match == DeviceMatch::Regex) {
    const toml::node& at = port && port->is_string() ? *port : *table.get("name");
    if (!check_regex(d.port, at, ctx, port && port->is_string() ? "port" : "name")) return std::nullopt;
  }
  return d;
}

// [plugins.<name>.limits], with the manifest's names and ranges (docs/plugins/manifest.md).
bool read_plugin_limits(const toml::node& node, const std::string& plugin_label, LoadContext& ctx,
                        PluginLimitsConfig& out) {
  const auto* table = node.as_table();
  if (!table) {
    ctx.error(node, "'limits' in " + plugin_label + " must be a table, not " + type_phrase(node));
    return false;
  }
  const std::string label = plugin_label.substr(0, plugin_label.size() - 1) + ".limits]";
  TableReader r(*table, label, ctx);
  constexpr int64_t kMaxMemoryMb = 4096, kMaxTimeoutMs = 600'000, kMaxFuel = int64_t(1) << 50;
  bool ok = true;
  auto read = [&](std::string_view key, int64_t max) -> std::optional<int64_t> {
    const bool given = table->get(key) != nullptr;
    auto v = r.integer(key, 1, max);
    if (given && !v) ok = false;
    return v;
  };
  auto mb = read("max_memory_mb", kMaxMemoryMb);
  auto timeout = read("timeout_ms", kMaxTimeoutMs);
  auto fuel = read("fuel", kMaxFuel);
  r.finish();
  if (!ok) return false;
  if (mb) out.max_memory_bytes = static_cast<uint64_t>(*mb) << 20;
  if (timeout) out.timeout_ms = static_cast<uint32_t>(*timeout);
  if (fuel) out.fuel = static_cast<uint64_t>(*fuel);
  return true;
}

}  // namespace

void read_devices(TableReader& top, Config& config) {
  LoadContext& ctx = top.context();
  const toml::node* single = top.get("device");
  const toml::node* list = top.get("devices");
  if (single && list) {
    ctx.error(*list, "give either [device] (one device) or [[devices]] (several), not both");
    return;
  }
  if (single) {
    if (const auto* table = single->as_table()) {
      if (auto d = read_device(*table, "[device]", ctx)) config.devices.push_back(std::move(*d));
    } else {
      ctx.error(*single, std::string("'device' must be a table ([device]), not ") + type_phrase(*single));
    }
    return;
  }
  if (!list) return;
  const auto* array = list->as_array();
  if (!array) {
    ctx.error(*list, std::string("'devices' must be an array of tables ([[devices]]), not ") +
                         type_phrase(*list));
    return;
  }
  for (const toml::node& element : *array) {
    const auto* table = element.as_table();
    if (!table) {
      ctx.error(element, std::string("each [[devices]] entry must be a table, not ") + type_phrase(element));
      continue;
    }
    auto d = read_device(*table, "a [[devices]] entry", ctx);
    if (!d) continue;
    bool duplicate = false;
    for (const DeviceConfig& other : config.devices) {
      if (other.name == d->name) {
        ctx.error(*table->get("name"), "duplicate device name '" + d->name + "' (first defined at " +
                                           other.where.to_string() + ")");
        duplicate = true;
      }
    }
    if (!duplicate) config.devices.push_back(std::move(*d));
  }
}

namespace {

// The top-level table [key], or null when it is absent or not a table (an error then).
// `key` must outlive the reader (a literal): the reader keeps it to spot unknown keys.
const toml::table* top_table(TableReader& top, std::string_view key) {
  const toml::node* node = top.get(key);
  if (!node) return nullptr;
  const auto* table = node->as_table();
  const std::string name(key);
  if (!table) top.context().error(*node, "'" + name + "' must be a table ([" + name + "]), not " + type_phrase(*node));
  return table;
}

}  // namespace

void read_advanced_settings(TableReader& top, Config& config) {
  const toml::table* table = top_table(top, "advanced_settings");
  if (!table) return;
  TableReader r(*table, "[advanced_settings]", top.context());
  AdvancedSettings& a = config.advanced;
  if (auto v = r.integer("chord_timeout_ms", 1, kMaxTimingMs)) a.chord_timeout_ms = static_cast<uint32_t>(*v);
  if (auto v = r.integer("double_tap_timeout_ms", 1, kMaxTimingMs))
    a.double_tap_timeout_ms = static_cast<uint32_t>(*v);
  if (auto v = r.integer("hold_threshold_ms", 1, kMaxTimingMs)) a.hold_threshold_ms = static_cast<uint32_t>(*v);
  r.finish();
}

void read_logging(TableReader& top, Config& config) {
  const toml::table* table = top_table(top, "logging");
  if (!table) return;
  TableReader r(*table, "[logging]", top.context());
  auto level = r.choice<LogLevel>("level", {{"off", LogLevel::Off},
                                            {"error", LogLevel::Error},
                                            {"warn", LogLevel::Warn},
                                            {"info", LogLevel::Info},
                                            {"debug", LogLevel::Debug},
                                            {"trace", LogLevel::Trace}});
  auto file = r.string("file", Need::Optional, false);
  r.finish();
  if (level) config.logging.level = *level;
  if (file) {
    config.logging.file = *file;
    if (const toml::node* n = table->get("file")) config.logging.file_where = top.context().at(*n);
  }
}

void read_desktop(TableReader& top, Config& config) {
  const toml::table* table = top_table(top, "desktop");
  if (!table) return;
  TableReader r(*table, "[desktop]", top.context());
  config.desktop.where = top.context().at(*table);
  auto backend = r.choice<InputBackend>(
      "input_backend",
      {{"auto", InputBackend::Auto}, {"x11", InputBackend::X11}, {"uinput", InputBackend::Uinput}});
  r.finish();
  if (backend) config.desktop.input_backend = *backend;
}

void read_app_profiles(TableReader& top, Config& config) {
  LoadContext& ctx = top.context();
  const toml::node* node = top.get("app_profiles");
  if (!node) return;
  const auto* array = node->as_array();
  if (!array) {
    ctx.error(*node, std::string("'app_profiles' must be an array of tables ([[app_profiles]]), not ") +
                         type_phrase(*node));
    return;
  }
  for (const toml::node& element : *array) {
    const auto* table = element.as_table();
    if (!table) {
      ctx.error(element, std::string("each [[app_profiles]] entry must be a table, not ") +
                             type_phrase(element));
      continue;
    }
    TableReader r(*table, "an [[app_profiles]] entry", ctx);
    AppProfile p;
    p.where = ctx.at(*table);
    auto window_class = r.string("window_class", Need::Optional, false);
    auto title = r.string("title", Need::Optional, false);
    auto match = read_match(r);
    auto mode = r.string("mode", Need::Required, false);
    r.finish();
    bool ok = mode.has_value() && (!table->get("match") || match) &&
              (!table->get("window_class") || window_class) && (!table->get("title") || title);
    if (!table->get("window_class") && !table->get("title")) {
      ctx.error(*table, "an [[app_profiles]] entry needs 'window_class', 'title' or both");
      ok = false;
    }
    if (!ok) continue;
    p.window_class = window_class.value_or("");
    p.title = title.value_or("");
    p.match = match.value_or(DeviceMatch::Substring);
    p.mode = *mode;
    if (p.match == DeviceMatch::Regex) {
      if (window_class && !check_regex(p.window_class, *table->get("window_class"), ctx, "window_class"))
        ok = false;
      if (title && !check_regex(p.title, *table->get("title"), ctx, "title")) ok = false;
    }
    if (ok) config.app_profiles.push_back(std::move(p));
  }
}

void read_plugins(TableReader& top, Config& config) {
  LoadContext& ctx = top.context();
  const toml::node* node = top.get("plugins");
  if (!node) return;
  const auto* table = node->as_table();
  if (!table) {
    ctx.error(*node, std::string("'plugins' must be a table of [plugins.<name>] tables, not ") +
                         type_phrase(*node));
    return;
  }
  for (auto&& [key, value] : *table) {
    std::string name(key.str());
    // The one key of [plugins] that is not a plugin's table: the signature policy
    // (docs/plugins/signing.md#hardening). The name is reserved for it.
    if (name == "require_signature") {
      if (const auto* flag = value.as_boolean()) {
        config.require_plugin_signature = flag->get();
      } else {
        ctx.error(value, std::string("'require_signature' in [plugins] must be true or false ") +
                             "(the signature policy), not " + type_phrase(value));
      }
      continue;
    }
    const auto* plugin = value.as_table();
    if (!plugin) {
      ctx.error(value, "[plugins." + name + "] must be a table, not " + type_phrase(value));
      continue;
    }
    std::string label = "[plugins." + name + "]";
    TableReader r(*plugin, label, ctx);
    PluginConfig p;
    p.name = name;
    p.where = ctx.at(*plugin);
    auto enabled = r.boolean("enabled");
    const toml::node* settings = r.get("config");
    const toml::node* limits = r.get("limits");
    r.finish();
    if (plugin->get("enabled") && !enabled) continue;
    if (settings && !settings->is_table()) {
      ctx.error(*settings, std::string("'config' in [plugins.") + name + "] must be a table, not " +
                               type_phrase(*settings));
      continue;
    }
    if (limits && !read_plugin_limits(*limits, label, ctx, p.limits)) continue;
    p.enabled = enabled.value_or(true);
    p.config_json = settings ? table_to_json(*settings->as_table()) : "{}";
    config.plugins.push_back(std::move(p));
  }
}

}  // namespace midimon::mapping::detail
