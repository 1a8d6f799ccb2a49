// The normalised config: what midimon understood from a TOML file, as plain data.
//
// Every default and every MIDIMon alias is already resolved here (the loader in
// config_loader.h does that), so consumers never look at TOML spellings:
//   - trigger channels are 0-15 (users write 1-16 in TOML; absent = any channel);
//   - per-trigger timings are resolved: a LongPress without duration_ms carries
//     [advanced_settings].hold_threshold_ms (default 2000), DoubleTap/NoteChord likewise;
//   - velocity and value ranges are explicit inclusive [min, max] pairs;
//   - ModeChange / ModeIs / app profiles carry the index of the mode they name
//     (the loader rejects names that do not exist);
//   - a trigger's `device` carries the index into Config::devices (the midi input tags
//     each message with that index in midi::Message::device).
// Actions are data only; they are executed in a later issue. Each Mapping, Trigger,
// Action and Condition keeps its source location for later error messages.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace midimon::mapping {

// Where something was written: file name (as given to the loader), 1-based line/column.
struct SourceLocation {
  std::string file;
  uint32_t line = 0;
  uint32_t column = 0;
  // "file:line:column" ("file" alone when line is 0).
  std::string to_string() const;
};

// A copyable, nullable owning pointer, for the recursive parts of the model
// (Repeat's action, Conditional's branches, Not's operand).
template <class T>
class Box {
 public:
  Box() = default;
  Box(T value) : ptr_(std::make_unique<T>(std::move(value))) {}  // NOLINT: implicit on purpose
  Box(const Box& other) : ptr_(other.ptr_ ? std::make_unique<T>(*other.ptr_) : nullptr) {}
  Box(Box&&) noexcept = default;
  Box& operator=(const Box& other) {
    if (this != &other) ptr_ = other.ptr_ ? std::make_unique<T>(*other.ptr_) : nullptr;
    return *this;
  }
  Box& operator=(Box&&) noexcept = default;
  ~Box() = default;

  bool has_value() const { return ptr_ != nullptr; }
  explicit operator bool() const { return has_value(); }
  T& operator*() { return *ptr_; }
  const T& operator*() const { return *ptr_; }
  T* operator->() { return ptr_.get(); }
  const T* operator->() const { return ptr_.get(); }
  T* get() { return ptr_.get(); }
  const T* get() const { return ptr_.get(); }

 private:
  std::unique_ptr<T> ptr_;
};

// ---------------------------------------------------------------------------------------
// Triggers (TOML: trigger = { type = "<Kind>", ... })

enum class VelocityLevel : uint8_t { Soft, Medium, Hard };
enum class EncoderDirection : uint8_t { Any, Clockwise, CounterClockwise };
// How an encoder's CC value encodes a turn. Absolute (MIDIMon's only one): compare with
// that CC's previous value. The relative encodings send a step per message:
//   TwosComplement: 1..63 = +1..+63, 127..65 = -1..-63 (64 = -64)
//   SignMagnitude:  1..63 = +1..+63, 65..127 = -1..-63 (bit 6 is the sign)
//   BinaryOffset:   65..127 = +1..+63, 63..0 = -1..-64 (64 = no movement)
enum class EncoderEncoding : uint8_t { Absolute, TwosComplement, SignMagnitude, BinaryOffset };
// When a CC trigger fires: Every message whose value is inside [value_min, value_max]
// (MIDIMon's behaviour), or only when the value Enters the range from outside, or
// Leaves it (threshold/edge semantics; the first message after start counts as an
// edge when it is inside / outside).
enum class CcFire : uint8_t { Every, Enter, Leave };

