#include "actions/shell_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

extern char** environ;

namespace midimon::actions {

namespace {

struct Pipe {
  int r = -1, w = -1;
  ~Pipe() {
    if (r >= 0) ::close(r);
    if (w >= 0) ::close(w);
  }
  bool open() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return false;
    r = fds[0];
    w = fds[1];
    return true;
  }
};

// Reads what is there; false at EOF or on an error other than EAGAIN.
bool drain(int fd, std::string& into, std::size_t limit, bool& truncated) {
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) {
      const std::size_t room = into.size() < limit ? limit - into.size() : 0;
      into.append(buf, std::min<std::size_t>(room, static_cast<std::size_t>(n)));
      if (static_cast<std::size_t>(n) > room) truncated = true;
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
    return false;
  }
}

}  // namespace

ShellRun run_shell_process(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                           std::size_t max_output, const StopSignal& stop) {
  ShellRun run;
  if (argv.empty() || argv[0].empty()) {
    run.status = ShellRun::Status::SpawnFailed;
    run.message = "no program to run";
    return run;
  }
  for (const std::string& a : argv) {
    if (a.find('\0') != std::string::npos) {
      run.status = ShellRun::Status::SpawnFailed;
      run.message = "an argument contains a NUL byte";
      return run;
    }
  }
  Pipe out, err;
  if (!out.open() || !err.open()) {
    run.status = ShellRun::Status::SpawnFailed;
    run.message = std::string("pipe: ") + std::strerror(errno);
    return run;
  }

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out.w, 1);
  posix_spawn_file_actions_adddup2(&actions, err.w, 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t empty, defaults;
  sigemptyset(&empty);
  sigfillset(&defaults);
  // The daemon blocks signals in its threads (signalfd); the child gets a clean slate.
  posix_spawnattr_setsigmask(&attr, &empty);
  posix_spawnattr_setsigdefault(&attr, &defaults);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  const int rc = ::posix_spawnp(&pid, args[0], &actions, &attr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    run.status = ShellRun::Status::SpawnFailed;
    run.message = "cannot start '" + argv[0] + "': " + std::strerror(rc);
    return run;
  }
  run.pid = pid;
  ::close(out.w);
  out.w = -1;
  ::close(err.w);
  err.w = -1;
  ::fcntl(out.r, F_SETFL, O_NONBLOCK);
  ::fcntl(err.r, F_SETFL, O_NONBLOCK);

  const auto deadline = std::chrono::steady_clock::now() + timeout;
  bool out_open = true, err_open = true, reaped = false;
  int wstatus = 0;
  enum class End { None, Timeout, Cancel } end = End::None;
  while (!reaped) {
    pid_t w = ::waitpid(pid, &wstatus, WNOHANG);
    if (w == pid || (w < 0 && errno == ECHILD)) {
      if (w < 0) wstatus = -1;
      reaped = true;
      break;
    }
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) {
      end = End::Timeout;
      break;
    }
    if (stop.raised()) {
      end = End::Cancel;
      break;
    }
    pollfd fds[3];
    nfds_t n = 0;
    if (out_open) fds[n++] = {out.r, POLLIN, 0};
    if (err_open) fds[n++] = {err.r, POLLIN, 0};
    if (stop.fd() >= 0) fds[n++] = {stop.fd(), POLLIN, 0};
    // With both pipes closed the child may still run (it closed them itself): look at it
    // again every 20 ms; while it writes, poll() wakes on its output.
    auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
    if (!out_open && !err_open) wait = std::min(wait, std::chrono::milliseconds(20));
    if (stop.fd() < 0) wait = std::min(wait, std::chrono::milliseconds(50));
    wait = std::min(wait, std::chrono::milliseconds(200));  // and re-check waitpid
    ::poll(fds, n, static_cast<int>(wait.count()) + 1);
    if (out_open) out_open = drain(out.r, run.out, max_output, run.truncated);
    if (err_open) err_open = drain(err.r, run.err, max_output, run.truncated);
  }
  if (!reaped) {
    ::kill(-pid, SIGKILL);
    while (::waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {
    }
    run.status = end == End::Timeout ? ShellRun::Status::TimedOut : ShellRun::Status::Cancelled;
  } else {
    // Output the child wrote just before it exited.
    if (out_open) drain(out.r, run.out, max_output, run.truncated);
    if (err_open) drain(err.r, run.err, max_output, run.truncated);
    if (wstatus == -1) {
      run.exit_code = -1;
      run.message = "exit status lost (SIGCHLD is ignored by this process)";
    } else if (WIFEXITED(wstatus)) {
      run.exit_code = WEXITSTATUS(wstatus);
    } else if (WIFSIGNALED(wstatus)) {
      run.status = ShellRun::Status::Signaled;
      run.signal = WTERMSIG(wstatus);
    }
  }
  return run;
}

}  // namespace midimon::actions
