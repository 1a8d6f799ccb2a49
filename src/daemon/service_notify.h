// systemd's notify protocol (Type=notify): READY=1 once the daemon runs, RELOADING=1 /
// READY=1 around a reload, STOPPING=1 at shutdown, WATCHDOG=1 at half of WatchdogSec.
// Through libsystemd's sd_notify when built with it; a no-op outside systemd
// ($NOTIFY_SOCKET unset) and when libsystemd is absent.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace midimon::daemon {

void notify_service(std::string_view state);  // "READY=1", ...
void notify_ready();
void notify_reloading();  // RELOADING=1 plus MONOTONIC_USEC (systemd >= 253 wants it)
void notify_stopping();
void notify_watchdog();
// Half of the watchdog interval systemd asked for ($WATCHDOG_USEC for this process), or
// nullopt when there is no watchdog.
std::optional<std::chrono::milliseconds> watchdog_ping_interval();

}  // namespace midimon::daemon
