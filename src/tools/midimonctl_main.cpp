// midimonctl: the control client of a running midimon daemon (docs/ipc.md). Everything
// but signal set-up is in ctl_commands.cpp.
#include <signal.h>

#include <iostream>

#include "tools/ctl_commands.h"

namespace {
extern "C" void on_interrupt(int) { midimon::tools::g_ctl_interrupted = true; }
}  // namespace

int main(int argc, char** argv) {
  // No SA_RESTART: a blocked poll() returns EINTR and `events` ends cleanly (exit 0).
  struct sigaction action {};
  action.sa_handler = on_interrupt;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  return midimon::tools::run_midimonctl(argc, argv, std::cout, std::cerr);
}
