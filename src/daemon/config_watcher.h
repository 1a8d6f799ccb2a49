// Watches the config file for changes the way editors save: inotify on the file's
// DIRECTORY (a rename-save replaces the inode, so a watch on the file itself would go
// deaf after the first save), filtered by the file's name: written and closed, moved in,
// created, or deleted (a delete alone loads and fails, which reports the error). Events
// are debounced (reload_state.h's Debouncer, default 100 ms after the last one), then
// `on_change` runs on the watcher's thread. The thread sleeps in poll() on the inotify fd
// and a wake-up pipe: no polling of the file.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>

namespace midimon::daemon {

class ConfigWatcher {
 public:
  // Starts watching. Fails (message names the directory and errno) when inotify or the
  // watch cannot be set up.
  static std::unique_ptr<ConfigWatcher> start(const std::string& config_path,
                                              std::chrono::milliseconds debounce,
                                              std::function<void()> on_change,
                                              std::string* error);
  ~ConfigWatcher();  // stop()
  ConfigWatcher(const ConfigWatcher&) = delete;
  ConfigWatcher& operator=(const ConfigWatcher&) = delete;
  void stop();  // idempotent; joins the thread
  uint64_t events_seen() const { return events_seen_.load(); }

 private:
  ConfigWatcher() = default;
  void loop();

  int inotify_fd_ = -1;
  int wake_pipe_[2] = {-1, -1};
  std::string file_name_;
  std::chrono::milliseconds debounce_{100};
  std::function<void()> on_change_;
  std::atomic<uint64_t> events_seen_{0};
  std::thread thread_;
};

}  // namespace midimon::daemon
