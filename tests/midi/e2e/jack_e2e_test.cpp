// End to end against a real JACK server (jackd's dummy driver, started by each test) and
// a MIDI client this project did not write (jack_midiseq, which loops a note sequence).
// No fixed sleeps: every wait is on a condition with a deadline.
#include <gtest/gtest.h>

#include <fcntl.h>

#include <jack/jack.h>

#include <algorithm>
#include <condition_variable>
#include <mutex>

#include "jack_server.h"
#include "midi/device_inputs.h"
#include "midi/rtmidi_backend.h"

namespace midimon::midi::e2e {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

// jack_midiseq NAME 24000 0 60 8000 12000 63 8000: a loop with note 60 at its start and
// note 63 half-way, each held for 8000 samples; its port is NAME:out.
std::unique_ptr<ChildProcess> start_midiseq(const std::string& name) {
  return std::make_unique<ChildProcess>(
      std::vector<std::string>{"jack_midiseq", name, "24000", "0", "60", "8000", "12000", "63",
                               "8000"},
      "/dev/null");
}

// Collects what the pipeline delivers: messages from the queue (drained by a thread, as
// the engine would) and device events.
class Sink {
 public:
  explicit Sink(InputQueue& queue) : queue_(queue) {
    drainer_ = std::thread([this] {
      while (!stop_) {
        auto m = queue_.wait_pop(Clock::now() + 50ms);
        if (!m) continue;
        std::lock_guard lock(mutex_);
        messages_.push_back(std::move(*m));
        changed_.notify_all();
      }
    });
  }
  ~Sink() {
    stop_ = true;
    queue_.wake();
    drainer_.join();
  }
  DeviceInputsOptions options() {
    DeviceInputsOptions o;
    o.poll_interval = 100ms;
    o.events = [this](const DeviceEvent& e) {
      std::lock_guard lock(mutex_);
      events_.push_back(e);
      changed_.notify_all();
    };
    return o;
  }
  // Waits until `pred(messages, events)` holds or the deadline passes.
  template <class Pred>
  bool wait_for(Pred pred, Clock::duration timeout) {
    std::unique_lock lock(mutex_);
    return changed_.wait_until(lock, Clock::now() + timeout,
                               [&] { return pred(messages_, events_); });
  }
  size_t message_count() {
    std::lock_guard lock(mutex_);
    return messages_.size();
  }
  size_t count_events(DeviceEventKind kind) {
    std::lock_guard lock(mutex_);
    return static_cast<size_t>(std::count_if(events_.begin(), events_.end(),
                                             [kind](const DeviceEvent& e) { return e.kind == kind; }));
  }

