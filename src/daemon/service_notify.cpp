#include "daemon/service_notify.h"

#include <ctime>
#include <string>

#ifdef MIDIMON_HAVE_SYSTEMD
#include <systemd/sd-daemon.h>
#endif

namespace midimon::daemon {

void notify_service(std::string_view state) {
#ifdef MIDIMON_HAVE_SYSTEMD
  std::string text(state);
  sd_notify(0, text.c_str());  // returns 0 when $NOTIFY_SOCKET is unset: nothing to do
#else
  (void)state;
#endif
}

void notify_ready() { notify_service("READY=1\nSTATUS=running"); }

void notify_reloading() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  uint64_t usec = static_cast<uint64_t>(ts.tv_sec) * 1000000u + static_cast<uint64_t>(ts.tv_nsec) / 1000u;
  notify_service("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(usec));
}

void notify_stopping() { notify_service("STOPPING=1"); }

void notify_watchdog() { notify_service("WATCHDOG=1"); }

std::optional<std::chrono::milliseconds> watchdog_ping_interval() {
#ifdef MIDIMON_HAVE_SYSTEMD
  uint64_t usec = 0;
  if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0) {
    return std::chrono::milliseconds(std::max<uint64_t>(1, usec / 2000));
  }
#endif
  return std::nullopt;
}

}  // namespace midimon::daemon
