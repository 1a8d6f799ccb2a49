// `midimon monitor`'s lines: message, gestures, the mappings they would fire, and the
// mode switch that a ModeChange mapping makes. And the loop over an in-process input.
#include <gtest/gtest.h>

#include "mapping/config_loader.h"
#include "mapping/mapping_set_from_config.h"
#include "mapping/monitor_session.h"
#include "midi/input_stream.h"

namespace midimon::mapping::test {
namespace {

const char* kConfig = R"([[modes]]
name = "Default"

[[modes.mappings]]
description = "to media"
trigger = { type = "LongPress", note = 36, duration_ms = 500 }
action = { type = "ModeChange", mode = "Media" }

[[modes.mappings]]
description = "play"
trigger = { type = "Note", note = 36 }
action = { type = "Keystroke", keys = "space" }

[[modes]]
name = "Media"

[[modes.mappings]]
description = "louder"
trigger = { type = "Note", note = 36 }
action = { type = "VolumeControl", operation = "Up" }
)";

std::shared_ptr<const MappingSet> config_set() {
  LoadResult loaded = load_config_string(kConfig, "monitor.toml");
  EXPECT_TRUE(loaded.ok()) << (loaded.errors.empty() ? "" : loaded.errors.front().to_string());
  return build_mapping_set(std::make_shared<const Config>(std::move(*loaded.config)));
}

midi::Message note(bool on, uint8_t n, TimePoint t) {
  midi::Message m;
  m.type = on ? midi::MessageType::NoteOn : midi::MessageType::NoteOff;
  m.data1 = n;
  m.data2 = on ? 100 : 0;
  m.time = t;
  return m;
}

TEST(MonitorSession, PrintsMessagesGesturesMatchesAndFollowsModeChanges) {
  const TimePoint t0 = TimePoint{} + std::chrono::hours(1);
  MonitorOptions options;
  options.device_names = {"pads"};
  MonitorSession session(config_set(), t0, options);
  EXPECT_EQ(session.summary(), "2 modes, 3 mappings; mode: Default");
  std::vector<std::string> lines;
  session.on_message(note(true, 36, t0 + Millis(1000)), lines);
  session.on_tick(t0 + Millis(1500), lines);
  session.on_message(note(false, 36, t0 + Millis(2000)), lines);
  session.on_message(note(true, 36, t0 + Millis(2500)), lines);
  const std::vector<std::string> expected = {
      "     1.000  pads  NoteOn ch=1 note=36 vel=100",
      "     1.500    gesture LongPress ch=1 note=36 held=500ms",
      "               -> mode Default mapping #1 \"to media\": ModeChange (monitor.toml:4:1)",
      "               mode Default -> Media",
      "     2.000  pads  NoteOff ch=1 note=36 vel=0",
      "     2.000    gesture NoteRelease ch=1 note=36 held=1000ms",
      "     2.500  pads  NoteOn ch=1 note=36 vel=100",
      "     2.500    gesture NotePress ch=1 note=36 vel=100",
      "               -> mode Media mapping #1 \"louder\": VolumeControl (monitor.toml:17:1)",
  };
  EXPECT_EQ(lines, expected);
}

TEST(MonitorSession, WithoutFollowTheModeStays) {
  const TimePoint t0 = TimePoint{} + std::chrono::hours(1);
  MonitorOptions options;
  options.follow_mode_changes = false;
  MonitorSession session(config_set(), t0, options);
  std::vector<std::string> lines;
  session.on_message(note(true, 36, t0), lines);
  session.on_tick(t0 + Millis(500), lines);
  EXPECT_EQ(session.processor().mode_name(), "Default");
}

TEST(MonitorSession, ClockIsHiddenUnlessAsked) {
  const TimePoint t0 = TimePoint{} + std::chrono::hours(1);
  midi::Message clock_tick;
  clock_tick.type = midi::MessageType::Clock;
  clock_tick.time = t0;
  std::vector<std::string> lines;
  MonitorSession quiet(config_set(), t0);
  quiet.on_message(clock_tick, lines);
  EXPECT_TRUE(lines.empty());
  MonitorOptions options;
  options.show_clock = true;
  MonitorSession loud(config_set(), t0, options);
  loud.on_message(clock_tick, lines);
  EXPECT_EQ(lines, (std::vector<std::string>{"     0.000  dev0  Clock"}));
}

TEST(MonitorLoop, DrainsAnInProcessInputAndFiresTimersThenEnds) {
  midi::InputQueue queue(64);
  midi::InProcessInput input(queue, 0);
  SteadyClock clock;
  MonitorSession session(config_set(), clock.now());
  // A press held past the 500 ms long press, then released: bytes through the parser.
  input.send_bytes({0x90, 36, 100});
  std::atomic<bool> stop{false};
  std::vector<std::string> printed;
  bool released = false;
  // The source is "done" once the release was sent, which happens when the long press
  // has been printed: the loop must then fire nothing more and end on its own.
  run_monitor_loop(
      queue, session, clock, stop,
      [&] {
        if (!released) {
          for (const auto& l : printed)
            if (l.find("LongPress") != std::string::npos) {
              input.send_bytes({0x80, 36, 0});
              released = true;
            }
        }
        return released;
      },
      [&](const std::string& line) { printed.push_back(line); });
  ASSERT_TRUE(released);
  std::string all;
  for (const auto& l : printed) all += l + "\n";
  EXPECT_NE(all.find("NoteOn ch=1 note=36"), std::string::npos) << all;
  EXPECT_NE(all.find("\"to media\""), std::string::npos) << all;
  EXPECT_NE(all.find("mode Default -> Media"), std::string::npos) << all;
  EXPECT_NE(all.find("NoteRelease"), std::string::npos) << all;
}

}  // namespace
}  // namespace midimon::mapping::test
