// run_process: run one program on behalf of a plugin (the `subprocess` capability's
// transport behind the `run_process` host function), bounded in time and output.
//
// - argv without a shell; argv[0] without a '/' is looked up in /usr/bin then /bin (as
//   execvp would with PATH=/usr/bin:/bin, but without its fallback of running a file
//   that has no #! line through /bin/sh: that is SpawnFailed, "Exec format error");
// - the child gets exactly three fds (pipes for stdin/stdout/stderr), its own process
//   group, and a minimal environment: PATH=/usr/bin:/bin, HOME (the daemon's), LANG=C.UTF-8;
// - stdin is fed from stdin_data then closed; stdout and stderr are read concurrently
//   (poll), each kept up to max_output_bytes (the rest is read and discarded: truncated);
// - at `timeout` the whole process group is killed (SIGKILL); the child is always reaped.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace midimon::plugin {

struct ProcessRequest {
  std::vector<std::string> argv;
  std::string stdin_data;
  std::chrono::milliseconds timeout{1000};
  size_t max_output_bytes = 1 << 20;  // per stream
};

struct ProcessResult {
  enum class Status { Exited, Signaled, TimedOut, SpawnFailed };
  Status status = Status::Exited;
  int exit_code = 0;  // when Exited
  int signal = 0;     // when Signaled
  std::string out, err;
  bool truncated = false;  // stdout or stderr went past max_output_bytes
  std::string message;     // why, for TimedOut and SpawnFailed (and bad requests)
  int pid = 0;             // the child's pid, which is also its process group id (0: none)
};

// Never throws. An empty argv or an argument with a NUL byte is SpawnFailed with a message.
// The caller's process must leave the child to us: with SIGCHLD set to SIG_IGN (or a
// handler calling waitpid(-1)) its exit status is lost, reported as Exited with
// exit_code -1 and a message saying so.
ProcessResult run_process(const ProcessRequest& request);

}  // namespace midimon::plugin
