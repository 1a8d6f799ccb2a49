// The event processor: MIDI messages in, recognised gestures and the mappings they fire
// out. It runs on one thread (the engine thread), owns all gesture state and its timers,
// and never reads a clock: a message's timestamp is "now" for that message, and tick(now)
// fires timers that are due (long press while held, double-tap and chord windows
// closing). The caller asks next_deadline() when to call tick() next.
//
// The rules (which note waits for what, edges, windows) are in docs/triggers.md.
// No actions are run here: a match names the mapping, the caller decides.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mapping/clock.h"
#include "mapping/gesture.h"
#include "mapping/mapping_index.h"
#include "mapping/mode_state.h"
#include "midi/message.h"

namespace midimon::mapping {

namespace detail {  // processor_state.h
struct Press;
struct Timer;
struct ProcessorState;
enum class TimerKind : uint8_t;
}  // namespace detail

struct Match {
  const MappingEntry* mapping;  // valid while the processor's MappingSet is alive
  uint32_t gesture;             // index into Events::gestures
};

// The output of process()/tick(): appended to, so one buffer can be reused (clear() keeps
// the capacity, which keeps the hot path free of allocations).
struct Events {
  std::vector<Gesture> gestures;
  std::vector<Match> matches;
  void clear() {
    gestures.clear();
    matches.clear();
  }
};

class EventProcessor {
 public:
  explicit EventProcessor(std::shared_ptr<const MappingSet> set, size_t mode = 0);
  ~EventProcessor();
  EventProcessor(const EventProcessor&) = delete;
  EventProcessor& operator=(const EventProcessor&) = delete;

  // Fires every timer due at or before the message's time, then handles the message.
  // Time never runs backwards: a message older than the last event is taken as "now".
  void process(const midi::Message& message, Events& out);
  // Fires every timer due at or before `now`.
  void tick(TimePoint now, Events& out);
  // When the earliest pending timer is due (it may turn out to have been cancelled).
  std::optional<TimePoint> next_deadline() const;

  // Switching mode is one step: the new mode's index is used from the next event on,
  // and every gesture still pending in the old mode is dropped (timers cancelled,
  // deferred presses discarded, held notes fire nothing more until pressed again).
  void set_mode(size_t mode);
  bool set_mode(std::string_view name);  // false (and no change) if there is no such mode
  size_t mode() const { return mode_; }
  const std::string& mode_name() const { return set_->mode(mode_).name; }
  // Replaces the mappings (config reload): keeps the mode of the same name, else mode 0.
  // Pending gestures are dropped as by a mode switch.
  void replace_mappings(std::shared_ptr<const MappingSet> set);
  const MappingSet& mappings() const { return *set_; }
  // Readable from any thread.
  const ModeState& mode_state() const { return mode_state_; }

 private:
  using Press = detail::Press;
  using Timer = detail::Timer;
  using TimerKind = detail::TimerKind;
  using State = detail::ProcessorState;

  void on_note_press(const midi::Message& m, TimePoint t, Events& out);
  void on_note_release(uint16_t device, uint8_t channel, uint8_t note, TimePoint t, Events& out);
  void on_controller(const midi::Message& m, TimePoint t, Events& out);
  void on_aftertouch(const midi::Message& m, TimePoint t, Events& out);
  void on_pitch_bend(const midi::Message& m, TimePoint t, Events& out);
  void on_program(const midi::Message& m, TimePoint t, Events& out);
  void on_sysex(const midi::Message& m, TimePoint t, Events& out);

  void fire_timer(const Timer& timer, Events& out);
  void schedule(TimerKind kind, TimePoint due, uint16_t device, uint8_t channel, uint8_t note,
                uint32_t generation);
  void resolve(uint16_t device, uint8_t channel, uint8_t note, Press& press, TimePoint t,
               Events& out);
  void consume(Press& press);
  void evaluate_chords(uint16_t device, uint8_t channel, uint8_t note, TimePoint t, Events& out);
  void fire_pending_chord(uint16_t device, uint8_t channel, TimePoint t, Events& out);
  void drop_pending();
  uint32_t add_gesture(Events& out, Gesture g);
  const ModeIndex& index() const { return set_->mode(mode_).index; }

  std::shared_ptr<const MappingSet> set_;
  size_t mode_ = 0;
  ModeState mode_state_;
  std::unique_ptr<State> state_;
  TimePoint last_{};
};

}  // namespace midimon::mapping
