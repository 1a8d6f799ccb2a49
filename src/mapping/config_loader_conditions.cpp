// Reading a Conditional's condition, in both MIDIMon spellings:
//   externally tagged (what its code parsed): "Always", { TimeRange = { start, end } }
//   internally tagged (what its docs showed): { type = "TimeRange", start, end }
#include <algorithm>

#include "mapping/config_reader.h"

namespace midimon::mapping::detail {
namespace {

const std::vector<std::string_view>& condition_types() {
  static const std::vector<std::string_view> types = {
      "Always", "Never", "TimeRange", "DayOfWeek", "AppRunning", "AppFrontmost",
      "ModeIs", "And",   "Or",        "Not"};
  return types;
}

// "HH:MM" (or a TOML local time) as minutes since midnight.
std::optional<uint16_t> read_clock(TableReader& r, std::string_view key) {
  const toml::node* node = r.get(key);
  if (!node) {
    r.missing(key);
    return std::nullopt;
  }
  if (const auto* t = node->as_time()) {
    const toml::time& v = t->get();
    return static_cast<uint16_t>(v.hour * 60 + v.minute);
  }
  auto text = r.string_at(node, key, Need::Required);
  if (!text) return std::nullopt;
  const std::string& s = *text;
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  bool shape = (s.size() == 5 && digit(s[0]) && digit(s[1]) && s[2] == ':' && digit(s[3]) &&
                digit(s[4])) ||
               (s.size() == 4 && digit(s[0]) && s[1] == ':' && digit(s[2]) && digit(s[3]));
  if (shape) {
    std::size_t colon = s.find(':');
    int hours = std::stoi(s.substr(0, colon));
    int minutes = std::stoi(s.substr(colon + 1));
    if (hours <= 23 && minutes <= 59) return static_cast<uint16_t>(hours * 60 + minutes);
  }
  r.context().error(*node, "'" + std::string(key) + "' in " + r.what() +
                               " must be a time of day like \"09:30\" (00:00-23:59), not '" +
                               s.substr(0, 32) + "'");
  return std::nullopt;
}

std::optional<std::vector<Condition>> read_condition_list(TableReader& r, int depth) {
  const toml::node* node = r.get("conditions");
  if (!node) {
    r.missing("conditions");
    return std::nullopt;
  }
  const auto* array = node->as_array();
  if (!array) {
    r.context().error(*node, std::string("'conditions' in ") + r.what() +
                                 " must be an array of conditions, not " + type_phrase(*node));
    return std::nullopt;
  }
  std::vector<Condition> out;
  bool ok = true;
  for (const toml::node& element : *array) {
    if (auto c = read_condition(element, r.context(), depth + 1)) out.push_back(std::move(*c));
    else ok = false;
  }
  if (!ok) return std::nullopt;
  return out;
}

// Reads the parameters of condition `type` from `r` (the keys other than `type`).
std::optional<ConditionKind> read_params(const std::string& type, TableReader& r, int depth) {
  if (type == "Always") return condition::Always{};
  if (type == "Never") return condition::Never{};
  if (type == "TimeRange") {
    auto start = read_clock(r, "start");
    auto end = read_clock(r, "end");
    if (!start || !end) return std::nullopt;
    return condition::TimeRange{*start, *end};
  }
  if (type == "DayOfWeek") {
    const toml::node* node = r.get("days");
    if (!node) {
      r.missing("days");
      return std::nullopt;
    }
    const auto* array = node->as_array();
    if (!array || array->empty()) {
      r.context().error(*node, "'days' in " + r.what() +
                                   " must be a non-empty array of day numbers (1 = Monday ... "
                                   "7 = Sunday)");
      return std::nullopt;
    }
    condition::DayOfWeek d;
    bool ok = true;
    for (const toml::node& element : *array) {
      auto day = r.integer_at(&element, "days", 1, 7, Need::Required);
      if (!day) ok = false;
      else if (std::find(d.days.begin(), d.days.end(), *day) == d.days.end())
        d.days.push_back(static_cast<uint8_t>(*day));
    }
    if (!ok) return std::nullopt;
    std::sort(d.days.begin(), d.days.end());
    return d;
  }
  if (type == "AppRunning" || type == "AppFrontmost") {
    auto app = r.string("app_name", Need::Required, false);
    if (!app) return std::nullopt;
    if (type == "AppRunning") return condition::AppRunning{*app};
    return condition::AppFrontmost{*app};
  }
  if (type == "ModeIs") {
    auto mode = r.string("mode", Need::Required, false);
    if (!mode) return std::nullopt;
    return condition::ModeIs{*mode, 0};
  }
  if (type == "And" || type == "Or") {
    auto list = read_condition_list(r, depth);
    if (!list) return std::nullopt;
    if (type == "And") return condition::And{std::move(*list)};
    return condition::Or{std::move(*list)};
  }
  // Not
  const toml::node* inner = r.get("condition");
  if (!inner) {
    r.missing("condition");
    return std::nullopt;
  }
  auto c = read_condition(*inner, r.context(), depth + 1);
  if (!c) return std::nullopt;
  return condition::Not{std::move(*c)};
}

bool known_type(const std::string& type, const toml::node& at, LoadContext& ctx) {
  const auto& types = condition_types();
  if (std::find(types.begin(), types.end(), type) != types.end()) return true;
  ctx.error(at, "unknown condition '" + type.substr(0, 64) + "'" + did_you_mean(type, types));
  return false;
}

}  // namespace

std::optional<Condition> read_condition(const toml::node& node, LoadContext& ctx, int depth) {
  if (depth > kMaxNesting) {
    ctx.error(node, "conditions are nested more than " + std::to_string(kMaxNesting) + " deep");
    return std::nullopt;
  }
  Condition out;
  out.where = ctx.at(node);
  // "Always" / "Never": a unit variant, externally tagged.
  if (const auto* s = node.as_string()) {
    const std::string& name = s->get();
    if (name == "Always") out.kind = condition::Always{};
    else if (name == "Never") out.kind = condition::Never{};
    else {
      if (known_type(name, node, ctx))
        ctx.error(node, "condition '" + name + "' needs parameters: write { " + name +
                            " = { ... } } or { type = \"" + name + "\", ... }");
      return std::nullopt;
    }
    return out;
  }
  const auto* table = node.as_table();
  if (!table) {
    ctx.error(node, std::string("a condition must be \"Always\", \"Never\" or a table, not ") +
                        type_phrase(node));
    return std::nullopt;
  }
  std::optional<ConditionKind> kind;
  if (table->get("type")) {
    // Internally tagged: { type = "TimeRange", start = ..., end = ... }
    TableReader type_reader(*table, "a condition", ctx);
    auto type = type_reader.string("type", Need::Required);
    if (!type || !known_type(*type, *table->get("type"), ctx)) return std::nullopt;
    TableReader r(*table, What(article(*type), *type, " condition"), ctx);
    r.get("type");
    kind = read_params(*type, r, depth);
    r.finish();
  } else {
    // Externally tagged: exactly one key, the condition's name, holding its parameters.
    if (table->size() != 1) {
      ctx.error(node, "a condition table needs 'type' or exactly one key naming the condition "
                      "(like { TimeRange = { start = \"09:00\", end = \"17:00\" } }), not " +
                          std::to_string(table->size()) + " keys");
      return std::nullopt;
    }
    auto first = table->begin();
    const toml::node& value = first->second;
    std::string type(first->first.str());
    if (!known_type(type, node, ctx)) return std::nullopt;
    const auto* params = value.as_table();
    if (!params) {
      ctx.error(value, "the parameters of condition '" + type + "' must be a table, not " +
                           type_phrase(value));
      return std::nullopt;
    }
    TableReader r(*params, What(article(type), type, " condition"), ctx);
    kind = read_params(type, r, depth);
    r.finish();
  }
  if (!kind) return std::nullopt;
  out.kind = std::move(*kind);
  return out;
}

}  // namespace midimon::mapping::detail
