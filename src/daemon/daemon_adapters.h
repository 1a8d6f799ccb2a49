// Private to the daemon's own files (daemon.cpp, daemon_config.cpp): the daemon's side of
// every narrow interface (Daemon::Adapters) and the helpers both files use.
#pragma once

#include <nlohmann/json.hpp>

#include <memory>
#include <mutex>
#include <string>

#include "actions/action_env.h"
#include "daemon/config_watcher.h"
#include "daemon/daemon.h"
#include "daemon/daemon_log.h"
#include "daemon/daemon_services.h"
#include "daemon/desktop_switch.h"
#include "midi/log.h"
#ifdef MIDIMON_HAVE_DESKTOP
#include "desktop/focus_watcher.h"
#endif

namespace midimon::daemon {
namespace detail {

inline std::string dump(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

inline actions::LogLevel from_midi_level(midi::LogLevel level) {
  switch (level) {
    case midi::LogLevel::Debug: return actions::LogLevel::Debug;
    case midi::LogLevel::Info: return actions::LogLevel::Info;
    case midi::LogLevel::Warning: return actions::LogLevel::Warn;
    case midi::LogLevel::Error: return actions::LogLevel::Error;
  }
  return actions::LogLevel::Info;
}

}  // namespace detail

// The daemon's side of every narrow interface, in one place.
struct Daemon::Adapters {
  explicit Adapters(Daemon& d) : daemon(d) {}

  struct Modes final : actions::ModeControl {
    explicit Modes(Daemon& d) : daemon(d) {}
    std::size_t current_mode() const override { return daemon.mode_.load(); }
    std::string current_mode_name() const override { return daemon.mode_name(); }
    actions::Outcome switch_mode(std::size_t index, std::string_view) override {
      return daemon.set_mode(index);
    }
    Daemon& daemon;
  };

  struct Plugins final : actions::PluginCalls {
    explicit Plugins(Daemon& d) : daemon(d) {}
    plugin::CallResult call(std::string_view name, const plugin::ActionRequest& request) override {
      return daemon.plugins_->call(name, request);
    }
    Daemon& daemon;
  };

  struct Sink final : actions::ActionSink {
    explicit Sink(Daemon& d) : daemon(d) {}
    void on_action(const actions::ActionEvent& e) override {
      const bool failed = e.status == actions::ActionEvent::Status::Failed ||
                          e.status == actions::ActionEvent::Status::Dropped;
      const bool publish = daemon.bus_.subscribers() > 0;
      // Nobody to tell: no text, no JSON (they cost ~35 k instructions per action, on the
      // executor thread the next action of a Sequence waits for).
      if (!failed && !publish) return;
      std::string text = std::string(e.action_type.empty() ? "job" : e.action_type) + " " +
                         actions::action_status_name(e.status);
      if (!e.mapping.empty()) text += " [" + e.mapping + "]";
      if (!e.detail.empty()) text += ": " + e.detail;
      if (e.plugin_result) {
        const plugin::CallResult& r = *e.plugin_result;
        text += " (plugin " + std::string(plugin::call_status_name(r.status)) + ", return code " +
                std::to_string(r.code) + (r.message.empty() ? "" : ", " + r.message) + ")";
      }
      if (failed) daemon.log_->log(actions::LogLevel::Warn, "action " + text + " at " + e.action_where);
      if (!publish) return;
      nlohmann::json j = {{"status", actions::action_status_name(e.status)},
                {"job", e.job},
                {"mapping", e.mapping},
                {"mapping_where", e.mapping_where},
                {"action", e.action_type},
                {"where", e.action_where},
                {"detail", e.detail},
                {"duration_us", std::chrono::duration_cast<std::chrono::microseconds>(e.duration).count()}};
      if (e.plugin_result) {
        const plugin::CallResult& r = *e.plugin_result;
        j["plugin_result"] = {{"status", plugin::call_status_name(r.status)},
                              {"code", r.code},
                              {"message", r.message},
                              {"fuel_used", r.fuel_used}};
      }
      daemon.bus_.publish(EventKind::Action, std::move(text), detail::dump(j));
    }
    Daemon& daemon;
  };

  // What actions log (Shell output, warnings) goes to the log AND the events bus, so
  // `midimonctl events` and the demo show it next to the action.
  struct ActionLog final : actions::Logger {
    explicit ActionLog(Daemon& d) : daemon(d) {}
    void log(actions::LogLevel level, std::string_view message) override {
      daemon.log_->log(level, message);
      if (level >= actions::LogLevel::Info && daemon.bus_.subscribers() > 0) {
        daemon.bus_.publish(EventKind::Log, one_line(message),
                            detail::dump({{"level", actions::log_level_name(level)}, {"message", message}}));
      }
    }
    Daemon& daemon;
  };

  Daemon& daemon;
  ActionLog action_log{daemon};
  Modes modes{daemon};
  Plugins plugin_calls{daemon};
  Sink sink{daemon};
  actions::SystemClock clock;
  // The desktop actions act on: the injected one, or the switch (the owned desktop of
  // the config's [desktop] input_backend, replaced by a reload that changes it).
  actions::Desktop* desktop = nullptr;
  std::unique_ptr<SwitchableDesktop> desktop_switch;
  mutable std::mutex label_mutex;
  std::string desktop_label;  // under label_mutex
  std::unique_ptr<actions::MidiOut> owned_midi_out;
  actions::MidiOut* midi_out = nullptr;
  BackendMidiOut* backend_out = nullptr;  // when midi_out is the backend's
  std::unique_ptr<DaemonHostServices> host;
  std::mutex loader_mutex;
  plugin::PluginLoader loader;  // rebuilt for each config (its plugin_dirs)
  std::unique_ptr<ConfigWatcher> config_watcher;
#ifdef MIDIMON_HAVE_DESKTOP
  std::unique_ptr<desktop::FocusWatcher> focus_watcher;
  std::mutex focus_mutex;
#endif
};


}  // namespace midimon::daemon
