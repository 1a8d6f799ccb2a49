// Fakes of action_env.h's interfaces for the action tests: they record what they were
// asked, fail on request, and the clock only moves (and Delays only end) when told to.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "actions/action_env.h"
#include "mapping/config_loader.h"

namespace midimon::actions::testing {

using namespace std::chrono_literals;

class FakeModes final : public ModeControl {
 public:
  std::size_t current_mode() const override { return mode.load(); }
  std::string current_mode_name() const override { return "mode" + std::to_string(mode.load()); }
  Outcome switch_mode(std::size_t index, std::string_view name) override {
    std::lock_guard lock(m);
    if (fail) return Outcome::failure("no mode '" + std::string(name) + "'");
    switches.emplace_back(name);
    mode = index;
    return Outcome::success();
  }
  std::atomic<std::size_t> mode{0};
  bool fail = false;
  std::mutex m;
  std::vector<std::string> switches;
};

class FakeMidi final : public MidiOut {
 public:
  Outcome send(std::string_view port, std::span<const uint8_t> bytes) override {
    std::lock_guard lock(m);
    if (port == "missing") return Outcome::failure("no output matches 'missing'");
    sent.emplace_back(std::string(port), std::vector<uint8_t>(bytes.begin(), bytes.end()));
    return Outcome::success();
  }
  std::mutex m;
  std::vector<std::pair<std::string, std::vector<uint8_t>>> sent;
};

class FakePlugins final : public PluginCalls {
 public:
  plugin::CallResult call(std::string_view name, const plugin::ActionRequest& request) override {
    {
      std::lock_guard lock(m);
      calls.emplace_back(std::string(name), request);
    }
    plugin::CallResult r;
    if (name == "failing") {
      r.status = plugin::CallResult::Status::Failed;
      r.code = 3;
    } else if (name == "trapping") {
      r.status = plugin::CallResult::Status::Trapped;
      r.message = "fuel exhausted";
    } else if (name == "unknown") {
      r.status = plugin::CallResult::Status::Error;
      r.message = "no plugin 'unknown' is loaded";
    }
    r.duration = 1500us;
    return r;
  }
  std::mutex m;
  std::vector<std::pair<std::string, plugin::ActionRequest>> calls;
};

class FakeDesktop final : public Desktop {
 public:
  Outcome keystroke(const std::vector<std::string>& keys,
                    const std::vector<mapping::Modifier>& modifiers) override {
    std::string s;
    for (auto m : modifiers) s += "mod" + std::to_string(static_cast<int>(m)) + "+";
    for (const auto& k : keys) s += k + ",";
    return record("keys " + s);
  }
  Outcome type_text(std::string_view utf8) override { return record("text " + std::string(utf8)); }
  Outcome mouse_click(mapping::MouseButton b, std::optional<ScreenPoint> at) override {
    std::string s = "click " + std::to_string(static_cast<int>(b));
    if (at) s += " " + std::to_string(at->x) + "," + std::to_string(at->y);
    return record(s);
  }
  Outcome volume(mapping::VolumeOperation op, std::optional<uint8_t> v) override {
    return record("volume " + std::to_string(static_cast<int>(op)) + " " +
                  (v ? std::to_string(*v) : std::string("-")));
  }
  Outcome launch(const std::vector<std::string>& argv) override {
    std::string s = "launch";
    for (const auto& a : argv) s += " [" + a + "]";
    return record(s);
  }
  bool app_running(std::string_view name) override { return running.count(std::string(name)) > 0; }
  std::optional<bool> app_frontmost(std::string_view name) override {
    if (!frontmost) return std::nullopt;
    return *frontmost == name;
  }
  Outcome record(std::string what) {
    std::lock_guard lock(m);
    calls.push_back(what);
    if (fail_all) return Outcome::failure("desktop refused: " + what);
    return Outcome::success();
  }
  std::vector<std::string> snapshot() {
    std::lock_guard lock(m);
    return calls;
  }
  std::mutex m;
  std::vector<std::string> calls;
  std::map<std::string, int> running;
  std::optional<std::string> frontmost;
  bool fail_all = false;
};

// Time moves only by hand. Delays return at once (recording the wait) unless the gate is
// closed: then they block until open_gate() or the stop signal.
class FakeClock final : public Clock {
 public:
  std::chrono::steady_clock::time_point now() const override {
    std::lock_guard lock(m);
    return steady;
  }
  std::chrono::system_clock::time_point wall_now() const override {
    return std::chrono::system_clock::time_point(1'700'000'000'000ms);
  }
  LocalTime local_time() const override {
    std::lock_guard lock(m);
    return local;
  }
  bool wait_for(std::chrono::milliseconds d, const StopSignal& stop) override {
    std::unique_lock lock(m);
    waits.push_back(d);
    ++waiting;
    cv.notify_all();
    while (!gate_open) {
      if (stop.raised()) return false;
      // The stop signal has its own condition variable; look at it every few ms (fake only).
      cv.wait_for(lock, 5ms);
    }
    steady += d;
    return true;
  }
  void close_gate() {
    std::lock_guard lock(m);
    gate_open = false;
  }
  void open_gate() {
    {
      std::lock_guard lock(m);
      gate_open = true;
    }
    cv.notify_all();
  }
  // Waits (with a deadline) until `n` Delays have started.
  bool wait_for_waiters(int n, std::chrono::seconds limit = 10s) {
    std::unique_lock lock(m);
    return cv.wait_for(lock, limit, [&] { return waiting >= n; });
  }
  void set_local(uint8_t weekday, uint16_t minute) {
    std::lock_guard lock(m);
    local = {weekday, minute};
  }
  std::vector<std::chrono::milliseconds> wait_log() {
    std::lock_guard lock(m);
    return waits;
  }

