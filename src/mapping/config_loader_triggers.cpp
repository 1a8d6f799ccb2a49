// Reading `trigger = { type = "...", ... }` into a normalised Trigger.
#include <algorithm>
#include <cctype>

#include "mapping/config_reader.h"

namespace midimon::mapping::detail {
namespace {

constexpr int64_t kMaxTimingMs = 600'000;  // ten minutes: longer is surely a mistake

const std::vector<std::string_view>& trigger_types() {
  static const std::vector<std::string_view> types = {
      "Note",       "VelocityRange", "LongPress", "DoubleTap", "NoteChord",     "EncoderTurn",
      "CC",         "Aftertouch",    "PitchBend", "ProgramChange", "SysEx"};
  return types;
}

uint8_t u8(int64_t v) { return static_cast<uint8_t>(v); }
uint16_t u16(int64_t v) { return static_cast<uint16_t>(v); }
uint32_t u32(int64_t v) { return static_cast<uint32_t>(v); }

// A [min, max] pair where max defaults to `hi`; min > max is an error at max.
bool read_range(TableReader& r, std::string_view min_key, std::string_view max_key, int64_t lo,
                int64_t hi, int64_t default_min, int64_t default_max, int64_t* out_min,
                int64_t* out_max) {
  auto min = r.integer(min_key, lo, hi);
  auto max = r.integer(max_key, lo, hi);
  *out_min = min.value_or(default_min);
  *out_max = max.value_or(default_max);
  if (*out_min > *out_max) {
    r.context().error(*r.table().get(max ? max_key : min_key),
                      "'" + std::string(min_key) + "' (" + std::to_string(*out_min) +
                          ") is greater than '" + std::string(max_key) + "' (" +
                          std::to_string(*out_max) + ") in " + r.what());
    return false;
  }
  return true;
}

std::optional<trigger::Note> read_note(TableReader& r) {
  auto note = r.integer("note", 0, 127, Need::Required);
  int64_t vmin = 1, vmax = 127;
  bool ok = read_range(r, "velocity_min", "velocity_max", 0, 127, 1, 127, &vmin, &vmax);
  auto immediate = r.boolean("immediate");
  if (!note || !ok) return std::nullopt;
  return trigger::Note{u8(*note), u8(vmin), u8(vmax), immediate.value_or(false)};
}

std::optional<trigger::VelocityRange> read_velocity_range(TableReader& r) {
  trigger::VelocityRange t;
  auto note = r.integer("note", 0, 127, Need::Required);
  auto soft = r.integer("soft_max", 0, 126);
  auto medium = r.integer("medium_max", 1, 126);
  auto level = r.choice<VelocityLevel>(
      "level", {{"soft", VelocityLevel::Soft}, {"medium", VelocityLevel::Medium},
                {"hard", VelocityLevel::Hard}});
  // velocity_min/velocity_max, or MIDIMon's min_velocity/max_velocity.
  bool min_alias = false, max_alias = false;
  const toml::node* min_node = r.get_aliased("velocity_min", "min_velocity", &min_alias);
  const toml::node* max_node = r.get_aliased("velocity_max", "max_velocity", &max_alias);
  auto vmin = r.integer_at(min_node, min_alias ? "min_velocity" : "velocity_min", 0, 127);
  auto vmax = r.integer_at(max_node, max_alias ? "max_velocity" : "velocity_max", 0, 127);
  if (!note) return std::nullopt;
  t.note = u8(*note);
  if (soft) t.soft_max = u8(*soft);
  if (medium) t.medium_max = u8(*medium);
  if (t.soft_max >= t.medium_max) {
    r.context().error(medium ? *r.table().get("medium_max") : *r.table().get("soft_max"),
                      "'soft_max' (" + std::to_string(t.soft_max) +
                          ") must be less than 'medium_max' (" + std::to_string(t.medium_max) +
                          ") in " + r.what());
    return std::nullopt;
  }
  if (level && (min_node || max_node)) {
    r.context().error(*r.table().get("level"),
                      "give either 'level' or an explicit velocity range in " + r.what() +
                          ", not both");
    return std::nullopt;
  }
  if ((min_node && !vmin) || (max_node && !vmax)) return std::nullopt;
  if (level) {
    t.level = level;
    switch (*level) {
      case VelocityLevel::Soft: t.velocity_min = 1, t.velocity_max = t.soft_max; break;
      case VelocityLevel::Medium:
        t.velocity_min = u8(t.soft_max + 1), t.velocity_max = t.medium_max;
        break;
      case VelocityLevel::Hard: t.velocity_min = u8(t.medium_max + 1), t.velocity_max = 127; break;
    }
  } else {
    t.velocity_min = u8(vmin.value_or(1));
    t.velocity_max = u8(vmax.value_or(127));
    if (t.velocity_min > t.velocity_max) {
      r.context().error(max_node ? *max_node : *min_node,
                        "the velocity range " + std::to_string(t.velocity_min) + "-" +
                            std::to_string(t.velocity_max) + " of " + r.what() + " is empty");
      return std::nullopt;
    }
  }
  return t;
}

std::optional<uint32_t> read_timing(TableReader& r, std::string_view key, std::string_view alias,
                                    uint32_t global) {
  bool used_alias = false;
  const toml::node* node =
      alias.empty() ? r.get(key) : r.get_aliased(key, alias, &used_alias);
  if (!node) return global;
  auto v = r.integer_at(node, used_alias ? alias : key, 1, kMaxTimingMs);
  if (!v) return std::nullopt;
  return u32(*v);
}

std::optional<trigger::NoteChord> read_chord(TableReader& r) {
  const toml::node* node = r.get("notes");
  auto timeout = read_timing(r, "timeout_ms", "max_interval_ms", r.context().advanced.chord_timeout_ms);
  if (!node) {
    r.missing("notes");
    return std::nullopt;
  }
  const auto* array = node->as_array();
  if (!array) {
    r.context().error(*node, "'notes' in " + r.what() + " must be an array of note numbers, not " +
                                 type_phrase(*node));
    return std::nullopt;
  }
  if (array->empty()) {
    r.context().error(*node, "'notes' in " + r.what() + " must name at least one note");
    return std::nullopt;
  }
  trigger::NoteChord t;
  bool ok = true;
  for (const toml::node& element : *array) {
    auto n = r.integer_at(&element, "notes", 0, 127, Need::Required);
    if (!n) {
      ok = false;
      continue;
    }
    if (std::find(t.notes.begin(), t.notes.end(), u8(*n)) != t.notes.end()) {
      r.context().error(element, "note " + std::to_string(*n) + " appears twice in 'notes' of " +
                                     r.what());
      ok = false;
      continue;
    }
    t.notes.push_back(u8(*n));
  }
  if (!ok || !timeout) return std::nullopt;
  std::sort(t.notes.begin(), t.notes.end());
  t.timeout_ms = *timeout;
  return t;
}

std::optional<trigger::EncoderTurn> read_encoder(TableReader& r) {
  auto cc = r.integer("cc", 0, 127, Need::Required);
  auto direction = r.choice<EncoderDirection>(
      "direction",
      {{"Clockwise", EncoderDirection::Clockwise},
       {"CounterClockwise", EncoderDirection::CounterClockwise},
       {"Any", EncoderDirection::Any}});
  bool direction_bad = r.table().get("direction") && !direction;
  auto encoding = r.choice<EncoderEncoding>(
      "encoding", {{"absolute", EncoderEncoding::Absolute},
                   {"twos_complement", EncoderEncoding::TwosComplement},
                   {"sign_magnitude", EncoderEncoding::SignMagnitude},
                   {"binary_offset", EncoderEncoding::BinaryOffset}});
  bool encoding_bad = r.table().get("encoding") && !encoding;
  if (!cc || direction_bad || encoding_bad) return std::nullopt;
  return trigger::EncoderTurn{u8(*cc), direction.value_or(EncoderDirection::Any),
                              encoding.value_or(EncoderEncoding::Absolute)};
}

std::optional<trigger::ControlChange> read_cc(TableReader& r) {
  auto cc = r.integer("cc", 0, 127, Need::Required);
  auto wide = r.boolean("fourteen_bit");
  bool is_14bit = wide.value_or(false);
  if (is_14bit && cc && *cc > 31) {
    r.context().error(*r.table().get("cc"),
                      "a 14-bit CC must be 0-31 (its LSB is cc + 32), not " +
                          std::to_string(*cc) + ", in " + r.what());
    return std::nullopt;
  }
  int64_t hi = is_14bit ? 16383 : 127;
  int64_t vmin = 0, vmax = hi;
  bool ok = read_range(r, "value_min", "value_max", 0, hi, 0, hi, &vmin, &vmax);
  auto fire = r.choice<CcFire>(
      "fire", {{"every", CcFire::Every}, {"enter", CcFire::Enter}, {"leave", CcFire::Leave}});
  bool fire_bad = r.table().get("fire") && !fire;
  if (!cc || !ok || fire_bad) return std::nullopt;
  // A range that leaves values out is a threshold: firing on every message inside it
  // would repeat a ModeChange or a keystroke for each step of a knob, so its default is
  // the edge into the range. The full range (a fader driving something) fires on every
  // message, as MIDIMon did.
  const bool full_range = vmin == 0 && vmax == hi;
  return trigger::ControlChange{u8(*cc), u16(vmin), u16(vmax), is_14bit,
                                fire.value_or(full_range ? CcFire::Every : CcFire::Enter)};
}

std::optional<trigger::Aftertouch> read_aftertouch(TableReader& r) {
  auto poly = r.boolean("poly");
  auto note = r.integer("note", 0, 127);
  int64_t pmin = 0, pmax = 127;
  bool ok = read_range(r, "pressure_min", "pressure_max", 0, 127, 0, 127, &pmin, &pmax);
  if (poly && !*poly && note) {
    r.context().error(*r.table().get("note"),
                      "'note' needs polyphonic aftertouch, but 'poly' is false in " + r.what());
    return std::nullopt;
  }
  if (!ok || (r.table().get("note") && !note)) return std::nullopt;
  trigger::Aftertouch t;
  t.poly = poly.value_or(false) || note.has_value();
  if (note) t.note = u8(*note);
  t.pressure_min = u8(pmin);
  t.pressure_max = u8(pmax);
  return t;
}

std::optional<trigger::PitchBend> read_pitch_bend(TableReader& r) {
  int64_t vmin = 0, vmax = 16383;
  if (!read_range(r, "value_min", "value_max", 0, 16383, 0, 16383, &vmin, &vmax))
    return std::nullopt;
  return trigger::PitchBend{u16(vmin), u16(vmax)};
}

std::optional<trigger::ProgramChange> read_program_change(TableReader& r) {
  auto program = r.integer("program", 0, 127);
  if (r.table().get("program") && !program) return std::nullopt;
  trigger::ProgramChange t;
  if (program) t.program = u8(*program);
  return t;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<trigger::SysEx> read_sysex(TableReader& r) {
  const toml::node* node = r.get("pattern");
  auto text = r.string_at(node, "pattern", Need::Required, false);
  if (!text) return std::nullopt;
  trigger::SysEx t;
  auto fail = [&](const std::string& sentence) {
    r.context().error(*node, "SysEx pattern '" + *text + "': " + sentence);
    return std::nullopt;
  };
  std::size_t i = 0, index = 0;
  while (i < text->size()) {
    if (std::isspace(static_cast<unsigned char>((*text)[i]))) {
      ++i;
      continue;
    }
    std::size_t start = i;
    while (i < text->size() && !std::isspace(static_cast<unsigned char>((*text)[i]))) ++i;
    std::string_view token(text->data() + start, i - start);
    ++index;
    trigger::SysExByte b;
    if (token == "??") {
      b.kind = trigger::SysExByte::Kind::AnyByte;
    } else if (token == "*") {
      b.kind = trigger::SysExByte::Kind::AnyRun;
      if (!t.pattern.empty() && t.pattern.back().kind == trigger::SysExByte::Kind::AnyRun)
        return fail("two '*' in a row at element " + std::to_string(index));
    } else if (token.size() == 2 && hex_digit(token[0]) >= 0 && hex_digit(token[1]) >= 0) {
      b.value = u8(hex_digit(token[0]) * 16 + hex_digit(token[1]));
    } else {
      std::string shown(token.substr(0, 16));
      return fail("element " + std::to_string(index) + " ('" + shown +
                  "') is not two hex digits, '\?\?' (any byte) or '*' (any bytes)");
    }
    t.pattern.push_back(b);
  }
  using Kind = trigger::SysExByte::Kind;
  if (t.pattern.empty() || t.pattern.front().kind != Kind::Exact || t.pattern.front().value != 0xF0)
    return fail("must start with F0");
  if (t.pattern.size() < 2 || t.pattern.back().kind != Kind::Exact || t.pattern.back().value != 0xF7)
    return fail("must end with F7");
  for (std::size_t k = 1; k + 1 < t.pattern.size(); ++k) {
    if (t.pattern[k].kind == Kind::Exact && t.pattern[k].value >= 0x80)
      return fail("element " + std::to_string(k + 1) +
                  " is a status byte; only 00-7F may appear between F0 and F7");
  }
  static const char* hex = "0123456789ABCDEF";
  for (const auto& b : t.pattern) {
    if (!t.text.empty()) t.text += ' ';
    if (b.kind == Kind::AnyByte) t.text += "??";
    else if (b.kind == Kind::AnyRun) t.text += "*";
    else t.text += {hex[b.value >> 4], hex[b.value & 15]};
  }
  return t;
}

template <class T>
std::optional<TriggerKind> wrap(std::optional<T> t) {
  if (!t) return std::nullopt;
  return TriggerKind{std::move(*t)};
}

}  // namespace

std::optional<Trigger> read_trigger(const toml::node& node, LoadContext& ctx) {
  const auto* table = node.as_table();
  if (!table) {
    ctx.error(node, std::string("a trigger must be a table like { type = \"Note\", note = 36 }, not ") +
                        type_phrase(node));
    return std::nullopt;
  }
  TableReader type_reader(*table, "a trigger", ctx);
  auto type = type_reader.string("type", Need::Required);
  if (!type) return std::nullopt;
  const auto& types = trigger_types();
  auto it = std::find(types.begin(), types.end(), *type);
  if (it == types.end()) {
    std::string extra = type->rfind("Gamepad", 0) == 0 ? "; gamepad triggers are not supported"
                                                        : did_you_mean(*type, types);
    ctx.error(*table->get("type"), "unknown trigger type '" + *type + "'" + extra);
    return std::nullopt;
  }

  TableReader r(*table, What(article(*type), *type, " trigger"), ctx);
  r.get("type");
  Trigger t;
  t.where = ctx.at(*table);
  bool ok = true;

  if (auto channel = r.integer("channel", 1, 16)) {
    t.channel = u8(*channel - 1);
  } else if (table->get("channel")) {
    ok = false;
  }
  if (auto device = r.string("device", Need::Optional, false)) {
    auto& names = ctx.device_names;
    auto found = std::find(names.begin(), names.end(), *device);
    if (found == names.end()) {
      std::vector<std::string_view> candidates(names.begin(), names.end());
      ctx.error(*table->get("device"),
                "no device named '" + *device + "'" +
                    (names.empty() ? std::string("; name it in a [[devices]] entry")
                                   : did_you_mean(*device, candidates)));
      ok = false;
    } else {
      t.device = *device;
      t.device_index = static_cast<uint16_t>(found - names.begin());
    }
  } else if (table->get("device")) {
    ok = false;
  }

  const AdvancedSettings& adv = ctx.advanced;
  std::optional<TriggerKind> kind;
  if (*type == "Note") {
    kind = wrap(read_note(r));
  } else if (*type == "VelocityRange") {
    kind = wrap(read_velocity_range(r));
  } else if (*type == "LongPress") {
    auto note = r.integer("note", 0, 127, Need::Required);
    auto ms = read_timing(r, "duration_ms", "min_duration_ms", adv.hold_threshold_ms);
    if (note && ms) kind = trigger::LongPress{u8(*note), *ms};
  } else if (*type == "DoubleTap") {
    auto note = r.integer("note", 0, 127, Need::Required);
    auto ms = read_timing(r, "timeout_ms", "max_interval_ms", adv.double_tap_timeout_ms);
    if (note && ms) kind = trigger::DoubleTap{u8(*note), *ms};
  } else if (*type == "NoteChord") {
    kind = wrap(read_chord(r));
  } else if (*type == "EncoderTurn") {
    kind = wrap(read_encoder(r));
  } else if (*type == "CC") {
    kind = wrap(read_cc(r));
  } else if (*type == "Aftertouch") {
    kind = wrap(read_aftertouch(r));
  } else if (*type == "PitchBend") {
    kind = wrap(read_pitch_bend(r));
  } else if (*type == "ProgramChange") {
    kind = wrap(read_program_change(r));
  } else {
    kind = wrap(read_sysex(r));
  }
  r.finish();
  if (!kind || !ok) return std::nullopt;
  t.kind = std::move(*kind);
  return t;
}

}  // namespace midimon::mapping::detail
