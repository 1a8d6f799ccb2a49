// SystemClock and the small name tables of action_env.h.
#include <ctime>

#include "actions/action_env.h"

namespace midimon::actions {

std::chrono::steady_clock::time_point SystemClock::now() const {
  return std::chrono::steady_clock::now();
}

std::chrono::system_clock::time_point SystemClock::wall_now() const {
  return std::chrono::system_clock::now();
}

LocalTime SystemClock::local_time() const {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  localtime_r(&t, &tm);
  LocalTime local;
  local.weekday = static_cast<uint8_t>(tm.tm_wday == 0 ? 7 : tm.tm_wday);  // tm: 0 = Sunday
  local.minute_of_day = static_cast<uint16_t>(tm.tm_hour * 60 + tm.tm_min);
  return local;
}

bool SystemClock::wait_for(std::chrono::milliseconds duration, const StopSignal& stop) {
  return !stop.wait_for(duration);
}

const char* log_level_name(LogLevel level) {
  switch (level) {
    case LogLevel::Debug: return "debug";
    case LogLevel::Info: return "info";
    case LogLevel::Warn: return "warn";
    case LogLevel::Error: return "error";
  }
  return "?";
}

const char* action_status_name(ActionEvent::Status status) {
  switch (status) {
    case ActionEvent::Status::Ok: return "ok";
    case ActionEvent::Status::Failed: return "failed";
    case ActionEvent::Status::Cancelled: return "cancelled";
    case ActionEvent::Status::Dropped: return "dropped";
  }
  return "?";
}

}  // namespace midimon::actions
