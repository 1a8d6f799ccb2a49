// Runs a Shell action's process: argv without a shell (or ["/bin/sh", "-c", command] when
// the action opts in), looked up in the daemon's $PATH, stdin from /dev/null, stdout and
// stderr captured (bounded), in its own process group with the default signal mask.
// The whole group is killed (SIGKILL) at the timeout or when `stop` is raised (shutdown),
// and the child is always reaped. Runs on an executor thread; never blocks another job.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

#include "actions/stop_signal.h"

namespace midimon::actions {

struct ShellRun {
  enum class Status : uint8_t { Exited, Signaled, TimedOut, Cancelled, SpawnFailed };
  Status status = Status::Exited;
  int exit_code = 0;  // Exited
  int signal = 0;     // Signaled
  std::string out, err;
  bool truncated = false;  // a stream went past max_output (the rest was discarded)
  std::string message;     // SpawnFailed: why
  int pid = 0;
};

ShellRun run_shell_process(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                           std::size_t max_output, const StopSignal& stop);

}  // namespace midimon::actions
