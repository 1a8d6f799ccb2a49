#include "xvfb_server.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <vector>

extern char** environ;

namespace midimon::desktop::testing {
namespace {

// Waits for `pid` to exit for up to `ms`; true when it was reaped.
bool reap_within(int pid, int ms) {
  const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  if (pidfd >= 0) {
    pollfd fd{pidfd, POLLIN, 0};
    ::poll(&fd, 1, ms);
    ::close(pidfd);
  }
  int status;
  return ::waitpid(pid, &status, pidfd >= 0 ? WNOHANG : 0) == pid;
}

}  // namespace

std::unique_ptr<XvfbServer> XvfbServer::start(std::string* error) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    *error = std::string("pipe: ") + std::strerror(errno);
    return nullptr;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 3);  // dup2 clears CLOEXEC on fd 3
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  std::vector<std::string> args = {"Xvfb", "-displayfd", "3", "-nolisten", "tcp",
                                   "-screen", "0", "640x480x24"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  const int rc = ::posix_spawnp(&pid, "Xvfb", &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(fds[1]);
  if (rc != 0) {
    ::close(fds[0]);
    *error = std::string("cannot start Xvfb: ") + std::strerror(rc);
    return nullptr;
  }
  std::unique_ptr<XvfbServer> server(new XvfbServer(pid, ""));
  std::string number;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (number.find('\n') == std::string::npos) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd fd{fds[0], POLLIN, 0};
    if (left.count() <= 0 || ::poll(&fd, 1, static_cast<int>(left.count())) <= 0) {
      *error = "Xvfb reported no display number within 10 s";
      ::close(fds[0]);
      return nullptr;  // the destructor stops it
    }
    char buf[32];
    const ssize_t got = ::read(fds[0], buf, sizeof buf);
    if (got <= 0) {
      *error = "Xvfb exited before reporting a display number";
      ::close(fds[0]);
      return nullptr;
    }
    number.append(buf, static_cast<std::size_t>(got));
  }
  ::close(fds[0]);
  server->display_ = ":" + number.substr(0, number.find('\n'));
  return server;
}

void XvfbServer::stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  if (!reap_within(pid_, 5000)) {
    ::kill(pid_, SIGKILL);
    int status;
    ::waitpid(pid_, &status, 0);
  }
  pid_ = -1;
}

XvfbServer::~XvfbServer() { stop(); }

}  // namespace midimon::desktop::testing
