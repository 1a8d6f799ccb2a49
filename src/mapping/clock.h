// Time for the event processor. The processor never reads a clock itself: a message
// carries its own timestamp and timers fire from tick(now). Whoever drives it (the
// daemon, `midimon monitor`, a test) asks a Clock for "now" — tests use ManualClock and
// move time by hand, so timing edges are exact and nothing sleeps.
#pragma once

#include <chrono>

#include "midi/message.h"

namespace midimon::mapping {

using TimePoint = midi::Timestamp;  // std::chrono::steady_clock::time_point
using Duration = std::chrono::nanoseconds;
using Millis = std::chrono::milliseconds;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;
};

// The real monotonic clock (the same one the MIDI inputs stamp messages with).
class SteadyClock final : public Clock {
 public:
  TimePoint now() const override { return std::chrono::steady_clock::now(); }
};

// A clock that only moves when told to.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimePoint start = TimePoint{} + std::chrono::hours(1)) : now_(start) {}
  TimePoint now() const override { return now_; }
  void advance(Duration d) { now_ += d; }
  void set(TimePoint t) { now_ = t; }

 private:
  TimePoint now_;
};

}  // namespace midimon::mapping
