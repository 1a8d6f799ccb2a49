// `midimon learn`'s logic: waits for the next gesture and writes the TOML trigger line
// for it, ready to paste into a mapping. The first message decides what is learnt:
//   a note      -> Note, LongPress (held past the hold threshold), DoubleTap (pressed
//                  again within the double-tap window) or NoteChord (other notes pressed
//                  within the chord window of the first)
//   a CC        -> after the controller settles (no message for `settle_ms`): EncoderTurn
//                  with its direction and guessed encoding when the values look like an
//                  encoder's, else CC with a value range
//   pitch bend, aftertouch (channel/poly) -> a range half-way to the furthest value seen
//   program change, SysEx -> at once
// The channel is included (1-16); the device is not (the config names devices).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "mapping/clock.h"
#include "mapping/trigger_spec.h"
#include "midi/message.h"

namespace midimon::mapping {

struct LearnTimings {
  uint32_t chord_timeout_ms = 50;
  uint32_t double_tap_timeout_ms = 300;
  uint32_t hold_threshold_ms = 2000;
  uint32_t settle_ms = 400;  // continuous controls: this long without a message = done
};

class LearnSession {
 public:
  explicit LearnSession(LearnTimings timings = {}) : timings_(timings) {}

  void feed(const midi::Message& message);  // message.time is "now"
  void tick(TimePoint now);
  std::optional<TimePoint> next_deadline() const;

  bool done() const { return !line_.empty(); }
  const std::string& trigger_line() const { return line_; }  // "trigger = { ... }"
  const std::string& explanation() const { return why_; }    // one sentence, for stderr

 private:
  enum class Phase { Idle, NoteHeld, NoteReleased, Chord, Continuous };
  void finish(std::string trigger, std::string why);
  void finish_chord();
  void finish_continuous();
  std::string channel_key() const;

  LearnTimings timings_;
  Phase phase_ = Phase::Idle;
  midi::Message first_;
  TimePoint first_time_{};
  TimePoint last_time_{};
  std::vector<uint8_t> chord_;
  std::vector<uint16_t> values_;  // continuous controls: every value seen
  std::string line_, why_;
};

}  // namespace midimon::mapping
