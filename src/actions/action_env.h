// The narrow interfaces the action executors need from the world. The daemon implements
// them (over its MIDI outputs, the plugin manager, src/desktop/, its mode state and its
// event bus); tests implement them with fakes. Every implementation must be thread-safe:
// actions of different mappings run on different executor threads at the same time.
//
// Nothing here blocks the MIDI path: the executor (executor.h) calls these from its own
// worker threads, never from the engine thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "actions/outcome.h"
#include "actions/stop_signal.h"
#include "mapping/config_model.h"
#include "plugin/plugin.h"

namespace midimon::actions {

// ---------------------------------------------------------------------------------------
// Modes. switch_mode runs the new mode's on_enter actions (the daemon submits them to
// the executor as their own job, so a ModeChange inside a Sequence does not wait for them).
class ModeControl {
 public:
  virtual ~ModeControl() = default;
  virtual std::size_t current_mode() const = 0;
  virtual std::string current_mode_name() const = 0;
  // `index` is the loader's resolved index into Config::modes, `name` its name (for
  // messages). Failure when the mode no longer exists (a reload removed it).
  virtual Outcome switch_mode(std::size_t index, std::string_view name) = 0;
};

// ---------------------------------------------------------------------------------------
// MIDI out. `port` is SendMidi's port as written: a pattern for an output the daemon
// opens on demand (same matching as inputs), or empty for the daemon's own virtual output.
// Failure when no such port exists or the send failed (the sentence lists what exists).
class MidiOut {
 public:
  virtual ~MidiOut() = default;
  virtual Outcome send(std::string_view port, std::span<const uint8_t> bytes) = 0;
};

// ---------------------------------------------------------------------------------------
// Plugin calls: the daemon wraps plugin::PluginManager::call (which never throws and
// reports unknown/disabled plugins as Status::Error).
class PluginCalls {
 public:
  virtual ~PluginCalls() = default;
  virtual plugin::CallResult call(std::string_view plugin, const plugin::ActionRequest& request) = 0;
};

// ---------------------------------------------------------------------------------------
// The desktop: input injection, volume, applications. The daemon wraps src/desktop/
// (system_desktop.h); the demo and a headless daemon use PrintingDesktop
// (printing_desktop.h), which succeeds and says what it would have done.
struct ScreenPoint {
  int32_t x = 0;
  int32_t y = 0;
};

class Desktop {
 public:
  virtual ~Desktop() = default;
  // Modifiers held, keys pressed in order and released in reverse (X keysym names).
  virtual Outcome keystroke(const std::vector<std::string>& keys,
                            const std::vector<mapping::Modifier>& modifiers) = 0;
  virtual Outcome type_text(std::string_view utf8) = 0;
  virtual Outcome mouse_click(mapping::MouseButton button, std::optional<ScreenPoint> at) = 0;
  // value: 0-100 for Set; Up/Down use the implementation's step.
  virtual Outcome volume(mapping::VolumeOperation operation, std::optional<uint8_t> value) = 0;
  // Starts a program detached from the daemon (own session, not waited for). `argv` is
  // resolved already (launch_target.h); the implementation only starts it.
  virtual Outcome launch(const std::vector<std::string>& argv) = 0;
  // AppRunning: a process whose name (comm or argv[0] basename) is `name`.
  virtual bool app_running(std::string_view name) = 0;
  // AppFrontmost: the focused window's WM_CLASS instance or class is `name`. nullopt
  // when it cannot be known (no X display): the condition is then false, with a note.
  virtual std::optional<bool> app_frontmost(std::string_view name) = 0;
};

// ---------------------------------------------------------------------------------------
// Time. Monotonic time for durations, wall time for the plugin context's timestamp, local
// time for TimeRange/DayOfWeek, and the Delay wait itself — injectable, so tests move time
// by hand and never sleep.
struct LocalTime {
  uint8_t weekday = 1;          // 1 = Monday ... 7 = Sunday
  uint16_t minute_of_day = 0;   // 0 .. 1439
};

class Clock {
 public:
  virtual ~Clock() = default;
  virtual std::chrono::steady_clock::time_point now() const = 0;
  virtual std::chrono::system_clock::time_point wall_now() const = 0;
  virtual LocalTime local_time() const = 0;
  // Waits `duration` or until `stop` is raised, whichever comes first. Returns false when
  // stopped (the Delay is cancelled). The real clock waits on stop's condition variable.
  virtual bool wait_for(std::chrono::milliseconds duration, const StopSignal& stop) = 0;
};

// The real clocks; local time from localtime_r (the TZ of the daemon).
class SystemClock final : public Clock {
 public:
  std::chrono::steady_clock::time_point now() const override;
  std::chrono::system_clock::time_point wall_now() const override;
  LocalTime local_time() const override;
  bool wait_for(std::chrono::milliseconds duration, const StopSignal& stop) override;
};

// ---------------------------------------------------------------------------------------
// Logging (Shell output, warnings such as "keys unavailable on Linux").
enum class LogLevel : uint8_t { Debug, Info, Warn, Error };
const char* log_level_name(LogLevel level);  // "debug" ... "error"

class Logger {
 public:
  virtual ~Logger() = default;
  virtual void log(LogLevel level, std::string_view message) = 0;
};

// ---------------------------------------------------------------------------------------
// Results: each action's outcome as an event, for the daemon's log, stats and the IPC
// event stream. Called on executor threads.
struct ActionEvent {
  enum class Status : uint8_t {
    Ok,         // the action did what it should
    Failed,     // it failed (detail says why); the job goes on with the next action
    Cancelled,  // shutdown interrupted it (a Delay) or dropped the job before it ran
    Dropped,    // the executor's queue was full: the job never ran
  };
  Status status = Status::Ok;
  uint64_t job = 0;                 // the executor's job number (1, 2, ...)
  std::string mapping;              // the mapping's description, or "" when it has none
  std::string mapping_where;        // the mapping's file:line:column
  std::string action_type;          // "Keystroke", ... ("" for job-level events)
  std::string action_where;         // the action's file:line:column
  std::string detail;               // Outcome::detail
  std::chrono::nanoseconds duration{0};
  std::optional<plugin::CallResult> plugin_result;  // Plugin actions only
};
const char* action_status_name(ActionEvent::Status status);  // "ok", "failed", ...

class ActionSink {
 public:
  virtual ~ActionSink() = default;
  virtual void on_action(const ActionEvent& event) = 0;
};

// ---------------------------------------------------------------------------------------
// Shell settings. The timeout is each action's own (`timeout_ms`, resolved by the loader).
struct ShellOptions {
  std::size_t max_output_bytes = 64 * 1024;   // per stream, logged line by line
};

// Everything an action may touch. References: the daemon owns the implementations and
// keeps them alive longer than the executor.
struct ActionEnv {
  ModeControl& modes;
  MidiOut& midi;
  PluginCalls& plugins;
  Desktop& desktop;
  Clock& clock;
  Logger& logger;
  ActionSink& sink;
  ShellOptions shell{};
};

}  // namespace midimon::actions
