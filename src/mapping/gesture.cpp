// Names and one-line text of gestures and trigger kinds.
#include "mapping/gesture.h"

#include <cstdio>

#include "mapping/trigger_spec.h"

namespace midimon::mapping {

const char* gesture_kind_name(GestureKind kind) {
  switch (kind) {
    case GestureKind::NotePress: return "NotePress";
    case GestureKind::NoteRelease: return "NoteRelease";
    case GestureKind::LongPress: return "LongPress";
    case GestureKind::DoubleTap: return "DoubleTap";
    case GestureKind::Chord: return "Chord";
    case GestureKind::EncoderTurn: return "EncoderTurn";
    case GestureKind::ControlChange: return "CC";
    case GestureKind::ChannelAftertouch: return "Aftertouch";
    case GestureKind::PolyAftertouch: return "PolyAftertouch";
    case GestureKind::PitchBend: return "PitchBend";
    case GestureKind::ProgramChange: return "ProgramChange";
    case GestureKind::SysEx: return "SysEx";
  }
  return "Unknown";
}

const char* spec_kind_name(SpecKind kind) {
  switch (kind) {
    case SpecKind::Note: return "Note";
    case SpecKind::VelocityRange: return "VelocityRange";
    case SpecKind::LongPress: return "LongPress";
    case SpecKind::DoubleTap: return "DoubleTap";
    case SpecKind::Chord: return "NoteChord";
    case SpecKind::Encoder: return "EncoderTurn";
    case SpecKind::ControlChange: return "CC";
    case SpecKind::ChannelAftertouch: return "Aftertouch";
    case SpecKind::PolyAftertouch: return "PolyAftertouch";
    case SpecKind::PitchBend: return "PitchBend";
    case SpecKind::ProgramChange: return "ProgramChange";
    case SpecKind::SysEx: return "SysEx";
  }
  return "Unknown";
}

std::string Gesture::to_string() const {
  std::string s = gesture_kind_name(kind);
  char buf[96];
  auto add = [&](const char* fmt, auto... args) {
    std::snprintf(buf, sizeof buf, fmt, args...);
    s += buf;
  };
  add(" ch=%u", channel + 1u);
  const auto ms = [](Duration d) {
    return static_cast<long long>(std::chrono::duration_cast<Millis>(d).count());
  };
  switch (kind) {
    case GestureKind::NotePress:
      add(" note=%u vel=%u", number, value);
      if (deferred) s += " (deferred)";
      break;
    case GestureKind::NoteRelease: add(" note=%u held=%lldms", number, ms(held)); break;
    case GestureKind::LongPress: add(" note=%u held=%lldms", number, ms(held)); break;
    case GestureKind::DoubleTap: add(" note=%u interval=%lldms", number, ms(held)); break;
    case GestureKind::Chord: {
      s += " notes=[";
      for (size_t i = 0; i < notes.size(); ++i) add(i ? ",%u" : "%u", notes[i]);
      s += "]";
      break;
    }
    case GestureKind::EncoderTurn:
      add(" cc=%u step=%+d %s (%s)", number, step, step > 0 ? "Clockwise" : "CounterClockwise",
          encoder_encoding_name(encoding));
      break;
    case GestureKind::ControlChange:
      add(" cc=%u value=%u%s", number, value, is_14bit ? " (14-bit)" : "");
      break;
    case GestureKind::ChannelAftertouch: add(" pressure=%u", value); break;
    case GestureKind::PolyAftertouch: add(" note=%u pressure=%u", number, value); break;
    case GestureKind::PitchBend: add(" value=%u", value); break;
    case GestureKind::ProgramChange: add(" program=%u", number); break;
    case GestureKind::SysEx: {
      s += " bytes=";
      if (sysex) {
        for (size_t i = 0; i < sysex->size() && i < 32; ++i) add(i ? " %02X" : "%02X", (*sysex)[i]);
        if (sysex->size() > 32) s += " ...";
      }
      break;
    }
  }
  return s;
}

}  // namespace midimon::mapping