 private:
  InputQueue& queue_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<Message> messages_;
  std::vector<DeviceEvent> events_;
  std::atomic<bool> stop_{false};
  std::thread drainer_;
};

bool saw(const std::vector<Message>& ms, size_t from, MessageType type, uint8_t note) {
  for (size_t i = from; i < ms.size(); ++i) {
    if (ms[i].type == type && ms[i].data1 == note) return true;
  }
  return false;
}

bool saw_both_notes_on_and_off(const std::vector<Message>& ms, size_t from) {
  return saw(ms, from, MessageType::NoteOn, 60) && saw(ms, from, MessageType::NoteOff, 60) &&
         saw(ms, from, MessageType::NoteOn, 63) && saw(ms, from, MessageType::NoteOff, 63);
}

std::unique_ptr<Backend> jack_backend() {
  BackendOptions options;
  options.client_name = "midimon-e2e";
  auto backend = open_backend(BackendChoice::Jack, options);
  EXPECT_TRUE(backend) << backend.error();
  return backend ? std::move(*backend) : nullptr;
}

// Waits (deadline 10 s) until the backend lists a source named `name`.
bool source_listed_within_10s(Backend& backend, const std::string& name) {
  const auto listed = [&] {
    auto sources = backend.list_sources();
    return sources && std::any_of(sources->begin(), sources->end(),
                                  [&](const PortInfo& p) { return p.name == name; });
  };
  for (const auto deadline = Clock::now() + 10s; !listed() && Clock::now() < deadline;) {
    std::this_thread::sleep_for(20ms);
  }
  return listed();
}

#define REQUIRE_JACK(server) \
  ASSERT_TRUE((server).ready()) << "jackd (Debian package jackd2) did not start:\n" << (server).log()

TEST(MidiJackE2E, DeviceMatchedByNameReceivesJackMidiseqNotes) {
  JackServer server;
  REQUIRE_JACK(server);
  auto backend = jack_backend();
  ASSERT_TRUE(backend);
  InputQueue queue(1024);
  Sink sink(queue);
  DeviceInputs inputs(*backend, queue, sink.options());
  DeviceSpec spec;
  spec.name = "seq";
  spec.pattern = "e2eseq:out";
  spec.match = MatchKind::Exact;
  ASSERT_TRUE(inputs.add_device(spec));
  inputs.start();
  auto seq = start_midiseq("e2eseq");
  ASSERT_TRUE(seq->started());
  EXPECT_TRUE(sink.wait_for(
      [](auto&, auto& events) {
        return !events.empty() && events.back().kind == DeviceEventKind::Connected;
      },
      10s));
  EXPECT_TRUE(sink.wait_for([](auto& ms, auto&) { return saw_both_notes_on_and_off(ms, 0); }, 10s))
      << sink.message_count() << " messages";
  // Nothing but the sequence's notes arrived, all on channel 1 from device 0.
  sink.wait_for(
      [](auto& ms, auto&) {
        for (const Message& m : ms) {
          EXPECT_TRUE(m.type == MessageType::NoteOn || m.type == MessageType::NoteOff)
              << m.to_string();
          EXPECT_TRUE(m.data1 == 60 || m.data1 == 63) << m.to_string();
          EXPECT_EQ(m.channel, 0);
          EXPECT_EQ(m.device, 0);
        }
        return true;
      },
      0s);
  inputs.stop();
}

TEST(MidiJackE2E, SourceThatDisappearsAndReturnsIsReconnectedWithin2s) {
  JackServer server;
  REQUIRE_JACK(server);
  auto backend = jack_backend();
  ASSERT_TRUE(backend);
  InputQueue queue(1024);
  Sink sink(queue);
  DeviceInputs inputs(*backend, queue, sink.options());
  DeviceSpec spec;
  spec.name = "seq";
  spec.pattern = "replug";  // substring
  ASSERT_TRUE(inputs.add_device(spec));
  inputs.start();
  auto seq = start_midiseq("replug");
  ASSERT_TRUE(sink.wait_for([](auto& ms, auto&) { return saw_both_notes_on_and_off(ms, 0); }, 10s));

  seq->stop();  // the source port disappears
  ASSERT_TRUE(sink.wait_for(
      [](auto&, auto& events) {
        return std::any_of(events.begin(), events.end(), [](const DeviceEvent& e) {
          return e.kind == DeviceEventKind::Disconnected;
        });
      },
      5s));
  const size_t before = sink.message_count();

  const auto restarted = Clock::now();
  seq = start_midiseq("replug");
  ASSERT_TRUE(sink.wait_for(
      [](auto&, auto& events) {
        return std::count_if(events.begin(), events.end(), [](const DeviceEvent& e) {
                 return e.kind == DeviceEventKind::Connected;
               }) == 2;
      },
      5s));
  const auto reconnect = Clock::now() - restarted;
  const auto reconnect_ms = std::chrono::duration_cast<std::chrono::milliseconds>(reconnect).count();
  std::printf("reconnected %lld ms after jack_midiseq was restarted\n",
              static_cast<long long>(reconnect_ms));
  EXPECT_LT(reconnect, 2s) << reconnect_ms << " ms";
  EXPECT_TRUE(sink.wait_for(
      [before](auto& ms, auto&) { return saw_both_notes_on_and_off(ms, before); }, 10s))
      << "no notes after the reconnect";
  EXPECT_EQ(sink.count_events(DeviceEventKind::Disconnected), 1u);
  inputs.stop();
}

// Our full JACK name of one of our own ports ("midimon-e2e-01:vin"), read with jack_lsp.
std::string own_port(const std::string& short_name) {
  std::istringstream lines(command_output("jack_lsp"));
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind("midimon-e2e", 0) == 0 && line.size() > short_name.size() + 1 &&
        line.compare(line.size() - short_name.size() - 1, std::string::npos, ":" + short_name) == 0) {
      return line;
    }
  }
  return "";
}

