// What the event processor recognised: one Gesture per event it reports (a press, a
// long press, a chord, an encoder step, a CC entering a range, ...). Gestures are
// reported whether or not a mapping matched them, so `midimon monitor` can show them.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "mapping/clock.h"
#include "mapping/encoder.h"

namespace midimon::mapping {

enum class GestureKind : uint8_t {
  NotePress,          // value = velocity; deferred = fired late (a long press etc. lapsed)
  NoteRelease,        // held = how long it was down
  LongPress,          // held = the threshold that passed
  DoubleTap,          // held = interval between the two presses
  Chord,              // notes = the chord (sorted)
  EncoderTurn,        // step = signed steps, encoding = how the value was read
  ControlChange,      // value = CC value (14-bit when is_14bit)
  ChannelAftertouch,  // value = pressure
  PolyAftertouch,     // number = note, value = pressure
  PitchBend,          // value = 0..16383
  ProgramChange,      // number = program
  SysEx,              // sysex = the bytes
};
const char* gesture_kind_name(GestureKind kind);

struct Gesture {
  GestureKind kind = GestureKind::NotePress;
  TimePoint time{};          // when it was recognised
  uint16_t device = 0;
  uint8_t channel = 0;       // 0-15
  uint8_t number = 0;        // note / controller / program
  uint16_t value = 0;
  int16_t step = 0;
  bool deferred = false;
  bool is_14bit = false;
  EncoderEncoding encoding = EncoderEncoding::Absolute;
  Duration held{};
  std::vector<uint8_t> notes;
  std::shared_ptr<const std::vector<uint8_t>> sysex;

  // "LongPress ch=1 note=36 held=2000ms" (channel printed 1-16).
  std::string to_string() const;
};

}  // namespace midimon::mapping