namespace trigger {

struct Note {
  uint8_t note = 0;
  uint8_t velocity_min = 1;    // inclusive
  uint8_t velocity_max = 127;  // inclusive (extension)
  // Fire on press even when the note is also part of a chord or a long press / double
  // tap mapping that would otherwise defer or swallow the plain Note (extension; the
  // rule itself is the event processor's, see docs/triggers.md).
  bool immediate = false;
};

// MIDIMon's soft/medium/hard classes. The normalised form is the explicit inclusive
// range [velocity_min, velocity_max] that fires: from `level` and soft_max/medium_max
// (soft 1..soft_max, medium soft_max+1..medium_max, hard medium_max+1..127), from the
// alias min_velocity/max_velocity, or 1..127 when neither is given.
struct VelocityRange {
  uint8_t note = 0;
  uint8_t soft_max = 40;
  uint8_t medium_max = 80;
  std::optional<VelocityLevel> level;
  uint8_t velocity_min = 1;
  uint8_t velocity_max = 127;
};

struct LongPress {
  uint8_t note = 0;
  uint32_t duration_ms = 2000;  // resolved: own value, alias min_duration_ms, or global
};

struct DoubleTap {
  uint8_t note = 0;
  uint32_t timeout_ms = 300;  // resolved: own value, alias max_interval_ms, or global
};

struct NoteChord {
  std::vector<uint8_t> notes;  // sorted ascending, no duplicates, at least one
  uint32_t timeout_ms = 50;    // resolved: own value or global chord_timeout_ms
};

struct EncoderTurn {
  uint8_t cc = 0;
  EncoderDirection direction = EncoderDirection::Any;
  EncoderEncoding encoding = EncoderEncoding::Absolute;
};

// TOML type "CC".
struct ControlChange {
  uint8_t cc = 0;
  uint16_t value_min = 0;    // inclusive
  uint16_t value_max = 127;  // inclusive; 16383 by default when is_14bit
  // 14-bit: the CC (0-31) is paired with its LSB (cc + 32) and values are 0-16383.
  bool is_14bit = false;
  CcFire fire = CcFire::Every;
};

// Channel pressure, or polyphonic key pressure when `poly` (optionally for one note).
struct Aftertouch {
  bool poly = false;
  std::optional<uint8_t> note;  // poly only; absent = any note
  uint8_t pressure_min = 0;
  uint8_t pressure_max = 127;
};

struct PitchBend {
  uint16_t value_min = 0;      // 0-16383, centre 8192
  uint16_t value_max = 16383;
};

struct ProgramChange {
  std::optional<uint8_t> program;  // absent = any program
};

// One element of a SysEx pattern ("F0 7E ?? 06 02 * F7"): an exact byte, "??" = any one
// byte, "*" = any run of zero or more bytes.
struct SysExByte {
  enum class Kind : uint8_t { Exact, AnyByte, AnyRun };
  Kind kind = Kind::Exact;
  uint8_t value = 0;  // Exact only
};

struct SysEx {
  std::vector<SysExByte> pattern;  // starts with exact F0, ends with exact F7
  std::string text;                // the pattern as written, normalised to "F0 7E ?? F7"
};

}  // namespace trigger

using TriggerKind =
    std::variant<trigger::Note, trigger::VelocityRange, trigger::LongPress, trigger::DoubleTap,
                 trigger::NoteChord, trigger::EncoderTurn, trigger::ControlChange,
                 trigger::Aftertouch, trigger::PitchBend, trigger::ProgramChange,
                 trigger::SysEx>;

struct Trigger {
  TriggerKind kind;
  std::optional<uint8_t> channel;        // 0-15; absent = any channel
  std::string device;                    // name of a [[devices]] entry; empty = any device
  std::optional<uint16_t> device_index;  // index into Config::devices when device is set
  SourceLocation where;
};

// "Note", "VelocityRange", ..., "CC", ..., "SysEx" (the TOML type names).
const char* trigger_type_name(const TriggerKind& kind);

// ---------------------------------------------------------------------------------------
// Conditions (both MIDIMon spellings load into this)

struct Condition;

namespace condition {
struct Always {};
struct Never {};
// Local time, minutes since midnight; wraps midnight when end < start; end exclusive.
struct TimeRange {
  uint16_t start_minute = 0;
  uint16_t end_minute = 0;
};
struct DayOfWeek {
  std::vector<uint8_t> days;  // 1 = Monday ... 7 = Sunday, sorted, unique
};
struct AppRunning {
  std::string app_name;
};
struct AppFrontmost {
  std::string app_name;
};
struct ModeIs {
  std::string mode;
  std::size_t mode_index = 0;  // index into Config::modes
};
struct And {
  std::vector<Condition> conditions;
};
struct Or {
  std::vector<Condition> conditions;
};
struct Not {
  Box<Condition> condition;
};
}  // namespace condition

using ConditionKind =
    std::variant<condition::Always, condition::Never, condition::TimeRange,
                 condition::DayOfWeek, condition::AppRunning, condition::AppFrontmost,
                 condition::ModeIs, condition::And, condition::Or, condition::Not>;

