#include "plugin/secure_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>

namespace midimon::plugin {

namespace fs = std::filesystem;

namespace {

std::string errno_text() { return std::strerror(errno); }

bool write_all(int fd, std::string_view content) {
  const char* p = content.data();
  size_t left = content.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  return true;
}

std::string random_suffix() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char kChars[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string out;
  for (int i = 0; i < 12; ++i) out.push_back(kChars[rng() % (sizeof(kChars) - 1)]);
  return out;
}

}  // namespace

Expected<void> create_new_file(const fs::path& file, std::string_view content, mode_t mode) {
  int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
  if (fd < 0) {
    if (errno == EEXIST) return Failure{file.string() + ": already exists; not overwriting it"};
    return Failure{file.string() + ": cannot create: " + errno_text()};
  }
  bool ok = write_all(fd, content) && ::fsync(fd) == 0;
  std::string why = ok ? "" : errno_text();
  ::close(fd);
  if (!ok) {
    ::unlink(file.c_str());
    return Failure{file.string() + ": cannot write: " + why};
  }
  return {};
}

Expected<void> replace_file_atomically(const fs::path& file, std::string_view content,
                                       mode_t mode) {
  fs::path dir = file.parent_path().empty() ? fs::path(".") : file.parent_path();
  std::error_code ec;
  if (!fs::exists(dir, ec)) {
    fs::create_directories(dir, ec);
    if (ec) return Failure{dir.string() + ": cannot create directory: " + ec.message()};
    fs::permissions(dir, fs::perms::owner_all, ec);
  }
  // The temporary file lives in the same directory so rename() is atomic.
  fs::path temp;
  int fd = -1;
  for (int attempt = 0; attempt < 16 && fd < 0; ++attempt) {
    temp = dir / ("." + file.filename().string() + ".tmp-" + random_suffix());
    fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
    if (fd < 0 && errno != EEXIST) break;
  }
  if (fd < 0) return Failure{file.string() + ": cannot create a temporary file: " + errno_text()};
  bool ok = write_all(fd, content) && ::fsync(fd) == 0;
  std::string why = ok ? "" : errno_text();
  ::close(fd);
  if (ok && ::rename(temp.c_str(), file.c_str()) != 0) {
    ok = false;
    why = errno_text();
  }
  if (!ok) {
    ::unlink(temp.c_str());
    return Failure{file.string() + ": cannot write: " + why};
  }
  // Make the rename itself durable.
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return {};
}

Expected<std::string> read_text_file(const fs::path& file, size_t limit) {
  int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Failure{file.string() + ": cannot open: " + errno_text()};
  std::string out;
  char buf[8192];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      std::string why = errno_text();
      ::close(fd);
      return Failure{file.string() + ": read error: " + why};
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
    if (out.size() > limit) {
      ::close(fd);
      return Failure{file.string() + ": larger than " + std::to_string(limit) +
                     " bytes; refusing to read it"};
    }
  }
  ::close(fd);
  return out;
}

}  // namespace midimon::plugin
