// `midimon monitor`'s lines and loop (see monitor_session.h).
#include "mapping/monitor_session.h"

#include <cstdio>
#include <variant>

#include "mapping/config_model.h"

namespace midimon::mapping {

namespace {

// The mode a matched mapping would switch to, if its action is a ModeChange (directly or
// as a step of a Sequence — a Conditional depends on run-time state and is not followed).
std::optional<size_t> mode_change_of(const Action& action) {
  if (auto* change = std::get_if<action::ModeChange>(&action.kind)) return change->mode_index;
  if (auto* sequence = std::get_if<action::Sequence>(&action.kind)) {
    std::optional<size_t> last;
    for (const Action& step : sequence->actions)
      if (auto m = mode_change_of(step)) last = m;
    return last;
  }
  return std::nullopt;
}

}  // namespace

MonitorSession::MonitorSession(std::shared_ptr<const MappingSet> set, TimePoint start,
                               MonitorOptions options)
    : processor_(std::move(set)), start_(start), options_(std::move(options)) {}

std::string MonitorSession::summary() const {
  const MappingSet& set = processor_.mappings();
  char buf[160];
  std::snprintf(buf, sizeof buf, "%zu mode%s, %zu mapping%s; mode: ", set.mode_count(),
                set.mode_count() == 1 ? "" : "s", set.mapping_count(), set.mapping_count() == 1 ? "" : "s");
  return buf + processor_.mode_name();
}

std::string MonitorSession::stamp(TimePoint t) const {
  const double seconds = std::chrono::duration<double>(t - start_).count();
  char buf[32];
  std::snprintf(buf, sizeof buf, "%10.3f", seconds < 0 ? 0.0 : seconds);
  return buf;
}

std::string MonitorSession::device_label(uint16_t device) const {
  if (device < options_.device_names.size() && !options_.device_names[device].empty())
    return options_.device_names[device];
  return "dev" + std::to_string(device);
}

void MonitorSession::on_message(const midi::Message& message, std::vector<std::string>& lines) {
  // Timers due before this message print first, in time order.
  events_.clear();
  processor_.tick(message.time, events_);
  print_events(lines);
  const bool noise = message.type == midi::MessageType::Clock ||
                     message.type == midi::MessageType::ActiveSensing;
  if (!noise || options_.show_clock)
    lines.push_back(stamp(message.time) + "  " + device_label(message.device) + "  " + message.to_string());
  events_.clear();
  processor_.process(message, events_);
  print_events(lines);
}

void MonitorSession::on_tick(TimePoint now, std::vector<std::string>& lines) {
  events_.clear();
  processor_.tick(now, events_);
  print_events(lines);
}

void MonitorSession::print_events(std::vector<std::string>& lines) {
  std::optional<size_t> switch_to;
  for (size_t i = 0; i < events_.gestures.size(); ++i) {
    const Gesture& g = events_.gestures[i];
    lines.push_back(stamp(g.time) + "    gesture " + g.to_string());
    for (const Match& m : events_.matches) {
      if (m.gesture != i) continue;
      const MappingEntry& e = *m.mapping;
      std::string line = "               -> ";
      line += e.id.mode == MappingId::kGlobal ? std::string("global")
                                              : "mode " + processor_.mappings().mode(e.id.mode).name;
      line += " mapping #" + std::to_string(e.id.index + 1);
      if (!e.description.empty()) line += " \"" + e.description + "\"";
      if (e.source) {
        line += ": ";
        line += action_type_name(e.source->action.kind);
        if (e.source->where.line) line += " (" + e.source->where.to_string() + ")";
        if (auto target = mode_change_of(e.source->action)) switch_to = target;
      }
      lines.push_back(std::move(line));
    }
  }
  if (switch_to && options_.follow_mode_changes && *switch_to != processor_.mode() &&
      *switch_to < processor_.mappings().mode_count()) {
    const std::string from = processor_.mode_name();
    processor_.set_mode(*switch_to);
    lines.push_back("               mode " + from + " -> " + processor_.mode_name());
  }
}

void run_monitor_loop(midi::InputQueue& queue, MonitorSession& session, const Clock& clock,
                      const std::atomic<bool>& stop, const std::function<bool()>& source_done,
                      const std::function<void(const std::string&)>& print) {
  std::vector<std::string> lines;
  while (!stop.load()) {
    // Wake for the next timer, and at least every 100 ms to notice `stop`.
    TimePoint deadline = clock.now() + Millis(100);
    if (auto due = session.next_deadline(); due && *due < deadline) deadline = *due;
    const bool finished = source_done && source_done();
    auto message = queue.wait_pop(deadline);
    lines.clear();
    if (message) {
      session.on_message(*message, lines);
    } else {
      session.on_tick(clock.now(), lines);
      if (finished && !session.next_deadline()) {
        for (const std::string& line : lines) print(line);
        return;
      }
    }
    for (const std::string& line : lines) print(line);
  }
}

}  // namespace midimon::mapping
