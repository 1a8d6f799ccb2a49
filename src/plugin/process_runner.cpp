#include "plugin/process_runner.h"

#include "plugin/process_runner_detail.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace midimon::plugin {

namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* kSearchPath[] = {"/usr/bin", "/bin"};
constexpr size_t kReadChunk = 65536;

// Owns one file descriptor.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  Fd(Fd&& o) noexcept : fd_(o.release()) {}
  Fd& operator=(Fd&& o) noexcept {
    reset(o.release());
    return *this;
  }
  ~Fd() { reset(); }
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }
  void reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }
  explicit operator bool() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

struct Pipe {
  Fd read, write;
};
bool make_pipe(Pipe* p) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return false;
  p->read.reset(fds[0]);
  p->write.reset(fds[1]);
  return true;
}

std::string errno_text(int e) { return std::string(strerrordesc_np(e) ? strerrordesc_np(e) : "unknown error"); }

bool is_executable_file(const std::string& path) {
  struct stat st{};
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(path.c_str(), X_OK) == 0;
}

// execvp's lookup, done before fork against our fixed PATH (execvp would use the daemon's).
std::optional<std::string> find_program(const std::string& name) {
  if (name.find('/') != std::string::npos) return name;
  for (const char* dir : kSearchPath) {
    std::string candidate = std::string(dir) + "/" + name;
    if (is_executable_file(candidate)) return candidate;
  }
  return std::nullopt;
}

// The child's whole environment (documented in docs/plugins/capabilities.md).
std::vector<std::string> child_environment() {
  const char* home = std::getenv("HOME");
  return {"PATH=/usr/bin:/bin", std::string("HOME=") + (home != nullptr && *home != '\0' ? home : "/"),
          "LANG=C.UTF-8"};
}

// Blocks SIGPIPE in this thread while we write to the child's stdin (a child that exits
// without reading would otherwise kill the daemon), and swallows a SIGPIPE our writes left
// pending. SIGPIPE from write() is directed at the writing thread, so this is thread-local.
class SigpipeGuard {
 public:
  SigpipeGuard() {
    sigset_t pipe_set;
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    sigset_t pending;
    sigpending(&pending);
    was_pending_ = sigismember(&pending, SIGPIPE) == 1;
    pthread_sigmask(SIG_BLOCK, &pipe_set, &old_);
  }
  ~SigpipeGuard() {
    if (!was_pending_) {
      sigset_t pipe_set;
      sigemptyset(&pipe_set);
      sigaddset(&pipe_set, SIGPIPE);
      const timespec zero{0, 0};
      while (sigtimedwait(&pipe_set, nullptr, &zero) > 0) {
      }
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }
  SigpipeGuard(const SigpipeGuard&) = delete;
  SigpipeGuard& operator=(const SigpipeGuard&) = delete;

 private:
  sigset_t old_{};
  bool was_pending_ = false;
};

// In the child, between fork and exec: only async-signal-safe calls. Never returns.
[[noreturn]] void exec_child(const char* path, char* const* argv, char* const* envp, int in, int out, int err,
                             int report) {
  ::setpgid(0, 0);
  // Move our pipe ends above 2 first: if the daemon runs with 0-2 closed, pipe2 may have
  // handed out those numbers and the dup2s below would overwrite one another.
  report = ::fcntl(report, F_DUPFD_CLOEXEC, 3);
  in = ::fcntl(in, F_DUPFD_CLOEXEC, 3);
  out = ::fcntl(out, F_DUPFD_CLOEXEC, 3);
  err = ::fcntl(err, F_DUPFD_CLOEXEC, 3);
  // The daemon may ignore or block signals; the program gets the defaults.
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  for (int sig = 1; sig < NSIG; ++sig) {
    if (sig != SIGKILL && sig != SIGSTOP) ::signal(sig, SIG_DFL);
  }
  // dup2 clears FD_CLOEXEC on the copies; the originals (all CLOEXEC) vanish at exec.
  if (in < 0 || out < 0 || err < 0 || ::dup2(in, 0) < 0 || ::dup2(out, 1) < 0 || ::dup2(err, 2) < 0) {
    const int e = errno;
    (void)!::write(report, &e, sizeof e);
    ::_exit(127);
  }
  // Anything else the daemon opened without CLOEXEC (or another thread opened between our
  // pipe2 and fork) goes now; the report pipe must survive until exec, so mark it CLOEXEC.
  if (::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) != 0) {
    for (int fd = 3; fd < 65536; ++fd) {
      if (fd != report) ::close(fd);
    }
  }
  ::execve(path, argv, envp);
  const int e = errno;
  (void)!::write(report, &e, sizeof e);
  ::_exit(127);
}

