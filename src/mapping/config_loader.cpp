// The loader's entry points and the top level of the document: which tables exist,
// in which order they are read (settings and devices first, because triggers resolve
// timings and device names against them), modes and their mappings.
#include "mapping/config_loader.h"

#include <fstream>

#include "mapping/config_reader.h"

namespace midimon::mapping {
namespace detail {

// config_loader_sections.cpp
void read_devices(TableReader& top, Config& config);
void read_advanced_settings(TableReader& top, Config& config);
void read_logging(TableReader& top, Config& config);
void read_desktop(TableReader& top, Config& config);
void read_app_profiles(TableReader& top, Config& config);
void read_plugins(TableReader& top, Config& config);
// config_resolve.cpp
void resolve_mode_references(Config& config, LoadContext& ctx);
void resolve_action_modes(Action& action, const Config& config, LoadContext& ctx);

namespace {

std::optional<Mapping> read_mapping(const toml::node& node, LoadContext& ctx,
                                    const std::string& what) {
  const auto* table = node.as_table();
  if (!table) {
    ctx.error(node, what + " must be a table with 'trigger' and 'action', not " +
                        type_phrase(node));
    return std::nullopt;
  }
  TableReader r(*table, what, ctx);
  Mapping m;
  m.where = ctx.at(*table);
  auto description = r.string("description");
  const toml::node* trigger = r.get("trigger");
  const toml::node* action = r.get("action");
  std::optional<Trigger> t;
  std::optional<Action> a;
  if (!trigger) r.missing("trigger");
  else t = read_trigger(*trigger, ctx);
  if (!action) r.missing("action");
  else a = read_action(*action, ctx, 0);
  r.finish();
  if (!t || !a || (table->get("description") && !description)) {
    if (a) ctx.orphan_actions.push_back(std::move(*a));
    return std::nullopt;
  }
  m.description = description.value_or("");
  m.trigger = std::move(*t);
  m.action = std::move(*a);
  return m;
}

// An array of mapping tables at `key` of `r`; errors leave out the bad mappings.
std::vector<Mapping> read_mappings(TableReader& r, std::string_view key, const std::string& what) {
  std::vector<Mapping> out;
  const toml::node* node = r.get(key);
  if (!node) return out;
  const auto* array = node->as_array();
  if (!array) {
    // MIDIMon's own config.toml has an empty [global_mappings] table: read it as none.
    if (const auto* table = node->as_table(); table && table->empty()) {
      r.context().warning(*node, "'" + std::string(key) +
                                     "' is an empty table; read as no mappings (write "
                                     "[[" + std::string(key) + "]] for each mapping)");
      return out;
    }
    r.context().error(*node, "'" + std::string(key) + "' must be an array of tables ([[" +
                                 std::string(key) + "]]), not " + type_phrase(*node));
    return out;
  }
  out.reserve(array->size());
  for (const toml::node& element : *array) {
    if (auto m = read_mapping(element, r.context(), what)) out.push_back(std::move(*m));
  }
  return out;
}

void read_modes(TableReader& top, Config& config) {
  LoadContext& ctx = top.context();
  const toml::node* node = top.get("modes");
  if (!node) {
    ctx.diagnostics.error(top.where(), "the config has no [[modes]]; it needs at least one mode");
    return;
  }
  const auto* array = node->as_array();
  if (!array || array->empty()) {
    ctx.error(*node, std::string("'modes' must be a non-empty array of tables ([[modes]]), not ") +
                         (array ? "an empty array" : type_phrase(*node)));
    return;
  }
  for (const toml::node& element : *array) {
    const auto* table = element.as_table();
    if (!table) {
      ctx.error(element, std::string("each entry of 'modes' must be a table, not ") +
                             type_phrase(element));
      continue;
    }
    TableReader r(*table, "a [[modes]] table", ctx);
    Mode mode;
    mode.where = ctx.at(*table);
    auto name = r.string("name", Need::Required, false);
    auto color = r.string("color");
    std::string what = "a mapping of mode '" + name.value_or("?") + "'";
    mode.mappings = read_mappings(r, "mappings", what);
    if (const toml::node* on_enter = r.get("on_enter")) {
      if (const auto* actions = on_enter->as_array()) {
        for (const toml::node& a : *actions) {
          if (auto action = read_action(a, ctx, 0)) mode.on_enter.push_back(std::move(*action));
        }
      } else {
        ctx.error(*on_enter, std::string("'on_enter' must be an array of actions, not ") +
                                 type_phrase(*on_enter));
      }
    }
    r.finish();
    // A mode that cannot be kept still has its ModeChange targets checked.
    auto drop = [&] {
      for (Mapping& m : mode.mappings) ctx.orphan_actions.push_back(std::move(m.action));
      for (Action& a : mode.on_enter) ctx.orphan_actions.push_back(std::move(a));
    };
    if (!name) {
      drop();
      continue;
    }
    if (auto previous = config.find_mode(*name)) {
      ctx.error(*table->get("name"),
                "duplicate mode name '" + *name + "' (first defined at " +
                    config.modes[*previous].where.to_string() + ")");
      drop();
      continue;
    }
    mode.name = *name;
    mode.color = color.value_or("");
    config.modes.push_back(std::move(mode));
  }
}

LoadResult load_document(const toml::table& doc, const std::string& name) {
  LoadContext ctx;
  ctx.file = name;
  Config config;
  config.source = name;
  TableReader top(doc, "the top level of the config", ctx);

  read_advanced_settings(top, config);
  ctx.advanced = config.advanced;
  read_devices(top, config);
  for (const DeviceConfig& d : config.devices) ctx.device_names.push_back(d.name);
  read_logging(top, config);
  read_desktop(top, config);
  read_modes(top, config);
  config.global_mappings = read_mappings(top, "global_mappings", "a [[global_mappings]] entry");
  read_app_profiles(top, config);
  read_plugins(top, config);
  if (auto dirs = top.string_array("plugin_dirs")) config.plugin_dirs = std::move(*dirs);
  top.finish();

  // Mode references can only be checked once every mode is known.
  resolve_mode_references(config, ctx);
  for (Action& a : ctx.orphan_actions) resolve_action_modes(a, config, ctx);

  ctx.diagnostics.sort();
  LoadResult result;
  result.errors = std::move(ctx.diagnostics.errors());
  result.warnings = std::move(ctx.diagnostics.warnings());
  if (result.errors.empty()) result.config = std::move(config);
  return result;
}

}  // namespace
}  // namespace detail

LoadResult load_config_string(std::string_view text, const std::string& name) {
  toml::table doc;
  try {
    doc = toml::parse(text, name);
  } catch (const toml::parse_error& e) {
    LoadResult result;
    const auto& begin = e.source().begin;
    result.errors.push_back(
        {SourceLocation{name, begin.line, begin.column}, "TOML syntax: " + std::string(e.description())});
    return result;
  } catch (const std::exception& e) {
    LoadResult result;
    result.errors.push_back({SourceLocation{name, 0, 0}, std::string("cannot parse: ") + e.what()});
    return result;
  }
  try {
    return detail::load_document(doc, name);
  } catch (const std::exception& e) {
    // Out of memory and the like; never let an exception leave the loader.
    LoadResult result;
    result.errors.push_back({SourceLocation{name, 0, 0}, std::string("cannot load: ") + e.what()});
    return result;
  }
}

LoadResult load_config(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    LoadResult result;
    result.errors.push_back({SourceLocation{path, 0, 0}, "cannot open the file for reading"});
    return result;
  }
  // One read of the whole file when its size is known (a stringstream copy cost ~1.7 M
  // instructions for a 200 KB config, 3 % of a reload); pipes and /proc files, whose size
  // is not, are read in chunks.
  std::string text;
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  if (size > 0) {
    text.resize(static_cast<std::size_t>(size));
    in.seekg(0);
    in.read(text.data(), size);
    text.resize(static_cast<std::size_t>(in.gcount()));
  } else {
    in.clear();
    in.seekg(0);
    in.clear();
    char chunk[16384];
    while (in.read(chunk, sizeof chunk) || in.gcount() > 0) text.append(chunk, static_cast<std::size_t>(in.gcount()));
  }
  if (in.bad()) {
    LoadResult result;
    result.errors.push_back({SourceLocation{path, 0, 0}, "cannot read the file"});
    return result;
  }
  return load_config_string(text, path);
}

}  // namespace midimon::mapping
