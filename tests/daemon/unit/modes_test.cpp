// Modes: app profiles with a fake focus source, on_enter at start and again when a
// device (re)connects (a fake device event), ModeChange by action, the events bus.
#include <gtest/gtest.h>

#include <set>

#include "actions/printing_desktop.h"
#include "daemon/app_profiles.h"
#include "daemon/daemon.h"
#include "test_support.h"

namespace midimon::daemon {
namespace {

using namespace std::chrono_literals;
using testing::RecordingLog;
using testing::RecordingMidiOut;
using testing::TempDir;
using testing::wait_until;
using testing::write_file;

mapping::AppProfile profile(std::string window_class, std::string title, std::size_t mode,
                            mapping::DeviceMatch match = mapping::DeviceMatch::Substring) {
  mapping::AppProfile p;
  p.window_class = std::move(window_class);
  p.title = std::move(title);
  p.mode_index = mode;
  p.match = match;
  return p;
}

TEST(AppProfiles, FirstMatchingProfileWins) {
  std::vector<mapping::AppProfile> profiles = {
      profile("Ardour", "", 1),
      profile("", "^OBS [0-9.]+", 2, mapping::DeviceMatch::Regex),
      profile("firefox", "YouTube", 3),
  };
  EXPECT_EQ(match_app_profile(profiles, {"ardour", "Ardour", "Session 1"}), 0u);
  EXPECT_EQ(match_app_profile(profiles, {"obs", "obs", "OBS 29.1 - Profile"}), 1u);
  EXPECT_EQ(match_app_profile(profiles, {"Navigator", "firefox", "YouTube - Mozilla"}), 2u);
  // Both patterns must match when both are set.
  EXPECT_EQ(match_app_profile(profiles, {"Navigator", "firefox", "News"}), std::nullopt);
  EXPECT_EQ(match_app_profile(profiles, {"xterm", "XTerm", "bash"}), std::nullopt);
  // The instance counts as well as the class.
  EXPECT_EQ(match_app_profile({profile("navigator", "", 4)}, {"navigator", "firefox", ""}), 0u);
}

TEST(AppProfiles, ExactMatchIsExact) {
  std::vector<mapping::AppProfile> profiles = {profile("Ardour", "", 1, mapping::DeviceMatch::Exact)};
  EXPECT_EQ(match_app_profile(profiles, {"", "Ardour", ""}), 0u);
  EXPECT_EQ(match_app_profile(profiles, {"", "Ardour8", ""}), std::nullopt);
}

TEST(AppProfiles, SwitcherOnlyActsWhenTheProfileChanges) {
  std::vector<mapping::AppProfile> profiles = {profile("Ardour", "", 1), profile("vlc", "", 2)};
  AppProfileSwitcher switcher;
  EXPECT_EQ(switcher.on_focus(profiles, {"", "Ardour", "a"}), 1u);
  // Same application, another title: a mode picked by hand in between is left alone.
  EXPECT_EQ(switcher.on_focus(profiles, {"", "Ardour", "b"}), std::nullopt);
  EXPECT_EQ(switcher.on_focus(profiles, {"", "vlc", "x"}), 2u);
  EXPECT_EQ(switcher.on_focus(profiles, {"", "XTerm", "x"}), std::nullopt);  // no profile
  EXPECT_EQ(switcher.on_focus(profiles, {"", "vlc", "x"}), 2u);  // back: switch again
}

const char* kModesConfig = R"([[modes]]
name = "Default"
on_enter = [{ type = "SendMidi", port = "LEDs", message_type = "CC", channel = 0, controller = 20, value = 1 }]

[[modes.mappings]]
description = "to Media"
trigger = { type = "Note", note = 36 }
action = { type = "ModeChange", mode = "Media" }

[[modes]]
name = "Media"
on_enter = [{ type = "SendMidi", port = "LEDs", message_type = "CC", channel = 0, controller = 20, value = 2 }]

[[modes.mappings]]
description = "media note"
trigger = { type = "Note", note = 36 }
action = { type = "SendMidi", port = "Synth", message_type = "NoteOn", channel = 1, note = 36, velocity = 1 }

[[app_profiles]]
window_class = "vlc"
mode = "Media"

[[app_profiles]]
window_class = "Ardour"
mode = "Default"
)";

struct ModesFixture {
  MemoryPluginSettings settings;
  TempDir dir;
  RecordingMidiOut midi;
  RecordingLog log;
  actions::PrintingDesktop desktop;
  std::unique_ptr<Daemon> daemon;

