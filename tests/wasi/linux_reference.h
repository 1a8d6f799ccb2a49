// The Linux call each pathcall guest line stands for, made directly on a host directory
// fd and printed the way the guest prints the WASI result. The path edge-case tests check
// their expectations against it, so "as on Linux" is measured, not remembered.
#pragma once

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <string>
#include <vector>

#include "wasi/abi.h"
#include "wasi/errno.h"
#include "tests/wasi/path_tree.h"

namespace midimon::wasi::test {

// pathcall's percent-decoding (%00 is a NUL byte).
inline std::string percent_decode(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out += static_cast<char>(std::strtoul(s.substr(i + 1, 2).c_str(), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

inline int wasi_filetype(mode_t m) {
  if (S_ISDIR(m)) return abi::kFileDirectory;
  if (S_ISREG(m)) return abi::kFileRegular;
  if (S_ISLNK(m)) return abi::kFileSymlink;
  return abi::kFileUnknown;
}

// `call` is pathcall's argv without the program and op name split off: {op, args...}.
inline std::string linux_call(int dirfd, const std::vector<std::string>& call) {
  auto arg = [&](size_t i) { return percent_decode(call.at(i)); };
  auto num = [&](size_t i) { return std::strtoull(call.at(i).c_str(), nullptr, 0); };
  auto result = [](long r) { return r < 0 ? std::to_string(raw(errno_from_host(errno))) : std::string("0"); };
  const std::string& op = call.at(0);
  errno = 0;
  if (op == "open") {
    // What path_open's oflags and rights mean as open(2) flags.
    const uint64_t oflags = num(2), rights = num(3);
    const bool rd = rights & (abi::kRightFdRead | abi::kRightFdReaddir);
    const bool wr = (rights & (abi::kRightFdWrite | abi::kRightFdAllocate | abi::kRightFdFilestatSetSize)) ||
                    (oflags & abi::kOflagTrunc);
    int flags = rd && wr ? O_RDWR : wr ? O_WRONLY : O_RDONLY;
    if (oflags & abi::kOflagCreat) flags |= O_CREAT;
    if (oflags & abi::kOflagDirectory) flags |= O_DIRECTORY;
    if (oflags & abi::kOflagExcl) flags |= O_EXCL;
    if (oflags & abi::kOflagTrunc) flags |= O_TRUNC;
    if (!num(4)) flags |= O_NOFOLLOW;
    const int fd = ::openat(dirfd, arg(1).c_str(), flags | O_CLOEXEC | O_NONBLOCK, 0666);
    if (fd < 0) return result(fd);
    struct stat st;
    const int r = ::fstat(fd, &st);
    ::close(fd);
    return r != 0 ? result(r) : "0 " + std::to_string(wasi_filetype(st.st_mode));
  }
  if (op == "stat") {
    struct stat st;
    const int r = ::fstatat(dirfd, arg(1).c_str(), &st, num(2) ? 0 : AT_SYMLINK_NOFOLLOW);
    return r != 0 ? result(r) : "0 " + std::to_string(wasi_filetype(st.st_mode));
  }
  if (op == "times") {
    const timespec ts[2] = {{kFixedTimeSec, 0}, {kFixedTimeSec, 0}};
    return result(::utimensat(dirfd, arg(1).c_str(), ts, num(2) ? 0 : AT_SYMLINK_NOFOLLOW));
  }
  if (op == "readlink") {
    char buf[256];
    const ssize_t n = ::readlinkat(dirfd, arg(1).c_str(), buf, sizeof buf);
    return n < 0 ? result(n) : "0 " + std::string(buf, static_cast<size_t>(n));
  }
  if (op == "link")
    return result(::linkat(dirfd, arg(1).c_str(), dirfd, arg(2).c_str(), num(3) ? AT_SYMLINK_FOLLOW : 0));
  if (op == "rename") return result(::renameat(dirfd, arg(1).c_str(), dirfd, arg(2).c_str()));
  if (op == "symlink") return result(::symlinkat(arg(1).c_str(), dirfd, arg(2).c_str()));
  if (op == "mkdir") return result(::mkdirat(dirfd, arg(1).c_str(), 0777));
  if (op == "rmdir") return result(::unlinkat(dirfd, arg(1).c_str(), AT_REMOVEDIR));
  if (op == "unlink") return result(::unlinkat(dirfd, arg(1).c_str(), 0));
  return "unknown op " + op;
}

}  // namespace midimon::wasi::test
