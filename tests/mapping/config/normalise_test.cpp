// Every trigger and action kind loads into its normalised form with defaults resolved.
#include <gtest/gtest.h>

#include "config_test_support.h"

namespace midimon::mapping {
namespace {

using testing::action_as;
using testing::first_mapping;
using testing::must_load;
using testing::one_mapping;
using testing::trigger_as;

const char* kText = R"({ type = "Text", text = "x" })";
const char* kNote = R"({ type = "Note", note = 1 })";

TEST(Triggers, NoteDefaults) {
  Config c = must_load(one_mapping(R"({ type = "Note", note = 36 })", kText));
  const auto& n = trigger_as<trigger::Note>(c);
  EXPECT_EQ(n.note, 36);
  EXPECT_EQ(n.velocity_min, 1);
  EXPECT_EQ(n.velocity_max, 127);
  EXPECT_FALSE(n.immediate);
  EXPECT_FALSE(first_mapping(c).trigger.channel.has_value());
  EXPECT_TRUE(first_mapping(c).trigger.device.empty());
}

TEST(Triggers, ChannelIsOneBasedInTomlZeroBasedInside) {
  Config c = must_load(one_mapping(R"({ type = "Note", note = 36, channel = 16 })", kText));
  EXPECT_EQ(first_mapping(c).trigger.channel, 15);
  c = must_load(one_mapping(R"({ type = "Note", note = 36, channel = 1 })", kText));
  EXPECT_EQ(first_mapping(c).trigger.channel, 0);
}

TEST(Triggers, DeviceResolvesToItsIndex) {
  Config c = must_load("[[devices]]\nname = \"a\"\n[[devices]]\nname = \"b\"\nport = \"B port\"\nmatch = \"exact\"\n" +
                       one_mapping(R"({ type = "CC", cc = 1, device = "b" })", kText));
  const Trigger& t = first_mapping(c).trigger;
  EXPECT_EQ(t.device, "b");
  EXPECT_EQ(t.device_index, 1);
  EXPECT_EQ(c.devices[1].port, "B port");
  EXPECT_EQ(c.devices[1].match, DeviceMatch::Exact);
}

TEST(Triggers, VelocityRangeLevels) {
  struct Case {
    const char* level;
    uint8_t min, max;
  } cases[] = {{"soft", 1, 30}, {"medium", 31, 90}, {"Hard", 91, 127}};
  for (const auto& k : cases) {
    Config c = must_load(one_mapping(std::string(R"({ type = "VelocityRange", note = 1, soft_max = 30, medium_max = 90, level = ")") +
                                         k.level + "\" }",
                                     kText));
    const auto& v = trigger_as<trigger::VelocityRange>(c);
    EXPECT_EQ(v.velocity_min, k.min) << k.level;
    EXPECT_EQ(v.velocity_max, k.max) << k.level;
  }
}

TEST(Triggers, VelocityRangeWithoutLevelFiresForAnyPress) {
  Config c = must_load(one_mapping(R"({ type = "VelocityRange", note = 1 })", kText));
  const auto& v = trigger_as<trigger::VelocityRange>(c);
  EXPECT_EQ(v.soft_max, 40);
  EXPECT_EQ(v.medium_max, 80);
  EXPECT_EQ(v.velocity_min, 1);
  EXPECT_EQ(v.velocity_max, 127);
}

TEST(Triggers, ChordNotesSorted) {
  Config c = must_load(one_mapping(R"({ type = "NoteChord", notes = [67, 60, 64] })", kText));
  EXPECT_EQ(trigger_as<trigger::NoteChord>(c).notes, (std::vector<uint8_t>{60, 64, 67}));
}

TEST(Triggers, EncoderDefaultsAndEncodings) {
  Config c = must_load(one_mapping(R"({ type = "EncoderTurn", cc = 3 })", kText));
  EXPECT_EQ(trigger_as<trigger::EncoderTurn>(c).direction, EncoderDirection::Any);
  EXPECT_EQ(trigger_as<trigger::EncoderTurn>(c).encoding, EncoderEncoding::Absolute);
  c = must_load(one_mapping(R"({ type = "EncoderTurn", cc = 3, direction = "CounterClockwise", encoding = "binary_offset" })", kText));
  EXPECT_EQ(trigger_as<trigger::EncoderTurn>(c).direction, EncoderDirection::CounterClockwise);
  EXPECT_EQ(trigger_as<trigger::EncoderTurn>(c).encoding, EncoderEncoding::BinaryOffset);
}

TEST(Triggers, CcDefaultsAnd14Bit) {
  Config c = must_load(one_mapping(R"({ type = "CC", cc = 7, value_min = 64 })", kText));
  const auto& a = trigger_as<trigger::ControlChange>(c);
  EXPECT_EQ(a.value_min, 64);
  EXPECT_EQ(a.value_max, 127);
  EXPECT_FALSE(a.is_14bit);
  EXPECT_EQ(a.fire, CcFire::Enter);  // a partial range is a threshold: its edge fires
  c = must_load(one_mapping(R"({ type = "CC", cc = 7 })", kText));
  EXPECT_EQ(trigger_as<trigger::ControlChange>(c).fire, CcFire::Every);  // full range: every message
  c = must_load(one_mapping(R"({ type = "CC", cc = 31, fourteen_bit = true, fire = "leave" })", kText));
  const auto& b = trigger_as<trigger::ControlChange>(c);
  EXPECT_TRUE(b.is_14bit);
  EXPECT_EQ(b.value_max, 16383);
  EXPECT_EQ(b.fire, CcFire::Leave);
}

TEST(Triggers, AftertouchChannelAndPoly) {
  Config c = must_load(one_mapping(R"({ type = "Aftertouch", pressure_min = 10 })", kText));
  EXPECT_FALSE(trigger_as<trigger::Aftertouch>(c).poly);
  EXPECT_EQ(trigger_as<trigger::Aftertouch>(c).pressure_min, 10);
  c = must_load(one_mapping(R"({ type = "Aftertouch", note = 60 })", kText));
  EXPECT_TRUE(trigger_as<trigger::Aftertouch>(c).poly);
  EXPECT_EQ(trigger_as<trigger::Aftertouch>(c).note, 60);
  c = must_load(one_mapping(R"({ type = "Aftertouch", poly = true })", kText));
  EXPECT_TRUE(trigger_as<trigger::Aftertouch>(c).poly);
  EXPECT_FALSE(trigger_as<trigger::Aftertouch>(c).note.has_value());
}

TEST(Triggers, PitchBendAndProgramChange) {
  Config c = must_load(one_mapping(R"({ type = "PitchBend", value_min = 8192 })", kText));
  EXPECT_EQ(trigger_as<trigger::PitchBend>(c).value_min, 8192);
  EXPECT_EQ(trigger_as<trigger::PitchBend>(c).value_max, 16383);
  c = must_load(one_mapping(R"({ type = "ProgramChange" })", kText));
  EXPECT_FALSE(trigger_as<trigger::ProgramChange>(c).program.has_value());
  c = must_load(one_mapping(R"({ type = "ProgramChange", program = 0 })", kText));
  EXPECT_EQ(trigger_as<trigger::ProgramChange>(c).program, 0);
}

TEST(Triggers, SysExPatternWithWildcards) {
  Config c = must_load(one_mapping(R"({ type = "SysEx", pattern = "f0 7e  ?? 06 02 * F7" })", kText));
  const auto& s = trigger_as<trigger::SysEx>(c);
  using K = trigger::SysExByte::Kind;
  ASSERT_EQ(s.pattern.size(), 7u);
  EXPECT_EQ(s.pattern[0].kind, K::Exact);
  EXPECT_EQ(s.pattern[0].value, 0xF0);
  EXPECT_EQ(s.pattern[1].value, 0x7E);
  EXPECT_EQ(s.pattern[2].kind, K::AnyByte);
  EXPECT_EQ(s.pattern[5].kind, K::AnyRun);
  EXPECT_EQ(s.pattern[6].value, 0xF7);
  EXPECT_EQ(s.text, "F0 7E ?? 06 02 * F7");
}

TEST(Actions, KeystrokeTextLaunchDelay) {
  Config c = must_load(one_mapping(kNote, R"({ type = "Keystroke", keys = "space" })"));
  EXPECT_EQ(action_as<action::Keystroke>(c).keys, (std::vector<std::string>{"space"}));
  EXPECT_TRUE(action_as<action::Keystroke>(c).modifiers.empty());
  c = must_load(one_mapping(kNote, R"({ type = "Text", text = "héllo\n" })"));
  EXPECT_EQ(action_as<action::Text>(c).text, "héllo\n");
  c = must_load(one_mapping(kNote, R"({ type = "Launch", app = "firefox" })"));
  EXPECT_EQ(action_as<action::Launch>(c).app, "firefox");
  c = must_load(one_mapping(kNote, R"({ type = "Delay", ms = 0 })"));
  EXPECT_EQ(action_as<action::Delay>(c).ms, 0u);
}

TEST(Actions, ShellSplitUnlessShellTrue) {
  Config c = must_load(one_mapping(kNote, R"({ type = "Shell", command = "notify-send 'a b' \"c d\" e\\ f" })"));
  const auto& s = action_as<action::Shell>(c);
  EXPECT_FALSE(s.shell);
  EXPECT_EQ(s.argv, (std::vector<std::string>{"notify-send", "a b", "c d", "e f"}));
  c = must_load(one_mapping(kNote, R"({ type = "Shell", command = "date | tee 'x", shell = true })"));
  EXPECT_TRUE(action_as<action::Shell>(c).shell);
  EXPECT_TRUE(action_as<action::Shell>(c).argv.empty());
  EXPECT_EQ(action_as<action::Shell>(c).command, "date | tee 'x");
}

TEST(Actions, ShellTimeoutHasADefaultAndItsOwnValue) {
  Config c = must_load(one_mapping(kNote, R"({ type = "Shell", command = "true" })"));
  EXPECT_EQ(action_as<action::Shell>(c).timeout_ms, action::Shell::kDefaultTimeoutMs);
  EXPECT_EQ(action::Shell::kDefaultTimeoutMs, 30000u);  // what docs/actions.md promises
  c = must_load(one_mapping(kNote, R"({ type = "Shell", command = "true", timeout_ms = 1500 })"));
  EXPECT_EQ(action_as<action::Shell>(c).timeout_ms, 1500u);
  c = must_load(one_mapping(kNote, R"({ type = "Shell", command = "true", timeout_ms = 3600000 })"));
  EXPECT_EQ(action_as<action::Shell>(c).timeout_ms, 3600000u);
}

TEST(Desktop, InputBackendDefaultsToAutoAndReadsEachName) {
  Config c = must_load("[[modes]]\nname = \"A\"\n");
  EXPECT_EQ(c.desktop.input_backend, InputBackend::Auto);
  for (auto [text, backend] : {std::pair{"auto", InputBackend::Auto}, std::pair{"X11", InputBackend::X11},
                               std::pair{"uinput", InputBackend::Uinput}}) {
    c = must_load(std::string("[desktop]\ninput_backend = \"") + text + "\"\n[[modes]]\nname = \"A\"\n");
    EXPECT_EQ(c.desktop.input_backend, backend) << text;
    EXPECT_EQ(c.desktop.where.line, 1u);
  }
}

TEST(Actions, MouseClickDefaults) {
  Config c = must_load(one_mapping(kNote, R"({ type = "MouseClick" })"));
  EXPECT_EQ(action_as<action::MouseClick>(c).button, MouseButton::Left);
  EXPECT_FALSE(action_as<action::MouseClick>(c).x.has_value());
  c = must_load(one_mapping(kNote, R"({ type = "MouseClick", button = "middle", x = -5, y = 7 })"));
  EXPECT_EQ(action_as<action::MouseClick>(c).button, MouseButton::Middle);
  EXPECT_EQ(action_as<action::MouseClick>(c).x, -5);
  EXPECT_EQ(action_as<action::MouseClick>(c).y, 7);
}

TEST(Actions, VolumeSetKeepsValue) {
  Config c = must_load(one_mapping(kNote, R"({ type = "VolumeControl", operation = "Set", value = 40 })"));
  EXPECT_EQ(action_as<action::VolumeControl>(c).value, 40);
}

TEST(Actions, VolumeValueOutsideSetIsAWarning) {
  LoadResult full;
  must_load(one_mapping(kNote, R"({ type = "VolumeControl", operation = "Up", value = 40 })"), &full);
  ASSERT_EQ(full.warnings.size(), 1u);
  EXPECT_NE(full.warnings[0].message.find("only used by operation Set"), std::string::npos);
}

TEST(Actions, SequenceRepeatConditional) {
  Config c = must_load(one_mapping(
      kNote, R"({ type = "Sequence", actions = [{ type = "Repeat", action = { type = "Text", text = "a" }, count = 3 }, { type = "Conditional", condition = "Never", then_action = { type = "Delay", ms = 1 } }] })"));
  const auto& seq = action_as<action::Sequence>(c);
  ASSERT_EQ(seq.actions.size(), 2u);
  const auto& rep = std::get<action::Repeat>(seq.actions[0].kind);
  EXPECT_EQ(rep.count, 3u);
  EXPECT_EQ(rep.delay_ms, 0u);
  EXPECT_EQ(std::get<action::Text>(rep.action->kind).text, "a");
  const auto& cond = std::get<action::Conditional>(seq.actions[1].kind);
  EXPECT_TRUE(std::holds_alternative<condition::Never>(cond.condition->kind));
  EXPECT_FALSE(cond.else_action.has_value());
}

TEST(Actions, SendMidiDefaults) {
  Config c = must_load(one_mapping(kNote, R"({ type = "SendMidi", port = "out", message_type = "NoteOn", channel = 15 })"));
  const auto& s = action_as<action::SendMidi>(c);
  EXPECT_EQ(s.channel, 15);
  EXPECT_EQ(s.note, 60);
  EXPECT_EQ(s.velocity, 100);
  EXPECT_EQ(s.pitch, 0);
}

TEST(Actions, SendMidiValueFromTheTrigger) {
  Config c = must_load(one_mapping(kNote, R"({ type = "SendMidi", port = "out", message_type = "CC", channel = 0, controller = 7, velocity_from = "trigger", curve = "exponential", out_min = 10, out_max = 90, invert = true })"));
  const auto& s = action_as<action::SendMidi>(c);
  EXPECT_TRUE(s.value_from_trigger);
  EXPECT_EQ(s.curve, action::ValueCurve::Exponential);
  EXPECT_EQ(s.out_min, 10);
  EXPECT_EQ(s.out_max, 90);
  EXPECT_TRUE(s.invert);
  LoadResult bad = testing::load(one_mapping(kNote, R"({ type = "SendMidi", port = "out", message_type = "CC", channel = 0, velocity_from = "trigga", out_max = 200 })"));
  ASSERT_FALSE(bad.ok());
  const std::string errors = testing::all_errors(bad);
  EXPECT_NE(errors.find("velocity_from"), std::string::npos) << errors;
  EXPECT_NE(errors.find("out_max"), std::string::npos) << errors;
}

TEST(Actions, PluginParamsAsJson) {
  Config c = must_load(one_mapping(
      kNote, R"({ type = "Plugin", plugin = "obs", action = "scene", params = { name = "Live \"1\"", n = 3, on = true, list = [1, 2] } })"));
  const auto& p = action_as<action::Plugin>(c);
  EXPECT_EQ(p.plugin, "obs");
  EXPECT_EQ(p.action, "scene");
  for (const char* part : {"\"name\"", "\"Live \\\"1\\\"\"", "\"n\"", "3", "true", "[", "1", "2"})
    EXPECT_NE(p.params_json.find(part), std::string::npos) << part << " in " << p.params_json;
  c = must_load(one_mapping(kNote, R"({ type = "Plugin", plugin = "obs", action = "scene" })"));
  EXPECT_EQ(action_as<action::Plugin>(c).params_json, "{}");
}

TEST(Sections, ModesOnEnterAppProfilesPluginsDirs) {
  Config c = must_load(R"(plugin_dirs = ["/a", "/b"]
[[modes]]
name = "A"
color = "red"
on_enter = [{ type = "Text", text = "hi" }, { type = "ModeChange", mode = "B" }]
[[modes]]
name = "B"
[[app_profiles]]
window_class = "firefox"
match = "exact"
mode = "B"
[plugins.obs]
config = { host = "h" }
[plugins.x]
enabled = false
)");
  ASSERT_EQ(c.modes.size(), 2u);
  EXPECT_EQ(c.modes[0].color, "red");
  ASSERT_EQ(c.modes[0].on_enter.size(), 2u);
  EXPECT_EQ(std::get<action::ModeChange>(c.modes[0].on_enter[1].kind).mode_index, 1u);
  ASSERT_EQ(c.app_profiles.size(), 1u);
  EXPECT_EQ(c.app_profiles[0].mode_index, 1u);
  EXPECT_EQ(c.app_profiles[0].match, DeviceMatch::Exact);
  ASSERT_EQ(c.plugins.size(), 2u);
  EXPECT_TRUE(c.plugins[0].enabled);
  EXPECT_NE(c.plugins[0].config_json.find("\"host\""), std::string::npos);
  EXPECT_FALSE(c.plugins[1].enabled);
  EXPECT_EQ(c.plugins[1].config_json, "{}");
  EXPECT_EQ(c.plugin_dirs, (std::vector<std::string>{"/a", "/b"}));
  EXPECT_FALSE(c.require_plugin_signature);  // the default
}

TEST(Sections, PluginsRequireSignature) {
  Config c = must_load("[[modes]]\nname = \"A\"\n[plugins]\nrequire_signature = true\n[plugins.obs]\nenabled = true\n");
  EXPECT_TRUE(c.require_plugin_signature);
  ASSERT_EQ(c.plugins.size(), 1u);  // the policy is not a plugin
  EXPECT_EQ(c.plugins[0].name, "obs");
  EXPECT_FALSE(must_load("[[modes]]\nname = \"A\"\n[plugins]\nrequire_signature = false\n").require_plugin_signature);
}

TEST(Sections, SourceLocationsOfMappingTriggerAction) {
  Config c = must_load("[[modes]]\nname = \"A\"\n[[modes.mappings]]\ntrigger = { type = \"Note\", note = 1 }\n"
                       "action = { type = \"Text\", text = \"x\" }\n");
  const Mapping& m = first_mapping(c);
  EXPECT_EQ(m.where.to_string(), "test.toml:3:1");
  EXPECT_EQ(m.trigger.where.to_string(), "test.toml:4:11");
  EXPECT_EQ(m.action.where.to_string(), "test.toml:5:10");
  EXPECT_EQ(c.source, "test.toml");
}

}  // namespace
}  // namespace midimon::mapping