TEST(MidiJackE2E, VirtualInputConnectedWithJackConnectAndOutputsSendBytes) {
  JackServer server;
  REQUIRE_JACK(server);
  auto backend = jack_backend();
  ASSERT_TRUE(backend);
  InputQueue queue(1024);
  Sink sink(queue);
  DeviceInputs inputs(*backend, queue, sink.options());
  auto vin = inputs.add_virtual_input("vin");
  ASSERT_TRUE(vin) << vin.error();
  const std::string vin_port = own_port("vin");
  ASSERT_FALSE(vin_port.empty());

  // A foreign client connected by jack_connect.
  auto seq = start_midiseq("vseq");
  const auto deadline = Clock::now() + 10s;
  int rc = -1;
  while (Clock::now() < deadline &&
         (rc = run_command({"jack_connect", "vseq:out", vin_port}, 5s, "/dev/null")) != 0) {
    std::this_thread::sleep_for(20ms);
  }
  ASSERT_EQ(rc, 0) << "jack_connect vseq:out " << vin_port;
  ASSERT_TRUE(sink.wait_for([](auto& ms, auto&) { return saw_both_notes_on_and_off(ms, 0); }, 10s));
  seq.reset();

  // Our own output, opened by name, into our virtual input: a SysEx and a CC arrive whole.
  auto out = backend->open_output(vin_port, "out");
  ASSERT_TRUE(out) << out.error();
  const size_t before = sink.message_count();
  const std::vector<uint8_t> sysex = {0xF0, 0x7D, 1, 2, 3, 0xF7};
  const std::vector<uint8_t> cc = {0xB3, 7, 99};
  // JACK applies a new connection from a later process cycle: what is sent in the very
  // cycle of the open may be dropped, so send again (every 200 ms) until it arrives.
  const auto arrived = [&](auto& ms, auto&) {
    bool got_sysex = false, got_cc = false;
    for (size_t i = before; i < ms.size(); ++i) {
      got_sysex |= ms[i].type == MessageType::SysEx && *ms[i].sysex == sysex;
      got_cc |= ms[i].to_string() == "ControlChange ch=4 cc=7 value=99";
    }
    return got_sysex && got_cc;
  };
  bool received = false;
  for (const auto send_deadline = Clock::now() + 10s; !received && Clock::now() < send_deadline;) {
    std::string error;
    ASSERT_TRUE((*out)->send(sysex.data(), sysex.size(), &error)) << error;
    ASSERT_TRUE((*out)->send(cc.data(), cc.size(), &error)) << error;
    received = sink.wait_for(arrived, 200ms);
  }
  EXPECT_TRUE(received);

  // A virtual output appears as a port others can read, but not in our own source list.
  auto vout = backend->open_virtual_output("vout");
  ASSERT_TRUE(vout) << vout.error();
  EXPECT_FALSE(own_port("vout").empty());
  auto sources = backend->list_sources();
  ASSERT_TRUE(sources);
  for (const auto& p : *sources) EXPECT_NE(p.name.rfind("midimon-e2e", 0), 0u) << p.name;
}

TEST(MidiJackE2E, OpeningAnAbsentPortIsAnErrorNotAFallback) {
  JackServer server;
  REQUIRE_JACK(server);
  auto backend = jack_backend();
  ASSERT_TRUE(backend);
  auto seq = start_midiseq("present");
  auto in = backend->open_input("absent:out", "in", [](const uint8_t*, size_t) {});
  ASSERT_FALSE(in);
  EXPECT_EQ(in.error(), "no source port named 'absent:out'");
}

