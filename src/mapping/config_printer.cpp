// TOML printer of the normalised config.
#include "mapping/config_printer.h"

#include <cstdio>

#include "mapping/key_names.h"

namespace midimon::mapping {
namespace {

template <class... Fs>
struct Overloaded : Fs... {
  using Fs::operator()...;
};
template <class... Fs>
Overloaded(Fs...) -> Overloaded<Fs...>;

// Builds "{ k = v, k = v }".
class Inline {
 public:
  Inline& raw(std::string_view key, std::string_view value) {
    text_ += text_.empty() ? "{ " : ", ";
    text_ += key;
    text_ += " = ";
    text_ += value;
    return *this;
  }
  Inline& str(std::string_view key, std::string_view value) { return raw(key, toml_quote(value)); }
  Inline& num(std::string_view key, int64_t value) { return raw(key, std::to_string(value)); }
  Inline& boolean(std::string_view key, bool value) { return raw(key, value ? "true" : "false"); }
  std::string done() const { return text_.empty() ? "{}" : text_ + " }"; }

 private:
  std::string text_;
};

std::string quoted_list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + toml_quote(items[i]);
  return out + "]";
}

// JSON text (as toml++'s json_formatter writes it) as a TOML inline value. Objects become
// inline tables with quoted keys; strings keep their escapes (TOML shares JSON's, but
// for "\/"); numbers and booleans are the same text.
class JsonToToml {
 public:
  explicit JsonToToml(std::string_view json) : s_(json) {}
  std::string convert() {
    std::string out = value();
    return out;
  }

 private:
  void skip() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\t' || s_[i_] == '\r')) ++i_;
  }
  std::string string() {
    std::string out = "\"";
    ++i_;  // opening quote
    while (i_ < s_.size() && s_[i_] != '"') {
      if (s_[i_] == '\\' && i_ + 1 < s_.size()) {
        if (s_[i_ + 1] == '/') out += '/';
        else out += s_.substr(i_, 2);
        i_ += 2;
      } else {
        out += s_[i_++];
      }
    }
    ++i_;  // closing quote
    return out + "\"";
  }
  std::string value() {
    skip();
    if (i_ >= s_.size()) return "\"\"";
    char c = s_[i_];
    if (c == '{') {
      ++i_;
      std::string out;
      skip();
      while (i_ < s_.size() && s_[i_] != '}') {
        skip();
        std::string key = string();
        skip();
        ++i_;  // ':'
        std::string v = value();
        out += (out.empty() ? "{ " : ", ") + key + " = " + v;
        skip();
        if (i_ < s_.size() && s_[i_] == ',') ++i_;
        skip();
      }
      ++i_;
      return out.empty() ? "{}" : out + " }";
    }
    if (c == '[') {
      ++i_;
      std::string out = "[";
      bool first = true;
      skip();
      while (i_ < s_.size() && s_[i_] != ']') {
        out += (first ? "" : ", ") + value();
        first = false;
        skip();
        if (i_ < s_.size() && s_[i_] == ',') ++i_;
        skip();
      }
      ++i_;
      return out + "]";
    }
    if (c == '"') return string();
    std::size_t start = i_;
    while (i_ < s_.size() && s_[i_] != ',' && s_[i_] != '}' && s_[i_] != ']' && s_[i_] != ' ' &&
           s_[i_] != '\n')
      ++i_;
    return std::string(s_.substr(start, i_ - start));
  }

  std::string_view s_;
  std::size_t i_ = 0;
};

const char* velocity_level_name(VelocityLevel l) {
  switch (l) {
    case VelocityLevel::Soft: return "soft";
    case VelocityLevel::Medium: return "medium";
    case VelocityLevel::Hard: return "hard";
  }
  return "?";
}

const char* encoding_name(EncoderEncoding e) {
  switch (e) {
    case EncoderEncoding::Absolute: return "absolute";
    case EncoderEncoding::TwosComplement: return "twos_complement";
    case EncoderEncoding::SignMagnitude: return "sign_magnitude";
    case EncoderEncoding::BinaryOffset: return "binary_offset";
  }
  return "?";
}

const char* match_name(DeviceMatch m) {
  switch (m) {
    case DeviceMatch::Exact: return "exact";
    case DeviceMatch::Substring: return "substring";
    case DeviceMatch::Regex: return "regex";
  }
  return "?";
}

const char* clock_text(uint16_t minutes, char* buffer) {
  std::snprintf(buffer, 8, "%02u:%02u", static_cast<unsigned>(minutes / 60) % 100,
                static_cast<unsigned>(minutes % 60));
  return buffer;
}

