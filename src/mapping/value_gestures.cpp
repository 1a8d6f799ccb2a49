// Continuous controls and one-shot messages: CC (ranges with every/enter/leave firing),
// encoders (absolute and the three relative encodings), channel and poly aftertouch,
// pitch bend, program change, SysEx patterns.
#include "mapping/encoder.h"
#include "mapping/event_processor.h"
#include "mapping/processor_state.h"
#include "mapping/sysex_pattern.h"

namespace midimon::mapping {

using namespace detail;

namespace {

// Range firing. `previous` < 0 means no value seen yet: the first message counts as an
// edge into (Enter) or out of (Leave) the range.
bool range_fires(CcFire fire, int min, int max, int previous, int value) {
  const bool inside = value >= min && value <= max;
  const bool was_inside = previous >= 0 && previous >= min && previous <= max;
  switch (fire) {
    case CcFire::Every: return inside;
    case CcFire::Enter: return inside && !was_inside;
    case CcFire::Leave: return !inside && (previous < 0 || was_inside);
  }
  return false;
}

Gesture base(GestureKind kind, const midi::Message& m, TimePoint t) {
  Gesture g;
  g.kind = kind;
  g.time = t;
  g.device = m.device;
  g.channel = m.channel & 15;
  return g;
}

}  // namespace

void EventProcessor::on_controller(const midi::Message& m, TimePoint t, Events& out) {
  const uint8_t c = m.channel & 15, cc = m.data1 & 127;
  const bool is14 = m.is_14bit;
  const int value = is14 ? (m.value14 & 0x3FFF) : (m.data2 & 127);
  ChannelState& ch = state_->channel(m.device, c);
  const int previous = ch.cc_last[cc];
  ch.cc_last[cc] = static_cast<int16_t>(value);

  Gesture g = base(GestureKind::ControlChange, m, t);
  g.number = cc;
  g.value = static_cast<uint16_t>(value);
  g.is_14bit = is14;
  const uint32_t cc_gesture = add_gesture(out, std::move(g));
  const size_t first_turn = out.gestures.size();

  for (const MappingEntry* e : index().controller(c, cc)) {
    if (!device_matches(*e, m.device)) continue;
    const TriggerSpec& tr = e->trigger;
    if (tr.kind == SpecKind::ControlChange) {
      if (tr.cc14 == is14 && range_fires(tr.fire, tr.min, tr.max, previous, value))
        out.matches.push_back({e, cc_gesture});
      continue;
    }
    if (tr.kind != SpecKind::Encoder || is14) continue;
    const int step = encoder_step(tr.encoding, static_cast<uint8_t>(value), previous);
    if (step == 0 || (tr.direction != 0 && (step > 0) != (tr.direction > 0))) continue;
    // One EncoderTurn per encoding in use (mappings may read the same CC differently).
    uint32_t gi = UINT32_MAX;
    for (size_t i = first_turn; i < out.gestures.size(); ++i)
      if (out.gestures[i].encoding == tr.encoding) gi = static_cast<uint32_t>(i);
    if (gi == UINT32_MAX) {
      Gesture turn = base(GestureKind::EncoderTurn, m, t);
      turn.number = cc;
      turn.value = static_cast<uint16_t>(value);
      turn.step = static_cast<int16_t>(step);
      turn.encoding = tr.encoding;
      gi = add_gesture(out, std::move(turn));
    }
    out.matches.push_back({e, gi});
  }
}

void EventProcessor::on_aftertouch(const midi::Message& m, TimePoint t, Events& out) {
  const uint8_t c = m.channel & 15;
  ChannelState& ch = state_->channel(m.device, c);
  const bool poly = m.type == midi::MessageType::PolyAftertouch;
  const uint8_t note = m.data1 & 127;
  const int pressure = poly ? (m.data2 & 127) : (m.data1 & 127);
  int16_t& last = poly ? ch.poly_last[note] : ch.pressure_last;
  const int previous = last;
  last = static_cast<int16_t>(pressure);

  Gesture g = base(poly ? GestureKind::PolyAftertouch : GestureKind::ChannelAftertouch, m, t);
  g.number = poly ? note : 0;
  g.value = static_cast<uint16_t>(pressure);
  const uint32_t gi = add_gesture(out, std::move(g));
  const EntryList entries = poly ? index().poly_aftertouch(c, note) : index().channel_aftertouch(c);
  for (const MappingEntry* e : entries) {
    if (!device_matches(*e, m.device)) continue;
    if (range_fires(e->trigger.fire, e->trigger.min, e->trigger.max, previous, pressure))
      out.matches.push_back({e, gi});
  }
}

void EventProcessor::on_pitch_bend(const midi::Message& m, TimePoint t, Events& out) {
  const uint8_t c = m.channel & 15;
  ChannelState& ch = state_->channel(m.device, c);
  const int value = m.value14 & 0x3FFF;
  const int previous = ch.bend_last;
  ch.bend_last = value;
  Gesture g = base(GestureKind::PitchBend, m, t);
  g.value = static_cast<uint16_t>(value);
  const uint32_t gi = add_gesture(out, std::move(g));
  for (const MappingEntry* e : index().pitch_bend(c)) {
    if (!device_matches(*e, m.device)) continue;
    if (range_fires(e->trigger.fire, e->trigger.min, e->trigger.max, previous, value))
      out.matches.push_back({e, gi});
  }
}

void EventProcessor::on_program(const midi::Message& m, TimePoint t, Events& out) {
  const uint8_t c = m.channel & 15, program = m.data1 & 127;
  Gesture g = base(GestureKind::ProgramChange, m, t);
  g.number = program;
  const uint32_t gi = add_gesture(out, std::move(g));
  for (const MappingEntry* e : index().program(c, program))
    if (device_matches(*e, m.device)) out.matches.push_back({e, gi});
}

void EventProcessor::on_sysex(const midi::Message& m, TimePoint t, Events& out) {
  Gesture g = base(GestureKind::SysEx, m, t);
  g.channel = 0;
  g.sysex = m.sysex;
  const uint32_t gi = add_gesture(out, std::move(g));
  if (!m.sysex) return;
  for (const MappingEntry* e : index().sysex()) {
    if (!device_matches(*e, m.device)) continue;
    if (sysex_matches(e->trigger.sysex, m.sysex->data(), m.sysex->size()))
      out.matches.push_back({e, gi});
  }
}

}  // namespace midimon::mapping
