// Internals of run_process exposed for tests only: the path taken on kernels without
// pidfd_open (before Linux 5.3), which polls for the child's exit instead of waiting on
// a pidfd. Production code calls run_process (process_runner.h).
#pragma once

#include "plugin/process_runner.h"

namespace midimon::plugin::detail {

enum class ExitWatch { Pidfd, Polling };
ProcessResult run_process_watching(const ProcessRequest& request, ExitWatch watch);

}  // namespace midimon::plugin::detail