std::string print_condition(const Condition& c) {
  return std::visit(
      Overloaded{
          [](const condition::Always&) { return std::string("\"Always\""); },
          [](const condition::Never&) { return std::string("\"Never\""); },
          [](const condition::TimeRange& t) {
            char a[8], b[8];
            return Inline().str("type", "TimeRange").str("start", clock_text(t.start_minute, a))
                .str("end", clock_text(t.end_minute, b)).done();
          },
          [](const condition::DayOfWeek& d) {
            std::string days = "[";
            for (std::size_t i = 0; i < d.days.size(); ++i)
              days += (i ? ", " : "") + std::to_string(d.days[i]);
            return Inline().str("type", "DayOfWeek").raw("days", days + "]").done();
          },
          [](const condition::AppRunning& a) {
            return Inline().str("type", "AppRunning").str("app_name", a.app_name).done();
          },
          [](const condition::AppFrontmost& a) {
            return Inline().str("type", "AppFrontmost").str("app_name", a.app_name).done();
          },
          [](const condition::ModeIs& m) {
            return Inline().str("type", "ModeIs").str("mode", m.mode).done();
          },
          [](const condition::And& a) {
            std::string list = "[";
            for (std::size_t i = 0; i < a.conditions.size(); ++i)
              list += (i ? ", " : "") + print_condition(a.conditions[i]);
            return Inline().str("type", "And").raw("conditions", list + "]").done();
          },
          [](const condition::Or& o) {
            std::string list = "[";
            for (std::size_t i = 0; i < o.conditions.size(); ++i)
              list += (i ? ", " : "") + print_condition(o.conditions[i]);
            return Inline().str("type", "Or").raw("conditions", list + "]").done();
          },
          [](const condition::Not& n) {
            return Inline().str("type", "Not").raw("condition", print_condition(*n.condition)).done();
          },
      },
      c.kind);
}

const char* volume_name(VolumeOperation op) {
  switch (op) {
    case VolumeOperation::Up: return "Up";
    case VolumeOperation::Down: return "Down";
    case VolumeOperation::Mute: return "Mute";
    case VolumeOperation::Unmute: return "Unmute";
    case VolumeOperation::Set: return "Set";
  }
  return "?";
}

const char* midi_kind_name(MidiMessageKind k) {
  switch (k) {
    case MidiMessageKind::NoteOn: return "NoteOn";
    case MidiMessageKind::NoteOff: return "NoteOff";
    case MidiMessageKind::CC: return "CC";
    case MidiMessageKind::ProgramChange: return "ProgramChange";
    case MidiMessageKind::PitchBend: return "PitchBend";
    case MidiMessageKind::Aftertouch: return "Aftertouch";
  }
  return "?";
}

// Comment lines about derived facts of an action tree (Shell argv).
void action_notes(const Action& a, std::string& out) {
  if (const auto* s = std::get_if<action::Shell>(&a.kind)) {
    if (s->shell) out += "# Shell runs with /bin/sh -c\n";
    else out += "# Shell argv = " + quoted_list(s->argv) + "\n";
  } else if (const auto* seq = std::get_if<action::Sequence>(&a.kind)) {
    for (const Action& inner : seq->actions) action_notes(inner, out);
  } else if (const auto* r = std::get_if<action::Repeat>(&a.kind)) {
    if (r->action) action_notes(*r->action, out);
  } else if (const auto* c = std::get_if<action::Conditional>(&a.kind)) {
    if (c->then_action) action_notes(*c->then_action, out);
    if (c->else_action) action_notes(*c->else_action, out);
  }
}

void print_mapping(const Mapping& m, const char* header, std::string& out) {
  out += "\n[[";
  out += header;
  out += "]]\n";
  if (const auto* v = std::get_if<trigger::VelocityRange>(&m.trigger.kind); v && v->level) {
    out += "# VelocityRange level " + std::string(velocity_level_name(*v->level)) +
           " fires for velocity " + std::to_string(v->velocity_min) + "-" +
           std::to_string(v->velocity_max) + "\n";
  }
  action_notes(m.action, out);
  if (!m.description.empty()) out += "description = " + toml_quote(m.description) + "\n";
  out += "trigger = " + print_trigger(m.trigger) + "\n";
  out += "action = " + print_action(m.action) + "\n";
}

}  // namespace

std::string toml_quote(std::string_view text) {
  std::string out = "\"";
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (c < 0x20 || c == 0x7F) {
          char buffer[8];
          std::snprintf(buffer, sizeof buffer, "\\u%04X", c);
          out += buffer;
        } else {
          out += ch;
        }
    }
  }
  return out + "\"";
}

