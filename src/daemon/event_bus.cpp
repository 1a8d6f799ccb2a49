#include "daemon/event_bus.h"

#include <algorithm>

namespace midimon::daemon {

const char* event_kind_name(EventKind kind) {
  switch (kind) {
    case EventKind::MidiIn: return "midi";
    case EventKind::Gesture: return "gesture";
    case EventKind::Mapping: return "mapping";
    case EventKind::Action: return "action";
    case EventKind::Plugin: return "plugin";
    case EventKind::Mode: return "mode";
    case EventKind::Device: return "device";
    case EventKind::Reload: return "reload";
    case EventKind::Log: return "log";
  }
  return "?";
}

std::optional<BusEvent> Subscription::pop(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  cv_.wait_for(lock, timeout, [&] { return closed_ || !queue_.empty(); });
  if (queue_.empty()) return std::nullopt;
  BusEvent event = std::move(queue_.front());
  queue_.pop_front();
  return event;
}

std::optional<BusEvent> Subscription::try_pop() {
  std::lock_guard lock(mutex_);
  if (queue_.empty()) return std::nullopt;
  BusEvent event = std::move(queue_.front());
  queue_.pop_front();
  return event;
}

uint64_t Subscription::lagged() const {
  std::lock_guard lock(mutex_);
  return lagged_;
}

void Subscription::close() {
  {
    std::lock_guard lock(mutex_);
    if (closed_) return;
    closed_ = true;
  }
  cv_.notify_all();
  if (notify_) notify_();
}

bool Subscription::closed() const {
  std::lock_guard lock(mutex_);
  return closed_;
}

void Subscription::offer(const BusEvent& event) {
  {
    std::lock_guard lock(mutex_);
    if (closed_) return;
    if (queue_.size() >= capacity_) {
      ++lagged_;  // drop the new one: what the reader has not seen yet stays in order
      return;
    }
    queue_.push_back(event);
  }
  cv_.notify_one();
  if (notify_) notify_();
}

std::shared_ptr<Subscription> EventBus::subscribe(std::size_t capacity, std::function<void()> notify) {
  auto subscription = std::make_shared<Subscription>(std::max<std::size_t>(capacity, 1), std::move(notify));
  std::lock_guard lock(mutex_);
  subscribers_.push_back(subscription);
  return subscription;
}

void EventBus::unsubscribe(const std::shared_ptr<Subscription>& subscription) {
  std::lock_guard lock(mutex_);
  std::erase(subscribers_, subscription);
}

void EventBus::publish(EventKind kind, std::string text, std::string json) {
  BusEvent event;
  event.kind = kind;
  event.time = std::chrono::system_clock::now();
  event.text = std::move(text);
  event.json = std::move(json);
  // The bus lock is held while offering so every subscriber sees one global order; an
  // offer only takes the subscriber's own short lock (never waits for its reader).
  std::lock_guard lock(mutex_);
  event.sequence = ++sequence_;
  for (const auto& subscriber : subscribers_) subscriber->offer(event);
}

uint64_t EventBus::published() const {
  std::lock_guard lock(mutex_);
  return sequence_;
}

std::size_t EventBus::subscribers() const {
  std::lock_guard lock(mutex_);
  return subscribers_.size();
}

void EventBus::close_all() {
  std::lock_guard lock(mutex_);
  for (const auto& subscriber : subscribers_) subscriber->close();
  subscribers_.clear();
}

}  // namespace midimon::daemon
