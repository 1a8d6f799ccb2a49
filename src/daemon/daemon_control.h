// The daemon's implementation of control.h (what the IPC server calls): every request is
// answered from Daemon's status, reload, modes, plugin manager, events bus and learn.
#pragma once

#include <functional>

#include "daemon/control.h"
#include "daemon/daemon.h"

namespace midimon::daemon {

class DaemonControl final : public Control {
 public:
  // `request_stop` must only request (run_daemon raises SIGTERM at itself, so the main
  // loop stops everything, the IPC server included, from its own thread).
  DaemonControl(Daemon& daemon, std::function<void()> request_stop)
      : daemon_(daemon), request_stop_(std::move(request_stop)) {}

  ControlResult status() override;
  ControlResult reload() override;
  ControlResult validate(const std::string& path) override;
  ControlResult mode_get() override;
  ControlResult mode_set(const std::string& name) override;
  ControlResult devices() override;
  ControlResult plugins_list() override;
  ControlResult plugin_enable(const std::string& name) override;
  ControlResult plugin_disable(const std::string& name) override;
  ControlResult plugin_grant(const std::string& name, const std::string& capability) override;
  ControlResult plugin_revoke(const std::string& name, const std::string& capability) override;
  ControlResult plugin_stats(const std::string& name) override;
  std::unique_ptr<EventStream> subscribe_events(std::function<void()> wake) override;
  void learn(std::chrono::milliseconds timeout, std::function<void(ControlResult)> done) override;
  void request_stop() override;

 private:
  Daemon& daemon_;
  std::function<void()> request_stop_;
};

// "2026-11-30T00:25:01.123Z"
std::string iso_time(std::chrono::system_clock::time_point time);
// An events-bus event as control.h's EventStream line.
std::string event_json_line(const BusEvent& event);

}  // namespace midimon::daemon