// Runs `fn` with file descriptor 2 redirected to a file; returns what was written there.
template <class Fn>
std::string captured_stderr(Fn fn) {
  fflush(stderr);
  const std::string path = "/tmp/midimon-e2e-stderr-" + std::to_string(getpid());
  const int saved = dup(2);
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  dup2(fd, 2);
  close(fd);
  fn();
  fflush(stderr);
  std::cerr.flush();
  dup2(saved, 2);
  close(saved);
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  std::remove(path.c_str());
  return s.str();
}

TEST(MidiJackE2E, NoServerMeansUnavailableAndNothingPrinted) {
  setenv("JACK_DEFAULT_SERVER", "midimon-e2e-no-such-server", 1);
  BackendStatus status;
  std::string error;
  const std::string printed = captured_stderr([&] {
    status = probe_backend(BackendKind::Jack);
    auto backend = open_backend(BackendChoice::Jack);
    if (!backend) error = backend.error();
    auto alsa = open_backend(BackendChoice::Alsa);
    (void)alsa;
  });
  unsetenv("JACK_DEFAULT_SERVER");
  EXPECT_TRUE(status.compiled);
  EXPECT_FALSE(status.available);
  EXPECT_EQ(status.detail, "no JACK server is running (server 'midimon-e2e-no-such-server')");
  EXPECT_EQ(error,
            "no MIDI backend is available (jack: no JACK server is running (server "
            "'midimon-e2e-no-such-server'))");
  EXPECT_EQ(printed, "");
}

TEST(MidiJackE2E, AutoPicksJackWhenItsServerRuns) {
  JackServer server;
  REQUIRE_JACK(server);
  auto backend = open_backend(BackendChoice::Auto);
  ASSERT_TRUE(backend) << backend.error();
  EXPECT_EQ((*backend)->kind(), BackendKind::Jack);
}

}  // namespace
}  // namespace midimon::midi::e2e

namespace midimon::midi::e2e {
namespace {

TEST(MidiJackE2E, ServerThatStopsAndReturnsIsReconnected) {
  JackServer server;
  REQUIRE_JACK(server);
  auto backend = jack_backend();
  ASSERT_TRUE(backend);
  InputQueue queue(1024);
  Sink sink(queue);
  DeviceInputs inputs(*backend, queue, sink.options());
  DeviceSpec spec;
  spec.name = "seq";
  spec.pattern = "srvseq:out";
  spec.match = MatchKind::Exact;
  ASSERT_TRUE(inputs.add_device(spec));
  inputs.start();
  auto seq = start_midiseq("srvseq");
  ASSERT_TRUE(sink.wait_for([](auto& ms, auto&) { return saw_both_notes_on_and_off(ms, 0); }, 10s));

  seq.reset();
  server.stop();
  ASSERT_TRUE(sink.wait_for(
      [](auto&, auto& events) {
        return std::any_of(events.begin(), events.end(), [](const DeviceEvent& e) {
          return e.kind == DeviceEventKind::Disconnected;
        });
      },
      5s));
  server.start();
  REQUIRE_JACK(server);
  const size_t before = sink.message_count();
  seq = start_midiseq("srvseq");
  EXPECT_TRUE(sink.wait_for(
      [before](auto& ms, auto&) { return saw_both_notes_on_and_off(ms, before); }, 10s))
      << "no notes after the server came back";
  EXPECT_EQ(sink.count_events(DeviceEventKind::Connected), 2u);
  inputs.stop();
}

}  // namespace
}  // namespace midimon::midi::e2e

