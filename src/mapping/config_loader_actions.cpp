// Reading `action = { type = "...", ... }` into a normalised Action (data only).
#include <algorithm>
#include <sstream>

#include "mapping/config_reader.h"
#include "mapping/key_names.h"
#include "mapping/shell_words.h"

namespace midimon::mapping::detail {

std::string table_to_json(const toml::table& table);

namespace {

constexpr int64_t kMaxDelayMs = 3'600'000;  // an hour

const std::vector<std::string_view>& action_types() {
  static const std::vector<std::string_view> types = {
      "Keystroke", "Text",   "Launch",     "Shell",       "Delay",    "MouseClick", "VolumeControl",
      "ModeChange", "Sequence", "Repeat", "Conditional", "SendMidi", "Plugin"};
  return types;
}

// Splits "ctrl+shift+t" at '+'; a '+' right after a separator (or alone) is the plus key.
std::vector<std::string> split_keys(const std::string& keys) {
  std::vector<std::string> parts;
  std::string current;
  bool after_separator = true;
  for (char c : keys) {
    if (c == '+' && !(after_separator && current.empty())) {
      parts.push_back(current);
      current.clear();
      after_separator = true;
    } else {
      current += c;
      after_separator = false;
    }
  }
  parts.push_back(current);
  return parts;
}

void add_modifier(std::vector<Modifier>& list, Modifier m) {
  if (std::find(list.begin(), list.end(), m) == list.end()) list.push_back(m);
}

std::optional<action::Keystroke> read_keystroke(TableReader& r) {
  LoadContext& ctx = r.context();
  const toml::node* keys_node = r.get("keys");
  auto keys = r.string_at(keys_node, "keys", Need::Required, false);
  const toml::node* mods_node = r.table().get("modifiers");
  auto modifiers = r.string_array("modifiers");
  if (!keys || (mods_node && !modifiers)) return std::nullopt;
  action::Keystroke k;
  bool ok = true;
  for (const std::string& raw : split_keys(*keys)) {
    std::string part = raw;
    // MIDIMon trimmed blanks around names ("cmd + c").
    while (!part.empty() && part.front() == ' ') part.erase(part.begin());
    while (!part.empty() && part.back() == ' ') part.pop_back();
    if (part.empty()) part = raw;  // " " alone is the space key
    KeyName name = resolve_key_name(part);
    switch (name.kind) {
      case KeyName::Kind::Key: k.keys.push_back(name.keysym); break;
      case KeyName::Kind::Modifier: add_modifier(k.modifiers, name.modifier); break;
      case KeyName::Kind::Unavailable:
        k.unavailable.push_back(name.keysym);
        ctx.warning(*keys_node, "key '" + part +
                                    "' exists only on macOS; this Keystroke will report it "
                                    "when it runs on Linux");
        break;
      case KeyName::Kind::Unknown: {
        std::string suggestion = suggest_key_name(part);
        ctx.error(*keys_node, "unknown key name '" + part.substr(0, 64) + "' in 'keys'" +
                                  (suggestion.empty() ? std::string("; use an X keysym name like "
                                                                    "'Return', 'a' or 'F5'")
                                                      : " (did you mean '" + suggestion + "'?)"));
        ok = false;
        break;
      }
    }
  }
  if (modifiers) {
    const auto& array = *mods_node->as_array();
    std::size_t index = 0;
    for (const std::string& m : *modifiers) {
      const toml::node& element = *array.get(index++);
      if (auto mod = resolve_modifier_name(m)) {
        add_modifier(k.modifiers, *mod);
      } else if (equals_ignore_case(m, "fn")) {
        ctx.warning(element, "modifier 'fn' exists only on macOS; this Keystroke will report it "
                             "when it runs on Linux");
        k.unavailable.push_back(m);
      } else {
        ctx.error(element, "unknown modifier '" + m.substr(0, 64) +
                               "'; use ctrl, alt (option), shift or super (cmd)" +
                               did_you_mean(m, {"ctrl", "control", "alt", "option", "shift",
                                                "super", "cmd", "command", "meta"}));
        ok = false;
      }
    }
  }
  if (k.keys.empty() && k.unavailable.empty() && ok) {
    ctx.error(*keys_node, "'keys' names only modifiers; add the key to press");
    ok = false;
  }
  if (!ok) return std::nullopt;
  return k;
}

std::optional<action::Shell> read_shell(TableReader& r) {
  const toml::node* node = r.get("command");
  auto command = r.string_at(node, "command", Need::Required, false);
  auto shell = r.boolean("shell");
  const bool timeout_given = r.table().get("timeout_ms") != nullptr;
  auto timeout = r.integer("timeout_ms", 1, kMaxDelayMs);
  if (!command || (timeout_given && !timeout)) return std::nullopt;
  action::Shell s;
  s.command = *command;
  s.shell = shell.value_or(false);
  if (timeout) s.timeout_ms = static_cast<uint32_t>(*timeout);
  if (!s.shell) {
    ShellWords words = split_shell_words(*command);
    if (!words.ok()) {
      r.context().error(*node, "cannot split 'command' into words: " + words.error +
                                   " at character " + std::to_string(words.error_offset + 1) +
                                   " of the command (set shell = true to run it with /bin/sh)");
      return std::nullopt;
    }
    if (words.words.empty()) {
      r.context().error(*node, "'command' has no words");
      return std::nullopt;
    }
    s.argv = std::move(words.words);
  }
  return s;
}

std::optional<action::MouseClick> read_mouse_click(TableReader& r) {
  auto button = r.choice<MouseButton>(
      "button",
      {{"left", MouseButton::Left}, {"right", MouseButton::Right}, {"middle", MouseButton::Middle}});
  bool button_bad = r.table().get("button") && !button;
  auto x = r.integer("x", INT32_MIN, INT32_MAX);
  auto y = r.integer("y", INT32_MIN, INT32_MAX);
  const toml::node* xn = r.table().get("x");
  const toml::node* yn = r.table().get("y");
  if (button_bad || (xn && !x) || (yn && !y)) return std::nullopt;
  if ((xn == nullptr) != (yn == nullptr)) {
    r.context().error(xn ? *xn : *yn, "give both 'x' and 'y' in " + r.what() + ", or neither");
    return std::nullopt;
  }
  action::MouseClick m;
  m.button = button.value_or(MouseButton::Left);
  if (x) m.x = static_cast<int32_t>(*x);
  if (y) m.y = static_cast<int32_t>(*y);
  return m;
}

std::optional<action::VolumeControl> read_volume(TableReader& r) {
  bool alias = false;
  const toml::node* node = r.get_aliased("operation", "action", &alias);
  auto op = r.choice_at<VolumeOperation>(
      node, alias ? "action" : "operation",
      {{"Up", VolumeOperation::Up}, {"Down", VolumeOperation::Down},
       {"Mute", VolumeOperation::Mute}, {"Unmute", VolumeOperation::Unmute},
       {"Set", VolumeOperation::Set}},
      Need::Required);
  auto value = r.integer("value", 0, 100);
  const toml::node* value_node = r.table().get("value");
  if (!op || (value_node && !value)) return std::nullopt;
  action::VolumeControl v;
  v.operation = *op;
  if (*op == VolumeOperation::Set) {
    if (!value) {
      r.context().error(*node, "VolumeControl with operation Set needs 'value' (0-100)");
      return std::nullopt;
    }
    v.value = static_cast<uint8_t>(*value);
  } else if (value_node) {
    r.context().warning(*value_node, "'value' is only used by operation Set; ignored here");
  }
  return v;
}

std::optional<action::ModeChange> read_mode_change(TableReader& r) {
  const toml::node* node = r.get("mode");
  if (!node) {
    r.missing("mode");
    return std::nullopt;
  }
  action::ModeChange m;
  // MIDIMon's examples also write the mode's index (mode = 1); the name is filled in
  // when modes are resolved.
  if (node->is_integer()) {
    auto index = r.integer_at(node, "mode", 0, 65535);
    if (!index) return std::nullopt;
    m.mode_index = static_cast<std::size_t>(*index);
    return m;
  }
  auto name = r.string_at(node, "mode", Need::Required, false);
  if (!name) return std::nullopt;
  m.mode = *name;
  return m;
}

std::optional<action::SendMidi> read_send_midi(TableReader& r) {
  action::SendMidi s;
  auto port = r.string("port", Need::Required, false);
  auto type = r.choice<MidiMessageKind>(
      "message_type",
      {{"NoteOn", MidiMessageKind::NoteOn}, {"NoteOff", MidiMessageKind::NoteOff},
       {"CC", MidiMessageKind::CC}, {"ProgramChange", MidiMessageKind::ProgramChange},
       {"PitchBend", MidiMessageKind::PitchBend}, {"Aftertouch", MidiMessageKind::Aftertouch}},
      Need::Required);
  auto channel = r.integer("channel", 0, 15, Need::Required);
  bool ok = port && type && channel;
  auto byte = [&](std::string_view key, uint8_t& out) {
    auto v = r.integer(key, 0, 127);
    if (v) out = static_cast<uint8_t>(*v);
    else if (r.table().get(key)) ok = false;
  };
  byte("note", s.note);
  byte("velocity", s.velocity);
  byte("controller", s.controller);
  byte("value", s.value);
  byte("program", s.program);
  byte("pressure", s.pressure);
  if (auto pitch = r.integer("pitch", -8192, 8191)) s.pitch = static_cast<int16_t>(*pitch);
  else if (r.table().get("pitch")) ok = false;
  // Extension: the sent value follows the triggering event (velocity pass-through/curve).
  auto from = r.choice<bool>("velocity_from", {{"fixed", false}, {"trigger", true}});
  if (from) s.value_from_trigger = *from;
  else if (r.table().get("velocity_from")) ok = false;
  auto curve = r.choice<action::ValueCurve>("curve", {{"linear", action::ValueCurve::Linear},
                                              {"exponential", action::ValueCurve::Exponential},
                                              {"logarithmic", action::ValueCurve::Logarithmic}});
  if (curve) s.curve = *curve;
  else if (r.table().get("curve")) ok = false;
  byte("out_min", s.out_min);
  byte("out_max", s.out_max);
  if (auto invert = r.boolean("invert")) s.invert = *invert;
  else if (r.table().get("invert")) ok = false;
  if (!ok) return std::nullopt;
  s.port = *port;
  s.message_type = *type;
  s.channel = static_cast<uint8_t>(*channel);
  return s;
}

std::optional<action::Plugin> read_plugin(TableReader& r) {
  auto plugin = r.string("plugin", Need::Required, false);
  auto name = r.string("action", Need::Required, false);
  const toml::node* params = r.get("params");
  if (params && !params->is_table()) {
    r.context().error(*params, std::string("'params' in a Plugin action must be a table, not ") +
                                   type_phrase(*params));
    return std::nullopt;
  }
  if (!plugin || !name) return std::nullopt;
  action::Plugin p;
  p.plugin = *plugin;
  p.action = *name;
  p.params_json = params ? table_to_json(*params->as_table()) : "{}";
  return p;
}

}  // namespace

std::optional<Action> read_action(const toml::node& node, LoadContext& ctx, int depth) {
  const auto* table = node.as_table();
  if (!table) {
    ctx.error(node, std::string("an action must be a table like { type = \"Keystroke\", keys = "
                                "\"space\" }, not ") +
                        type_phrase(node));
    return std::nullopt;
  }
  if (depth > kMaxNesting) {
    ctx.error(node, "actions are nested more than " + std::to_string(kMaxNesting) + " deep");
    return std::nullopt;
  }
  TableReader type_reader(*table, "an action", ctx);
  auto type = type_reader.string("type", Need::Required);
  if (!type) return std::nullopt;
  const auto& types = action_types();
  if (std::find(types.begin(), types.end(), *type) == types.end()) {
    ctx.error(*table->get("type"),
              "unknown action type '" + *type + "'" + did_you_mean(*type, types));
    return std::nullopt;
  }
  TableReader r(*table, What(article(*type), *type, " action"), ctx);
  r.get("type");
  Action a;
  a.where = ctx.at(*table);
  std::optional<ActionKind> kind;
  auto set = [&](auto value) {
    if (value) kind = ActionKind{std::move(*value)};
  };

  if (*type == "Keystroke") {
    set(read_keystroke(r));
  } else if (*type == "Text") {
    if (auto text = r.string("text", Need::Required)) kind = action::Text{*text};
  } else if (*type == "Launch") {
    if (auto app = r.string("app", Need::Required, false)) kind = action::Launch{*app};
  } else if (*type == "Shell") {
    set(read_shell(r));
  } else if (*type == "Delay") {
    if (auto ms = r.integer("ms", 0, kMaxDelayMs, Need::Required))
      kind = action::Delay{static_cast<uint32_t>(*ms)};
  } else if (*type == "MouseClick") {
    set(read_mouse_click(r));
  } else if (*type == "VolumeControl") {
    set(read_volume(r));
  } else if (*type == "ModeChange") {
    set(read_mode_change(r));
  } else if (*type == "Sequence") {
    const toml::node* list = r.get("actions");
    if (!list) {
      r.missing("actions");
    } else if (const auto* array = list->as_array()) {
      action::Sequence seq;
      bool ok = true;
      for (const toml::node& element : *array) {
        if (auto inner = read_action(element, ctx, depth + 1)) seq.actions.push_back(std::move(*inner));
        else ok = false;
      }
      if (ok) kind = std::move(seq);
    } else {
      ctx.error(*list, std::string("'actions' in a Sequence action must be an array of actions, "
                                   "not ") + type_phrase(*list));
    }
  } else if (*type == "Repeat") {
    const toml::node* inner = r.get("action");
    auto count = r.integer("count", 1, 100000, Need::Required);
    auto delay = r.integer("delay_ms", 0, kMaxDelayMs);
    bool delay_bad = table->get("delay_ms") && !delay;
    std::optional<Action> repeated;
    if (!inner) r.missing("action");
    else repeated = read_action(*inner, ctx, depth + 1);
    if (repeated && count && !delay_bad) {
      action::Repeat rep;
      rep.action = std::move(*repeated);
      rep.count = static_cast<uint32_t>(*count);
      rep.delay_ms = static_cast<uint32_t>(delay.value_or(0));
      kind = std::move(rep);
    }
  } else if (*type == "Conditional") {
    const toml::node* cond = r.get("condition");
    const toml::node* then_node = r.get("then_action");
    const toml::node* else_node = r.get("else_action");
    std::optional<Condition> c;
    std::optional<Action> then_action, else_action;
    if (!cond) r.missing("condition");
    else c = read_condition(*cond, ctx, depth + 1);
    if (!then_node) r.missing("then_action");
    else then_action = read_action(*then_node, ctx, depth + 1);
    if (else_node) else_action = read_action(*else_node, ctx, depth + 1);
    if (c && then_action && (!else_node || else_action)) {
      action::Conditional cd;
      cd.condition = std::move(*c);
      cd.then_action = std::move(*then_action);
      if (else_action) cd.else_action = std::move(*else_action);
      kind = std::move(cd);
    }
  } else if (*type == "SendMidi") {
    set(read_send_midi(r));
  } else {
    set(read_plugin(r));
  }
  r.finish();
  if (!kind) return std::nullopt;
  a.kind = std::move(*kind);
  return a;
}

std::string table_to_json(const toml::table& table) {
  std::ostringstream out;
  out << toml::json_formatter{table, toml::format_flags::quote_dates_and_times |
                                         toml::format_flags::quote_infinities_and_nans};
  return out.str();
}

}  // namespace midimon::mapping::detail
