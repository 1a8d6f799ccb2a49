// Devices through the real Daemon on a fake MIDI backend: a reload re-applies the device
// list (unchanged devices stay connected, removed ones close, new ones open before
// reload() returns), a bad config changes nothing, and with no [device] the daemon
// listens to every MIDI source, following them as they come and go.
#include <gtest/gtest.h>

#include <algorithm>

#include "actions/printing_desktop.h"
#include "daemon/daemon.h"
#include "fake_backend.h"
#include "test_support.h"

namespace midimon::daemon {
namespace {

using namespace std::chrono_literals;
using midi::testing::FakeBackend;
using testing::RecordingLog;
using testing::RecordingMidiOut;
using testing::TempDir;
using testing::wait_until;
using testing::write_file;

// Note 60 on "pads" and note 61 on "keys" (for the devices the list has), each sending a
// CC that says which fired.
std::string two_devices(const std::string& devices_in_order, int pads_value = 1) {
  std::string text = devices_in_order + "\n[[modes]]\nname = \"Default\"\n";
  if (devices_in_order.find("\"pads\"") != std::string::npos) {
    text += "\n[[modes.mappings]]\ntrigger = { type = \"Note\", note = 60, device = \"pads\" }\n"
            "action = { type = \"SendMidi\", port = \"Out\", message_type = \"CC\", channel = 0, "
            "controller = 1, value = " + std::to_string(pads_value) + " }\n";
  }
  if (devices_in_order.find("\"keys\"") != std::string::npos) {
    text += "\n[[modes.mappings]]\ntrigger = { type = \"Note\", note = 61, device = \"keys\" }\n"
            "action = { type = \"SendMidi\", port = \"Out\", message_type = \"CC\", channel = 0, "
            "controller = 2, value = 2 }\n";
  }
  return text;
}
const std::string kPads = "[[devices]]\nname = \"pads\"\nport = \"pads:out\"\n";
const std::string kKeys = "[[devices]]\nname = \"keys\"\nport = \"keys:out\"\n";

// No device table: one mapping that any source fires.
const char* kAnyDevice = R"([[modes]]
name = "Default"

[[modes.mappings]]
trigger = { type = "Note", note = 60 }
action = { type = "SendMidi", port = "Out", message_type = "CC", channel = 0, controller = 9, value = 9 }
)";

struct Fixture {
  MemoryPluginSettings settings;
  TempDir dir;
  std::string config = dir.file("config.toml");
  FakeBackend backend;
  RecordingMidiOut midi;
  RecordingLog log;
  actions::PrintingDesktop desktop;
  std::unique_ptr<Daemon> daemon;

  Fixture(const std::string& text, std::vector<midi::PortInfo> sources,
          std::chrono::milliseconds poll = std::chrono::hours(1)) {
    backend.set_sources(std::move(sources));
    write_file(config, text);
    DaemonOptions options = testing::test_options(config, log, settings);
    options.input = DaemonOptions::Input::Devices;
    options.backend = &backend;
    options.device_poll_interval = poll;  // default: only reload's own look at the ports
    options.desktop = &desktop;
    options.midi_out = &midi;
    daemon = testing::start_daemon(std::move(options));
  }

