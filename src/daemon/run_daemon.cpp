#include "daemon/run_daemon.h"

#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "daemon/crash_report.h"
#include "daemon/daemon_control.h"
#include "daemon/daemon_log.h"
#include "daemon/ipc_server.h"
#include "daemon/service_notify.h"

namespace midimon::daemon {

std::string default_config_path() {
  const char* xdg = std::getenv("XDG_CONFIG_HOME");
  if (xdg && *xdg == '/') return std::string(xdg) + "/midimon/config.toml";
  const char* home = std::getenv("HOME");
  return std::string(home && *home ? home : ".") + "/.config/midimon/config.toml";
}

int run_daemon(const RunOptions& options) {
  DaemonLog& log = DaemonLog::standard();
  install_crash_report(STDERR_FILENO);  // a fault says where in the log (the journal) first
  // Before any thread exists, so every thread inherits the mask and only the signalfd
  // sees these signals.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  if (pthread_sigmask(SIG_BLOCK, &signals, nullptr) != 0) {
    log.log(actions::LogLevel::Error, "cannot block signals");
    return 1;
  }
  int sfd = signalfd(-1, &signals, SFD_CLOEXEC);
  if (sfd < 0) {
    log.log(actions::LogLevel::Error, std::string("signalfd: ") + std::strerror(errno));
    return 1;
  }
  signal(SIGPIPE, SIG_IGN);  // a peer that hangs up on a socket or pipe is an error, not death

  DaemonOptions daemon_options;
  daemon_options.config_path = options.config_path.empty() ? default_config_path() : options.config_path;
  daemon_options.watch_config = options.watch_config;
  daemon_options.print_only_desktop = options.print_only_desktop;
  std::string error;
  std::unique_ptr<Daemon> daemon = Daemon::create(daemon_options, &error);
  if (!daemon) {
    std::fprintf(stderr, "midimon: cannot start: the config has errors:\n%s\n", error.c_str());
    close(sfd);
    return 1;
  }
  // The config's [logging] level is applied by the daemon (at start and on every reload).
  daemon->start();

  // The control socket. Without it the daemon still runs (MIDI and actions need no IPC);
  // the log says why midimonctl cannot reach it.
  DaemonControl control(*daemon, [] { kill(getpid(), SIGTERM); });  // the loop below stops
  IpcServerOptions ipc_options;
  ipc_options.socket_path = options.socket_path;
  std::string ipc_error;
  std::unique_ptr<IpcServer> ipc = IpcServer::start(control, ipc_options, &ipc_error);
  if (ipc) {
    log.log(actions::LogLevel::Info, "control socket " + ipc->socket_path());
  } else {
    log.log(actions::LogLevel::Error, "no control socket: " + ipc_error);
  }
  notify_ready();

  std::optional<std::chrono::milliseconds> watchdog = watchdog_ping_interval();
  if (watchdog) notify_watchdog();
  for (;;) {
    pollfd pfd{sfd, POLLIN, 0};
    int ready = poll(&pfd, 1, watchdog ? static_cast<int>(watchdog->count()) : -1);
    if (ready < 0 && errno != EINTR) break;
    if (watchdog) notify_watchdog();  // the main loop is alive; a wedged one stops pinging
    if (ready <= 0) continue;
    signalfd_siginfo info{};
    if (read(sfd, &info, sizeof info) != static_cast<ssize_t>(sizeof info)) continue;
    if (info.ssi_signo == SIGHUP) {
      log.log(actions::LogLevel::Info, "SIGHUP: reloading");
      notify_reloading();
      daemon->reload();
      notify_ready();
      continue;
    }
    log.log(actions::LogLevel::Info,
            std::string(info.ssi_signo == SIGTERM ? "SIGTERM" : "SIGINT") + ": stopping");
    break;
  }
  notify_stopping();
  if (ipc) ipc->stop();  // first: no request may reach a daemon that is stopping
  daemon->stop();
  daemon.reset();
  close(sfd);
  return 0;
}

}  // namespace midimon::daemon
