#include "daemon/daemon_log.h"

#include <cstdlib>
#include <string>

namespace midimon::daemon {

std::string one_line(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.remove_suffix(1);
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\n') {
      out += " | ";
    } else if (static_cast<unsigned char>(c) < 0x20 && c != '\t') {
      out += '?';
    } else {
      out += c;
    }
  }
  return out;
}

DaemonLog::DaemonLog(std::FILE* out, actions::LogLevel min, bool journal)
    : out_(out), min_(min), journal_(journal) {}

DaemonLog& DaemonLog::standard() {
  static DaemonLog log(stderr, actions::LogLevel::Info, std::getenv("JOURNAL_STREAM") != nullptr);
  return log;
}

void DaemonLog::set_tap(std::function<void(actions::LogLevel, std::string_view)> tap) {
  std::lock_guard lock(mutex_);
  tap_ = std::move(tap);
}

void DaemonLog::log(actions::LogLevel level, std::string_view message) {
  std::function<void(actions::LogLevel, std::string_view)> tap;
  if (level >= min_.load()) {
    std::string line;
    if (journal_) {
      // sd-daemon.h: <3> err, <4> warning, <6> info, <7> debug.
      static constexpr const char* kPrefix[] = {"<7>", "<6>", "<4>", "<3>"};
      line += kPrefix[static_cast<int>(level)];
    }
    line += actions::log_level_name(level);
    line += ": ";
    line += one_line(message);
    line += '\n';
    std::lock_guard lock(mutex_);
    std::fwrite(line.data(), 1, line.size(), out_);
    std::fflush(out_);
    tap = tap_;
  } else {
    std::lock_guard lock(mutex_);
    tap = tap_;
  }
  if (tap) tap(level, message);
}

}  // namespace midimon::daemon