std::string print_trigger(const Trigger& t) {
  Inline in;
  in.str("type", trigger_type_name(t.kind));
  std::visit(
      Overloaded{
          [&](const trigger::Note& n) {
            in.num("note", n.note).num("velocity_min", n.velocity_min)
                .num("velocity_max", n.velocity_max).boolean("immediate", n.immediate);
          },
          [&](const trigger::VelocityRange& v) {
            in.num("note", v.note).num("soft_max", v.soft_max).num("medium_max", v.medium_max);
            if (v.level) in.str("level", velocity_level_name(*v.level));
            else in.num("velocity_min", v.velocity_min).num("velocity_max", v.velocity_max);
          },
          [&](const trigger::LongPress& l) { in.num("note", l.note).num("duration_ms", l.duration_ms); },
          [&](const trigger::DoubleTap& d) { in.num("note", d.note).num("timeout_ms", d.timeout_ms); },
          [&](const trigger::NoteChord& c) {
            std::string notes = "[";
            for (std::size_t i = 0; i < c.notes.size(); ++i)
              notes += (i ? ", " : "") + std::to_string(c.notes[i]);
            in.raw("notes", notes + "]").num("timeout_ms", c.timeout_ms);
          },
          [&](const trigger::EncoderTurn& e) {
            in.num("cc", e.cc);
            if (e.direction != EncoderDirection::Any)
              in.str("direction", e.direction == EncoderDirection::Clockwise ? "Clockwise"
                                                                             : "CounterClockwise");
            in.str("encoding", encoding_name(e.encoding));
          },
          [&](const trigger::ControlChange& c) {
            in.num("cc", c.cc).num("value_min", c.value_min).num("value_max", c.value_max)
                .boolean("fourteen_bit", c.is_14bit)
                .str("fire", c.fire == CcFire::Every ? "every" : c.fire == CcFire::Enter ? "enter" : "leave");
          },
          [&](const trigger::Aftertouch& a) {
            in.boolean("poly", a.poly);
            if (a.note) in.num("note", *a.note);
            in.num("pressure_min", a.pressure_min).num("pressure_max", a.pressure_max);
          },
          [&](const trigger::PitchBend& p) { in.num("value_min", p.value_min).num("value_max", p.value_max); },
          [&](const trigger::ProgramChange& p) {
            if (p.program) in.num("program", *p.program);
          },
          [&](const trigger::SysEx& s) { in.str("pattern", s.text); },
      },
      t.kind);
  if (t.channel) in.num("channel", *t.channel + 1);
  if (!t.device.empty()) in.str("device", t.device);
  return in.done();
}

std::string print_action(const Action& a) {
  Inline in;
  in.str("type", action_type_name(a.kind));
  std::visit(
      Overloaded{
          [&](const action::Keystroke& k) {
            std::string keys;
            for (const auto& key : k.keys) keys += (keys.empty() ? "" : "+") + key;
            for (const auto& key : k.unavailable) keys += (keys.empty() ? "" : "+") + key;
            std::vector<std::string> mods;
            for (Modifier m : k.modifiers) mods.push_back(modifier_name(m));
            in.str("keys", keys).raw("modifiers", quoted_list(mods));
          },
          [&](const action::Text& t) { in.str("text", t.text); },
          [&](const action::Launch& l) { in.str("app", l.app); },
          [&](const action::Shell& s) {
            in.str("command", s.command).boolean("shell", s.shell).num("timeout_ms", s.timeout_ms);
          },
          [&](const action::Delay& d) { in.num("ms", d.ms); },
          [&](const action::MouseClick& m) {
            in.str("button", m.button == MouseButton::Left    ? "left"
                             : m.button == MouseButton::Right ? "right"
                                                              : "middle");
            if (m.x) in.num("x", *m.x).num("y", *m.y);
          },
          [&](const action::VolumeControl& v) {
            in.str("operation", volume_name(v.operation));
            if (v.value) in.num("value", *v.value);
          },
          [&](const action::ModeChange& m) { in.str("mode", m.mode); },
          [&](const action::Sequence& s) {
            std::string list = "[";
            for (std::size_t i = 0; i < s.actions.size(); ++i)
              list += (i ? ", " : "") + print_action(s.actions[i]);
            in.raw("actions", list + "]");
          },
          [&](const action::Repeat& r) {
            in.raw("action", print_action(*r.action)).num("count", r.count).num("delay_ms", r.delay_ms);
          },
          [&](const action::Conditional& c) {
            in.raw("condition", print_condition(*c.condition))
                .raw("then_action", print_action(*c.then_action));
            if (c.else_action) in.raw("else_action", print_action(*c.else_action));
          },
          [&](const action::SendMidi& s) {
            in.str("port", s.port).str("message_type", midi_kind_name(s.message_type))
                .num("channel", s.channel).num("note", s.note).num("velocity", s.velocity)
                .num("controller", s.controller).num("value", s.value).num("program", s.program)
                .num("pitch", s.pitch).num("pressure", s.pressure);
            if (s.value_from_trigger) {
              static const char* const kCurves[] = {"linear", "exponential", "logarithmic"};
              in.str("velocity_from", "trigger").str("curve", kCurves[static_cast<int>(s.curve)])
                  .num("out_min", s.out_min).num("out_max", s.out_max);
              if (s.invert) in.raw("invert", "true");
            }
          },
          [&](const action::Plugin& p) {
            in.str("plugin", p.plugin).str("action", p.action)
                .raw("params", JsonToToml(p.params_json).convert());
          },
      },
      a.kind);
  return in.done();
}

