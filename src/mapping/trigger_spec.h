// What the event processor matches: one flat, resolved trigger per mapping. The config
// loader's Trigger variant is turned into this (mapping_set_from_config.cpp) with every
// default and global timing already applied, so the processor never looks at defaults.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mapping/encoder.h"
#include "mapping/sysex_pattern.h"

namespace midimon::mapping {

// (The config model has its own Trigger variant; this is the processor's flat form.)
enum class SpecKind : uint8_t {
  Note,               // press of `number` with velocity in [min, max]
  VelocityRange,      // the same, the range being a soft/medium/hard level or explicit
  LongPress,          // `number` held for timeout_ms
  DoubleTap,          // second press of `number` within timeout_ms of the first
  Chord,              // exactly `notes` held, all pressed within timeout_ms of the newest
  Encoder,            // CC `number` moved; direction optional
  ControlChange,      // CC `number` value in [min, max], per `fire` (every / enter / leave)
  ChannelAftertouch,  // pressure in [min, max], per `fire`
  PolyAftertouch,     // pressure of note `number` (any note if any_number), per `fire`
  PitchBend,          // 14-bit bend in [min, max], per `fire`
  ProgramChange,      // program `number` (any if any_number)
  SysEx,              // the message matches `sysex`
};
const char* spec_kind_name(SpecKind kind);  // the config's `type` spelling

struct TriggerSpec {
  SpecKind kind = SpecKind::Note;
  std::optional<uint8_t> channel;  // 0-15; none = every channel
  std::optional<uint16_t> device;  // index of the input device (midi::Message::device); none = any
  uint8_t number = 0;              // note / controller / program
  bool any_number = false;         // ProgramChange / PolyAftertouch without a number
  uint16_t min = 0, max = 127;     // value range (velocity, CC value, pressure, bend)
  uint32_t timeout_ms = 0;         // LongPress duration, DoubleTap window, Chord window
  std::vector<uint8_t> notes;      // Chord: sorted, unique
  EncoderEncoding encoding = EncoderEncoding::Absolute;
  int direction = 0;               // Encoder: +1 clockwise, -1 counter-clockwise, 0 either
  bool cc14 = false;               // ControlChange/Encoder: match 14-bit CC values (0-16383)
  CcFire fire = CcFire::Every;     // continuous kinds: every message in range, or edges only
  // Note/VelocityRange: fire on the press even when the note also has a long-press,
  // double-tap or chord mapping (otherwise the press waits; docs/triggers.md).
  bool immediate = false;
  SysExPattern sysex;
};

// The processor's global timings ([advanced_settings]); per-trigger values override them.
struct GestureTimings {
  uint32_t chord_timeout_ms = 50;
  uint32_t double_tap_timeout_ms = 300;
  uint32_t hold_threshold_ms = 2000;
};

}  // namespace midimon::mapping
