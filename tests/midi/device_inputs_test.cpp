// Device matching and hot-plug, driven by a fake backend and explicit poll() calls.
#include <gtest/gtest.h>

#include "fake_backend.h"
#include "midi/device_inputs.h"

namespace midimon::midi {
namespace {

using testing::FakeBackend;

struct Recorder {
  std::mutex mutex;
  std::vector<std::string> lines;
  std::vector<DeviceEvent> events;
  DeviceInputsOptions options() {
    DeviceInputsOptions o;
    o.log = [this](LogLevel level, std::string_view text) {
      std::lock_guard lock(mutex);
      lines.push_back(std::string(log_level_name(level)) + ": " + std::string(text));
    };
    o.events = [this](const DeviceEvent& e) {
      std::lock_guard lock(mutex);
      events.push_back(e);
    };
    return o;
  }
  std::vector<DeviceEventKind> kinds() {
    std::lock_guard lock(mutex);
    std::vector<DeviceEventKind> out;
    for (auto& e : events) out.push_back(e.kind);
    return out;
  }
};

DeviceSpec spec(std::string name, std::string pattern, MatchKind kind) {
  DeviceSpec s;
  s.name = std::move(name);
  s.pattern = std::move(pattern);
  s.match = kind;
  return s;
}

TEST(MidiPortMatcher, ExactSubstringRegex) {
  auto exact = PortMatcher::make("nano:out", MatchKind::Exact);
  auto sub = PortMatcher::make("nano", MatchKind::Substring);
  auto re = PortMatcher::make("^nano.*:out$", MatchKind::Regex);
  ASSERT_TRUE(exact && sub && re);
  EXPECT_TRUE(exact->matches("nano:out"));
  EXPECT_FALSE(exact->matches("nano:out2"));
  EXPECT_TRUE(sub->matches("korg nanoKEY:out"));
  EXPECT_FALSE(sub->matches("NANO:out"));  // case matters
  EXPECT_TRUE(re->matches("nanoKEY:out"));
  EXPECT_FALSE(re->matches("x nanoKEY:out"));
  EXPECT_EQ(re->describe(), "regex '^nano.*:out$'");
}

TEST(MidiPortMatcher, BadPatternsAreErrors) {
  auto bad = PortMatcher::make("([", MatchKind::Regex);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().find("invalid regular expression '(['"), std::string::npos);
  EXPECT_FALSE(PortMatcher::make("", MatchKind::Substring));
  EXPECT_EQ(parse_match_kind("regex"), MatchKind::Regex);
  EXPECT_FALSE(parse_match_kind("fuzzy"));
}

TEST(MidiDeviceInputs, MissingDeviceIsReportedOnceAndNeverFallsBack) {
  FakeBackend backend;
  backend.set_sources({{"other:out", "1"}, {"system:midi_capture_1", "2"}});
  InputQueue queue(64);
  Recorder rec;
  DeviceInputs inputs(backend, queue, rec.options());
  ASSERT_TRUE(inputs.add_device(spec("pads", "nanoPAD", MatchKind::Substring)));
  inputs.poll();
  inputs.poll();
  EXPECT_EQ(rec.kinds(), std::vector<DeviceEventKind>{DeviceEventKind::Missing});
  EXPECT_EQ(backend.shared->opens, 0);  // nothing else was opened instead
  ASSERT_EQ(rec.lines.size(), 1u);
  EXPECT_EQ(rec.lines[0],
            "warning: device 'pads' (substring 'nanoPAD'): no matching port; waiting for it "
            "(ports: 'other:out' 'system:midi_capture_1')");
  auto states = inputs.devices();
  ASSERT_EQ(states.size(), 1u);
  EXPECT_FALSE(states[0].connected);
}

TEST(MidiDeviceInputs, ConnectsWhenThePortAppearsAndMessagesFlowWithTheDeviceIndex) {
  FakeBackend backend;
  InputQueue queue(64);
  Recorder rec;
  auto options = rec.options();
  options.first_device_index = 4;
  DeviceInputs inputs(backend, queue, options);
  auto a = inputs.add_device(spec("keys", "keys:out", MatchKind::Exact));
  auto b = inputs.add_device(spec("pads", "pads", MatchKind::Substring));
  ASSERT_TRUE(a && b);
  EXPECT_EQ(*a, 4);
  EXPECT_EQ(*b, 5);
  inputs.poll();
  backend.set_sources({{"keys:out", "k1"}, {"my pads:out", "p1"}});
  inputs.poll();
  EXPECT_TRUE(backend.is_open("keys:out"));
  EXPECT_TRUE(backend.is_open("my pads:out"));
  ASSERT_TRUE(backend.play("keys:out", {0x90, 60, 100}));
  ASSERT_TRUE(backend.play("my pads:out", {0x99, 36, 90}));
  auto m1 = queue.pop(), m2 = queue.pop();
  ASSERT_TRUE(m1 && m2);
  EXPECT_EQ(m1->device, 4);
  EXPECT_EQ(m1->to_string(), "NoteOn ch=1 note=60 vel=100");
  EXPECT_EQ(m2->device, 5);
  EXPECT_EQ(m2->channel, 9);
  EXPECT_EQ(rec.kinds(), (std::vector<DeviceEventKind>{DeviceEventKind::Missing,
                                                        DeviceEventKind::Missing,
                                                        DeviceEventKind::Connected,
                                                        DeviceEventKind::Connected}));
  EXPECT_EQ(rec.events[2].port, "keys:out");
}

// What a reload needs: a removed device's port is closed at once, its index is never
// reused, and the other devices are not touched.
TEST(MidiDeviceInputs, RemovedDeviceIsClosedAndItsIndexNotReused) {
  FakeBackend backend;
  InputQueue queue(64);
  Recorder rec;
  DeviceInputs inputs(backend, queue, rec.options());
  auto a = inputs.add_device(spec("a", "a:out", MatchKind::Exact));
  auto b = inputs.add_device(spec("b", "b:out", MatchKind::Exact));
  ASSERT_TRUE(a && b);
  backend.set_sources({{"a:out", "1"}, {"b:out", "2"}});
  inputs.poll();
  ASSERT_TRUE(backend.is_open("a:out") && backend.is_open("b:out"));
  const int opens = backend.shared->opens;

  EXPECT_TRUE(inputs.remove_device(*a));
  EXPECT_FALSE(inputs.remove_device(*a));  // gone already
  EXPECT_FALSE(backend.is_open("a:out"));
  EXPECT_FALSE(backend.play("a:out", {0x90, 60, 100}));
  inputs.poll();  // a later poll does not bring it back
  EXPECT_FALSE(backend.is_open("a:out"));
  EXPECT_TRUE(backend.is_open("b:out"));
  EXPECT_EQ(backend.shared->opens, opens);  // b was never reopened
  ASSERT_EQ(inputs.devices().size(), 1u);
  EXPECT_EQ(inputs.devices()[0].name, "b");

  auto c = inputs.add_device(spec("c", "a:out", MatchKind::Exact));
  ASSERT_TRUE(c);
  EXPECT_NE(*c, *a);
  EXPECT_NE(*c, *b);
  inputs.poll();
  ASSERT_TRUE(backend.play("a:out", {0x90, 61, 100}));
  auto m = queue.pop();
  ASSERT_TRUE(m);
  EXPECT_EQ(m->device, *c);
}

TEST(MidiDeviceInputs, DisappearAndReturnIsLoggedAndReconnected) {
  FakeBackend backend;
  backend.set_sources({{"seq:out", "uuid-1"}});
  InputQueue queue(64);
  Recorder rec;
  DeviceInputs inputs(backend, queue, rec.options());
  ASSERT_TRUE(inputs.add_device(spec("seq", "seq:out", MatchKind::Exact)));
  inputs.poll();
  ASSERT_TRUE(backend.is_open("seq:out"));
  // Half a message, then the device goes away: the half must not join the next stream.
  ASSERT_TRUE(backend.play("seq:out", {0x90, 60}));
  backend.set_sources({});
  inputs.poll();
  EXPECT_FALSE(backend.is_open("seq:out"));
  inputs.poll();  // still gone: no second report
  backend.set_sources({{"seq:out", "uuid-2"}});
  inputs.poll();
  ASSERT_TRUE(backend.is_open("seq:out"));
  ASSERT_TRUE(backend.play("seq:out", {100, 0x80, 61, 0}));
  auto m = queue.pop();
  ASSERT_TRUE(m);
  EXPECT_EQ(m->to_string(), "NoteOff ch=1 note=61 vel=0");
  EXPECT_FALSE(queue.pop());
  EXPECT_EQ(rec.kinds(), (std::vector<DeviceEventKind>{DeviceEventKind::Connected,
                                                        DeviceEventKind::Disconnected,
                                                        DeviceEventKind::Connected}));
  std::lock_guard lock(rec.mutex);
  EXPECT_EQ(rec.lines[1],
            "warning: device 'seq' disconnected from port 'seq:out' (its port disappeared); "
            "waiting for it to return");
  EXPECT_EQ(rec.lines[2], "info: device 'seq' connected to port 'seq:out'");
}

TEST(MidiDeviceInputs, APortReplacedBetweenTwoPollsIsReopened) {
  FakeBackend backend;
  backend.set_sources({{"seq:out", "uuid-1"}});
  InputQueue queue(64);
  Recorder rec;
  DeviceInputs inputs(backend, queue, rec.options());
  ASSERT_TRUE(inputs.add_device(spec("seq", "seq", MatchKind::Substring)));
  inputs.poll();
  backend.set_sources({{"seq:out", "uuid-2"}});  // same name, a new port
  inputs.poll();
  EXPECT_EQ(backend.shared->opens, 2);
  EXPECT_EQ(rec.kinds(), (std::vector<DeviceEventKind>{DeviceEventKind::Connected,
                                                        DeviceEventKind::Disconnected,
                                                        DeviceEventKind::Connected}));
}

TEST(MidiDeviceInputs, SeveralMatchesUseTheFirstAndSaySo) {
  FakeBackend backend;
  backend.set_sources({{"a:midi 1", "1"}, {"a:midi 2", "2"}});
  InputQueue queue(64);
  Recorder rec;
  DeviceInputs inputs(backend, queue, rec.options());
  ASSERT_TRUE(inputs.add_device(spec("a", "^a:midi [0-9]$", MatchKind::Regex)));
  inputs.poll();
  EXPECT_TRUE(backend.is_open("a:midi 1"));
  EXPECT_FALSE(backend.is_open("a:midi 2"));
  EXPECT_EQ(rec.lines.back(),
            "info: device 'a' connected to port 'a:midi 1' (the first of 2 ports matching "
            "regex '^a:midi [0-9]$')");
}

TEST(MidiDeviceInputs, ServerGoneDisconnectsEverythingAndComesBack) {
  FakeBackend backend;
  backend.set_sources({{"seq:out", "1"}});
  InputQueue queue(64);
  Recorder rec;
  DeviceInputs inputs(backend, queue, rec.options());
  ASSERT_TRUE(inputs.add_device(spec("seq", "seq:out", MatchKind::Exact)));
  inputs.poll();
  backend.shared->list_error = "no JACK server is running (server 'x')";
  inputs.poll();
  inputs.poll();
  EXPECT_FALSE(backend.is_open("seq:out"));
  backend.shared->list_error.clear();
  inputs.poll();
  EXPECT_TRUE(backend.is_open("seq:out"));
  int errors = 0;
  for (auto& l : rec.lines) errors += l.rfind("error: cannot list MIDI ports", 0) == 0;
  EXPECT_EQ(errors, 1);
}

TEST(MidiDeviceInputs, OpenFailureIsReportedOnceAndRetried) {
  FakeBackend backend;
  backend.set_sources({{"seq:out", "1"}});
  backend.shared->open_error = "busy";
  InputQueue queue(64);
  Recorder rec;
  DeviceInputs inputs(backend, queue, rec.options());
  ASSERT_TRUE(inputs.add_device(spec("seq", "seq:out", MatchKind::Exact)));
  inputs.poll();
  inputs.poll();
  EXPECT_EQ(rec.lines.size(), 1u);
  EXPECT_EQ(rec.lines[0], "warning: device 'seq': cannot open port 'seq:out': busy; will retry");
  backend.shared->open_error.clear();
  inputs.poll();
  EXPECT_TRUE(backend.is_open("seq:out"));
}

TEST(MidiDeviceInputs, BadRegexIsAnErrorNamingTheDevice) {
  FakeBackend backend;
  InputQueue queue(4);
  DeviceInputs inputs(backend, queue);
  auto r = inputs.add_device(spec("knobs", "(", MatchKind::Regex));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().rfind("device 'knobs': invalid regular expression '('", 0), 0u);
}