std::string print_config(const Config& config) {
  std::string out = "# The normalised config midimon read from " + config.source +
                    ":\n# every default and alias resolved. Trigger channels count 1-16.\n";
  // A top-level key must come before the first table header.
  if (!config.plugin_dirs.empty()) out += "\nplugin_dirs = " + quoted_list(config.plugin_dirs) + "\n";
  for (const DeviceConfig& d : config.devices) {
    out += "\n[[devices]]\nname = " + toml_quote(d.name) + "\nport = " + toml_quote(d.port) +
           "\nmatch = \"" + match_name(d.match) + "\"\nbackend = \"" +
           (d.backend == MidiBackend::Auto ? "auto" : d.backend == MidiBackend::Jack ? "jack" : "alsa") +
           "\"\nauto_connect = " + (d.auto_connect ? "true" : "false") +
           "\nauto_reconnect = " + (d.auto_reconnect ? "true" : "false") + "\n";
    if (d.port_index) out += "# MIDIMon's explicit port index: " + std::to_string(*d.port_index) + "\n";
  }
  out += "\n[advanced_settings]\nchord_timeout_ms = " + std::to_string(config.advanced.chord_timeout_ms) +
         "\ndouble_tap_timeout_ms = " + std::to_string(config.advanced.double_tap_timeout_ms) +
         "\nhold_threshold_ms = " + std::to_string(config.advanced.hold_threshold_ms) + "\n";
  static const char* levels[] = {"off", "error", "warn", "info", "debug", "trace"};
  out += "\n[logging]\nlevel = \"" + std::string(levels[static_cast<int>(config.logging.level)]) + "\"\n";
  if (!config.logging.file.empty()) out += "file = " + toml_quote(config.logging.file) + "\n";
  out += "\n[desktop]\ninput_backend = \"" + std::string(input_backend_name(config.desktop.input_backend)) + "\"\n";
  for (const Mode& mode : config.modes) {
    out += "\n[[modes]]\nname = " + toml_quote(mode.name) + "\n";
    if (!mode.color.empty()) out += "color = " + toml_quote(mode.color) + "\n";
    if (!mode.on_enter.empty()) {
      out += "on_enter = [\n";
      for (const Action& a : mode.on_enter) out += "  " + print_action(a) + ",\n";
      out += "]\n";
    }
    for (const Mapping& m : mode.mappings) print_mapping(m, "modes.mappings", out);
  }
  for (const Mapping& m : config.global_mappings) print_mapping(m, "global_mappings", out);
  for (const AppProfile& p : config.app_profiles) {
    out += "\n[[app_profiles]]\n";
    if (!p.window_class.empty()) out += "window_class = " + toml_quote(p.window_class) + "\n";
    if (!p.title.empty()) out += "title = " + toml_quote(p.title) + "\n";
    out += "match = \"" + std::string(match_name(p.match)) + "\"\nmode = " + toml_quote(p.mode) + "\n";
  }
  if (config.require_plugin_signature) out += "\n[plugins]\nrequire_signature = true\n";
  for (const PluginConfig& p : config.plugins) {
    out += "\n[plugins." + toml_quote(p.name) + "]\nenabled = " + (p.enabled ? "true" : "false") +
           "\nconfig = " + JsonToToml(p.config_json).convert() + "\n";
    // Only the limits the user gave: the others are the plugin manifest's.
    Inline limits;
    if (p.limits.max_memory_bytes) limits.num("max_memory_mb", static_cast<int64_t>(*p.limits.max_memory_bytes >> 20));
    if (p.limits.timeout_ms) limits.num("timeout_ms", *p.limits.timeout_ms);
    if (p.limits.fuel) limits.num("fuel", static_cast<int64_t>(*p.limits.fuel));
    if (p.limits != PluginLimitsConfig{}) out += "limits = " + limits.done() + "\n";
  }
  return out;
}

}  // namespace midimon::mapping
