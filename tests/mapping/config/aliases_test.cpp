// Each MIDIMon alias takes effect (docs/config.md, "MIDIMon aliases").
#include <gtest/gtest.h>

#include "config_test_support.h"

namespace midimon::mapping {
namespace {

using testing::action_as;
using testing::must_load;
using testing::one_mapping;
using testing::trigger_as;

const char* kText = R"({ type = "Text", text = "x" })";
const char* kNote = R"({ type = "Note", note = 1 })";

TEST(Aliases, LongPressMinDurationMsIsDurationMs) {
  Config c = must_load(one_mapping(R"({ type = "LongPress", note = 3, min_duration_ms = 1234 })", kText));
  EXPECT_EQ(trigger_as<trigger::LongPress>(c).duration_ms, 1234u);
}

TEST(Aliases, DoubleTapMaxIntervalMsIsTimeoutMs) {
  Config c = must_load(one_mapping(R"({ type = "DoubleTap", note = 3, max_interval_ms = 222 })", kText));
  EXPECT_EQ(trigger_as<trigger::DoubleTap>(c).timeout_ms, 222u);
}

TEST(Aliases, NoteChordMaxIntervalMsIsTimeoutMs) {
  Config c = must_load(one_mapping(R"({ type = "NoteChord", notes = [1, 2], max_interval_ms = 99 })", kText));
  EXPECT_EQ(trigger_as<trigger::NoteChord>(c).timeout_ms, 99u);
}

TEST(Aliases, VelocityRangeMinMaxVelocityIsAnExplicitRange) {
  Config c = must_load(
      one_mapping(R"({ type = "VelocityRange", note = 3, min_velocity = 80, max_velocity = 127 })", kText));
  const auto& v = trigger_as<trigger::VelocityRange>(c);
  EXPECT_EQ(v.velocity_min, 80);
  EXPECT_EQ(v.velocity_max, 127);
  EXPECT_FALSE(v.level.has_value());
}

TEST(Aliases, VelocityRangeOnlyMinVelocityKeepsTheTopOpen) {
  Config c = must_load(one_mapping(R"({ type = "VelocityRange", note = 3, min_velocity = 50 })", kText));
  const auto& v = trigger_as<trigger::VelocityRange>(c);
  EXPECT_EQ(v.velocity_min, 50);
  EXPECT_EQ(v.velocity_max, 127);
}

TEST(Aliases, VolumeControlActionIsOperation) {
  Config c = must_load(one_mapping(kNote, R"({ type = "VolumeControl", action = "Mute" })"));
  EXPECT_EQ(action_as<action::VolumeControl>(c).operation, VolumeOperation::Mute);
}

TEST(Aliases, VolumeOperationIsCaseInsensitiveLikeMidimon) {
  Config c = must_load(one_mapping(kNote, R"({ type = "VolumeControl", operation = "up" })"));
  EXPECT_EQ(action_as<action::VolumeControl>(c).operation, VolumeOperation::Up);
}

TEST(Aliases, OptionIsAltAndCmdIsSuper) {
  Config c = must_load(
      one_mapping(kNote, R"({ type = "Keystroke", keys = "a", modifiers = ["option", "cmd", "Shift"] })"));
  const auto& k = action_as<action::Keystroke>(c);
  EXPECT_EQ(k.modifiers, (std::vector<Modifier>{Modifier::Alt, Modifier::Super, Modifier::Shift}));
}

TEST(Aliases, ModifierNamesInsideKeysBecomeModifiers) {
  Config c = must_load(one_mapping(kNote, R"({ type = "Keystroke", keys = "Cmd+Shift+A" })"));
  const auto& k = action_as<action::Keystroke>(c);
  EXPECT_EQ(k.modifiers, (std::vector<Modifier>{Modifier::Super, Modifier::Shift}));
  EXPECT_EQ(k.keys, (std::vector<std::string>{"A"}));
}

TEST(Aliases, MidimonKeyNamesBecomeKeysyms) {
  Config c = must_load(one_mapping(
      kNote, R"({ type = "Keystroke", keys = "enter+Escape+pgup+volumeup+prev+backspace+up+," })"));
  EXPECT_EQ(action_as<action::Keystroke>(c).keys,
            (std::vector<std::string>{"Return", "Escape", "Page_Up", "XF86AudioRaiseVolume",
                                      "XF86AudioPrev", "BackSpace", "Up", "comma"}));
}

TEST(Aliases, PlusKeyAfterASeparator) {
  Config c = must_load(one_mapping(kNote, R"({ type = "Keystroke", keys = "ctrl++" })"));
  const auto& k = action_as<action::Keystroke>(c);
  EXPECT_EQ(k.keys, (std::vector<std::string>{"plus"}));
  EXPECT_EQ(k.modifiers, (std::vector<Modifier>{Modifier::Ctrl}));
}

TEST(Aliases, MacOnlyKeyIsAWarningNotAnError) {
  LoadResult full;
  Config c = must_load(one_mapping(kNote, R"({ type = "Keystroke", keys = "fn", modifiers = ["cmd"] })"), &full);
  const auto& k = action_as<action::Keystroke>(c);
  EXPECT_TRUE(k.keys.empty());
  EXPECT_EQ(k.unavailable, (std::vector<std::string>{"fn"}));
  ASSERT_EQ(full.warnings.size(), 1u);
  EXPECT_EQ(full.warnings[0].where.line, 5u);
  EXPECT_NE(full.warnings[0].message.find("exists only on macOS"), std::string::npos);
}

TEST(Aliases, LoggingTable) {
  Config c = must_load("[logging]\nlevel = \"trace\"\nfile = \"/tmp/m.log\"\n[[modes]]\nname = \"A\"\n");
  EXPECT_EQ(c.logging.level, LogLevel::Trace);
  EXPECT_EQ(c.logging.file, "/tmp/m.log");
}

TEST(Aliases, LoggingDefaultsToInfoWithoutFile) {
  Config c = must_load("[[modes]]\nname = \"A\"\n");
  EXPECT_EQ(c.logging.level, LogLevel::Info);
  EXPECT_TRUE(c.logging.file.empty());
}

TEST(Aliases, ModeChangeByIndex) {
  Config c = must_load("[[modes]]\nname = \"A\"\n[[modes]]\nname = \"B\"\n[[global_mappings]]\n"
                       "trigger = { type = \"Note\", note = 1 }\naction = { type = \"ModeChange\", mode = 1 }\n");
  ASSERT_EQ(c.global_mappings.size(), 1u);
  const auto* m = std::get_if<action::ModeChange>(&c.global_mappings[0].action.kind);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->mode, "B");
  EXPECT_EQ(m->mode_index, 1u);
}

TEST(Aliases, EmptyGlobalMappingsTableIsNoMappingsWithAWarning) {
  LoadResult full;
  Config c = must_load("[global_mappings]\n[[modes]]\nname = \"A\"\n", &full);
  EXPECT_TRUE(c.global_mappings.empty());
  ASSERT_EQ(full.warnings.size(), 1u);
  EXPECT_EQ(full.warnings[0].where.line, 1u);
}

TEST(Aliases, LegacyDeviceTableIsTheFirstDevice) {
  Config c = must_load("[device]\nname = \"Mikro\"\nauto_connect = false\nport = 2\n[[modes]]\nname = \"A\"\n");
  ASSERT_EQ(c.devices.size(), 1u);
  EXPECT_EQ(c.devices[0].name, "Mikro");
  EXPECT_EQ(c.devices[0].port, "Mikro");
  EXPECT_EQ(c.devices[0].match, DeviceMatch::Substring);
  EXPECT_FALSE(c.devices[0].auto_connect);
  EXPECT_TRUE(c.devices[0].auto_reconnect);
  EXPECT_EQ(c.devices[0].port_index, 2u);
}

// [advanced_settings] timings become each gesture trigger's timing unless it has its own.
TEST(Timing, GlobalSettingsFillTriggersWithoutTheirOwn) {
  Config c = must_load(R"([advanced_settings]
chord_timeout_ms = 70
double_tap_timeout_ms = 310
hold_threshold_ms = 900
[[modes]]
name = "A"
[[modes.mappings]]
trigger = { type = "LongPress", note = 1 }
action = { type = "Text", text = "x" }
[[modes.mappings]]
trigger = { type = "DoubleTap", note = 1 }
action = { type = "Text", text = "x" }
[[modes.mappings]]
trigger = { type = "NoteChord", notes = [1, 2] }
action = { type = "Text", text = "x" }
[[modes.mappings]]
trigger = { type = "LongPress", note = 2, duration_ms = 50 }
action = { type = "Text", text = "x" }
)");
  const auto& maps = c.modes.at(0).mappings;
  ASSERT_EQ(maps.size(), 4u);
  EXPECT_EQ(std::get<trigger::LongPress>(maps[0].trigger.kind).duration_ms, 900u);
  EXPECT_EQ(std::get<trigger::DoubleTap>(maps[1].trigger.kind).timeout_ms, 310u);
  EXPECT_EQ(std::get<trigger::NoteChord>(maps[2].trigger.kind).timeout_ms, 70u);
  EXPECT_EQ(std::get<trigger::LongPress>(maps[3].trigger.kind).duration_ms, 50u);
  EXPECT_EQ(c.advanced.hold_threshold_ms, 900u);
}

TEST(Timing, MidimonDefaults) {
  Config c = must_load(one_mapping(R"({ type = "LongPress", note = 1 })", kText));
  EXPECT_EQ(trigger_as<trigger::LongPress>(c).duration_ms, 2000u);
  EXPECT_EQ(c.advanced.chord_timeout_ms, 50u);
  EXPECT_EQ(c.advanced.double_tap_timeout_ms, 300u);
}

}  // namespace
}  // namespace midimon::mapping