struct Condition {
  ConditionKind kind;
  SourceLocation where;
};

// ---------------------------------------------------------------------------------------
// Actions (TOML: action = { type = "<Kind>", ... }); data only, executed later.

struct Action;

enum class Modifier : uint8_t { Ctrl, Alt, Shift, Super };  // "option" = Alt, "cmd" = Super
enum class MouseButton : uint8_t { Left, Right, Middle };
enum class VolumeOperation : uint8_t { Up, Down, Mute, Unmute, Set };
enum class MidiMessageKind : uint8_t { NoteOn, NoteOff, CC, ProgramChange, PitchBend, Aftertouch };

namespace action {

struct Keystroke {
  // X keysym names ("space", "Return", "a", "F5", "XF86AudioPlay"), in order. MIDIMon's
  // names ("enter", "up", "volumeup", ...) are translated; modifier names written inside
  // `keys` ("ctrl+shift+t") are moved to `modifiers`.
  std::vector<std::string> keys;
  std::vector<Modifier> modifiers;  // unique, in the order written
  // Names that cannot exist on Linux (macOS `fn`, ...): kept out of `keys`, warned about
  // at load time; the action reports them when it runs.
  std::vector<std::string> unavailable;
};

struct Text {
  std::string text;
};

struct Launch {
  std::string app;
};

struct Shell {
  // Without its own `timeout_ms` a command may run this long before its process group is
  // killed (30 s: long enough for a script, short enough that a hung one frees its
  // executor thread).
  static constexpr uint32_t kDefaultTimeoutMs = 30'000;
  std::string command;            // as written
  bool shell = false;             // true: run `command` with /bin/sh -c
  std::vector<std::string> argv;  // shell = false: command split by POSIX quoting rules
  uint32_t timeout_ms = kDefaultTimeoutMs;  // resolved: own value or the default
};

struct Delay {
  uint32_t ms = 0;
};

struct MouseClick {
  MouseButton button = MouseButton::Left;
  std::optional<int32_t> x;  // both or neither
  std::optional<int32_t> y;
};

struct VolumeControl {
  VolumeOperation operation = VolumeOperation::Up;
  std::optional<uint8_t> value;  // 0-100, Set only (required there)
};

struct ModeChange {
  std::string mode;
  std::size_t mode_index = 0;  // index into Config::modes
};

struct Sequence {
  std::vector<Action> actions;
};

struct Repeat {
  Box<Action> action;
  uint32_t count = 1;
  uint32_t delay_ms = 0;
};

struct Conditional {
  Box<Condition> condition;
  Box<Action> then_action;
  Box<Action> else_action;  // may be empty
};

// How SendMidi maps the triggering event's value onto the byte it sends (extension).
enum class ValueCurve : uint8_t { Linear, Exponential, Logarithmic };

// MIDIMon's SendMidi: channel is 0-15 here as in MIDIMon (unlike trigger channels).
struct SendMidi {
  std::string port;
  MidiMessageKind message_type = MidiMessageKind::NoteOn;
  uint8_t channel = 0;
  uint8_t note = 60;
  uint8_t velocity = 100;
  uint8_t controller = 0;
  uint8_t value = 0;
  uint8_t program = 0;
  int16_t pitch = 0;  // -8192..8191
  uint8_t pressure = 0;
  // Extension: `velocity_from = "trigger"` sends the triggering event's value (velocity,
  // CC value, pressure; pitch bend's 14-bit value) instead of the fixed number, through
  // `curve` onto out_min..out_max (`invert` flips it).
  bool value_from_trigger = false;
  ValueCurve curve = ValueCurve::Linear;
  uint8_t out_min = 0;
  uint8_t out_max = 127;
  bool invert = false;
};

struct Plugin {
  std::string plugin;       // plugin name
  std::string action;       // the plugin's action name
  std::string params_json;  // `params` table as compact JSON text ("{}" when absent)
};

}  // namespace action

using ActionKind =
    std::variant<action::Keystroke, action::Text, action::Launch, action::Shell,
                 action::Delay, action::MouseClick, action::VolumeControl, action::ModeChange,
                 action::Sequence, action::Repeat, action::Conditional, action::SendMidi,
                 action::Plugin>;

struct Action {
  ActionKind kind;
  SourceLocation where;
};

const char* action_type_name(const ActionKind& kind);  // "Keystroke", ..., "Plugin"