  ReloadResult reload_with(const std::string& text) {
    write_file(config, text);
    return daemon->reload();
  }
  // Plays a note-on into the input opened on `source` and waits until its actions ran.
  void play(const std::string& source, uint8_t note) {
    ASSERT_TRUE(backend.play(source, {0x90, note, 100})) << source << " is not open";
    ASSERT_TRUE(daemon->wait_idle(5s));
  }
  std::vector<std::string> device_names() const {
    std::vector<std::string> names;
    for (const auto& d : daemon->status().devices) {
      if (!d.is_virtual) names.push_back(d.name);
    }
    std::sort(names.begin(), names.end());
    return names;
  }
};

TEST(DeviceReload, UnchangedDevicesStayConnectedAndTriggersFollowTheirNewIndex) {
  Fixture f(two_devices(kPads + kKeys), {{"pads:out", "1"}, {"keys:out", "2"}});
  ASSERT_TRUE(f.daemon);
  ASSERT_TRUE(f.backend.is_open("pads:out") && f.backend.is_open("keys:out"));
  f.play("pads:out", 60);
  ASSERT_EQ(f.midi.sent(), std::vector<std::string>{"Out: B0 01 01"});
  const int opens = f.backend.shared->opens;

  // The same two devices in the other order (their config indexes swap) and a changed
  // mapping: nothing is reopened, and "pads" triggers still mean the pads.
  ReloadResult r = f.reload_with(two_devices(kKeys + kPads, 3));
  ASSERT_TRUE(r.ok) << (r.errors.empty() ? "" : r.errors[0]);
  EXPECT_EQ(f.backend.shared->opens, opens);
  EXPECT_FALSE(f.log.contains("disconnected"));
  f.play("pads:out", 60);
  f.play("keys:out", 61);
  EXPECT_EQ(f.midi.sent(), (std::vector<std::string>{"Out: B0 01 01", "Out: B0 01 03", "Out: B0 02 02"}));
  f.play("keys:out", 60);  // a pads trigger does not fire from the keys
  EXPECT_EQ(f.midi.sent().size(), 3u);
}

TEST(DeviceReload, RemovedDeviceClosesAndANewOneOpensBeforeReloadReturns) {
  Fixture f(two_devices(kPads), {{"pads:out", "1"}, {"keys:out", "2"}});
  ASSERT_TRUE(f.daemon);
  EXPECT_TRUE(f.backend.is_open("pads:out"));
  EXPECT_FALSE(f.backend.is_open("keys:out"));

  ASSERT_TRUE(f.reload_with(two_devices(kKeys)).ok);
  EXPECT_FALSE(f.backend.is_open("pads:out"));
  EXPECT_TRUE(f.backend.is_open("keys:out"));  // no poll interval to wait for
  EXPECT_EQ(f.device_names(), std::vector<std::string>{"keys"});
  EXPECT_TRUE(f.log.contains("device 'pads' removed by the config"));
  f.play("keys:out", 61);
  EXPECT_EQ(f.midi.sent(), std::vector<std::string>{"Out: B0 02 02"});
}

TEST(DeviceReload, ABadConfigChangesNoDevice) {
  Fixture f(two_devices(kPads), {{"pads:out", "1"}, {"keys:out", "2"}});
  ASSERT_TRUE(f.daemon);
  const int opens = f.backend.shared->opens;
  ReloadResult r = f.reload_with(two_devices(kKeys) + "\n[[modes.mappings]]\ntrigger = { type = \"Note\", note = 999 }\n");
  EXPECT_FALSE(r.ok);
  EXPECT_TRUE(f.backend.is_open("pads:out"));
  EXPECT_FALSE(f.backend.is_open("keys:out"));
  EXPECT_EQ(f.backend.shared->opens, opens);
  EXPECT_EQ(f.device_names(), std::vector<std::string>{"pads"});
  f.play("pads:out", 60);
  EXPECT_EQ(f.midi.sent(), std::vector<std::string>{"Out: B0 01 01"});
}

TEST(DeviceReload, TheVirtualInputMatchesNoNamedDevice) {
  Fixture f(two_devices(kPads), {{"pads:out", "1"}});
  ASSERT_TRUE(f.daemon);
  f.play("in", 60);  // the virtual input is not "pads"
  EXPECT_TRUE(f.midi.sent().empty());
  f.play("pads:out", 60);
  EXPECT_EQ(f.midi.sent().size(), 1u);
}

TEST(NoDeviceTable, EverySourceIsListenedTo) {
  Fixture f(kAnyDevice, {{"a:out", "1"}, {"b:out", "2"}});
  ASSERT_TRUE(f.daemon);
  EXPECT_TRUE(f.backend.is_open("a:out"));
  EXPECT_TRUE(f.backend.is_open("b:out"));
  EXPECT_TRUE(f.daemon->status().every_source);
  EXPECT_TRUE(f.log.contains("listening to every MIDI source"));
  f.play("a:out", 60);
  f.play("b:out", 60);
  f.play("in", 60);
  EXPECT_EQ(f.midi.sent().size(), 3u);
}

TEST(NoDeviceTable, SourcesAreFollowedAsTheyComeAndGo) {
  Fixture f(kAnyDevice, {{"a:out", "1"}}, 5ms);
  ASSERT_TRUE(f.daemon);
  ASSERT_TRUE(f.backend.is_open("a:out"));
  f.backend.set_sources({{"a:out", "1"}, {"c:out", "3"}});
  ASSERT_TRUE(wait_until([&] { return f.backend.is_open("c:out"); })) << "a new source was not opened";
  f.backend.set_sources({{"c:out", "3"}});
  ASSERT_TRUE(wait_until([&] { return !f.backend.is_open("a:out"); })) << "a vanished source stayed open";
  EXPECT_TRUE(wait_until([&] { return f.device_names() == std::vector<std::string>{"c:out"}; }));
  f.play("c:out", 60);
  EXPECT_EQ(f.midi.sent().size(), 1u);
}

TEST(NoDeviceTable, NoSourceAtAllIsSaidOnce) {
  Fixture f(kAnyDevice, {});
  ASSERT_TRUE(f.daemon);
  EXPECT_TRUE(f.log.contains("no MIDI source yet"));
}

TEST(NoDeviceTable, ReloadSwitchesBetweenEverySourceAndNamedDevices) {
  Fixture f(kAnyDevice, {{"pads:out", "1"}, {"keys:out", "2"}});
  ASSERT_TRUE(f.daemon);
  ASSERT_TRUE(f.backend.is_open("keys:out"));

  ASSERT_TRUE(f.reload_with(two_devices(kPads)).ok);
  EXPECT_TRUE(f.backend.is_open("pads:out"));
  EXPECT_FALSE(f.backend.is_open("keys:out"));
  EXPECT_FALSE(f.daemon->status().every_source);
  EXPECT_EQ(f.device_names(), std::vector<std::string>{"pads"});

  ASSERT_TRUE(f.reload_with(kAnyDevice).ok);
  EXPECT_TRUE(f.backend.is_open("pads:out"));
  EXPECT_TRUE(f.backend.is_open("keys:out"));
  EXPECT_TRUE(f.daemon->status().every_source);
  f.play("keys:out", 60);
  EXPECT_EQ(f.midi.sent(), std::vector<std::string>{"Out: B0 09 09"});
}

}  // namespace
}  // namespace midimon::daemon
