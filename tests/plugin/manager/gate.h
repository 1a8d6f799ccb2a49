// Condition helpers for the concurrency tests: wait for a state with a deadline (a
// generous one: it only bounds how long a broken build hangs, never what passes).
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace midimon::plugin::testing {

inline constexpr std::chrono::seconds kHangGuard{20};

// A one-shot gate: wait() blocks until open() (or the deadline; returns false then).
class Gate {
 public:
  void open() {
    {
      std::lock_guard lock(mutex_);
      open_ = true;
    }
    cv_.notify_all();
  }
  bool wait(std::chrono::milliseconds timeout = kHangGuard) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, timeout, [&] { return open_; });
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool open_ = false;
};

// A counter others can wait on: arrive() adds one; wait_for(n) blocks until it reaches n.
class Counter {
 public:
  void arrive() {
    {
      std::lock_guard lock(mutex_);
      ++count_;
    }
    cv_.notify_all();
  }
  bool wait_for(int n, std::chrono::milliseconds timeout = kHangGuard) {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, timeout, [&] { return count_ >= n; });
  }
  int count() {
    std::lock_guard lock(mutex_);
    return count_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  int count_ = 0;
};

}  // namespace midimon::plugin::testing
