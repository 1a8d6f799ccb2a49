// The daemon's log: one line per event on stderr (journal-friendly). No colours ever, no
// multi-line records (a newline inside a message becomes " | "). Under systemd
// ($JOURNAL_STREAM set) each line starts with the sd-daemon priority prefix ("<6>") so
// the journal records the right level. Thread-safe: one mutex around one fwrite.
#pragma once

#include <atomic>
#include <cstdio>
#include <functional>
#include <mutex>
#include <string_view>

#include "actions/action_env.h"

namespace midimon::daemon {

class DaemonLog final : public actions::Logger {
 public:
  // `out` defaults to stderr; `journal` adds the priority prefix (see above).
  explicit DaemonLog(std::FILE* out = stderr, actions::LogLevel min = actions::LogLevel::Info,
                     bool journal = false);
  ~DaemonLog();  // closes the file set_file() gave it
  DaemonLog(const DaemonLog&) = delete;
  DaemonLog& operator=(const DaemonLog&) = delete;
  // stderr, journal prefix when $JOURNAL_STREAM is set.
  static DaemonLog& standard();

  void log(actions::LogLevel level, std::string_view message) override;
  void set_min_level(actions::LogLevel level) { min_.store(level); }
  // Every line also goes to `file` (appended, flushed per line, no journal prefix); the
  // log owns it and closes the one it replaces. Null: no extra file.
  void set_file(std::FILE* file);
  // Every line also goes here (the events bus); called outside the log's lock.
  void set_tap(std::function<void(actions::LogLevel, std::string_view)> tap);

 private:
  std::FILE* out_;
  std::atomic<actions::LogLevel> min_;
  bool journal_;
  std::mutex mutex_;
  std::function<void(actions::LogLevel, std::string_view)> tap_;
  std::FILE* file_ = nullptr;  // owned
};

// Where `[logging] file` points: "~/" is the home directory; a relative path is relative
// to the config file's directory (so it does not depend on where the daemon was started).
std::string resolve_log_path(const std::string& file, const std::string& config_path);
// Opens the log file for appending (created 0600: a log may hold what your mappings type).
// Null with `error` set when it cannot be opened.
std::FILE* open_log_file(const std::string& path, std::string* error);

// One line of text: control characters other than tab are replaced, newlines by " | ".
std::string one_line(std::string_view text);

}  // namespace midimon::daemon
