#include "plugin/plugin_stats.h"

#include <algorithm>

namespace midimon::plugin {

std::chrono::nanoseconds PluginStats::mean_duration() const {
  if (calls == 0) return std::chrono::nanoseconds{0};
  return std::chrono::nanoseconds{total_duration.count() / static_cast<int64_t>(calls)};
}

void PluginStats::record(const CallResult& result) {
  ++calls;
  switch (result.status) {
    case CallResult::Status::Ok: ++ok; break;
    case CallResult::Status::Failed: ++failures; break;
    case CallResult::Status::Trapped:
      ++traps;
      if (result.message.find("deadline exceeded") != std::string::npos) ++timeouts;
      break;
    case CallResult::Status::Error: ++errors; break;
  }
  last_duration = result.duration;
  total_duration += result.duration;
  max_duration = std::max(max_duration, result.duration);
  last_fuel = result.fuel_used;
  total_fuel += result.fuel_used;
}

}  // namespace midimon::plugin