TEST(MidiDeviceInputs, VirtualInputOpensAtOnceAndIsLeftAloneByPolls) {
  FakeBackend backend;
  InputQueue queue(4);
  DeviceInputs inputs(backend, queue);
  auto v = inputs.add_virtual_input("midimon in");
  ASSERT_TRUE(v);
  inputs.poll();
  ASSERT_TRUE(backend.play("midimon in", {0xC0, 7}));
  auto m = queue.pop();
  ASSERT_TRUE(m);
  EXPECT_EQ(m->device, *v);
  auto states = inputs.devices();
  ASSERT_EQ(states.size(), 1u);
  EXPECT_TRUE(states[0].is_virtual);
  EXPECT_TRUE(states[0].connected);
  EXPECT_EQ(states[0].stats.messages, 1u);
}

TEST(MidiDeviceInputs, PollingThreadConnectsWithinTheInterval) {
  FakeBackend backend;
  InputQueue queue(4);
  Recorder rec;
  auto options = rec.options();
  options.poll_interval = std::chrono::milliseconds(10);
  DeviceInputs inputs(backend, queue, options);
  ASSERT_TRUE(inputs.add_device(spec("seq", "seq:out", MatchKind::Exact)));
  inputs.start();
  backend.set_sources({{"seq:out", "1"}});
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!backend.is_open("seq:out") && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  inputs.stop();
  EXPECT_TRUE(backend.is_open("seq:out"));
}

}  // namespace
}  // namespace midimon::midi
