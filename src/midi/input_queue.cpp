// The bounded input queue (input_queue.h).
#include "midi/input_queue.h"

namespace midimon::midi {

namespace {
size_t round_up_pow2(size_t n) {
  size_t p = 2;
  while (p < n) p <<= 1;
  return p;
}
}  // namespace

InputQueue::InputQueue(size_t capacity) {
  const size_t n = round_up_pow2(capacity);
  slots_ = std::make_unique<Slot[]>(n);
  mask_ = n - 1;
  for (size_t i = 0; i < n; ++i) slots_[i].sequence.store(i, std::memory_order_relaxed);
}

InputQueue::~InputQueue() = default;

bool InputQueue::push(Message&& message) {
  size_t pos = head_.load(std::memory_order_relaxed);
  for (;;) {
    Slot& slot = slots_[pos & mask_];
    const size_t seq = slot.sequence.load(std::memory_order_acquire);
    const auto diff = static_cast<std::ptrdiff_t>(seq) - static_cast<std::ptrdiff_t>(pos);
    if (diff == 0) {
      if (head_.compare_exchange_weak(pos, pos + 1, std::memory_order_relaxed)) {
        slot.message = std::move(message);
        slot.sequence.store(pos + 1, std::memory_order_release);
        break;
      }
    } else if (diff < 0) {
      overflows_.fetch_add(1, std::memory_order_relaxed);  // full: drop, never wait
      return false;
    } else {
      pos = head_.load(std::memory_order_relaxed);
    }
  }
  pushed_.fetch_add(1, std::memory_order_relaxed);
  // Dekker-style handshake with wait_pop: the consumer announces it is about to sleep,
  // then looks at the ring again; we published, then look at the announcement.
  if (consumer_waiting_.load(std::memory_order_seq_cst)) {
    std::lock_guard lock(wake_mutex_);
    wake_.notify_one();
  }
  return true;
}

std::optional<Message> InputQueue::pop() {
  const size_t pos = tail_.load(std::memory_order_relaxed);
  Slot& slot = slots_[pos & mask_];
  const size_t seq = slot.sequence.load(std::memory_order_acquire);
  if (seq != pos + 1) return std::nullopt;  // empty (or a producer still writing it)
  tail_.store(pos + 1, std::memory_order_relaxed);
  std::optional<Message> out(std::move(slot.message));
  slot.message = Message{};  // release a SysEx payload now, not when the slot is reused
  slot.sequence.store(pos + mask_ + 1, std::memory_order_release);
  return out;
}

std::optional<Message> InputQueue::wait_pop(std::chrono::steady_clock::time_point deadline) {
  for (;;) {
    if (auto m = pop()) return m;
    std::unique_lock lock(wake_mutex_);
    consumer_waiting_.store(true, std::memory_order_seq_cst);
    if (auto m = pop()) {
      consumer_waiting_.store(false, std::memory_order_relaxed);
      return m;
    }
    if (woken_) {
      woken_ = false;
      consumer_waiting_.store(false, std::memory_order_relaxed);
      return std::nullopt;
    }
    const bool timed_out = wake_.wait_until(lock, deadline) == std::cv_status::timeout;
    consumer_waiting_.store(false, std::memory_order_relaxed);
    if (woken_) {
      woken_ = false;
      lock.unlock();
      return pop();
    }
    if (timed_out) {
      lock.unlock();
      return pop();
    }
  }
}

void InputQueue::wake() {
  std::lock_guard lock(wake_mutex_);
  woken_ = true;
  wake_.notify_one();
}

}  // namespace midimon::midi