namespace midimon::midi::e2e {
namespace {

TEST(MidiJackE2E, AHotPlugCyclePrintsNothingToStderr) {
  JackServer server;
  REQUIRE_JACK(server);
  bool connected = false, disconnected = false;
  std::vector<std::string> log;
  const std::string printed = captured_stderr([&] {
    auto backend = jack_backend();
    if (!backend) return;
    InputQueue queue(1024);
    Sink sink(queue);
    auto options = sink.options();
    options.log = [&log](LogLevel, std::string_view text) { log.emplace_back(text); };
    DeviceInputs inputs(*backend, queue, options);
    DeviceSpec spec;
    spec.name = "quiet";
    spec.pattern = "quietseq:out";
    if (!inputs.add_device(spec)) return;
    inputs.start();
    auto seq = start_midiseq("quietseq");
    connected = sink.wait_for([](auto& ms, auto&) { return saw_both_notes_on_and_off(ms, 0); }, 10s);
    seq.reset();
    disconnected = sink.wait_for(
        [](auto&, auto& events) { return !events.empty() && events.back().kind == DeviceEventKind::Disconnected; },
        5s);
    inputs.stop();
  });
  EXPECT_TRUE(connected);
  EXPECT_TRUE(disconnected);
  EXPECT_EQ(printed, "");
  // What would have been printed went through the log sink instead.
  const auto logged = [&log](const std::string& part) {
    return std::any_of(log.begin(), log.end(),
                       [&](const std::string& l) { return l.find(part) != std::string::npos; });
  };
  EXPECT_TRUE(logged("device 'quiet' connected to port 'quietseq:out'"));
  EXPECT_TRUE(logged("device 'quiet' disconnected from port 'quietseq:out'"));
}

}  // namespace
}  // namespace midimon::midi::e2e

namespace midimon::midi::e2e {
namespace {

// An input port parked when it is closed (a JACK shutdown was seen since it was opened,
// or libjack was about to delete its client) may still have a running client. The
// port's callback must still never run after its destructor returned: the bytes of the
// source keep arriving at the parked client, and the callback (and what it captures)
// belongs to the caller. Before the fix RtMidi called back into the destroyed port: a
// SIGSEGV on the JACK thread.
TEST(MidiJackE2E, AnInputParkedBecauseTheServerSeemedGoneCallsItsCallbackNoMore) {
  JackServer server;
  REQUIRE_JACK(server);
  auto backend = jack_backend();
  ASSERT_TRUE(backend);
  auto seq = start_midiseq("parkseq");
  ASSERT_TRUE(source_listed_within_10s(*backend, "parkseq:out")) << "parkseq:out never appeared";

  struct Counts {
    std::atomic<int> calls{0};
    std::atomic<bool> closed{false};
    std::atomic<int> after_close{0};
  };
  auto counts = std::make_shared<Counts>();  // outlives the port and anything it leaks
  const auto open = [&] {
    return backend->open_input("parkseq:out", "park", [counts](const uint8_t*, size_t) {
      if (counts->closed) ++counts->after_close;
      ++counts->calls;
    });
  };
  auto in = open();
  ASSERT_TRUE(in) << in.error();
  // Under load a first open has been seen to deliver nothing for 10 s (RtMidi does not
  // check what jack_connect returns): open again if nothing comes.
  for (const auto first = Clock::now() + 20s; counts->calls == 0 && Clock::now() < first;) {
    const auto retry = Clock::now() + 3s;
    while (counts->calls == 0 && Clock::now() < retry) std::this_thread::sleep_for(10ms);
    if (counts->calls > 0) break;
    in->reset();
    in = open();
    ASSERT_TRUE(in) << in.error();
  }
  ASSERT_GT(counts->calls, 0) << "no message from jack_midiseq";

  // A shutdown counted since the port opened parks it, while its client keeps running on
  // the live server.
  detail::count_jack_shutdown();
  in->reset();
  counts->closed = true;
  // jack_midiseq sends a message at least every 170 ms: a second is several of them.
  const auto quiet_until = Clock::now() + 1s;
  while (counts->after_close == 0 && Clock::now() < quiet_until) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(counts->after_close, 0) << "the callback ran after the port was destroyed";
}

}  // namespace
}  // namespace midimon::midi::e2e

namespace midimon::midi::e2e {
namespace {

// A JACK client of the test that records every client registered or unregistered on the
// server, in the order the server announces them.
class ClientWatcher {
 public:
  ClientWatcher() {
    client_ = jack_client_open("e2ewatch", JackNoStartServer, nullptr);
    if (!client_) return;
    jack_set_client_registration_callback(client_, &ClientWatcher::on_client, this);
    if (jack_activate(client_) != 0) {
      jack_client_close(client_);
      client_ = nullptr;
    }
  }
  ~ClientWatcher() {
    if (client_) jack_client_close(client_);
  }
  bool ok() const { return client_ != nullptr; }
  // "+name" for a registration, "-name" for an unregistration.
  std::vector<std::string> seen() {
    std::lock_guard lock(mutex_);
    return seen_;
  }
  // Opens and closes a client named `name` and waits until its registration was announced:
  // the server announces in order, so everything before it has been recorded then.
  bool sync(const std::string& name, Clock::duration timeout) {
    jack_client_t* marker = jack_client_open(name.c_str(), JackNoStartServer, nullptr);
    if (!marker) return false;
    jack_client_close(marker);
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] {
      return std::find(seen_.begin(), seen_.end(), "+" + name) != seen_.end();
    });
  }

