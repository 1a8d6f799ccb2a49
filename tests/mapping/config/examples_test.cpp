// Whole configs: MIDIMon-style examples load unchanged, every extension loads, 1,000
// mappings load, and the printed normalised config loads back to the same config.
#include <gtest/gtest.h>

#include "config_test_support.h"
#include "mapping/config_printer.h"

namespace midimon::mapping {
namespace {

using testing::all_errors;
using testing::data_path;

LoadResult load_file(const std::string& name) {
  LoadResult r = load_config(data_path(name));
  EXPECT_TRUE(r.ok()) << all_errors(r);
  return r;
}

TEST(Examples, MidimonEnhancedLoadsUnchanged) {
  LoadResult r = load_file("midimon_enhanced.toml");
  ASSERT_TRUE(r.ok());
  const Config& c = *r.config;
  ASSERT_EQ(c.modes.size(), 3u);
  EXPECT_EQ(c.modes[0].name, "Default");
  EXPECT_EQ(c.modes[0].mappings.size(), 7u);
  EXPECT_EQ(c.modes[1].mappings.size(), 2u);
  EXPECT_EQ(c.global_mappings.size(), 3u);
  EXPECT_EQ(c.advanced.hold_threshold_ms, 1500u);
  EXPECT_EQ(c.logging.level, LogLevel::Debug);
  // The aliases did what their authors meant.
  EXPECT_EQ(std::get<trigger::LongPress>(c.modes[0].mappings[3].trigger.kind).duration_ms, 1000u);
  EXPECT_EQ(std::get<trigger::NoteChord>(c.modes[0].mappings[5].trigger.kind).timeout_ms, 100u);
  EXPECT_EQ(std::get<trigger::VelocityRange>(c.modes[0].mappings[2].trigger.kind).velocity_min, 80);
  // A LongPress without its own duration takes [advanced_settings].hold_threshold_ms.
  EXPECT_EQ(std::get<trigger::LongPress>(c.modes[1].mappings[1].trigger.kind).duration_ms, 1500u);
  EXPECT_EQ(std::get<action::ModeChange>(c.global_mappings[0].action.kind).mode, "Development");
  const auto& shell = std::get<action::Shell>(c.modes[1].mappings[0].action.kind);
  EXPECT_EQ(shell.argv, (std::vector<std::string>{
                            "osascript", "-e", "tell application \"Terminal\" to do script \"git status\""}));
  // The macOS-only key is the one warning.
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_NE(r.warnings[0].message.find("'fn'"), std::string::npos);
}

TEST(Examples, MidimonSynthLoadsUnchanged) {
  LoadResult r = load_file("midimon_synth.toml");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.config->modes[0].mappings.size(), 6u);
  EXPECT_FALSE(r.config->devices[0].auto_reconnect);
  EXPECT_TRUE(r.warnings.empty());
}

TEST(Examples, MidimonTemplateLoadsUnchanged) {
  LoadResult r = load_file("midimon_template.toml");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.config->modes.size(), 2u);
  EXPECT_TRUE(r.config->global_mappings.empty());
}

TEST(Examples, EveryExtensionLoads) {
  LoadResult r = load_file("extensions.toml");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r.warnings.empty());
  const Config& c = *r.config;
  EXPECT_EQ(c.devices.size(), 2u);
  EXPECT_EQ(c.devices[0].backend, MidiBackend::Jack);
  EXPECT_EQ(c.desktop.input_backend, InputBackend::Uinput);
  EXPECT_EQ(c.modes[0].mappings.size(), 9u);
  EXPECT_EQ(c.app_profiles.size(), 2u);
  EXPECT_EQ(c.plugins.size(), 2u);
  EXPECT_EQ(c.plugins[0].limits.timeout_ms, 2000u);
  EXPECT_EQ(c.plugins[0].limits.max_memory_bytes, uint64_t(64) << 20);
  EXPECT_EQ(c.plugins[0].limits.fuel, 5000000u);
  EXPECT_FALSE(c.plugins[1].limits.fuel.has_value());
  EXPECT_EQ(c.plugin_dirs.size(), 2u);
  const Trigger& pad = c.modes[0].mappings[0].trigger;
  EXPECT_EQ(pad.channel, 9);
  EXPECT_EQ(pad.device_index, 0);
  EXPECT_EQ(std::get<trigger::LongPress>(c.modes[0].mappings[2].trigger.kind).duration_ms, 800u);
}

