// A Control for the IPC tests: canned replies with the shapes of daemon/control.h, every
// call recorded, an event source with a bounded per-subscriber queue (the daemon's
// EventBus behaves the same: full queue -> the new event is dropped and counted), and a
// learn whose completion the test triggers.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "daemon/control.h"

namespace midimon::daemon::test {

class FakeStream;

struct EventSource {
  std::mutex mutex;
  std::vector<std::weak_ptr<FakeStream>> streams;
  std::size_t capacity = 256;
  uint64_t sequence = 0;

  // Never blocks on a subscriber (mirrors EventBus::publish).
  void publish(const std::string& text);
  std::size_t live_streams();
  std::shared_ptr<FakeStream> first_stream() {
    std::lock_guard lock(mutex);
    return streams.empty() ? nullptr : streams.front().lock();
  }
  void close_all();
};

class FakeStream {
 public:
  FakeStream(std::size_t capacity, std::function<void()> wake)
      : capacity_(capacity), wake_(std::move(wake)) {}
  void offer(std::string event) {
    {
      std::lock_guard lock(mutex_);
      if (queue_.size() >= capacity_) {
        ++dropped_;
        return;
      }
      queue_.push_back(std::move(event));
    }
    wake_();
  }
  std::optional<std::string> next() {
    std::lock_guard lock(mutex_);
    if (queue_.empty()) return std::nullopt;
    std::string event = std::move(queue_.front());
    queue_.pop_front();
    return event;
  }
  uint64_t dropped() const {
    std::lock_guard lock(mutex_);
    return dropped_;
  }
  // Tests: as if the daemon's queue had dropped `n` more events.
  void add_dropped(uint64_t n) {
    std::lock_guard lock(mutex_);
    dropped_ += n;
  }
  void close() {
    {
      std::lock_guard lock(mutex_);
      closed_ = true;
    }
    wake_();
  }
  bool closed() const {
    std::lock_guard lock(mutex_);
    return closed_;
  }

 private:
  std::size_t capacity_;
  std::function<void()> wake_;
  mutable std::mutex mutex_;
  std::deque<std::string> queue_;
  uint64_t dropped_ = 0;
  bool closed_ = false;
};

// The handle the server owns; destroying it unsubscribes (the shared state stays alive
// for a publisher that still holds it).
class FakeStreamHandle : public EventStream {
 public:
  explicit FakeStreamHandle(std::shared_ptr<FakeStream> stream) : stream_(std::move(stream)) {}
  std::optional<std::string> next() override { return stream_->next(); }
  uint64_t dropped() const override { return stream_->dropped(); }
  bool closed() const override { return stream_->closed(); }

 private:
  std::shared_ptr<FakeStream> stream_;
};

inline void EventSource::publish(const std::string& text) {
  std::vector<std::shared_ptr<FakeStream>> live;
  std::string line;
  {
    std::lock_guard lock(mutex);
    ++sequence;
    nlohmann::json event = {{"seq", sequence}, {"time", "2026-11-30T00:25:01.123Z"},
                            {"kind", "midi"}, {"text", text}, {"data", nlohmann::json::object()}};
    line = event.dump();
    for (auto& weak : streams) {
      if (auto s = weak.lock()) live.push_back(std::move(s));
    }
  }
  for (auto& s : live) s->offer(line);
}

inline std::size_t EventSource::live_streams() {
  std::lock_guard lock(mutex);
  std::size_t n = 0;
  for (auto& weak : streams) n += weak.expired() ? 0 : 1;  // the server's handle owns it
  return n;
}

inline void EventSource::close_all() {
  std::vector<std::shared_ptr<FakeStream>> live;
  {
    std::lock_guard lock(mutex);
    for (auto& weak : streams) {
      if (auto s = weak.lock()) live.push_back(std::move(s));
    }
  }
  for (auto& s : live) s->close();
}

class FakeControl : public Control {
 public:
  std::mutex mutex;
  std::vector<std::string> calls;  // "status", "mode_set Media", "plugin_grant p cap", ...
  std::string mode = "Default";
  std::atomic<int> stop_requests{0};
  EventSource events;
  bool events_available = true;
  std::function<void(ControlResult)> pending_learn;
  std::chrono::milliseconds learn_timeout{0};
  std::condition_variable learn_cv;

  std::mutex gate_mutex;
  std::condition_variable gate_cv;
  bool gate_entered = false, gate_open = false;
  bool wait_gate_entered(std::chrono::milliseconds deadline) {
    std::unique_lock lock(gate_mutex);
    return gate_cv.wait_for(lock, deadline, [&] { return gate_entered; });
  }
  void open_gate() {
    std::lock_guard lock(gate_mutex);
    gate_open = true;
    gate_cv.notify_all();
  }

  void record(std::string call) {
    std::lock_guard lock(mutex);
    calls.push_back(std::move(call));
  }
  std::vector<std::string> recorded() {
    std::lock_guard lock(mutex);
    return calls;
  }

