#include "tools/ctl_client.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace midimon::tools {

CtlClient::~CtlClient() {
  if (fd_ >= 0) ::close(fd_);
}

bool CtlClient::connect(const std::string& path, std::string* error) {
  sockaddr_un addr{};
  if (path.size() >= sizeof addr.sun_path) {
    *error = "socket path too long: " + path;
    return false;
  }
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) {
    *error = std::string("socket(): ") + std::strerror(errno);
    return false;
  }
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    *error = "no midimon daemon is listening on " + path + " (" + std::strerror(errno) +
             "); start it with `midimon run`";
    return false;
  }
  return true;
}

bool CtlClient::send_line(const std::string& line, std::string* error) {
  std::string data = line + "\n";
  std::size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::send(fd_, data.data() + done, data.size() - done, MSG_NOSIGNAL);
    if (n > 0) {
      done += static_cast<std::size_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      *error = std::string("cannot send the request: ") + std::strerror(errno);
      return false;
    }
  }
  return true;
}

CtlClient::ReadStatus CtlClient::read_line(std::string* line, std::chrono::milliseconds timeout,
                                           const volatile bool* interrupted,
                                           std::string* error) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (next_ < ready_.size()) {
      *line = std::move(ready_[next_++]);
      return ReadStatus::Line;
    }
    ready_.clear();
    next_ = 0;
    if (interrupted != nullptr && *interrupted) return ReadStatus::Interrupted;
    int wait_ms = -1;
    if (timeout.count() >= 0) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return ReadStatus::Timeout;
      wait_ms = static_cast<int>(left.count());
    }
    pollfd pfd{fd_, POLLIN, 0};
    int rc = ::poll(&pfd, 1, wait_ms);
    if (rc < 0) {
      if (errno == EINTR) continue;
      *error = std::string("poll(): ") + std::strerror(errno);
      return ReadStatus::Error;
    }
    if (rc == 0) continue;  // the deadline check above decides
    char buffer[65536];
    ssize_t n = ::read(fd_, buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      *error = std::string("read(): ") + std::strerror(errno);
      return ReadStatus::Error;
    }
    if (n == 0) return ReadStatus::Closed;
    if (reader_.feed(buffer, static_cast<std::size_t>(n), ready_) ==
        daemon::LineReader::Status::Oversized) {
      *error = "the daemon sent a line longer than 16 MiB";
      return ReadStatus::Error;
    }
  }
}

}  // namespace midimon::tools
