// The bounded queue between input callbacks (producers: one thread per backend client,
// the in-process input, a replay) and the consumer (the engine thread). Producers never
// wait for space: when the queue is full the message is dropped and counted. The ring is
// lock-free (a bounded MPMC ring with a sequence number per slot, used with one
// consumer); a producer touches the consumer's wake-up mutex only when the consumer is
// asleep in wait_pop().
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>

#include "midi/message.h"

namespace midimon::midi {

class InputQueue {
 public:
  // capacity is rounded up to a power of two (at least 2).
  explicit InputQueue(size_t capacity = 4096);
  ~InputQueue();
  InputQueue(const InputQueue&) = delete;
  InputQueue& operator=(const InputQueue&) = delete;

  // Any thread. False (and the overflow counter +1) when the queue is full.
  bool push(Message&& message);
  // The consumer only. Nothing queued: nullopt at once (pop) or at the deadline.
  std::optional<Message> pop();
  std::optional<Message> wait_pop(std::chrono::steady_clock::time_point deadline);
  // Wakes a consumer blocked in wait_pop (e.g. to stop it); it returns what is queued.
  void wake();

  size_t capacity() const { return mask_ + 1; }
  uint64_t pushed() const { return pushed_.load(std::memory_order_relaxed); }
  uint64_t overflows() const { return overflows_.load(std::memory_order_relaxed); }

 private:
  struct Slot {
    std::atomic<size_t> sequence;
    Message message;
  };
  std::unique_ptr<Slot[]> slots_;
  size_t mask_;
  alignas(64) std::atomic<size_t> head_{0};  // next slot to fill
  alignas(64) std::atomic<size_t> tail_{0};  // next slot to read
  alignas(64) std::atomic<uint64_t> pushed_{0};
  std::atomic<uint64_t> overflows_{0};
  std::atomic<bool> consumer_waiting_{false};
  std::mutex wake_mutex_;
  std::condition_variable wake_;
  bool woken_ = false;  // guarded by wake_mutex_
};

}  // namespace midimon::midi
