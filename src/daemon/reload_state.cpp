#include "daemon/reload_state.h"

namespace midimon::daemon {

const char* reload_phase_name(ReloadPhase phase) {
  return phase == ReloadPhase::Idle ? "idle" : "loading";
}

LoadingTicket::~LoadingTicket() {
  if (machine_) machine_->finish(false, "reload ended without a result", {});
}

bool LoadingTicket::finish_ok(std::chrono::system_clock::time_point when) {
  if (!machine_) return false;
  ReloadStateMachine* machine = machine_;
  machine_ = nullptr;
  return machine->finish(true, {}, when);
}

bool LoadingTicket::finish_error(std::string error) {
  if (!machine_) return false;
  ReloadStateMachine* machine = machine_;
  machine_ = nullptr;
  return machine->finish(false, std::move(error), {});
}

LoadingTicket ReloadStateMachine::begin() {
  std::lock_guard lock(mutex_);
  if (status_.phase == ReloadPhase::Loading) {
    status_.again = true;
    return LoadingTicket{};
  }
  status_.phase = ReloadPhase::Loading;
  status_.again = false;
  ++status_.attempts;
  return LoadingTicket{this};
}

bool ReloadStateMachine::finish(bool ok, std::string error,
                                std::chrono::system_clock::time_point when) {
  std::lock_guard lock(mutex_);
  status_.phase = ReloadPhase::Idle;
  if (ok) {
    ++status_.succeeded;
    status_.last_error.clear();
    status_.loaded_at = when;
  } else {
    ++status_.failed;
    status_.last_error = std::move(error);
  }
  bool again = status_.again;
  status_.again = false;
  return again;
}

ReloadStatus ReloadStateMachine::status() const {
  std::lock_guard lock(mutex_);
  return status_;
}

bool Debouncer::take_due(SteadyTime now) {
  if (!due_ || now < *due_) return false;
  due_.reset();
  return true;
}

}  // namespace midimon::daemon
