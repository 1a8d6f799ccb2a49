// The event processor's frame: dispatch by message type, timers, modes. The note
// gestures are in note_gestures.cpp, the continuous controls in value_gestures.cpp.
#include "mapping/event_processor.h"

#include <algorithm>
#include <functional>

#include "mapping/processor_state.h"

namespace midimon::mapping {

using namespace detail;

EventProcessor::EventProcessor(std::shared_ptr<const MappingSet> set, size_t mode)
    : set_(std::move(set)), mode_(mode < set_->mode_count() ? mode : 0),
      state_(std::make_unique<State>()) {
  mode_state_.publish(set_, mode_);
}

EventProcessor::~EventProcessor() = default;

void EventProcessor::process(const midi::Message& m, Events& out) {
  const TimePoint t = std::max(m.time, last_);
  tick(t, out);
  switch (m.type) {
    case midi::MessageType::NoteOn:
      if (m.data2 == 0) {  // velocity 0 is a release (running-status note off)
        on_note_release(m.device, m.channel & 15, m.data1 & 127, t, out);
      } else {
        on_note_press(m, t, out);
      }
      break;
    case midi::MessageType::NoteOff:
      on_note_release(m.device, m.channel & 15, m.data1 & 127, t, out);
      break;
    case midi::MessageType::ControlChange: on_controller(m, t, out); break;
    case midi::MessageType::ChannelAftertouch:
    case midi::MessageType::PolyAftertouch: on_aftertouch(m, t, out); break;
    case midi::MessageType::PitchBend: on_pitch_bend(m, t, out); break;
    case midi::MessageType::ProgramChange: on_program(m, t, out); break;
    case midi::MessageType::SysEx: on_sysex(m, t, out); break;
    default: break;  // clock, transport, RPN/NRPN...: no trigger listens to them
  }
}

void EventProcessor::tick(TimePoint now, Events& out) {
  if (now > last_) last_ = now;
  auto& heap = state_->timers;
  while (!heap.empty() && heap.front().due <= now) {
    std::pop_heap(heap.begin(), heap.end(), std::greater<>{});
    const Timer timer = heap.back();
    heap.pop_back();
    fire_timer(timer, out);
  }
}

std::optional<TimePoint> EventProcessor::next_deadline() const {
  if (state_->timers.empty()) return std::nullopt;
  return state_->timers.front().due;
}

void EventProcessor::schedule(TimerKind kind, TimePoint due, uint16_t device, uint8_t channel,
                              uint8_t note, uint32_t gen) {
  auto& heap = state_->timers;
  heap.push_back({due, state_->seq++, kind, device, channel, note, gen});
  std::push_heap(heap.begin(), heap.end(), std::greater<>{});
}

uint32_t EventProcessor::add_gesture(Events& out, Gesture g) {
  out.gestures.push_back(std::move(g));
  return static_cast<uint32_t>(out.gestures.size() - 1);
}

void EventProcessor::set_mode(size_t mode) {
  if (mode >= set_->mode_count() || mode == mode_) return;
  drop_pending();
  mode_ = mode;
  mode_state_.publish(set_, mode_);
}

bool EventProcessor::set_mode(std::string_view name) {
  auto index = set_->find_mode(name);
  if (!index) return false;
  set_mode(*index);
  return true;
}

void EventProcessor::replace_mappings(std::shared_ptr<const MappingSet> set) {
  const std::string old_name = mode_name();
  drop_pending();
  set_ = std::move(set);
  mode_ = set_->find_mode(old_name).value_or(0);
  mode_state_.publish(set_, mode_);
}

// Drops everything the old mode had in flight. Held notes stay held (the hardware still
// has them down) but are marked consumed, so their release fires nothing and no timer of
// the old mode can fire into the new one. Last CC/bend/pressure values are kept: they
// describe the controller, not the mode, and edge detection needs them.
void EventProcessor::drop_pending() {
  state_->timers.clear();
  for (auto& device : state_->devices) {
    if (!device) continue;
    for (ChannelState& ch : device->channels) {
      ch.pending = {};
      for (uint8_t note : ch.held) consume(ch.notes[note].cur);
      for (NoteSlot& slot : ch.notes) {
        if (!slot.cur.held) slot.cur = {};
        slot.prev = {};
      }
    }
  }
}

void EventProcessor::consume(Press& press) {
  press.consumed = true;
  press.claims = 0;
  press.plain_pending = false;
}

void EventProcessor::fire_timer(const Timer& timer, Events& out) {
  if (timer.device >= state_->devices.size() || !state_->devices[timer.device]) return;
  ChannelState& ch = state_->devices[timer.device]->channels[timer.channel];
  if (timer.kind == TimerKind::ChordFire) {
    if (ch.pending.gen == timer.gen) fire_pending_chord(timer.device, timer.channel, timer.due, out);
    return;
  }
  NoteSlot& slot = ch.notes[timer.note];
  Press* press = slot.cur.gen == timer.gen ? &slot.cur : slot.prev.gen == timer.gen ? &slot.prev : nullptr;
  if (!press) return;  // the press is gone: the timer was cancelled
  switch (timer.kind) {
    case TimerKind::LongPress: {
      // A press taken by something else (a chord, a double tap, a mode switch) has no long
      // press; one that already fired its first threshold goes on to the longer ones.
      if (!press->held || (press->consumed && press->long_press_fired_ms == 0)) return;
      const auto held_ms = static_cast<uint32_t>(
          std::chrono::duration_cast<Millis>(timer.due - press->time).count());
      Gesture g;
      g.kind = GestureKind::LongPress;
      g.time = timer.due;
      g.device = timer.device;
      g.channel = timer.channel;
      g.number = timer.note;
      g.value = press->velocity;
      g.held = timer.due - press->time;
      const uint32_t gi = add_gesture(out, std::move(g));
      // The next (longer) threshold, if a mapping has one.
      uint32_t next = 0;
      for (const MappingEntry* e : index().notes(timer.channel, timer.note)) {
        if (e->trigger.kind != SpecKind::LongPress || !device_matches(*e, timer.device)) continue;
        if (e->trigger.timeout_ms == held_ms) out.matches.push_back({e, gi});
        if (e->trigger.timeout_ms > held_ms && (next == 0 || e->trigger.timeout_ms < next))
          next = e->trigger.timeout_ms;
      }
      consume(*press);
      press->long_press_fired_ms = held_ms;
      if (next) {
        schedule(TimerKind::LongPress, press->time + Millis(next), timer.device, timer.channel,
                 timer.note, press->gen);
      }
      return;
    }
    case TimerKind::DoubleTapLapse:
      press->claims &= ~kClaimDoubleTap;
      resolve(timer.device, timer.channel, timer.note, *press, timer.due, out);
      return;
    case TimerKind::ChordLapse:
      press->claims &= ~kClaimChord;
      resolve(timer.device, timer.channel, timer.note, *press, timer.due, out);
      return;
    case TimerKind::ChordFire: return;
  }
}

}  // namespace midimon::mapping
