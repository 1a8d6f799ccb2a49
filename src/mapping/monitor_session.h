// `midimon monitor`'s logic: each message decoded, the gestures the processor
// recognised and the mappings they would fire in the current mode, as printable lines.
// No action runs. ModeChange actions are followed (the mode switches as the daemon's
// would), so what is shown for the next message is what the daemon would do; the
// switch is printed as its own line.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "mapping/event_processor.h"
#include "midi/input_queue.h"

namespace midimon::mapping {

struct MonitorOptions {
  bool follow_mode_changes = true;
  bool show_clock = false;  // MIDI clock and active sensing (dozens a second) are hidden
  std::vector<std::string> device_names;  // by device index, for the device column
};

class MonitorSession {
 public:
  MonitorSession(std::shared_ptr<const MappingSet> set, TimePoint start, MonitorOptions options = {});

  // Appends the lines for one message (and any timer that fell due before it).
  void on_message(const midi::Message& message, std::vector<std::string>& lines);
  // Appends the lines for timers due by `now` (long presses, closing windows).
  void on_tick(TimePoint now, std::vector<std::string>& lines);
  std::optional<TimePoint> next_deadline() const { return processor_.next_deadline(); }
  const EventProcessor& processor() const { return processor_; }

  // The header line: mappings and mode ("3 modes, 41 mappings; mode: Default").
  std::string summary() const;

 private:
  void print_events(std::vector<std::string>& lines);
  std::string stamp(TimePoint t) const;
  std::string device_label(uint16_t device) const;

  EventProcessor processor_;
  TimePoint start_;
  MonitorOptions options_;
  Events events_;
};

// The monitor's loop on the engine side: pops messages (waiting at most until the next
// timer), hands lines to `print`. Ends when `stop` is set, or when `source_done()` says
// no more input will come and nothing is queued or pending.
void run_monitor_loop(midi::InputQueue& queue, MonitorSession& session, const Clock& clock,
                      const std::atomic<bool>& stop, const std::function<bool()>& source_done,
                      const std::function<void(const std::string&)>& print);

}  // namespace midimon::mapping
