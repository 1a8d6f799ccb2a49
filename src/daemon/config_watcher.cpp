#include "daemon/config_watcher.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <filesystem>

#include "daemon/reload_state.h"

namespace midimon::daemon {

std::unique_ptr<ConfigWatcher> ConfigWatcher::start(const std::string& config_path,
                                                    std::chrono::milliseconds debounce,
                                                    std::function<void()> on_change,
                                                    std::string* error) {
  namespace fs = std::filesystem;
  fs::path path = fs::absolute(config_path);
  std::unique_ptr<ConfigWatcher> watcher(new ConfigWatcher());
  watcher->file_name_ = path.filename().string();
  watcher->debounce_ = debounce;
  watcher->on_change_ = std::move(on_change);
  std::string dir = path.parent_path().string();

  watcher->inotify_fd_ = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (watcher->inotify_fd_ < 0) {
    if (error) *error = std::string("inotify_init1: ") + std::strerror(errno);
    return nullptr;
  }
  const uint32_t mask = IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_MOVED_FROM;
  if (inotify_add_watch(watcher->inotify_fd_, dir.c_str(), mask) < 0) {
    if (error) *error = "cannot watch " + dir + ": " + std::strerror(errno);
    return nullptr;  // the destructor closes the fd
  }
  if (pipe2(watcher->wake_pipe_, O_CLOEXEC | O_NONBLOCK) != 0) {
    if (error) *error = std::string("pipe2: ") + std::strerror(errno);
    return nullptr;
  }
  watcher->thread_ = std::thread([w = watcher.get()] {
    pthread_setname_np(pthread_self(), "mm-cfgwatch");  // names show in top -H and /proc
    w->loop();
  });
  return watcher;
}

ConfigWatcher::~ConfigWatcher() {
  stop();
  if (inotify_fd_ >= 0) close(inotify_fd_);
  for (int fd : wake_pipe_) {
    if (fd >= 0) close(fd);
  }
}

void ConfigWatcher::stop() {
  if (!thread_.joinable()) return;
  char byte = 1;
  [[maybe_unused]] ssize_t n = write(wake_pipe_[1], &byte, 1);
  thread_.join();
}

void ConfigWatcher::loop() {
  Debouncer debouncer(debounce_);
  alignas(inotify_event) char buffer[4096];
  for (;;) {
    int timeout_ms = -1;  // no change pending: sleep until an event or stop
    if (auto due = debouncer.deadline()) {
      auto left = std::chrono::ceil<std::chrono::milliseconds>(*due - std::chrono::steady_clock::now());
      timeout_ms = static_cast<int>(std::max<int64_t>(0, left.count()));
    }
    pollfd fds[2] = {{inotify_fd_, POLLIN, 0}, {wake_pipe_[0], POLLIN, 0}};
    int ready = poll(fds, 2, timeout_ms);
    if (ready < 0 && errno != EINTR) return;
    if (fds[1].revents) return;  // stop()
    if (fds[0].revents & POLLIN) {
      for (;;) {
        ssize_t n = read(inotify_fd_, buffer, sizeof buffer);
        if (n <= 0) break;
        for (ssize_t off = 0; off < n;) {
          auto* event = reinterpret_cast<const inotify_event*>(buffer + off);
          off += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
          if (event->len == 0 || file_name_ != event->name) continue;
          ++events_seen_;
          debouncer.touch(std::chrono::steady_clock::now());
        }
      }
    }
    if (debouncer.take_due(std::chrono::steady_clock::now()) && on_change_) on_change_();
  }
}

}  // namespace midimon::daemon
