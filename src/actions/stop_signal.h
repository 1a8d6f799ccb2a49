// A one-way "stop now" flag that waiting code can sleep on: a Delay waits on its condition
// variable, a Shell child's output loop polls its file descriptor. Raised once, at
// executor shutdown; never lowered.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>

namespace midimon::actions {

class StopSignal {
 public:
  StopSignal();
  ~StopSignal();
  StopSignal(const StopSignal&) = delete;
  StopSignal& operator=(const StopSignal&) = delete;

  void raise();
  bool raised() const { return raised_.load(std::memory_order_acquire); }
  // Waits up to `duration`; true when the signal was raised (before or during the wait).
  bool wait_for(std::chrono::nanoseconds duration) const;
  // Readable (POLLIN) once raised; for poll() loops. -1 if the pipe could not be made,
  // in which case pollers fall back to short timeouts.
  int fd() const { return read_fd_; }

 private:
  std::atomic<bool> raised_{false};
  mutable std::mutex mutex_;
  mutable std::condition_variable cv_;
  int read_fd_ = -1;
  int write_fd_ = -1;
};

}  // namespace midimon::actions
