// Helpers of the daemon unit tests: temp dirs, config files, fakes for the world the
// daemon acts on, and waiting on a condition with a deadline (never sleep-and-hope).
#pragma once

#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "actions/action_env.h"
#include "actions/printing_desktop.h"
#include "daemon/daemon.h"
#include "daemon/daemon_services.h"

namespace midimon::daemon::testing {

class TempDir {
 public:
  TempDir() {
    std::string templ = (std::filesystem::temp_directory_path() / "midimon-daemon-test-XXXXXX").string();
    if (mkdtemp(templ.data())) path_ = templ;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

inline void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
}

// Polls `condition` until it holds or `timeout` passes; the deadline bounds the test.
inline bool wait_until(const std::function<bool()>& condition,
                       std::chrono::milliseconds timeout = std::chrono::milliseconds(5000)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

// Records every SendMidi instead of sending it.
class RecordingMidiOut final : public actions::MidiOut {
 public:
  actions::Outcome send(std::string_view port, std::span<const uint8_t> bytes) override {
    std::lock_guard lock(mutex_);
    sent_.push_back(std::string(port) + ": " + hex_bytes(bytes));
    return actions::Outcome::success("recorded");
  }
  std::vector<std::string> sent() const {
    std::lock_guard lock(mutex_);
    return sent_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> sent_;
};

// Collects log lines (and keeps the test output quiet).
class RecordingLog final : public actions::Logger {
 public:
  void log(actions::LogLevel level, std::string_view message) override {
    std::lock_guard lock(mutex_);
    lines_.push_back(std::string(actions::log_level_name(level)) + ": " + std::string(message));
  }
  std::vector<std::string> lines() const {
    std::lock_guard lock(mutex_);
    return lines_;
  }
  bool contains(std::string_view text) const {
    std::lock_guard lock(mutex_);
    for (const auto& l : lines_) {
      if (l.find(text) != std::string::npos) return true;
    }
    return false;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> lines_;
};

// Options for a daemon under test: `config`, the in-process input, no file or focus
// watcher, the test's log and grants (both must outlive the daemon). The test adds the
// desktop, MIDI out, backend... it needs.
inline DaemonOptions test_options(const std::string& config, RecordingLog& log, MemoryPluginSettings& grants) {
  DaemonOptions options;
  options.config_path = config;
  options.input = DaemonOptions::Input::InProcess;
  options.logger = &log;
  options.watch_config = false;
  options.watch_focus = false;
  options.plugin_settings = &grants;
  return options;
}

// Creates and starts a daemon; a config that does not load is a test failure (null).
inline std::unique_ptr<Daemon> start_daemon(DaemonOptions options) {
  std::string error;
  std::unique_ptr<Daemon> daemon = Daemon::create(std::move(options), &error);
  EXPECT_TRUE(daemon) << error;
  if (daemon) daemon->start();
  return daemon;
}

// A started daemon on `config_text` (written to config.toml in a temp dir), with the
// in-process input, a printing desktop and recorded MIDI out and log.
struct DaemonFixture {
  MemoryPluginSettings settings;  // before the daemon: it must outlive it
  TempDir dir;
  std::string config = dir.file("config.toml");
  RecordingMidiOut midi;
  RecordingLog log;
  actions::PrintingDesktop desktop;
  std::unique_ptr<Daemon> daemon;

  // `before_start` may adjust the options or lay out files in `dir` first.
  using BeforeStart = std::function<void(DaemonFixture&, DaemonOptions&)>;
  explicit DaemonFixture(const std::string& config_text, const BeforeStart& before_start = {}) {
    write_file(config, config_text);
    DaemonOptions options = test_options(config, log, settings);
    options.desktop = &desktop;
    options.midi_out = &midi;
    if (before_start) before_start(*this, options);
    daemon = start_daemon(std::move(options));
  }
  // Sends the bytes through the in-process input and waits until their actions ran.
  void send(std::initializer_list<uint8_t> bytes) {
    daemon->in_process_input()->send_bytes(std::vector<uint8_t>(bytes));
    ASSERT_TRUE(daemon->wait_idle(std::chrono::seconds(5)));
  }
  // How many times `line` was sent to MIDI out.
  std::size_t count(const std::string& line) const {
    std::size_t n = 0;
    for (const auto& s : midi.sent()) n += s == line;
    return n;
  }
};

}  // namespace midimon::daemon::testing
