// Watchdog: the one process-wide thread that enforces call deadlines. A store arms it
// with (deadline, interrupt flag) when a call with a timeout starts and disarms it when
// the call returns; when a deadline passes the thread stores 1 into the flag, which the
// compiled code polls (EngineConfig::deadline_checks) and turns into "deadline exceeded".
//
// One thread serves every store: entries sit in a time-ordered set and the thread sleeps
// on a condition variable until the earliest one is due or the set changes.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace midimon::wasm {

class Watchdog {
 public:
  using Clock = std::chrono::steady_clock;
  using Ticket = uint64_t;  // 0 is never a valid ticket

  // The process-wide instance; its thread starts on the first arm().
  static Watchdog& instance();

  // Sets `*flag = 1` at `deadline` unless disarmed first. Thread-safe.
  Ticket arm(Clock::time_point deadline, std::atomic<uint32_t>* flag);

  // Cancels `ticket` (no effect if it already fired or is 0). When this returns the
  // watchdog will never touch the ticket's flag again, so its owner may be destroyed.
  void disarm(Ticket ticket);

  // Number of armed entries (tests: every call must leave nothing behind).
  size_t armed() const;

 private:
  struct State;
  Watchdog();
  ~Watchdog() = delete;  // lives until the process ends (see watchdog.cpp)
  State* s_;
};

}  // namespace midimon::wasm
