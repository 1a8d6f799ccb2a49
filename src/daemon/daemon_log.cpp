#include "daemon/daemon_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
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

DaemonLog::~DaemonLog() {
  if (file_) std::fclose(file_);
}

void DaemonLog::set_file(std::FILE* file) {
  std::FILE* old = nullptr;
  {
    std::lock_guard lock(mutex_);
    old = file_;
    file_ = file;
  }
  if (old && old != file) std::fclose(old);
}

std::string resolve_log_path(const std::string& file, const std::string& config_path) {
  if (file.rfind("~/", 0) == 0) {
    const char* home = std::getenv("HOME");
    return std::string(home && *home ? home : ".") + file.substr(1);
  }
  if (!file.empty() && file[0] == '/') return file;
  const std::size_t slash = config_path.rfind('/');
  return slash == std::string::npos ? file : config_path.substr(0, slash + 1) + file;
}

std::FILE* open_log_file(const std::string& path, std::string* error) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);
  std::FILE* f = fd >= 0 ? ::fdopen(fd, "a") : nullptr;
  if (!f) {
    if (error) *error = std::strerror(errno);
    if (fd >= 0) ::close(fd);
  }
  return f;
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
    if (file_) {
      const std::size_t prefix = journal_ ? 3 : 0;  // "<6>" is for the journal only
      std::fwrite(line.data() + prefix, 1, line.size() - prefix, file_);
      std::fflush(file_);
    }
    tap = tap_;
  } else {
    std::lock_guard lock(mutex_);
    tap = tap_;
  }
  if (tap) tap(level, message);
}

}  // namespace midimon::daemon
