#include "actions/midi_bytes.h"

#include <algorithm>
#include <cstdio>

namespace midimon::actions {

using mapping::MidiMessageKind;

namespace {

// The trigger's 7-bit value for a pass-through: velocity for notes, else the value.
std::optional<uint8_t> trigger_value(const TriggerContext& c) {
  if (c.velocity) return c.velocity;
  return c.value;
}

}  // namespace

std::vector<uint8_t> send_midi_bytes(const mapping::action::SendMidi& a,
                                     const TriggerContext& context,
                                     const SendMidiDynamics& dynamics) {
  const uint8_t ch = a.channel & 0x0F;
  const bool pass = dynamics.source == ValueSource::Trigger;
  // A 7-bit value: the configured one, or the trigger's through the curve.
  auto value7 = [&](uint8_t fixed) -> uint8_t {
    if (pass) {
      if (auto v = trigger_value(context)) return apply_curve(dynamics, *v) & 0x7F;
    }
    return fixed & 0x7F;
  };
  switch (a.message_type) {
    case MidiMessageKind::NoteOn:
      return {static_cast<uint8_t>(0x90 | ch), static_cast<uint8_t>(a.note & 0x7F), value7(a.velocity)};
    case MidiMessageKind::NoteOff:
      return {static_cast<uint8_t>(0x80 | ch), static_cast<uint8_t>(a.note & 0x7F), value7(a.velocity)};
    case MidiMessageKind::CC:
      return {static_cast<uint8_t>(0xB0 | ch), static_cast<uint8_t>(a.controller & 0x7F), value7(a.value)};
    case MidiMessageKind::ProgramChange:
      return {static_cast<uint8_t>(0xC0 | ch), static_cast<uint8_t>(a.program & 0x7F)};
    case MidiMessageKind::Aftertouch:
      return {static_cast<uint8_t>(0xD0 | ch), value7(a.pressure)};
    case MidiMessageKind::PitchBend: {
      int raw = std::clamp(static_cast<int>(a.pitch), -8192, 8191) + 8192;
      if (pass) {
        if (context.value14) {
          raw = *context.value14 & 0x3FFF;
        } else if (auto v = trigger_value(context)) {
          raw = apply_curve(dynamics, *v) << 7;
        }
      }
      return {static_cast<uint8_t>(0xE0 | ch), static_cast<uint8_t>(raw & 0x7F),
              static_cast<uint8_t>((raw >> 7) & 0x7F)};
    }
  }
  return {};
}

std::string hex_bytes(const std::vector<uint8_t>& bytes) {
  std::string out;
  char buf[4];
  for (uint8_t b : bytes) {
    std::snprintf(buf, sizeof buf, "%02X", b);
    if (!out.empty()) out += ' ';
    out += buf;
  }
  return out;
}

}  // namespace midimon::actions
