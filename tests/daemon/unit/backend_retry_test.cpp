// The backend retry through the real Daemon, without JACK: DaemonOptions::open_backend is
// a test opener that fails a few times (as when jackd is not up yet) and then hands out a
// fake backend. The daemon keeps trying while no backend is open, installs the one that
// opens as a reload would (inputs per the config's devices, label, MIDI out), stops
// trying once it has one, logs a reason only when it changes, and stop() ends the retry
// at once, also with a long interval.
#include <gtest/gtest.h>

#include <atomic>

#include "actions/printing_desktop.h"
#include "daemon/daemon.h"
#include "fake_backend.h"
#include "test_support.h"

namespace midimon::daemon {
namespace {

using namespace std::chrono_literals;
using midi::testing::FakeBackend;
using testing::RecordingLog;
using testing::TempDir;
using testing::wait_until;
using testing::write_file;

const char* kPadsConfig = R"([[devices]]
name = "pads"
port = "pads:out"
backend = "jack"

[[modes]]
name = "Default"

[[modes.mappings]]
trigger = { type = "Note", note = 60, device = "pads" }
action = { type = "SendMidi", port = "synth:in", message_type = "CC", channel = 0, controller = 7, value = 7 }
)";

// Fails with reasons[i] on attempt i while i < reasons.size(), then opens a fake backend
// whose state the test keeps (`shared`).
struct Opener {
  std::vector<std::string> reasons;
  std::atomic<int> calls{0};
  std::atomic<int> opened{0};
  std::shared_ptr<FakeBackend::Shared> shared;
  std::mutex mutex;
  std::vector<midi::BackendChoice> choices;

  midi::Result<std::unique_ptr<midi::Backend>> open(midi::BackendChoice choice) {
    const int n = calls++;
    {
      std::lock_guard lock(mutex);
      choices.push_back(choice);
    }
    if (static_cast<std::size_t>(n) < reasons.size()) return midi::Error{reasons[n]};
    auto backend = std::make_unique<FakeBackend>();
    backend->shared = shared;
    ++opened;
    return std::unique_ptr<midi::Backend>(std::move(backend));
  }
};

struct Fixture {
  MemoryPluginSettings settings;
  TempDir dir;
  std::string config = dir.file("config.toml");
  Opener opener;
  RecordingLog log;
  actions::PrintingDesktop desktop;
  std::unique_ptr<Daemon> daemon;