 private:
  mutable std::mutex m;
  std::condition_variable cv;
  std::chrono::steady_clock::time_point steady{1h};
  LocalTime local{1, 600};
  bool gate_open = true;
  int waiting = 0;
  std::vector<std::chrono::milliseconds> waits;
};

class RecordingLogger final : public Logger {
 public:
  void log(LogLevel level, std::string_view message) override {
    std::lock_guard lock(m);
    lines.push_back(std::string(log_level_name(level)) + ": " + std::string(message));
  }
  bool contains(std::string_view needle) {
    std::lock_guard lock(m);
    for (const auto& l : lines)
      if (l.find(needle) != std::string::npos) return true;
    return false;
  }
  std::string all() {
    std::lock_guard lock(m);
    std::string s;
    for (const auto& l : lines) s += l + "\n";
    return s;
  }
  std::mutex m;
  std::vector<std::string> lines;
};

class RecordingSink final : public ActionSink {
 public:
  void on_action(const ActionEvent& e) override {
    {
      std::lock_guard lock(m);
      events.push_back(e);
    }
    cv.notify_all();
  }
  bool wait_for_count(std::size_t n, std::chrono::seconds limit = 10s) {
    std::unique_lock lock(m);
    return cv.wait_for(lock, limit, [&] { return events.size() >= n; });
  }
  // Waits for an event whose detail or action type contains `needle`.
  bool wait_for_text(std::string_view needle, std::chrono::seconds limit = 10s) {
    std::unique_lock lock(m);
    return cv.wait_for(lock, limit, [&] {
      for (const auto& e : events)
        if (e.detail.find(needle) != std::string::npos) return true;
      return false;
    });
  }
  std::vector<ActionEvent> snapshot() {
    std::lock_guard lock(m);
    return events;
  }
  std::mutex m;
  std::condition_variable cv;
  std::vector<ActionEvent> events;
};

// Everything together, plus a loaded config to take actions from.
struct World {
  FakeModes modes;
  FakeMidi midi;
  FakePlugins plugins;
  FakeDesktop desktop;
  FakeClock clock;
  RecordingLogger logger;
  RecordingSink sink;
  ActionEnv env() { return ActionEnv{modes, midi, plugins, desktop, clock, logger, sink}; }
};

// A config whose mode "Default" has one mapping per given action (inline TOML tables),
// plus a second mode "Media" for ModeChange / ModeIs.
inline std::shared_ptr<mapping::Config> config_with(const std::vector<std::string>& actions) {
  std::string text = "[[modes]]\nname = \"Default\"\n";
  for (std::size_t i = 0; i < actions.size(); ++i) {
    text += "[[modes.mappings]]\ndescription = \"m" + std::to_string(i) +
            "\"\ntrigger = { type = \"Note\", note = " + std::to_string(36 + i) + " }\naction = " +
            actions[i] + "\n";
  }
  text += "[[modes]]\nname = \"Media\"\n";
  mapping::LoadResult r = mapping::load_config_string(text, "test.toml");
  if (!r.ok()) {
    std::string errors;
    for (const auto& e : r.errors) errors += e.to_string() + "\n";
    ADD_FAILURE() << "config did not load:\n" << text << "\n" << errors;
    return nullptr;
  }
  return std::make_shared<mapping::Config>(std::move(*r.config));
}

}  // namespace midimon::actions::testing
