// Note gestures: press and release, velocity ranges, long press, double tap, chords, and
// the rule that makes a press with a pending long press / double tap / chord wait before
// its plain Note mappings fire (docs/triggers.md, "Which mapping a press fires").
#include <algorithm>

#include "mapping/event_processor.h"
#include "mapping/processor_state.h"

namespace midimon::mapping {

using namespace detail;

namespace {

bool is_plain(const MappingEntry& e) {
  return e.trigger.kind == SpecKind::Note || e.trigger.kind == SpecKind::VelocityRange;
}
bool velocity_fits(const MappingEntry& e, uint8_t velocity) {
  return velocity >= e.trigger.min && velocity <= e.trigger.max;
}
bool chord_has(const MappingEntry& e, uint8_t note) {
  return std::binary_search(e.trigger.notes.begin(), e.trigger.notes.end(), note);
}

enum class PlainSet { All, ImmediateOnly, WaitingOnly };

// One NotePress gesture and the plain mappings (of the chosen set) it fires.
void emit_press(Events& out, EntryList entries, uint16_t device, uint8_t channel, uint8_t note,
                uint8_t velocity, TimePoint t, bool deferred, PlainSet which) {
  Gesture g;
  g.kind = GestureKind::NotePress;
  g.time = t;
  g.device = device;
  g.channel = channel;
  g.number = note;
  g.value = velocity;
  g.deferred = deferred;
  out.gestures.push_back(std::move(g));
  const auto gi = static_cast<uint32_t>(out.gestures.size() - 1);
  for (const MappingEntry* e : entries) {
    if (!is_plain(*e) || !device_matches(*e, device) || !velocity_fits(*e, velocity)) continue;
    if (which == PlainSet::ImmediateOnly && !e->trigger.immediate) continue;
    if (which == PlainSet::WaitingOnly && e->trigger.immediate) continue;
    out.matches.push_back({e, gi});
  }
}

}  // namespace

void EventProcessor::on_note_press(const midi::Message& m, TimePoint t, Events& out) {
  const uint16_t dev = m.device;
  const uint8_t c = m.channel & 15, n = m.data1 & 127, velocity = m.data2 & 127;
  ChannelState& ch = state_->channel(dev, c);
  // A NoteOn for a note that is already down: the release was lost; take it as one.
  if (ch.notes[n].cur.held) on_note_release(dev, c, n, t, out);
  NoteSlot& slot = ch.notes[n];

  const EntryList entries = index().notes(c, n);
  uint32_t long_press_ms = 0, double_tap_ms = 0, chord_ms = 0;
  bool has_chord = false, has_immediate = false, has_waiting = false;
  for (const MappingEntry* e : entries) {
    if (!device_matches(*e, dev)) continue;
    const TriggerSpec& tr = e->trigger;
    switch (tr.kind) {
      case SpecKind::Note:
      case SpecKind::VelocityRange:
        if (velocity_fits(*e, velocity)) (tr.immediate ? has_immediate : has_waiting) = true;
        break;
      case SpecKind::LongPress:
        if (long_press_ms == 0 || tr.timeout_ms < long_press_ms) long_press_ms = tr.timeout_ms;
        break;
      case SpecKind::DoubleTap: double_tap_ms = std::max(double_tap_ms, tr.timeout_ms); break;
      case SpecKind::Chord:
        has_chord = true;
        chord_ms = std::max(chord_ms, tr.timeout_ms);
        break;
      default: break;
    }
  }

  // The second tap of a double tap: it and the first tap are taken by the DoubleTap.
  if (slot.prev.gen && (slot.prev.claims & kClaimDoubleTap)) {
    const Duration interval = t - slot.prev.time;
    bool any = false;
    for (const MappingEntry* e : entries)
      if (e->trigger.kind == SpecKind::DoubleTap && device_matches(*e, dev) &&
          interval <= Millis(e->trigger.timeout_ms))
        any = true;
    if (any) {
      if (has_immediate) emit_press(out, entries, dev, c, n, velocity, t, false, PlainSet::ImmediateOnly);
      Gesture g;
      g.kind = GestureKind::DoubleTap;
      g.time = t;
      g.device = dev;
      g.channel = c;
      g.number = n;
      g.value = velocity;
      g.held = interval;
      const uint32_t gi = add_gesture(out, std::move(g));
      for (const MappingEntry* e : entries)
        if (e->trigger.kind == SpecKind::DoubleTap && device_matches(*e, dev) &&
            interval <= Millis(e->trigger.timeout_ms))
          out.matches.push_back({e, gi});
      slot.prev = {};
      Press p;
      p.gen = state_->new_gen();
      p.time = t;
      p.velocity = velocity;
      p.held = true;
      consume(p);
      slot.cur = p;
      ch.held.push_back(n);
      return;
    }
    // Outside every window (its lapse timer is about to run): settle the first tap now.
    slot.prev.claims &= ~kClaimDoubleTap;
    resolve(dev, c, n, slot.prev, t, out);
  }
  slot.prev = {};

  Press p;
  p.gen = state_->new_gen();
  p.time = t;
  p.velocity = velocity;
  p.held = true;
  if (long_press_ms) p.claims |= kClaimLongPress;
  if (double_tap_ms) p.claims |= kClaimDoubleTap;
  if (has_chord) p.claims |= kClaimChord;
  if (p.claims == 0) {
    emit_press(out, entries, dev, c, n, velocity, t, false, PlainSet::All);
  } else {
    if (has_immediate) emit_press(out, entries, dev, c, n, velocity, t, false, PlainSet::ImmediateOnly);
    // Wait with the plain mappings; with none at all, still report the press later so
    // a monitor shows it once nothing else took it.
    p.plain_pending = has_waiting || !has_immediate;
    if (long_press_ms) schedule(TimerKind::LongPress, t + Millis(long_press_ms), dev, c, n, p.gen);
    // Windows include their edge: the lapse is one tick after it.
    if (double_tap_ms)
      schedule(TimerKind::DoubleTapLapse, t + Millis(double_tap_ms) + Duration(1), dev, c, n, p.gen);
    if (has_chord) schedule(TimerKind::ChordLapse, t + Millis(chord_ms) + Duration(1), dev, c, n, p.gen);
  }
  slot.cur = p;
  ch.held.push_back(n);
  if (has_chord || ch.pending.gen) evaluate_chords(dev, c, n, t, out);
}

void EventProcessor::on_note_release(uint16_t dev, uint8_t c, uint8_t n, TimePoint t, Events& out) {
  ChannelState& ch = state_->channel(dev, c);
  Press& p = ch.notes[n].cur;
  if (!p.gen || !p.held) return;  // never saw it pressed: nothing to release
  // Letting go of a note of a waiting chord: no larger chord is coming, fire it now.
  if (ch.pending.gen) {
    for (const MappingEntry* e : ch.pending.entries)
      if (chord_has(*e, n)) {
        fire_pending_chord(dev, c, t, out);
        break;
      }
  }
  p.held = false;
  ch.held.erase(std::find(ch.held.begin(), ch.held.end(), n));
  // Released before the threshold: no long press. Not held: no chord any more.
  p.claims &= ~(kClaimLongPress | kClaimChord);
  resolve(dev, c, n, p, t, out);

  Gesture g;
  g.kind = GestureKind::NoteRelease;
  g.time = t;
  g.device = dev;
  g.channel = c;
  g.number = n;
  g.held = t - p.time;
  add_gesture(out, std::move(g));

  // A first tap waits, released, for its second tap.
  NoteSlot& slot = ch.notes[n];
  if ((p.claims & kClaimDoubleTap) && !p.consumed) {
    slot.prev = p;
    slot.cur = {};
  }
}

// When nothing can claim a press any more and nothing took it, its plain Note mappings
// fire now (a "deferred" NotePress).
void EventProcessor::resolve(uint16_t dev, uint8_t c, uint8_t n, Press& press, TimePoint t,
                             Events& out) {
  if (press.claims || !press.plain_pending || press.consumed) return;
  press.plain_pending = false;
  emit_press(out, index().notes(c, n), dev, c, n, press.velocity, t, true, PlainSet::WaitingOnly);
}

void EventProcessor::evaluate_chords(uint16_t dev, uint8_t c, uint8_t n, TimePoint t, Events& out) {
  ChannelState& ch = state_->channel(dev, c);
  if (ch.pending.gen) {
    // A chord waiting for a larger one: a press after its window leaves it intact (fire it
    // first); a press inside the window either completes the larger chord or breaks the
    // exact set, and the evaluation below decides.
    if (t > ch.pending.window_end) {
      fire_pending_chord(dev, c, t, out);
    } else {
      ch.pending = {};
    }
  }

  std::vector<const MappingEntry*>& matched = ch.pending.entries;  // reused buffer
  matched.clear();
  bool waiting = false;
  TimePoint wait_until = TimePoint::max();
  TimePoint window_end = TimePoint::max();
  for (const MappingEntry* e : index().notes(c, n)) {
    if (e->trigger.kind != SpecKind::Chord || !device_matches(*e, dev)) continue;
    const Duration w = Millis(e->trigger.timeout_ms);
    // The notes down and not yet taken, pressed within the window before this press
    // (the window's edge counts as inside).
    size_t count = 0;
    bool all_in_chord = true;
    TimePoint oldest = t;
    for (uint8_t h : ch.held) {
      const Press& hp = ch.notes[h].cur;
      if (hp.consumed || hp.time + w < t) continue;
      ++count;
      oldest = std::min(oldest, hp.time);
      if (!chord_has(*e, h)) all_in_chord = false;
    }
    if (!all_in_chord) continue;
    if (count == e->trigger.notes.size()) {
      matched.push_back(e);
      window_end = std::min(window_end, oldest + w);
    } else if (count < e->trigger.notes.size()) {
      // A larger chord could still complete until its window from the oldest note ends.
      waiting = true;
      wait_until = std::min(wait_until, oldest + w);
    }
  }
  if (matched.empty()) {
    ch.pending.gen = 0;
    return;
  }
  if (waiting) {
    ch.pending.gen = state_->new_gen();
    ch.pending.window_end = window_end;
    schedule(TimerKind::ChordFire, wait_until + Duration(1), dev, c, 0, ch.pending.gen);
    return;
  }
  ch.pending.gen = 1;  // fire_pending_chord fires whatever is in `entries`
  fire_pending_chord(dev, c, t, out);
}

void EventProcessor::fire_pending_chord(uint16_t dev, uint8_t c, TimePoint t, Events& out) {
  ChannelState& ch = state_->channel(dev, c);
  std::vector<const MappingEntry*> entries;
  entries.swap(ch.pending.entries);
  ch.pending.gen = 0;
  // One Chord gesture per distinct note set (several mappings may share one chord).
  const size_t first = out.gestures.size();
  for (const MappingEntry* e : entries) {
    uint32_t gi = UINT32_MAX;
    for (size_t i = first; i < out.gestures.size(); ++i)
      if (out.gestures[i].notes == e->trigger.notes) gi = static_cast<uint32_t>(i);
    if (gi == UINT32_MAX) {
      Gesture g;
      g.kind = GestureKind::Chord;
      g.time = t;
      g.device = dev;
      g.channel = c;
      g.notes = e->trigger.notes;
      gi = add_gesture(out, std::move(g));
      for (uint8_t note : e->trigger.notes) consume(ch.notes[note].cur);
    }
    out.matches.push_back({e, gi});
  }
  entries.clear();
  ch.pending.entries.swap(entries);  // keep the buffer's capacity
}

}  // namespace midimon::mapping