  Fixture(std::vector<std::string> reasons, std::chrono::milliseconds interval,
          const std::string& text = kPadsConfig, std::vector<uint8_t> pads_play_on_open = {}) {
    opener.reasons = std::move(reasons);
    opener.shared = std::make_shared<FakeBackend::Shared>();
    opener.shared->sources = {{"pads:out", "1"}};
    if (!pads_play_on_open.empty()) opener.shared->play_on_open["pads:out"] = std::move(pads_play_on_open);
    opener.shared->destinations = {{"synth:in", "2"}};
    write_file(config, text);
    DaemonOptions options = testing::test_options(config, log, settings);
    options.input = DaemonOptions::Input::Devices;
    options.open_backend = [this](midi::BackendChoice choice) { return opener.open(choice); };
    options.backend_retry_interval = interval;
    options.device_poll_interval = std::chrono::hours(1);
    options.desktop = &desktop;  // MIDI out: the backend's (BackendMidiOut), so it moves over
    daemon = testing::start_daemon(std::move(options));
  }
  bool input_open() {
    std::lock_guard lock(opener.shared->mutex);
    return opener.shared->open_inputs.count("pads:out") > 0;
  }
  std::size_t sent() {
    std::lock_guard lock(opener.shared->mutex);
    return opener.shared->sent.size();
  }
  std::size_t lines_with(std::string_view text) const {
    std::size_t n = 0;
    for (const auto& l : log.lines()) n += l.find(text) != std::string::npos;
    return n;
  }
};

TEST(BackendRetry, RetriesUntilTheBackendOpensThenInstallsItAsAReloadWould) {
  const std::string why = "no JACK server is running (server 'default')";
  Fixture f({why, why, why, why}, 20ms);
  ASSERT_TRUE(f.daemon);
  // The first attempt (at start) failed: no backend, and status says why.
  ASSERT_TRUE(wait_until([&] { return f.daemon->status().input_backend == "jack"; }))
      << "never connected; status: " << f.daemon->status().input_backend;
  EXPECT_EQ(f.opener.calls.load(), 5);  // at start + 4 retries, the last one opened it
  EXPECT_EQ(f.opener.opened.load(), 1);
  EXPECT_EQ(f.opener.choices.back(), midi::BackendChoice::Jack);  // what the config asks for

  // Installed as a reload installs a new backend: the config's device is connected, the
  // action's SendMidi goes out through it.
  ASSERT_TRUE(wait_until([&] { return f.input_open(); }));
  DaemonStatus status = f.daemon->status();
  ASSERT_FALSE(status.devices.empty());
  bool pads_connected = false;
  for (const auto& d : status.devices) pads_connected |= d.name == "pads" && d.connected;
  EXPECT_TRUE(pads_connected);
  midi::RawInputCallback play;
  {
    std::lock_guard lock(f.opener.shared->mutex);
    play = f.opener.shared->open_inputs.at("pads:out");
  }
  const uint8_t note[] = {0x90, 60, 100};
  play(note, sizeof note);
  ASSERT_TRUE(f.daemon->wait_idle(5s));
  EXPECT_TRUE(wait_until([&] { return f.sent() == 1; })) << "the mapped SendMidi never went out";

  // The log: the reason once (at start), one line when it connected, nothing per attempt.
  EXPECT_EQ(f.lines_with("no MIDI backend: " + why), 1u);
  EXPECT_EQ(f.lines_with("still no MIDI backend"), 0u);
  EXPECT_EQ(f.lines_with("MIDI backend: jack (connected after"), 1u);
  EXPECT_EQ(f.lines_with("MIDI backend is now"), 0u);

  // Once open, no more attempts: the retry thread ends, and calls nothing after that.
  EXPECT_TRUE(wait_until([&] { return !f.daemon->backend_retry_running(); })) << "the retry goes on";
  EXPECT_EQ(f.opener.calls.load(), 5);
}

// A note that arrives the moment the device connects (a pad held while JACK comes up)
// is already read with the config's device map: it fires the mapping for "pads".
TEST(BackendRetry, TheFirstMessageAfterConnectingIsMappedToItsDevice) {
  for (int round = 0; round < 20; ++round) {  // the race it guards against is narrow
    Fixture f({"no JACK server is running"}, 1ms, kPadsConfig, {0x90, 60, 100});
    ASSERT_TRUE(f.daemon);
    ASSERT_TRUE(wait_until([&] { return !f.daemon->backend_retry_running(); })) << "the retry goes on";
    ASSERT_TRUE(f.input_open());
    ASSERT_TRUE(f.daemon->wait_idle(5s));
    ASSERT_TRUE(wait_until([&] { return f.sent() == 1; }))
        << "round " << round << ": the note played as the device connected fired nothing";
  }
}

TEST(BackendRetry, LogsTheReasonOnlyWhenItChanges) {
  Fixture f({"reason A", "reason A", "reason A", "reason B", "reason B", "reason B"}, 10ms);
  ASSERT_TRUE(f.daemon);
  ASSERT_TRUE(wait_until([&] { return f.daemon->status().input_backend == "jack"; }));
  // The status says "jack" as soon as the backend is installed; the "connected after" line
  // comes after that, on the retry thread, which ends once it has written it.
  ASSERT_TRUE(wait_until([&] { return !f.daemon->backend_retry_running(); })) << "the retry goes on";
  EXPECT_EQ(f.lines_with("no MIDI backend: reason A"), 1u);
  EXPECT_EQ(f.lines_with("still no MIDI backend: reason A"), 0u);
  EXPECT_EQ(f.lines_with("still no MIDI backend: reason B"), 1u);
  EXPECT_EQ(f.lines_with("connected after"), 1u);
}

TEST(BackendRetry, StatusGivesTheCurrentReasonWhileRetrying) {
  std::vector<std::string> reasons(3, "reason A");
  reasons.resize(10000, "reason B");
  Fixture f(reasons, 10ms);
  ASSERT_TRUE(f.daemon);
  EXPECT_TRUE(wait_until([&] { return f.daemon->status().input_backend == "none: reason B"; }))
      << f.daemon->status().input_backend;
  EXPECT_TRUE(f.daemon->status().devices.empty());
}

TEST(BackendRetry, StopEndsTheRetryPromptlyWhateverTheInterval) {
  for (auto interval : {std::chrono::milliseconds(5), std::chrono::milliseconds(3600 * 1000)}) {
    Fixture f(std::vector<std::string>(10000, "no JACK server is running"), interval);
    ASSERT_TRUE(f.daemon);
    if (interval.count() < 100) {
      ASSERT_TRUE(wait_until([&] { return f.opener.calls.load() >= 3; })) << "it does not retry";
    }
    const auto before = std::chrono::steady_clock::now();
    f.daemon->stop();
    const auto took = std::chrono::steady_clock::now() - before;
    EXPECT_LT(took, 1s) << "interval " << interval.count() << " ms";
    EXPECT_FALSE(f.daemon->backend_retry_running()) << "stop() left the retry running";
    EXPECT_EQ(f.lines_with("connected after"), 0u);
  }
}

TEST(BackendRetry, AReloadThatOpensTheBackendEndsTheRetry) {
  // A long interval: only the reload can open it.
  Fixture f({"no JACK server is running"}, std::chrono::milliseconds(3600 * 1000));
  ASSERT_TRUE(f.daemon);
  EXPECT_EQ(f.daemon->status().input_backend, "none: no JACK server is running");
  ReloadResult r = f.daemon->reload();
  ASSERT_TRUE(r.ok) << (r.errors.empty() ? "" : r.errors[0]);
  EXPECT_EQ(f.daemon->status().input_backend, "jack");
  EXPECT_TRUE(f.input_open());
  EXPECT_EQ(f.opener.calls.load(), 2);
  const auto before = std::chrono::steady_clock::now();
  f.daemon->stop();
  EXPECT_LT(std::chrono::steady_clock::now() - before, 1s);
  EXPECT_EQ(f.lines_with("connected after"), 0u);  // the reload's own line said it
  EXPECT_EQ(f.lines_with("MIDI backend is now jack"), 1u);
}

TEST(BackendRetry, NoRetryWithAnInjectedBackendOrTheInProcessInput) {
  MemoryPluginSettings settings;
  TempDir dir;
  const std::string config = dir.file("config.toml");
  write_file(config, kPadsConfig);
  RecordingLog log;
  actions::PrintingDesktop desktop;
  std::atomic<int> calls{0};
  auto opener = [&](midi::BackendChoice) -> midi::Result<std::unique_ptr<midi::Backend>> {
    ++calls;
    return midi::Error{"not wanted"};
  };
  FakeBackend injected;
  {
    DaemonOptions options = testing::test_options(config, log, settings);  // in-process
    options.open_backend = opener;
    options.backend_retry_interval = 5ms;
    options.desktop = &desktop;
    auto daemon = testing::start_daemon(std::move(options));
    ASSERT_TRUE(daemon);
    EXPECT_FALSE(daemon->backend_retry_running());  // start() decides; it would be running now
    EXPECT_EQ(daemon->status().input_backend, "in-process");
  }
  {
    DaemonOptions options = testing::test_options(config, log, settings);
    options.input = DaemonOptions::Input::Devices;
    options.backend = &injected;
    options.open_backend = opener;
    options.backend_retry_interval = 5ms;
    options.desktop = &desktop;
    auto daemon = testing::start_daemon(std::move(options));
    ASSERT_TRUE(daemon);
    EXPECT_FALSE(daemon->backend_retry_running());
    EXPECT_EQ(daemon->status().input_backend, "jack");
  }
  EXPECT_EQ(calls.load(), 0);
  EXPECT_FALSE(log.contains("trying again"));
}

}  // namespace
}  // namespace midimon::daemon