  ControlResult status() override {
    record("status");
    return ControlResult::success(
        {{"mode", mode}, {"modes", {"Default", "Media"}}, {"config_file", "/tmp/config.toml"},
         {"config_loaded_at", "2026-11-30T00:20:00Z"}, {"last_reload_error", ""},
         {"reload_phase", "idle"}, {"uptime_ms", 3723000}, {"input_backend", "jack"},
         {"desktop", "x11 (system)"}, {"mappings", 42},
         {"events", {{"midi_in", 7}, {"gestures", 5}, {"matches", 3}, {"actions_ok", 3},
                     {"actions_failed", 0}, {"queue_overflows", 0}, {"jobs_dropped", 0}}},
         {"devices", nlohmann::json::array({{{"name", "Mikro"}, {"port", "Mikro MIDI 1"},
                                             {"connected", true}, {"virtual", false}}})},
         {"plugins_loaded", 1}, {"event_subscribers", 0}});
  }
  ControlResult reload() override {
    record("reload");
    return ControlResult::failure(
        "/tmp/config.toml:3:9: unknown key \"nmae\"",
        {{"errors", {"/tmp/config.toml:3:9: unknown key \"nmae\""}}, {"warnings", nlohmann::json::array()}});
  }
  ControlResult validate(const std::string& path) override {
    record("validate " + path);
    if (path == "gate") {  // holds the server's loop until open_gate() (bounded)
      std::unique_lock lock(gate_mutex);
      gate_entered = true;
      gate_cv.notify_all();
      gate_cv.wait_for(lock, std::chrono::seconds(10), [&] { return gate_open; });
      return ControlResult::success({{"file", path}});
    }
    if (path == "big") {  // a reply larger than any socket buffer
      return ControlResult::success({{"file", path}, {"mappings", 1},
                                     {"warnings", {std::string(600 * 1024, 'w')}}});
    }
    if (path.find("bad") != std::string::npos) {
      return ControlResult::failure(path + ":1:1: expected a table",
                                    {{"errors", {path + ":1:1: expected a table"}}});
    }
    return ControlResult::success({{"file", path.empty() ? "/tmp/config.toml" : path},
                                   {"mappings", 12}, {"warnings", {"keys = \"fn\" is macOS-only"}}});
  }
  ControlResult mode_get() override {
    record("mode_get");
    return ControlResult::success({{"mode", mode}, {"modes", {"Default", "Media"}}});
  }
  ControlResult mode_set(const std::string& name) override {
    record("mode_set " + name);
    if (name != "Default" && name != "Media") {
      return ControlResult::failure("no mode named \"" + name + "\" (modes: Default, Media)");
    }
    mode = name;
    return ControlResult::success({{"mode", name}});
  }
  ControlResult devices() override {
    record("devices");
    return ControlResult::success(
        {{"devices", nlohmann::json::array({{{"name", "Mikro"}, {"port", "Mikro MIDI 1"},
                                             {"connected", true}, {"virtual", false}}})}});
  }
  ControlResult plugins_list() override {
    record("plugins_list");
    return ControlResult::success(
        {{"plugins", nlohmann::json::array({{{"name", "notes-to-file"}, {"kind", "wasm"},
                                             {"version", "1.0.0"}, {"enabled", true},
                                             {"grants", {"filesystem"}}, {"source", "/p"}}})}});
  }
  ControlResult plugin_enable(const std::string& name) override {
    record("plugin_enable " + name);
    return known(name) ? ControlResult::success({{"plugin", name}, {"enabled", true}}) : unknown(name);
  }
  ControlResult plugin_disable(const std::string& name) override {
    record("plugin_disable " + name);
    return known(name) ? ControlResult::success({{"plugin", name}, {"enabled", false}}) : unknown(name);
  }
  ControlResult plugin_grant(const std::string& name, const std::string& cap) override {
    record("plugin_grant " + name + " " + cap);
    return known(name) ? ControlResult::success({{"plugin", name}, {"grants", {"filesystem", cap}}})
                       : unknown(name);
  }
  ControlResult plugin_revoke(const std::string& name, const std::string& cap) override {
    record("plugin_revoke " + name + " " + cap);
    return known(name) ? ControlResult::success({{"plugin", name}, {"grants", nlohmann::json::array()}})
                       : unknown(name);
  }
  ControlResult plugin_stats(const std::string& name) override {
    record("plugin_stats " + name);
    return ControlResult::success(
        {{"stats", nlohmann::json::array({{{"plugin", "notes-to-file"}, {"calls", 3}, {"errors", 0}}})}});
  }
  std::unique_ptr<EventStream> subscribe_events(std::function<void()> wake) override {
    record("subscribe_events");
    if (!events_available) return nullptr;
    auto stream = std::make_shared<FakeStream>(events.capacity, std::move(wake));
    {
      std::lock_guard lock(events.mutex);
      events.streams.push_back(stream);
    }
    return std::make_unique<FakeStreamHandle>(stream);
  }
  void learn(std::chrono::milliseconds timeout, std::function<void(ControlResult)> done) override {
    record("learn");
    std::lock_guard lock(mutex);
    learn_timeout = timeout;
    pending_learn = std::move(done);
    learn_cv.notify_all();
  }
  // Waits (bounded) until a learn request arrived, then completes it from this thread.
  bool complete_learn(ControlResult result, std::chrono::milliseconds deadline) {
    std::function<void(ControlResult)> done;
    {
      std::unique_lock lock(mutex);
      if (!learn_cv.wait_for(lock, deadline, [&] { return pending_learn != nullptr; })) return false;
      done = std::move(pending_learn);
      pending_learn = nullptr;
    }
    done(std::move(result));
    return true;
  }
  void request_stop() override {
    record("request_stop");
    ++stop_requests;
  }

 private:
  static bool known(const std::string& name) { return name == "notes-to-file"; }
  static ControlResult unknown(const std::string& name) {
    return ControlResult::failure("no plugin named \"" + name + "\" is loaded");
  }
};

}  // namespace midimon::daemon::test
