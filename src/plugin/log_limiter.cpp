#include "plugin/log_limiter.h"

#include <algorithm>

namespace midimon::plugin {

LogLimiter::LogLimiter(LogRate rate, Clock clock)
    : rate_(rate), clock_(std::move(clock)), tokens_(rate.burst), last_(now()) {}

std::chrono::steady_clock::time_point LogLimiter::now() const {
  return clock_ ? clock_() : std::chrono::steady_clock::now();
}

LogLimiter::Decision LogLimiter::admit() {
  const auto t = now();
  if (t > last_) {
    const double secs = std::chrono::duration<double>(t - last_).count();
    tokens_ = std::min<double>(rate_.burst, tokens_ + secs * rate_.per_second);
    last_ = t;
  }
  if (tokens_ < 1.0) {
    ++dropped_pending_;
    ++dropped_total_;
    return {};
  }
  tokens_ -= 1.0;
  Decision d{true, dropped_pending_};
  dropped_pending_ = 0;
  return d;
}

}  // namespace midimon::plugin