// ---------------------------------------------------------------------------------------
// Mappings, modes and the rest of the file

struct Mapping {
  std::string description;  // empty when absent
  Trigger trigger;
  Action action;
  SourceLocation where;  // the [[modes.mappings]] / [[global_mappings]] table
};

struct Mode {
  std::string name;   // unique
  std::string color;  // empty when absent
  std::vector<Mapping> mappings;
  std::vector<Action> on_enter;  // run when the mode becomes active (extension)
  SourceLocation where;
};

enum class DeviceMatch : uint8_t { Exact, Substring, Regex };
enum class MidiBackend : uint8_t { Auto, Jack, Alsa };

// One input device. MIDIMon's single [device] table becomes devices[0] (name = port =
// its name, match = substring); [[devices]] lists several (extension).
struct DeviceConfig {
  std::string name;   // identifier used by triggers' `device`; unique
  std::string port;   // the port name pattern (defaults to name)
  DeviceMatch match = DeviceMatch::Substring;
  MidiBackend backend = MidiBackend::Auto;
  bool auto_connect = true;
  bool auto_reconnect = true;
  std::optional<uint32_t> port_index;  // MIDIMon's `port` override (explicit index)
  SourceLocation where;
};

struct AdvancedSettings {
  uint32_t chord_timeout_ms = 50;
  uint32_t double_tap_timeout_ms = 300;
  uint32_t hold_threshold_ms = 2000;
};

enum class LogLevel : uint8_t { Off, Error, Warn, Info, Debug, Trace };

struct LoggingConfig {
  LogLevel level = LogLevel::Info;
  std::string file;  // empty = no log file; as written (the daemon resolves it)
  SourceLocation file_where;  // where `file` was given
};

// Switch to `mode` when the focused window matches (parsed and validated now; used by a
// later issue). At least one of window_class / title is set; both must match when both are.
struct AppProfile {
  std::string window_class;  // pattern; empty = any
  std::string title;         // pattern; empty = any
  DeviceMatch match = DeviceMatch::Substring;
  std::string mode;
  std::size_t mode_index = 0;
  SourceLocation where;
};

// [plugins.<name>.limits]: the user's limits for one plugin, over its manifest's
// [plugin.limits] (docs/plugins/limits.md). Absent = the manifest's value or the default.
struct PluginLimitsConfig {
  std::optional<uint64_t> max_memory_bytes;  // written as max_memory_mb
  std::optional<uint32_t> timeout_ms;
  std::optional<uint64_t> fuel;
  bool operator==(const PluginLimitsConfig&) const = default;
};

// [plugins.<name>]: `enabled`, free-form configuration handed to the plugin (over its
// manifest's [plugin.config], key by key) and limits.
struct PluginConfig {
  std::string name;
  bool enabled = true;
  std::string config_json;  // the `config` table as compact JSON ("{}" if none)
  PluginLimitsConfig limits;
  SourceLocation where;
};

// [desktop] (extension): how Keystroke, Text and MouseClick reach the desktop.
//   Auto:   XTest when an X display opens, else uinput when /dev/uinput is writable, else
//           the daemon prints what it would do;
//   X11 / Uinput: that backend only (an action fails, saying why, when it cannot open).
enum class InputBackend : uint8_t { Auto, X11, Uinput };
const char* input_backend_name(InputBackend backend);  // "auto", "x11", "uinput"

struct DesktopConfig {
  InputBackend input_backend = InputBackend::Auto;
  SourceLocation where;  // the [desktop] table (empty file name when absent)
};

struct Config {
  std::vector<DeviceConfig> devices;  // may be empty: every MIDI source
  DesktopConfig desktop;
  AdvancedSettings advanced;
  LoggingConfig logging;
  std::vector<Mode> modes;  // at least one; modes[0] is active at start
  std::vector<Mapping> global_mappings;
  std::vector<AppProfile> app_profiles;
  std::vector<PluginConfig> plugins;
  std::vector<std::string> plugin_dirs;
  // [plugins] require_signature: only plugins with a valid signature by a trusted key load
  // (docs/plugins/signing.md#hardening).
  bool require_plugin_signature = false;
  std::string source;  // the file name given to the loader

  // Index of the mode called `name`, or nullopt.
  std::optional<std::size_t> find_mode(std::string_view name) const;
};

}  // namespace midimon::mapping
