#include "desktop/run_command.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

extern char** environ;

namespace midimon::desktop {
namespace {

class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() { reset(); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

bool make_pipe(int fds[2]) { return ::pipe2(fds, O_CLOEXEC) == 0; }

void append_bounded(std::string& to, const char* data, std::size_t n, std::size_t max) {
  if (to.size() < max) to.append(data, std::min(n, max - to.size()));
}

}  // namespace

Result<CommandOutcome> run_command(const std::vector<std::string>& argv,
                                   std::chrono::milliseconds timeout, std::size_t max_output) {
  if (argv.empty()) return Error{"run_command: the argument vector is empty."};
  int out_pipe[2];
  int err_pipe[2];
  if (!make_pipe(out_pipe)) return Error{std::string("pipe: ") + std::strerror(errno)};
  Fd out_read(out_pipe[0]), out_write(out_pipe[1]);
  if (!make_pipe(err_pipe)) return Error{std::string("pipe: ") + std::strerror(errno)};
  Fd err_read(err_pipe[0]), err_write(err_pipe[1]);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out_write.get(), 1);
  posix_spawn_file_actions_adddup2(&actions, err_write.get(), 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  // Its own process group, so a timeout kills whatever it started too.
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
                                      POSIX_SPAWN_SETSIGDEF);
  posix_spawnattr_setpgroup(&attr, 0);
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &all);

  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  const int rc = ::posix_spawnp(&pid, args[0], &actions, &attr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  out_write.reset();
  err_write.reset();
  if (rc != 0) return Error{"cannot start '" + argv[0] + "': " + std::strerror(rc) + "."};

  // A pidfd wakes poll() when the child exits even if it left its pipes open to a
  // grandchild; without one (kernel < 5.3) the pipes' EOF is the signal.
  Fd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)));
  CommandOutcome outcome;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  bool out_open = true, err_open = true, exited = false, reaped_elsewhere = false;
  int status = 0;
  char buf[4096];
  while (!exited) {
    const pid_t waited = ::waitpid(pid, &status, WNOHANG);
    if (waited == pid) {
      exited = true;
      break;
    }
    if (waited < 0 && errno == ECHILD) {
      // Reaped elsewhere (SIGCHLD ignored by the process): the exit status is lost.
      reaped_elsewhere = true;
      break;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      ::kill(-pid, SIGKILL);
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      outcome.timed_out = true;
      exited = true;
      break;
    }
    pollfd fds[3];
    nfds_t n = 0;
    if (out_open) fds[n++] = {out_read.get(), POLLIN, 0};
    if (err_open) fds[n++] = {err_read.get(), POLLIN, 0};
    if (pidfd.get() >= 0) fds[n++] = {pidfd.get(), POLLIN, 0};
    int wait_ms = static_cast<int>(left.count());
    if (pidfd.get() < 0 && !out_open && !err_open) wait_ms = std::min(wait_ms, 10);
    if (::poll(fds, n, wait_ms) < 0 && errno != EINTR) break;
    for (nfds_t i = 0; i < n; ++i) {
      if (fds[i].revents == 0 || fds[i].fd == pidfd.get()) continue;
      const ssize_t got = ::read(fds[i].fd, buf, sizeof buf);
      const bool is_out = fds[i].fd == out_read.get();
      if (got > 0) {
        append_bounded(is_out ? outcome.out : outcome.err, buf, static_cast<std::size_t>(got),
                       max_output);
      } else if (got == 0 || errno != EINTR) {
        (is_out ? out_open : err_open) = false;
      }
    }
  }
  // Whatever is left in the pipes after the exit (non-blocking drain).
  for (Fd* fd : {&out_read, &err_read}) {
    ::fcntl(fd->get(), F_SETFL, O_NONBLOCK);
    ssize_t got;
    while ((got = ::read(fd->get(), buf, sizeof buf)) > 0)
      append_bounded(fd == &out_read ? outcome.out : outcome.err, buf,
                     static_cast<std::size_t>(got), max_output);
  }
  if (reaped_elsewhere) {
    if (outcome.err.empty())
      outcome.err = "the exit status was lost: the child was reaped elsewhere (SIGCHLD ignored)";
    return outcome;  // exit_code stays -1
  }
  if (!outcome.timed_out && WIFEXITED(status)) outcome.exit_code = WEXITSTATUS(status);
  return outcome;
}

}  // namespace midimon::desktop
