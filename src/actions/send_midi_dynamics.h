// SendMidi's value from the triggering event — an EXTENSION the config model does not
// carry yet (mapping::action::SendMidi has fixed numbers only). Proposed TOML, for the
// loader to add:
//   action = { type = "SendMidi", port = "Synth", message_type = "NoteOn", note = 60,
//              velocity_from = "trigger", curve = "exponential", out_min = 20, out_max = 127 }
// `velocity_from = "trigger"` takes the triggering event's velocity (or CC value /
// pressure for continuous triggers) for NoteOn/NoteOff velocity, CC value, aftertouch
// pressure; PitchBend uses the 14-bit value when the trigger has one. The curve maps
// 0..127 onto out_min..out_max (invert flips it). Until the loader fills it, callers
// pass the default (Fixed): the numbers of the config are sent unchanged.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace midimon::actions {

enum class ValueSource : uint8_t { Fixed, Trigger };
enum class ValueCurve : uint8_t { Linear, Exponential, Logarithmic };

struct SendMidiDynamics {
  ValueSource source = ValueSource::Fixed;
  ValueCurve curve = ValueCurve::Linear;
  uint8_t out_min = 0;
  uint8_t out_max = 127;
  bool invert = false;
};

// "fixed" | "trigger"; "linear" | "exponential" | "logarithmic" (case-sensitive, as the
// config's other enum spellings); nullopt otherwise.
std::optional<ValueSource> parse_value_source(std::string_view text);
std::optional<ValueCurve> parse_value_curve(std::string_view text);

// Maps an incoming 0..127 value through the curve onto [out_min, out_max] (out_min may be
// above out_max: a falling range). Exponential is x^2 (soft start), Logarithmic sqrt(x)
// (fast start), both on 0..1; results are rounded to the nearest integer.
uint8_t apply_curve(const SendMidiDynamics& dynamics, uint8_t in);

}  // namespace midimon::actions
