// gtest before Xlib (daemon_world.h), whose macros (None, Bool) break gtest's headers.
#include <gtest/gtest.h>

#include "daemon_world.h"

#include <stdlib.h>
#include <sys/stat.h>

#include <X11/Xutil.h>

#include <fstream>
#include <sstream>
#include <thread>

namespace midimon::daemon::e2e {
namespace {

#ifdef MIDIMON_CLI
constexpr const char* kMidimon = MIDIMON_CLI;
#else
constexpr const char* kMidimon = "";
#endif
#ifdef MIDIMONCTL_CLI
constexpr const char* kMidimonctl = MIDIMONCTL_CLI;
#else
constexpr const char* kMidimonctl = "";
#endif

std::string quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out + "'";
}

}  // namespace

bool wait_until(const std::function<bool()>& condition, Clock::duration timeout) {
  const auto deadline = Clock::now() + timeout;
  while (!condition()) {
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

DaemonWorld::DaemonWorld(Jack jack) {
  char tmpl[] = "/tmp/midimon-daemon-e2e-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) {
    setup_error_ = "mkdtemp failed";
    return;
  }
  dir_ = tmpl;
  for (const char* sub : {"config", "data", "state", "run"}) {
    std::filesystem::create_directories(dir_ / sub);
  }
  ::chmod((dir_ / "run").c_str(), 0700);
  setenv("XDG_CONFIG_HOME", (dir_ / "config").c_str(), 1);
  setenv("XDG_DATA_HOME", (dir_ / "data").c_str(), 1);
  setenv("XDG_STATE_HOME", (dir_ / "state").c_str(), 1);
  setenv("XDG_RUNTIME_DIR", (dir_ / "run").c_str(), 1);
  config_path_ = path("config/midimon/config.toml");
  std::filesystem::create_directories(dir_ / "config/midimon");

  // Sets JACK_DEFAULT_SERVER (also when the server starts later).
  jack_ = std::make_unique<midi::e2e::JackServer>(midi::e2e::JackServer::Later{});
  if (jack == kJackAtOnce) jack_->start();
  if (jack == kJackAtOnce && !jack_->ready()) {
    setup_error_ = "jackd (Debian package jackd2) did not start:\n" + jack_->log();
    return;
  }
  std::string error;
  xvfb_ = desktop::testing::XvfbServer::start(&error);
  if (!xvfb_) {
    setup_error_ = "Xvfb (Debian package xvfb): " + error;
    return;
  }
  setenv("DISPLAY", xvfb_->display().c_str(), 1);
  x_ = std::make_unique<desktop::testing::TestClient>(xvfb_->display());
  if (!x_->ok()) {
    setup_error_ = "cannot open the test's X connection to " + xvfb_->display();
    return;
  }
  // The window keystrokes must reach: focused, and the active one as a WM would say.
  window_ = x_->create_window(0, 0, 200, 200, "term", "Terminal", "a terminal");
  x_->focus(window_);
  x_->set_active_window(window_);
}

DaemonWorld::~DaemonWorld() {
  // Order: our clients before the servers they talk to.
  daemon_.reset();
  midiseq_.reset();
  midi_dump_.reset();
  x_.reset();
  xvfb_.reset();
  jack_.reset();
  if (!dir_.empty() && !::testing::Test::HasFailure()) {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
}

bool DaemonWorld::start_jack() {
  jack_->start();
  return jack_->ready();
}

void DaemonWorld::write_config(const std::string& toml) {
  const std::string tmp = config_path_ + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << toml;
  }
  std::filesystem::rename(tmp, config_path_);
}

bool DaemonWorld::install_notes_plugin(std::string* error) {
  if (*kMidimon == '\0') {
    *error = "the midimon CLI target was not built";
    return false;
  }
  const std::string log = path("plugin-admin.log");
  if (midi::e2e::run_command({kMidimon, "plugin", "install", MIDIMON_E2E_PLUGIN_SRC},
                             std::chrono::seconds(20), log) != 0 ||
      midi::e2e::run_command({kMidimon, "plugin", "grant", "notes-to-file", "filesystem"},
                             std::chrono::seconds(20), log) != 0) {
    *error = "midimon plugin install/grant failed:\n" + read_file(log);
    return false;
  }
  return true;
}

std::string DaemonWorld::notes_file() const {
  return path("data/midimon/plugin-data/notes-to-file/notes.txt");
}

void DaemonWorld::start_daemon() {
  daemon_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{kMidimon, "run", "--config", config_path_}, path("daemon.log"));
}

std::string DaemonWorld::daemon_log() const { return read_file(path("daemon.log")); }

// A JACK client of the test (jack_midiseq, jack_midi_dump) counts as started once its port
// is listed. Under load its jack_client_open can time out ("Cannot open ... client"): the
// process then exits and is started again, until the deadline.
bool DaemonWorld::start_jack_client(std::unique_ptr<ChildProcess>& slot,
                                    const std::vector<std::string>& argv,
                                    const std::string& port, const std::string& log) {
  const auto deadline = Clock::now() + std::chrono::seconds(15);
  while (Clock::now() < deadline) {
    slot = std::make_unique<ChildProcess>(argv, log);
    while (Clock::now() < deadline && !slot->exited()) {
      if (midi::e2e::command_output("jack_lsp 2>/dev/null").find(port) != std::string::npos) {
        return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  return false;
}

bool DaemonWorld::start_midiseq(const std::string& name, const std::vector<int>& triples,
                                int loop_samples) {
  std::vector<std::string> argv{"jack_midiseq", name, std::to_string(loop_samples)};
  for (int v : triples) argv.push_back(std::to_string(v));
  return start_jack_client(midiseq_, argv, name + ":out", path("midiseq.log"));
}

bool DaemonWorld::start_midi_dump(const std::string& client) {
  return start_jack_client(midi_dump_, {"stdbuf", "-oL", "jack_midi_dump", client},
                           client + ":input", path("midi_dump.txt"));
}

std::string DaemonWorld::midi_dump_text() const { return read_file(path("midi_dump.txt")); }

int DaemonWorld::ctl(const std::vector<std::string>& args, std::string* out) {
  if (*kMidimonctl == '\0') {
    *out = "the midimonctl target was not built";
    return -1;
  }
  std::string line = quoted(kMidimonctl);
  for (const auto& a : args) line += " " + quoted(a);
  line += " 2>&1; echo \"exit=$?\"";
  std::string text = midi::e2e::command_output(line);
  int rc = -1;
  const auto at = text.rfind("exit=");
  if (at != std::string::npos) {
    rc = std::atoi(text.c_str() + at + 5);
    text.erase(at);
  }
  *out = text;
  return rc;
}

bool DaemonWorld::wait_for_key(unsigned long keysym, Clock::duration timeout) {
  bool seen = false;
  x_->collect(
      [&](const std::vector<XEvent>& events) {
        for (auto e : events) {
          if (e.type == KeyPress && desktop::testing::keysym_of(e) == keysym) seen = true;
        }
        return seen;
      },
      std::chrono::duration_cast<std::chrono::milliseconds>(timeout));
  return seen;
}

}  // namespace midimon::daemon::e2e
