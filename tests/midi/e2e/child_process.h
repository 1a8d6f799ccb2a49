// Child processes for the end-to-end tests: started with posix_spawnp, stopped by PID
// (SIGTERM, then SIGKILL after a grace period) when the owning object goes away, also
// when a test fails half-way.
#pragma once

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace midimon::midi::e2e {

class ChildProcess {
 public:
  // Starts argv[0] (searched in PATH) with stdout and stderr to `log_path` (or inherited).
  explicit ChildProcess(std::vector<std::string> argv, const std::string& log_path = "") {
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    if (!log_path.empty()) {
      posix_spawn_file_actions_addopen(&actions, 1, log_path.c_str(),
                                       O_WRONLY | O_CREAT | O_APPEND, 0644);
      posix_spawn_file_actions_adddup2(&actions, 1, 2);
    }
    if (posix_spawnp(&pid_, args[0], &actions, nullptr, args.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&actions);
  }
  ~ChildProcess() { stop(); }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  bool started() const { return pid_ > 0; }

  // True once the process has exited (reaped); exit_status() is then valid.
  bool exited() {
    if (pid_ <= 0) return true;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      status_ = status;
      pid_ = -1;
      return true;
    }
    return false;
  }
  int exit_status() const { return status_; }

  // Waits for the exit until the deadline; false if it is still running then.
  bool wait_until(std::chrono::steady_clock::time_point deadline) {
    while (!exited()) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return true;
  }

  void stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    if (!wait_until(std::chrono::steady_clock::now() + std::chrono::seconds(5))) {
      kill(pid_, SIGKILL);
      wait_until(std::chrono::steady_clock::now() + std::chrono::seconds(5));
    }
  }

 private:
  pid_t pid_ = -1;
  int status_ = -1;
};

// Runs a command to completion (bounded by `timeout`); its exit code, -1 on a timeout.
inline int run_command(std::vector<std::string> argv, std::chrono::milliseconds timeout,
                       const std::string& log_path = "") {
  ChildProcess child(std::move(argv), log_path);
  if (!child.started()) return -1;
  if (!child.wait_until(std::chrono::steady_clock::now() + timeout)) return -1;
  const int status = child.exit_status();
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Runs a shell command line and returns its standard output (for jack_lsp listings).
inline std::string command_output(const std::string& command_line) {
  std::string out;
  if (FILE* p = popen(command_line.c_str(), "r")) {
    char buf[512];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    pclose(p);
  }
  return out;
}

}  // namespace midimon::midi::e2e
