// One test's private world for the daemon's end-to-end test: a temporary directory (the
// config, the XDG directories, the files actions write), a jackd (dummy driver) and an
// Xvfb started by the test and stopped by PID, the test's own X client with a focused
// window, and `midimon run` as a child process. Every process started here is stopped by
// PID when the world goes away, also when a test fails half-way.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <fcntl.h>  // before child_process.h, which uses O_* without including it

#include "child_process.h"  // tests/midi/e2e
#include "jack_server.h"    // tests/midi/e2e
#include "test_window.h"    // tests/desktop
#include "xvfb_server.h"    // tests/desktop

namespace midimon::daemon::e2e {

using midi::e2e::ChildProcess;
using Clock = std::chrono::steady_clock;

// Polls `condition` every few milliseconds until it holds or `timeout` passes.
bool wait_until(const std::function<bool()>& condition, Clock::duration timeout);

class DaemonWorld {
 public:
  // kJackLater: JACK_DEFAULT_SERVER names this world's server, which start_jack() starts.
  enum Jack { kJackAtOnce, kJackLater };
  explicit DaemonWorld(Jack jack = kJackAtOnce);
  ~DaemonWorld();
  DaemonWorld(const DaemonWorld&) = delete;
  DaemonWorld& operator=(const DaemonWorld&) = delete;

  // Empty when jackd, Xvfb and the X client are up; else what failed.
  const std::string& setup_error() const { return setup_error_; }

  // Starts the world's jackd (kJackLater); true once jack_lsp answers.
  bool start_jack();
  std::string jack_log() const { return jack_ ? jack_->log() : ""; }

  const std::filesystem::path& dir() const { return dir_; }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  const std::string& config_path() const { return config_path_; }

  // Writes the config (atomically: a temporary file renamed over it, as editors do).
  void write_config(const std::string& toml);
  // Installs the notes-to-file example plugin into this world's XDG data directory and
  // grants it `filesystem`; false (and `error`) when a step fails.
  bool install_notes_plugin(std::string* error);
  // Where notes-to-file writes (its /data directory).
  std::string notes_file() const;

  // Starts `midimon run --config <config>` (stderr to daemon.log).
  void start_daemon();
  ChildProcess* daemon() { return daemon_.get(); }
  std::string daemon_log() const;

  // jack_midiseq NAME LOOP_SAMPLES (START NOTE LENGTH)...: loops the notes forever.
  // True once its port NAME:out is listed (a client that could not open is restarted).
  bool start_midiseq(const std::string& name, const std::vector<int>& triples,
                     int loop_samples = 24000);
  void stop_midiseq() { midiseq_.reset(); }
  // jack_midi_dump CLIENT (line-buffered through stdbuf) writing to midi_dump.txt; true
  // once CLIENT:input is listed.
  bool start_midi_dump(const std::string& client);
  std::string midi_dump_text() const;

  // Runs midimonctl with ARGS (the world's XDG_RUNTIME_DIR); its exit code and stdout.
  int ctl(const std::vector<std::string>& args, std::string* out);

  desktop::testing::TestClient& x() { return *x_; }
  const std::string& display() const { return xvfb_->display(); }
  unsigned long window() const { return window_; }  // the focused "Terminal" window

  // Waits for a KeyPress of `keysym` in any of the test client's windows.
  bool wait_for_key(unsigned long keysym, Clock::duration timeout);

 private:
  bool start_jack_client(std::unique_ptr<ChildProcess>& slot, const std::vector<std::string>& argv,
                         const std::string& port, const std::string& log);

  std::filesystem::path dir_;
  std::string config_path_;
  std::string setup_error_;
  std::unique_ptr<midi::e2e::JackServer> jack_;
  std::unique_ptr<desktop::testing::XvfbServer> xvfb_;
  std::unique_ptr<desktop::testing::TestClient> x_;
  unsigned long window_ = 0;
  std::unique_ptr<ChildProcess> daemon_;
  std::unique_ptr<ChildProcess> midiseq_;
  std::unique_ptr<ChildProcess> midi_dump_;
};

// The file's contents ("" when missing).
std::string read_file(const std::string& path);

}  // namespace midimon::daemon::e2e