void set_nonblocking(int fd) { ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK); }

// Reads what is available from fd into *keep (up to cap; the rest is dropped).
// Returns false at EOF or on an error.
bool drain(int fd, std::string* keep, size_t cap, bool* truncated) {
  char buffer[kReadChunk];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n > 0) {
      const size_t room = cap - std::min(cap, keep->size());
      const size_t take = std::min(room, static_cast<size_t>(n));
      keep->append(buffer, take);
      if (take < static_cast<size_t>(n)) *truncated = true;
      continue;
    }
    if (n == 0) return false;
    if (errno == EINTR) continue;
    return errno == EAGAIN || errno == EWOULDBLOCK;
  }
}

enum class ChildState { Running, Exited, Lost };

// Has the child exited? Leaves it a zombie (WNOWAIT) so its pid, and so its process group
// id, cannot be reused before we kill the group. Lost: it is no longer our child to wait
// for (the daemon set SIGCHLD to SIG_IGN, or something else reaped it).
ChildState child_state(pid_t pid) {
  siginfo_t info{};
  if (::waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOHANG | WNOWAIT) != 0) {
    return errno == ECHILD ? ChildState::Lost : ChildState::Running;
  }
  return info.si_pid == pid ? ChildState::Exited : ChildState::Running;
}

ProcessResult spawn_failed(std::string message) {
  ProcessResult r;
  r.status = ProcessResult::Status::SpawnFailed;
  r.exit_code = -1;
  r.message = std::move(message);
  return r;
}

}  // namespace

ProcessResult run_process(const ProcessRequest& request) {
  return detail::run_process_watching(request, detail::ExitWatch::Pidfd);
}

