#include "actions/trigger_context.h"

#include <algorithm>

namespace midimon::actions {

using mapping::GestureKind;

TriggerContext context_from_gesture(const mapping::Gesture& g, std::size_t mode,
                                    std::chrono::system_clock::time_point wall_time) {
  TriggerContext c;
  c.channel = g.channel;
  c.mode = mode;
  c.wall_time = wall_time;
  c.gesture = g.to_string();
  const auto seven_bit = [](uint16_t v) { return static_cast<uint8_t>(std::min<uint16_t>(v, 127)); };
  switch (g.kind) {
    case GestureKind::NotePress:
      c.note = g.number;
      c.velocity = seven_bit(g.value);
      break;
    case GestureKind::NoteRelease:
    case GestureKind::LongPress:
    case GestureKind::DoubleTap:
      c.note = g.number;
      if (g.value != 0) c.velocity = seven_bit(g.value);
      break;
    case GestureKind::Chord:
      if (!g.notes.empty()) c.note = g.notes.front();
      break;
    case GestureKind::EncoderTurn:
    case GestureKind::ControlChange:
      c.cc = g.number;
      if (g.is_14bit) {
        c.value14 = g.value;
        c.value = static_cast<uint8_t>((g.value >> 7) & 127);
      } else {
        c.value = seven_bit(g.value);
      }
      break;
    case GestureKind::ChannelAftertouch:
      c.value = seven_bit(g.value);
      break;
    case GestureKind::PolyAftertouch:
      c.note = g.number;
      c.value = seven_bit(g.value);
      break;
    case GestureKind::PitchBend:
      c.value14 = g.value;
      c.value = static_cast<uint8_t>((g.value >> 7) & 127);
      break;
    case GestureKind::ProgramChange:
      c.value = g.number;
      break;
    case GestureKind::SysEx:
      break;
  }
  return c;
}

plugin::EventContext to_plugin_context(const TriggerContext& context) {
  plugin::EventContext e;
  e.velocity = context.velocity;
  e.note = context.note;
  e.cc = context.cc;
  e.value = context.value;
  if (context.mode) e.current_mode = static_cast<int64_t>(*context.mode);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
      context.wall_time.time_since_epoch());
  e.timestamp_ms = ms.count() > 0 ? static_cast<uint64_t>(ms.count()) : 0;
  return e;
}

}  // namespace midimon::actions