 private:
  static void on_client(const char* name, int registered, void* self) {
    auto* watcher = static_cast<ClientWatcher*>(self);
    {
      std::lock_guard lock(watcher->mutex_);
      watcher->seen_.push_back((registered ? "+" : "-") + std::string(name));
    }
    watcher->changed_.notify_all();
  }
  jack_client_t* client_ = nullptr;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::string> seen_;
};

// Closing a port must not open a JACK client. It used to open one ("is the server still
// there?"), and when libjack had seen a shutdown on any of our clients, that open closed
// and deleted every other client of the process, so the port's own close then went
// through a freed client: the daemon's SIGSEGV in jack_port_unregister on SIGTERM, about
// once in a thousand stops (crash report in docs/midi.md).
TEST(MidiJackE2E, ClosingPortsOpensNoJackClientAndClosesTheirs) {
  JackServer server;
  REQUIRE_JACK(server);
  auto backend = jack_backend();
  ASSERT_TRUE(backend);
  auto seq = start_midiseq("closeseq");
  ASSERT_TRUE(source_listed_within_10s(*backend, "closeseq:out")) << "closeseq:out never appeared";
  auto in = backend->open_input("closeseq:out", "in", [](const uint8_t*, size_t) {});
  ASSERT_TRUE(in) << in.error();
  auto vin = backend->open_virtual_input("vin", [](const uint8_t*, size_t) {});
  ASSERT_TRUE(vin) << vin.error();
  auto out = backend->open_virtual_output("vout");
  ASSERT_TRUE(out) << out.error();

  ClientWatcher watcher;
  ASSERT_TRUE(watcher.ok()) << "the test's own JACK client did not open";
  in->reset();
  vin->reset();
  out->reset();
  ASSERT_TRUE(watcher.sync("e2emark", 10s)) << "the marker client's registration never came";

  int ours_closed = 0;
  for (const std::string& event : watcher.seen()) {
    if (event == "+e2emark" || event == "-e2emark") continue;
    EXPECT_NE(event[0], '+') << "a client was opened while the ports closed: " << event;
    if (event.rfind("-midimon-e2e", 0) == 0) ++ours_closed;
  }
  EXPECT_EQ(ours_closed, 3) << "each port's client is closed (not parked) on a live server";
}

// RtMidi's JACK send spins until its buffer has room, and only the port's client drains
// it: after a shutdown (whose cleanup closes that client) a send must fail at once, so
// that the caller reopens (the daemon's SendMidi does, once), not hang.
TEST(MidiJackE2E, AnOutputOpenedBeforeAShutdownRefusesToSendAndANewOneSends) {
  JackServer server;
  REQUIRE_JACK(server);
  auto backend = jack_backend();
  ASSERT_TRUE(backend);
  auto before = backend->open_virtual_output("vout");
  ASSERT_TRUE(before) << before.error();
  const std::vector<uint8_t> note = {0x90, 60, 100};
  std::string error;
  ASSERT_TRUE((*before)->send(note.data(), note.size(), &error)) << error;

  detail::count_jack_shutdown();
  EXPECT_FALSE((*before)->send(note.data(), note.size(), &error));
  EXPECT_EQ(error, "the JACK server went away since this port was opened; reopen it");
  before->reset();  // parked: its client is not closed through a generation that ended

  auto after = backend->open_virtual_output("vout2");
  ASSERT_TRUE(after) << after.error();
  error.clear();
  EXPECT_TRUE((*after)->send(note.data(), note.size(), &error)) << error;
}

}  // namespace
}  // namespace midimon::midi::e2e