namespace detail {

ProcessResult run_process_watching(const ProcessRequest& request, ExitWatch watch) {
  if (request.argv.empty() || request.argv[0].empty()) return spawn_failed("run_process: argv is empty");
  for (size_t i = 0; i < request.argv.size(); ++i) {
    if (request.argv[i].find('\0') != std::string::npos) {
      return spawn_failed("run_process: argv[" + std::to_string(i) + "] contains a NUL byte");
    }
  }
  const std::string& program = request.argv[0];
  const std::optional<std::string> path = find_program(program);
  if (!path) {
    return spawn_failed("run_process: program '" + program + "' not found in PATH=/usr/bin:/bin");
  }

  // Everything the child needs is built before fork: no allocation after it.
  std::vector<char*> argv;
  for (const std::string& a : request.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const std::vector<std::string> env = child_environment();
  std::vector<char*> envp;
  for (const std::string& e : env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);

  Pipe in, out, err, report;
  if (!make_pipe(&in) || !make_pipe(&out) || !make_pipe(&err) || !make_pipe(&report)) {
    return spawn_failed("run_process: could not create pipes: " + errno_text(errno));
  }

  const Clock::time_point end = Clock::now() + std::max(request.timeout, std::chrono::milliseconds(0));
  SigpipeGuard sigpipe_guard;
  const pid_t pid = ::fork();
  if (pid < 0) return spawn_failed("run_process: fork failed: " + errno_text(errno));
  if (pid == 0) {
    exec_child(path->c_str(), argv.data(), envp.data(), in.read.get(), out.write.get(), err.write.get(),
               report.write.get());
  }
  // Both sides set the group, so it exists before either of us relies on it.
  ::setpgid(pid, pid);
  in.read.reset();
  out.write.reset();
  err.write.reset();
  report.write.reset();

  ProcessResult result;
  result.pid = pid;

  // exec succeeded when the report pipe closes empty (CLOEXEC); otherwise it holds errno.
  int exec_errno = 0;
  ssize_t got;
  do {
    got = ::read(report.read.get(), &exec_errno, sizeof exec_errno);
  } while (got < 0 && errno == EINTR);
  if (got == static_cast<ssize_t>(sizeof exec_errno)) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    ProcessResult failed = spawn_failed("run_process: cannot execute '" + program + "' (" + *path +
                                        "): " + errno_text(exec_errno));
    failed.pid = pid;
    return failed;
  }

  // Wakes poll when the child exits; optional (Linux >= 5.3). glibc 2.36's <sys/pidfd.h>
  // lacks extern "C", so the raw system call.
  Fd pidfd(watch == ExitWatch::Pidfd ? static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)) : -1);
  set_nonblocking(in.write.get());
  set_nonblocking(out.read.get());
  set_nonblocking(err.read.get());
  size_t stdin_written = 0;
  if (request.stdin_data.empty()) in.write.reset();
  bool out_open = true, err_open = true, exited = false, lost = false, timed_out = false;

  while (out_open || err_open || !exited) {
    if (!exited) {
      const ChildState state = child_state(pid);
      exited = state != ChildState::Running;
      lost = state == ChildState::Lost;
    }
    if (exited && !out_open && !err_open) break;
    const auto left = end - Clock::now();
    if (left <= Clock::duration::zero()) {
      timed_out = true;
      break;
    }
    std::array<pollfd, 4> fds{};
    nfds_t n = 0;
    int in_slot = -1, out_slot = -1, err_slot = -1;
    if (in.write) { in_slot = static_cast<int>(n); fds[n++] = {in.write.get(), POLLOUT, 0}; }
    if (out_open) { out_slot = static_cast<int>(n); fds[n++] = {out.read.get(), POLLIN, 0}; }
    if (err_open) { err_slot = static_cast<int>(n); fds[n++] = {err.read.get(), POLLIN, 0}; }
    if (pidfd && !exited) fds[n++] = {pidfd.get(), POLLIN, 0};
    auto wait_ms = std::chrono::duration_cast<std::chrono::milliseconds>(left).count() + 1;
    // Without a pidfd, a child that closed its pipes but runs on is polled for now and then.
    if (!pidfd && !exited) wait_ms = std::min<long long>(wait_ms, 10);
    const int ready = ::poll(fds.data(), n, static_cast<int>(std::min<long long>(wait_ms, 1 << 30)));
    if (ready < 0 && errno != EINTR) {
      timed_out = false;
      result.message = "run_process: poll failed: " + errno_text(errno);
      break;
    }
    if (ready <= 0) continue;
    if (in_slot >= 0 && fds[in_slot].revents != 0) {
      const std::string& data = request.stdin_data;
      const ssize_t w = ::write(in.write.get(), data.data() + stdin_written, data.size() - stdin_written);
      if (w > 0) stdin_written += static_cast<size_t>(w);
      // Done, or the child closed its stdin (EPIPE): either way no more input.
      if (stdin_written == data.size() || (w < 0 && errno != EAGAIN && errno != EINTR)) in.write.reset();
    }
    if (out_slot >= 0 && fds[out_slot].revents != 0) {
      out_open = drain(out.read.get(), &result.out, request.max_output_bytes, &result.truncated);
    }
    if (err_slot >= 0 && fds[err_slot].revents != 0) {
      err_open = drain(err.read.get(), &result.err, request.max_output_bytes, &result.truncated);
    }
  }

  if (lost) {
    // Nothing to wait for. The group is killed only if something of it held the pipes
    // past the timeout: then it still has members, so its id cannot have been reused.
    if (timed_out) ::kill(-pid, SIGKILL);
    result.status = timed_out ? ProcessResult::Status::TimedOut : ProcessResult::Status::Exited;
    result.exit_code = -1;
    result.message = "run_process: the exit status of '" + program +
                     "' was lost: it was reaped elsewhere (is SIGCHLD set to SIG_IGN?)";
    return result;
  }
  // Whatever the child started in its group ends with the call. The child is not reaped
  // yet, so its pid (= the group id) cannot have been reused.
  ::kill(-pid, SIGKILL);
  if (timed_out) ::kill(pid, SIGKILL);  // in case it left its group
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (timed_out) {
    result.status = ProcessResult::Status::TimedOut;
    result.message = "run_process: '" + program + "' did not finish within " +
                     std::to_string(request.timeout.count()) + " ms; its process group was killed";
  } else if (WIFEXITED(status)) {
    result.status = ProcessResult::Status::Exited;
    result.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.status = ProcessResult::Status::Signaled;
    result.signal = WTERMSIG(status);
  }
  return result;
}

}  // namespace detail

}  // namespace midimon::plugin
