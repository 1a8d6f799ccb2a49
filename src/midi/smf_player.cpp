// MIDI file replay (smf_player.h).
#include "midi/smf_player.h"

#include <algorithm>
#include <cmath>
#include <thread>

namespace midimon::midi {

void SteadyReplayClock::sleep_until(Timestamp when) { std::this_thread::sleep_until(when); }

Result<ReplayReport> replay(const SmfFile& file, InProcessInput& input, ReplayClock& clock,
                            ReplayOptions options) {
  if (!(options.speed > 0)) {  // also rejects NaN
    return Error{"replay speed must be greater than 0 (got " + std::to_string(options.speed) + ")"};
  }
  ReplayReport report;
  const Timestamp start = clock.now();
  const auto stopped = [&] { return options.stop && options.stop->load(); };
  constexpr auto kSlice = std::chrono::milliseconds(50);
  for (const SmfEvent& ev : file.events) {
    if (ev.kind == SmfEvent::Kind::Meta) continue;
    // Clamped to a century so a hostile file's times cannot overflow the clock type.
    const double offset_us =
        std::isinf(options.speed)
            ? 0.0
            : std::min(static_cast<double>(ev.time.count()) / options.speed, 3.2e15);
    const Timestamp due =
        start + std::chrono::duration_cast<Timestamp::duration>(
                    std::chrono::duration<double, std::micro>(offset_us));
    for (Timestamp now = clock.now(); now < due; now = clock.now()) {
      if (stopped()) {
        report.stopped = true;
        return report;
      }
      clock.sleep_until(std::min(due, now + kSlice));
    }
    if (stopped()) {
      report.stopped = true;
      return report;
    }
    input.send_bytes_at(ev.bytes.data(), ev.bytes.size(), due);
    ++report.events_sent;
  }
  return report;
}

}  // namespace midimon::midi
