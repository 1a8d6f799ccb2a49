// `midimon run`: the daemon in the foreground until SIGTERM/SIGINT.
//   - SIGTERM, SIGINT: clean shutdown (Daemon::stop: inputs, engine, executor with its
//     Shell children, MIDI ports, plugins, the X connection), exit 0;
//   - SIGHUP: reload the config (a bad one keeps the old mappings; the error is logged);
//   - sd_notify READY/RELOADING/STOPPING and the watchdog when run by systemd.
// Signals are taken through a signalfd: they are blocked in every thread (the mask is set
// before any thread starts) and read in the main loop, so no handler runs at a random
// place.
#pragma once

#include <functional>
#include <string>

#include "daemon/daemon.h"

namespace midimon::daemon {

// $XDG_CONFIG_HOME/midimon/config.toml ($HOME/.config when XDG_CONFIG_HOME is unset).
std::string default_config_path();

struct RunOptions {
  std::string config_path;  // empty: default_config_path()
  bool watch_config = true;
  bool print_only_desktop = false;
  std::string socket_path;  // empty: $XDG_RUNTIME_DIR/midimon/midimon.sock
};

// Returns the exit code: 0 after a signal-driven shutdown, 1 when the config cannot be
// loaded at start (every error printed to stderr as file:line:column: sentence) or the
// signals cannot be set up.
int run_daemon(const RunOptions& options);

}  // namespace midimon::daemon