  ModesFixture() {
    std::string config = dir.file("config.toml");
    write_file(config, kModesConfig);
    DaemonOptions options = testing::test_options(config, log, settings);
    options.desktop = &desktop;
    options.midi_out = &midi;
    daemon = testing::start_daemon(std::move(options));
    if (daemon) {
      EXPECT_TRUE(daemon->wait_idle(5s));
    }
  }
  std::size_t count(const std::string& line) const {
    std::size_t n = 0;
    for (const auto& s : midi.sent()) n += s == line;
    return n;
  }
};

TEST(Modes, OnEnterRunsAtStart) {
  ModesFixture f;
  ASSERT_TRUE(f.daemon);
  EXPECT_EQ(f.midi.sent(), std::vector<std::string>{"LEDs: B0 14 01"});
}

TEST(Modes, OnEnterIsResentWhenADeviceReconnects) {
  ModesFixture f;
  ASSERT_TRUE(f.daemon);
  f.daemon->on_device_event({midi::DeviceEventKind::Disconnected, 0, "pads", "Mikro"});
  ASSERT_TRUE(f.daemon->wait_idle(5s));
  EXPECT_EQ(f.count("LEDs: B0 14 01"), 1u);  // nothing on a disconnect
  f.daemon->on_device_event({midi::DeviceEventKind::Connected, 0, "pads", "Mikro"});
  ASSERT_TRUE(f.daemon->wait_idle(5s));
  EXPECT_EQ(f.count("LEDs: B0 14 01"), 2u);
  EXPECT_TRUE(f.log.contains("device pads connected"));
}

TEST(Modes, ModeChangeActionSwitchesMappingsAndRunsOnEnter) {
  ModesFixture f;
  ASSERT_TRUE(f.daemon);
  const uint8_t on[] = {0x90, 36, 100};
  const uint8_t off[] = {0x80, 36, 0};
  f.daemon->in_process_input()->send_bytes(on, 3);
  f.daemon->in_process_input()->send_bytes(off, 3);
  ASSERT_TRUE(f.daemon->wait_idle(5s));
  EXPECT_EQ(f.daemon->status().mode, "Media");
  EXPECT_EQ(f.count("LEDs: B0 14 02"), 1u);
  f.daemon->in_process_input()->send_bytes(on, 3);  // now the Media mapping
  ASSERT_TRUE(f.daemon->wait_idle(5s));
  EXPECT_EQ(f.count("Synth: 91 24 01"), 1u);
  // A reconnect now re-sends Media's LEDs, not Default's.
  f.daemon->on_device_event({midi::DeviceEventKind::Connected, 0, "pads", "Mikro"});
  ASSERT_TRUE(f.daemon->wait_idle(5s));
  EXPECT_EQ(f.count("LEDs: B0 14 02"), 2u);
}

TEST(Modes, FocusedApplicationSwitchesTheMode) {
  ModesFixture f;
  ASSERT_TRUE(f.daemon);
  f.daemon->on_focus({"vlc", "vlc", "movie.mkv - VLC"});
  ASSERT_TRUE(f.daemon->wait_idle(5s));
  EXPECT_EQ(f.daemon->status().mode, "Media");
  EXPECT_EQ(f.count("LEDs: B0 14 02"), 1u);
  f.daemon->on_focus({"xterm", "XTerm", "bash"});  // no profile: stays
  EXPECT_EQ(f.daemon->status().mode, "Media");
  f.daemon->on_focus({"ardour", "Ardour", "session"});
  ASSERT_TRUE(f.daemon->wait_idle(5s));
  EXPECT_EQ(f.daemon->status().mode, "Default");
  // The engine follows: note 36 is Default's ModeChange again, not Media's SendMidi.
  const uint8_t on[] = {0x90, 36, 100};
  f.daemon->in_process_input()->send_bytes(on, 3);
  ASSERT_TRUE(f.daemon->wait_idle(5s));
  EXPECT_EQ(f.count("Synth: 91 24 01"), 0u);
  EXPECT_EQ(f.daemon->status().mode, "Media");
}

TEST(Modes, EventsBusCarriesEveryStage) {
  ModesFixture f;
  ASSERT_TRUE(f.daemon);
  auto sub = f.daemon->events().subscribe(256);
  const uint8_t on[] = {0x90, 36, 100};
  f.daemon->in_process_input()->send_bytes(on, 3);
  ASSERT_TRUE(f.daemon->wait_idle(5s));
  std::set<EventKind> kinds;
  while (auto e = sub->try_pop()) kinds.insert(e->kind);
  EXPECT_TRUE(kinds.count(EventKind::MidiIn));
  EXPECT_TRUE(kinds.count(EventKind::Gesture));
  EXPECT_TRUE(kinds.count(EventKind::Mapping));
  EXPECT_TRUE(kinds.count(EventKind::Action));
  EXPECT_TRUE(kinds.count(EventKind::Mode));
}

TEST(PluginRequests, ABuiltInActionAPluginAsksForRunsOnTheExecutor) {
  ModesFixture f;
  ASSERT_TRUE(f.daemon);
  auto sub = f.daemon->events().subscribe(256);
  EXPECT_EQ(f.daemon->submit_plugin_action("p", R"({"type": "Keystroke", "keys": "space"})"), 0);
  ASSERT_TRUE(f.daemon->wait_idle(5s));
  bool pressed = false;
  while (auto e = sub->try_pop()) {
    if (e->kind == EventKind::Action && e->text.find("would press space") != std::string::npos &&
        e->text.find("request_action of plugin 'p'") != std::string::npos) {
      pressed = true;
    }
  }
  EXPECT_TRUE(pressed);
}

TEST(PluginRequests, WhatAConfigCouldNotSayIsRefusedAndLogged) {
  ModesFixture f;
  ASSERT_TRUE(f.daemon);
  EXPECT_EQ(f.daemon->submit_plugin_action("p", R"({"type": "Keystroke", "keys": "no_such_key"})"), -28);
  EXPECT_EQ(f.daemon->submit_plugin_action("p", "not json"), -28);
  EXPECT_EQ(f.daemon->submit_plugin_action("p", R"({"type": "ModeChange", "mode": "Nowhere"})"), -28);
  EXPECT_TRUE(f.log.contains("plugin 'p' request_action"));
}

TEST(EventBus, ASubscriberThatNeverReadsLagsAndNeverBlocks) {
  EventBus bus;
  auto stuck = bus.subscribe(4);
  auto reader = bus.subscribe(1000);
  for (int i = 0; i < 100; ++i) bus.publish(EventKind::Log, "line " + std::to_string(i));
  EXPECT_EQ(stuck->lagged(), 96u);
  EXPECT_EQ(reader->lagged(), 0u);
  // The stuck one keeps the OLDEST four, in order.
  EXPECT_EQ(stuck->try_pop()->text, "line 0");
  int n = 0;
  while (reader->try_pop()) ++n;
  EXPECT_EQ(n, 100);
  bus.close_all();
  EXPECT_TRUE(stuck->closed());
  int left = 0;  // what was queued is still delivered, then pop ends at once
  while (stuck->pop(1h)) ++left;
  EXPECT_EQ(left, 3);
}

}  // namespace
}  // namespace midimon::daemon
