// LogLimiter: the per-plugin token bucket behind the `log` host function (a plugin that
// logs in a tight loop must not flood the daemon's log). A burst of `burst` lines, then
// `per_second` lines per second; a dropped line is only counted, never buffered, so the
// memory used is constant. The clock is injectable so tests drive time.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>

namespace midimon::plugin {

struct LogRate {
  uint32_t burst = 200;
  uint32_t per_second = 100;
};

class LogLimiter {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;

  explicit LogLimiter(LogRate rate = {}, Clock clock = {});

  struct Decision {
    bool allowed = false;
    // When allowed: lines dropped since the last allowed one (report them once, now).
    uint64_t dropped_before = 0;
  };
  Decision admit();

  uint64_t dropped_total() const { return dropped_total_; }

 private:
  std::chrono::steady_clock::time_point now() const;
  LogRate rate_;
  Clock clock_;
  double tokens_;
  std::chrono::steady_clock::time_point last_;
  uint64_t dropped_pending_ = 0;
  uint64_t dropped_total_ = 0;
};

}  // namespace midimon::plugin
