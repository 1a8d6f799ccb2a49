// Runs a program from an argv vector (never through a shell) with a timeout, capturing a
// bounded amount of its stdout and stderr. Desktop-only helper (volume tools); the plugin
// host has its own runner, which desktop/ must not include.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "desktop/result.h"

namespace midimon::desktop {

struct CommandOutcome {
  int exit_code = -1;      // -1 when killed by a signal or by the timeout
  bool timed_out = false;  // killed (SIGKILL) after the timeout
  std::string out;         // first `max_output` bytes of stdout
  std::string err;         // first `max_output` bytes of stderr
};

// Errors: an empty argv, a program that cannot be started (the message names it and
// errno). A program that runs and fails is an outcome, not an error. The child gets
// stdin from /dev/null and its own process group, killed as a whole on timeout.
Result<CommandOutcome> run_command(const std::vector<std::string>& argv,
                                   std::chrono::milliseconds timeout,
                                   std::size_t max_output = 4096);

}  // namespace midimon::desktop