std::string generated_config(int mappings) {
  std::string text = "[device]\nname = \"Gen\"\nauto_connect = true\n\n[[modes]]\nname = \"Big\"\n";
  const char* triggers[] = {
      R"({ type = "Note", note = %N%, velocity_min = 10, channel = %C% })",
      R"({ type = "CC", cc = %N%, value_min = 64 })",
      R"({ type = "LongPress", note = %N%, min_duration_ms = 900 })",
      R"({ type = "EncoderTurn", cc = %N%, direction = "Clockwise" })",
      R"({ type = "NoteChord", notes = [%N%, 1, 2] })",
  };
  const char* actions[] = {
      R"({ type = "Keystroke", keys = "ctrl+shift+F5", modifiers = ["alt"] })",
      R"({ type = "Shell", command = "notify-send 'mapping %I%' \"done\"" })",
      R"({ type = "VolumeControl", action = "Up" })",
      R"({ type = "Sequence", actions = [{ type = "Text", text = "m%I%" }, { type = "Delay", ms = 5 }] })",
  };
  auto fill = [](std::string s, int i) {
    auto put = [&](const std::string& key, const std::string& value) {
      for (std::size_t at; (at = s.find(key)) != std::string::npos;) s.replace(at, key.size(), value);
    };
    put("%N%", std::to_string(3 + i % 120));
    put("%C%", std::to_string(1 + i % 16));
    put("%I%", std::to_string(i));
    return s;
  };
  for (int i = 0; i < mappings; ++i) {
    text += "\n[[modes.mappings]]\ndescription = \"mapping " + std::to_string(i) + "\"\n";
    text += "trigger = " + fill(triggers[i % 5], i) + "\n";
    text += "action = " + fill(actions[i % 4], i) + "\n";
  }
  return text;
}

TEST(Examples, AThousandMappingsLoad) {
  LoadResult r = load_config_string(generated_config(1000), "big.toml");
  ASSERT_TRUE(r.ok()) << all_errors(r);
  ASSERT_EQ(r.config->modes[0].mappings.size(), 1000u);
  const Mapping& last = r.config->modes[0].mappings[999];
  EXPECT_EQ(last.description, "mapping 999");
  // 6 header lines, then 5 lines per mapping (blank, [[modes.mappings]], 3 keys).
  EXPECT_EQ(last.where.line, 8u + 999u * 5u);
}

// print_config's output is a config that loads to the same thing: printing it again
// gives the same text.
void expect_round_trip(const Config& c) {
  std::string printed = print_config(c);
  LoadResult again = load_config_string(printed, c.source);
  ASSERT_TRUE(again.ok()) << all_errors(again) << "\n" << printed;
  EXPECT_EQ(print_config(*again.config), printed);
}

TEST(Printer, RoundTripsEveryExample) {
  for (const char* name : {"midimon_enhanced.toml", "midimon_synth.toml", "midimon_template.toml",
                           "extensions.toml"}) {
    SCOPED_TRACE(name);
    LoadResult r = load_file(name);
    ASSERT_TRUE(r.ok());
    expect_round_trip(*r.config);
  }
}

TEST(Printer, KeepsThePluginSignaturePolicy) {
  LoadResult r = load_config_string("[[modes]]\nname = \"A\"\n[plugins]\nrequire_signature = true\n"
                                    "[plugins.obs]\nconfig = { a = 1 }\n",
                                    "policy.toml");
  ASSERT_TRUE(r.ok()) << all_errors(r);
  const std::string printed = print_config(*r.config);
  EXPECT_NE(printed.find("\n[plugins]\nrequire_signature = true\n"), std::string::npos) << printed;
  expect_round_trip(*r.config);
}

TEST(Printer, RoundTripsAThousandMappings) {
  LoadResult r = load_config_string(generated_config(1000), "big.toml");
  ASSERT_TRUE(r.ok());
  expect_round_trip(*r.config);
}

TEST(Printer, ShowsResolvedAliasesAndDerivedFacts) {
  LoadResult r = load_file("midimon_enhanced.toml");
  ASSERT_TRUE(r.ok());
  std::string printed = print_config(*r.config);
  for (const char* part : {
           R"(trigger = { type = "LongPress", note = 14, duration_ms = 1000 })",
           R"(trigger = { type = "VelocityRange", note = 13, soft_max = 40, medium_max = 80, velocity_min = 1, velocity_max = 40 })",
           R"(action = { type = "VolumeControl", operation = "Down" })",
           R"(action = { type = "Keystroke", keys = "Escape", modifiers = ["super", "alt"] })",
           R"(action = { type = "ModeChange", mode = "Development" })",
           R"(# Shell argv = ["osascript", "-e", "tell application \"Terminal\" to do script \"git status\""])",
           "[advanced_settings]\nchord_timeout_ms = 60\n",
           "[logging]\nlevel = \"debug\"\nfile = \"/tmp/midimon.log\"\n",
           "[desktop]\ninput_backend = \"auto\"\n",
           R"(action = { type = "Shell", command = "osascript -e 'tell application \"Terminal\" to do script \"git status\"'", shell = false, timeout_ms = 30000 })",
       }) {
    EXPECT_NE(printed.find(part), std::string::npos) << part << "\n---\n" << printed;
  }
}

TEST(Printer, QuotesControlCharacters) {
  EXPECT_EQ(toml_quote("a\"b\\c\n\x01"), R"("a\"b\\c\n\u0001")");
}

}  // namespace
}  // namespace midimon::mapping
