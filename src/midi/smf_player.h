// Replays a read MIDI file into the pipeline (an InProcessInput: same parser, same queue)
// at its own timing, or faster or slower by a speed factor. Time comes from a ReplayClock,
// so tests replay a long file instantly with a clock they advance themselves.
#pragma once

#include <atomic>
#include <chrono>

#include "midi/input_stream.h"
#include "midi/result.h"
#include "midi/smf_reader.h"

namespace midimon::midi {

class ReplayClock {
 public:
  virtual ~ReplayClock() = default;
  virtual Timestamp now() = 0;
  virtual void sleep_until(Timestamp when) = 0;
};

class SteadyReplayClock final : public ReplayClock {
 public:
  Timestamp now() override { return std::chrono::steady_clock::now(); }
  void sleep_until(Timestamp when) override;
};

struct ReplayOptions {
  // 1 = the file's timing, 2 = twice as fast, infinity = no waiting at all. Must be > 0.
  double speed = 1.0;
  // Checked between events and at least every 50 ms while waiting; true stops the replay.
  const std::atomic<bool>* stop = nullptr;
};

struct ReplayReport {
  size_t events_sent = 0;  // MIDI, SysEx and F7-form events fed to the input
  bool stopped = false;    // ended by ReplayOptions::stop
};

// Each event is fed at start + event.time / speed and stamped with that time (the
// scheduled time, not the wake-up time). Meta events are not sent.
Result<ReplayReport> replay(const SmfFile& file, InProcessInput& input, ReplayClock& clock,
                            ReplayOptions options = {});

}  // namespace midimon::midi
