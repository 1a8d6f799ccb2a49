// The daemon's live events (MIDI in, gestures, matched mappings, action results, plugin
// results, mode changes, device plug events, reloads) for `midimonctl events`, the demo's
// printer and tests. Publishing never blocks on a subscriber: each subscriber has its own
// bounded queue; when it is full the NEW event is dropped for that subscriber only and
// counted (`lagged`), so a client that never reads costs one bounded queue, nothing more.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace midimon::daemon {

enum class EventKind : uint8_t { MidiIn, Gesture, Mapping, Action, Plugin, Mode, Device, Reload, Log };
const char* event_kind_name(EventKind kind);  // "midi", "gesture", "mapping", "action", ...

struct BusEvent {
  EventKind kind = EventKind::Log;
  uint64_t sequence = 0;                            // 1, 2, ... in publish order
  std::chrono::system_clock::time_point time{};     // set by publish()
  std::string text;                                 // one human-readable line
  std::string json;                                 // the same as a JSON object (compact)
};

class EventBus;

class Subscription {
 public:
  explicit Subscription(std::size_t capacity, std::function<void()> notify = {})
      : capacity_(capacity), notify_(std::move(notify)) {}
  // Waits up to `timeout` for the next event.
  std::optional<BusEvent> pop(std::chrono::milliseconds timeout);
  std::optional<BusEvent> try_pop();
  uint64_t lagged() const;  // events dropped because this queue was full
  // Wakes a pop() waiting; later pops return nullopt at once.
  void close();
  bool closed() const;

 private:
  friend class EventBus;
  void offer(const BusEvent& event);

  std::size_t capacity_;
  std::function<void()> notify_;  // after an event was queued, or on close; never blocks
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<BusEvent> queue_;
  uint64_t lagged_ = 0;
  bool closed_ = false;
};

class EventBus {
 public:
  // A new subscriber sees the events published from now on.
  // `notify` (optional) is called after each event queued for it and on close, on the
  // publisher's thread: it must be cheap and never block (the IPC server's eventfd).
  std::shared_ptr<Subscription> subscribe(std::size_t capacity = 1024,
                                          std::function<void()> notify = {});
  void unsubscribe(const std::shared_ptr<Subscription>& subscription);
  // Any thread; returns at once.
  void publish(EventKind kind, std::string text, std::string json = "{}");
  uint64_t published() const;
  std::size_t subscribers() const;
  // Closes every subscription (shutdown).
  void close_all();

 private:
  mutable std::mutex mutex_;
  std::vector<std::shared_ptr<Subscription>> subscribers_;
  uint64_t sequence_ = 0;
};

}  // namespace midimon::daemon
