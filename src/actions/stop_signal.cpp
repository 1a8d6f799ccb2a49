#include "actions/stop_signal.h"

#include <fcntl.h>
#include <unistd.h>

namespace midimon::actions {

StopSignal::StopSignal() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) == 0) {
    read_fd_ = fds[0];
    write_fd_ = fds[1];
  }
}

StopSignal::~StopSignal() {
  if (read_fd_ >= 0) ::close(read_fd_);
  if (write_fd_ >= 0) ::close(write_fd_);
}

void StopSignal::raise() {
  {
    std::lock_guard lock(mutex_);
    if (raised_.exchange(true, std::memory_order_acq_rel)) return;
  }
  cv_.notify_all();
  if (write_fd_ >= 0) {
    const char byte = 1;
    // The pipe only needs to become readable; a full pipe is readable already.
    [[maybe_unused]] ssize_t n = ::write(write_fd_, &byte, 1);
  }
}

bool StopSignal::wait_for(std::chrono::nanoseconds duration) const {
  std::unique_lock lock(mutex_);
  return cv_.wait_for(lock, duration, [this] { return raised(); });
}

}  // namespace midimon::actions
