#include "daemon/ipc_paths.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace midimon::daemon {

std::string default_socket_path(std::string* error) {
  const char* runtime = std::getenv("XDG_RUNTIME_DIR");
  if (runtime == nullptr || runtime[0] == '\0') {
    *error = "XDG_RUNTIME_DIR is not set (it is under a systemd user session); pass --socket PATH";
    return {};
  }
  if (runtime[0] != '/') {
    *error = std::string("XDG_RUNTIME_DIR is not an absolute path: ") + runtime;
    return {};
  }
  return std::string(runtime) + "/midimon/" + kSocketFileName;
}

std::string runtime_dir_problem(const struct stat& st, uid_t uid) {
  if (S_ISLNK(st.st_mode)) return "is a symbolic link";
  if (!S_ISDIR(st.st_mode)) return "is not a directory";
  if (st.st_uid != uid) {
    return "is owned by uid " + std::to_string(st.st_uid) + ", not by this user (uid " +
           std::to_string(uid) + ")";
  }
  if ((st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return std::string("has group/other permissions (mode ") + mode +
           "); it must be 0700 - fix it with chmod 700";
  }
  return {};
}

bool prepare_runtime_dir(const std::string& dir, std::string* error) {
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    *error = "cannot create " + dir + ": " + std::strerror(errno);
    return false;
  }
  struct stat st {};
  if (::lstat(dir.c_str(), &st) != 0) {
    *error = "cannot inspect " + dir + ": " + std::strerror(errno);
    return false;
  }
  std::string problem = runtime_dir_problem(st, ::geteuid());
  if (!problem.empty()) {
    *error = "refusing to use the socket directory " + dir + ": it " + problem;
    return false;
  }
  return true;
}

bool peer_uid_allowed(uid_t peer, uid_t self) { return peer == self; }

SocketPathState probe_socket_path(const std::string& path, std::string* error) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return SocketPathState::Free;
    *error = "cannot inspect " + path + ": " + std::strerror(errno);
    return SocketPathState::Error;
  }
  if (!S_ISSOCK(st.st_mode)) return SocketPathState::NotASocket;
  sockaddr_un addr{};
  if (path.size() >= sizeof addr.sun_path) {
    *error = "socket path too long (" + std::to_string(path.size()) + " bytes): " + path;
    return SocketPathState::Error;
  }
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    *error = std::string("socket(): ") + std::strerror(errno);
    return SocketPathState::Error;
  }
  int rc = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  int err = errno;
  ::close(fd);
  if (rc == 0) return SocketPathState::Live;
  if (err == ECONNREFUSED) return SocketPathState::Stale;
  *error = "cannot probe " + path + ": " + std::strerror(err);
  return SocketPathState::Error;
}

std::string parent_dir(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace midimon::daemon
