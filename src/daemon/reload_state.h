// Hot reload as a small state machine, so "reloading" can never stick:
//   Idle --begin()--> Loading --finish_ok()/finish_error()--> Idle
// A begin() while Loading is refused and remembered (`again`): the caller loads once more
// after finishing, so a save that lands mid-load is not lost. A LoadingTicket finishes with
// an error in its destructor if its owner forgot (or an exception unwound through it), so
// every path out of a load returns the machine to Idle.
//
// The Debouncer turns a burst of file events (an editor writes a temp file, renames it,
// touches it again) into one reload: the reload is due `window` after the LAST event.
// Both take time as an argument, so tests drive them with made-up time points.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

namespace midimon::daemon {

using SteadyTime = std::chrono::steady_clock::time_point;

enum class ReloadPhase : uint8_t { Idle, Loading };
const char* reload_phase_name(ReloadPhase phase);  // "idle", "loading"

struct ReloadStatus {
  ReloadPhase phase = ReloadPhase::Idle;
  uint64_t attempts = 0;     // loads begun
  uint64_t succeeded = 0;
  uint64_t failed = 0;
  std::string last_error;    // of the latest attempt; empty when it succeeded
  std::optional<std::chrono::system_clock::time_point> loaded_at;  // last success
  bool again = false;        // a request came while loading
};

class ReloadStateMachine;

class LoadingTicket {
 public:
  LoadingTicket() = default;
  explicit LoadingTicket(ReloadStateMachine* machine) : machine_(machine) {}
  LoadingTicket(LoadingTicket&& other) noexcept : machine_(other.machine_) { other.machine_ = nullptr; }
  LoadingTicket& operator=(LoadingTicket&&) = delete;
  LoadingTicket(const LoadingTicket&) = delete;
  ~LoadingTicket();
  explicit operator bool() const { return machine_ != nullptr; }
  // Returns true when another request came in meanwhile (load again).
  bool finish_ok(std::chrono::system_clock::time_point when);
  bool finish_error(std::string error);

 private:
  ReloadStateMachine* machine_ = nullptr;
};

class ReloadStateMachine {
 public:
  // An empty ticket when a load is already running (then `again` is set).
  LoadingTicket begin();
  ReloadStatus status() const;

 private:
  friend class LoadingTicket;
  bool finish(bool ok, std::string error, std::chrono::system_clock::time_point when);

  mutable std::mutex mutex_;
  ReloadStatus status_;
};

class Debouncer {
 public:
  explicit Debouncer(std::chrono::milliseconds window) : window_(window) {}
  void touch(SteadyTime now) { due_ = now + window_; }
  // True once the window after the last touch has passed; clears the pending state.
  bool take_due(SteadyTime now);
  std::optional<SteadyTime> deadline() const { return due_; }
  bool pending() const { return due_.has_value(); }

 private:
  std::chrono::milliseconds window_;
  std::optional<SteadyTime> due_;
};

}  // namespace midimon::daemon
