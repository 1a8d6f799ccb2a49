// midimonctl: `midimonctl [--json] [--socket PATH] COMMAND ...` (docs/ipc.md). Parses the
// command line into one request, sends it, prints the reply; `events` follows the stream
// until interrupted. Exit codes: 0 success, 1 any error (no daemon, an error reply, a lost
// connection, a timeout), 2 bad usage.
#pragma once

#include <iosfwd>

namespace midimon::tools {

inline constexpr int kCtlExitOk = 0;
inline constexpr int kCtlExitError = 1;
inline constexpr int kCtlExitUsage = 2;

// Set by midimonctl's SIGINT/SIGTERM handler: ends `events` (exit 0) and any wait.
extern volatile bool g_ctl_interrupted;

int run_midimonctl(int argc, char** argv, std::ostream& out, std::ostream& err);

}  // namespace midimon::tools
