// Every validation error names the right line and column (table-driven). The column is
// where `needle` starts in that line, so each case says exactly which token is blamed.
#include <gtest/gtest.h>

#include <sstream>

#include "config_test_support.h"

namespace midimon::mapping {
namespace {

using testing::load;
using testing::one_mapping;

struct ErrorCase {
  const char* name;
  std::string toml;
  uint32_t line;
  std::string needle;   // the blamed token in that line
  std::string message;  // a part of the sentence
};

// Lines of one_mapping(): 4 = trigger, 5 = action.
std::vector<ErrorCase> cases() {
  const std::string text_action = R"({ type = "Text", text = "x" })";
  const std::string note = R"({ type = "Note", note = 1 })";
  return {
      {"unknown_trigger_key", one_mapping(R"({ type = "Note", note = 1, velocty_min = 2 })", text_action),
       4, "velocty_min", "unknown key 'velocty_min' in a Note trigger (did you mean 'velocity_min'?)"},
      {"unknown_action_key", one_mapping(note, R"({ type = "Text", txt = "x" })"), 5, "txt",
       "unknown key 'txt' in a Text action (did you mean 'text'?)"},
      {"wrong_type", one_mapping(R"({ type = "Note", note = "36" })", text_action), 4, "\"36\"",
       "'note' in a Note trigger must be an integer, not a string"},
      {"float_for_integer", one_mapping(R"({ type = "CC", cc = 7.5 })", text_action), 4, "7.5",
       "must be an integer, not a floating-point number"},
      {"note_out_of_range", one_mapping(R"({ type = "Note", note = 128 })", text_action), 4, "128",
       "'note' in a Note trigger must be between 0 and 127, not 128"},
      {"negative_note", one_mapping(R"({ type = "Note", note = -1 })", text_action), 4, "-1",
       "between 0 and 127, not -1"},
      {"channel_zero", one_mapping(R"({ type = "Note", note = 1, channel = 0 })", text_action), 4, "0 }",
       "'channel' in a Note trigger must be between 1 and 16, not 0"},
      {"channel_17", one_mapping(R"({ type = "CC", cc = 1, channel = 17 })", text_action), 4, "17",
       "between 1 and 16, not 17"},
      {"missing_note", one_mapping(R"({ type = "LongPress" })", text_action), 4, "{",
       "a LongPress trigger needs 'note', which is missing"},
      {"missing_type", one_mapping(R"({ note = 1 })", text_action), 4, "{", "a trigger needs 'type'"},
      {"unknown_trigger_type", one_mapping(R"({ type = "Noet", note = 1 })", text_action), 4, "\"Noet\"",
       "unknown trigger type 'Noet' (did you mean 'Note'?)"},
      {"gamepad_trigger", one_mapping(R"({ type = "GamepadButton", button = 1 })", text_action), 4,
       "\"GamepadButton\"", "gamepad triggers are not supported"},
      {"unknown_action_type", one_mapping(note, R"({ type = "Keystrok", keys = "a" })"), 5, "\"Keystrok\"",
       "unknown action type 'Keystrok' (did you mean 'Keystroke'?)"},
      {"trigger_not_table", one_mapping("36", text_action), 4, "36", "a trigger must be a table"},
      {"missing_action",
       "[[modes]]\nname = \"A\"\n[[modes.mappings]]\ntrigger = { type = \"Note\", note = 1 }\n", 3,
       "[[", "needs 'action', which is missing"},
      {"velocity_range_empty",
       one_mapping(R"({ type = "Note", note = 1, velocity_min = 90, velocity_max = 10 })", text_action), 4,
       "10 }", "'velocity_min' (90) is greater than 'velocity_max' (10)"},
      {"soft_not_below_medium",
       one_mapping(R"({ type = "VelocityRange", note = 1, soft_max = 90, medium_max = 80 })", text_action),
       4, "80", "'soft_max' (90) must be less than 'medium_max' (80)"},
      {"level_and_range",
       one_mapping(R"({ type = "VelocityRange", note = 1, level = "soft", min_velocity = 3 })", text_action),
       4, "\"soft\"", "give either 'level' or an explicit velocity range"},
      {"bad_level", one_mapping(R"({ type = "VelocityRange", note = 1, level = "loud" })", text_action), 4,
       "\"loud\"", "'level' in a VelocityRange trigger must be soft, medium or hard, not 'loud'"},
      {"alias_and_key",
       one_mapping(R"({ type = "LongPress", note = 1, duration_ms = 5, min_duration_ms = 6 })", text_action),
       4, "6 }", "'min_duration_ms' is an alias of 'duration_ms'"},
      {"timing_zero", one_mapping(R"({ type = "DoubleTap", note = 1, timeout_ms = 0 })", text_action), 4,
       "0 }", "'timeout_ms' in a DoubleTap trigger must be between 1 and 600000, not 0"},
      {"shell_timeout_zero", one_mapping(note, R"({ type = "Shell", command = "true", timeout_ms = 0 })"), 5,
       "0 }", "'timeout_ms' in a Shell action must be between 1 and 3600000, not 0"},
      {"shell_timeout_string", one_mapping(note, R"({ type = "Shell", command = "true", timeout_ms = "5s" })"),
       5, "\"5s\"", "'timeout_ms' in a Shell action must be an integer, not a string"},
      {"chord_empty", one_mapping(R"({ type = "NoteChord", notes = [] })", text_action), 4, "[]",
       "must name at least one note"},
      {"chord_duplicate", one_mapping(R"({ type = "NoteChord", notes = [60, 64, 60] })", text_action), 4,
       "60]", "note 60 appears twice"},
      {"chord_bad_note", one_mapping(R"({ type = "NoteChord", notes = [60, 200] })", text_action), 4, "200",
       "between 0 and 127, not 200"},
      {"encoder_direction", one_mapping(R"({ type = "EncoderTurn", cc = 1, direction = "Left" })", text_action),
       4, "\"Left\"", "'direction' in an EncoderTurn trigger must be Clockwise, CounterClockwise or Any"},
      {"encoder_encoding",
       one_mapping(R"({ type = "EncoderTurn", cc = 1, encoding = "twos" })", text_action), 4, "\"twos\"",
       "must be absolute, twos_complement, sign_magnitude or binary_offset"},
      {"cc14_high_cc", one_mapping(R"({ type = "CC", cc = 40, fourteen_bit = true })", text_action), 4,
       "40", "a 14-bit CC must be 0-31"},
      {"cc_value_over_7bit", one_mapping(R"({ type = "CC", cc = 4, value_min = 200 })", text_action), 4,
       "200", "between 0 and 127, not 200"},
      {"cc_fire", one_mapping(R"({ type = "CC", cc = 4, fire = "rise" })", text_action), 4, "\"rise\"",
       "must be every, enter or leave"},
      {"pitch_bend_range", one_mapping(R"({ type = "PitchBend", value_max = 16384 })", text_action), 4,
       "16384", "between 0 and 16383"},
      {"poly_false_with_note",
       one_mapping(R"({ type = "Aftertouch", poly = false, note = 3 })", text_action), 4, "3 }",
       "'note' needs polyphonic aftertouch"},
      {"program_range", one_mapping(R"({ type = "ProgramChange", program = 128 })", text_action), 4, "128",
       "between 0 and 127"},
      {"sysex_bad_token", one_mapping(R"({ type = "SysEx", pattern = "F0 7G F7" })", text_action), 4,
       "\"F0", "element 2 ('7G') is not two hex digits"},
      {"sysex_no_f0", one_mapping(R"({ type = "SysEx", pattern = "7E 01 F7" })", text_action), 4, "\"7E",
       "must start with F0"},
      {"sysex_no_f7", one_mapping(R"({ type = "SysEx", pattern = "F0 7E *" })", text_action), 4, "\"F0",
       "must end with F7"},
      {"sysex_status_inside", one_mapping(R"({ type = "SysEx", pattern = "F0 90 F7" })", text_action), 4,
       "\"F0", "element 2 is a status byte"},
      {"unknown_device", one_mapping(R"({ type = "Note", note = 1, device = "pads" })", text_action), 4,
       "\"pads\"", "no device named 'pads'"},
      {"bad_key_name", one_mapping(note, R"({ type = "Keystroke", keys = "ctrl+spcae" })"), 5, "\"ctrl",
       "unknown key name 'spcae' in 'keys' (did you mean 'space'?)"},
      {"only_modifiers", one_mapping(note, R"({ type = "Keystroke", keys = "ctrl+shift" })"), 5, "\"ctrl",
       "'keys' names only modifiers"},
      {"bad_modifier", one_mapping(note, R"({ type = "Keystroke", keys = "a", modifiers = ["ctrl", "hyper"] })"),
       5, "\"hyper\"", "unknown modifier 'hyper'"},
      {"shell_unbalanced", one_mapping(note, R"({ type = "Shell", command = "echo 'hi" })"), 5, "\"echo",
       "unterminated single quote at character 6 of the command"},
      {"shell_trailing_backslash", one_mapping(note, R"({ type = "Shell", command = "ls \\" })"), 5, "\"ls",
       "ends with a backslash"},
      {"shell_empty", one_mapping(note, R"({ type = "Shell", command = "" })"), 5, "\"\"", "must not be empty"},
      {"volume_set_without_value", one_mapping(note, R"({ type = "VolumeControl", operation = "Set" })"), 5,
       "\"Set\"", "operation Set needs 'value'"},
      {"volume_bad_op", one_mapping(note, R"({ type = "VolumeControl", action = "Louder" })"), 5, "\"Louder\"",
       "'action' in a VolumeControl action must be Up, Down, Mute, Unmute or Set, not 'Louder'"},
      {"volume_value_range", one_mapping(note, R"({ type = "VolumeControl", operation = "Set", value = 101 })"),
       5, "101", "between 0 and 100"},
      {"mouse_x_without_y", one_mapping(note, R"({ type = "MouseClick", button = "left", x = 3 })"), 5, "3 }",
       "give both 'x' and 'y'"},
      {"mouse_button", one_mapping(note, R"({ type = "MouseClick", button = "side" })"), 5, "\"side\"",
       "must be left, right or middle"},
      {"delay_missing", one_mapping(note, R"({ type = "Delay" })"), 5, "{", "needs 'ms'"},
      {"repeat_count_zero",
       one_mapping(note, R"({ type = "Repeat", action = { type = "Text", text = "a" }, count = 0 })"), 5,
       "0 }", "'count' in a Repeat action must be between 1 and 100000"},
      {"sequence_inner_error",
       one_mapping(note, R"({ type = "Sequence", actions = [{ type = "Text", text = "a" }, { type = "Delay", ms = -5 }] })"),
       5, "-5", "'ms' in a Delay action must be between 0 and 3600000"},
      {"send_midi_channel_16",
       one_mapping(note, R"({ type = "SendMidi", port = "p", message_type = "NoteOn", channel = 16 })"), 5,
       "16", "'channel' in a SendMidi action must be between 0 and 15"},
      {"send_midi_type",
       one_mapping(note, R"({ type = "SendMidi", port = "p", message_type = "Sysex", channel = 1 })"), 5,
       "\"Sysex\"", "must be NoteOn, NoteOff, CC, ProgramChange, PitchBend or Aftertouch"},
      {"plugin_params_not_table",
       one_mapping(note, R"({ type = "Plugin", plugin = "obs", action = "scene", params = 3 })"), 5, "3 }",
       "'params' in a Plugin action must be a table"},
      {"mode_change_unknown", one_mapping(note, R"({ type = "ModeChange", mode = "Mdia" })"), 5, "{",
       "ModeChange names mode 'Mdia', which does not exist"},
      {"mode_change_index_out_of_range", one_mapping(note, R"({ type = "ModeChange", mode = 3 })"), 5, "{",
       "ModeChange names mode number 3, but there are only 1 modes"},
      {"mode_change_in_sequence",
       one_mapping(note, R"({ type = "Sequence", actions = [{ type = "Text", text = "a" }, { type = "ModeChange", mode = "X" }] })"),
       5, "{ type = \"ModeChange\"", "names mode 'X'"},
      {"mode_change_in_repeat",
       one_mapping(note, R"({ type = "Repeat", count = 2, action = { type = "ModeChange", mode = "X" } })"), 5,
       "{ type = \"ModeChange\"", "names mode 'X'"},
      {"mode_change_in_else",
       one_mapping(note, R"({ type = "Conditional", condition = "Always", then_action = { type = "Text", text = "a" }, else_action = { type = "ModeChange", mode = "X" } })"),
       5, "{ type = \"ModeChange\"", "names mode 'X'"},
      {"mode_is_unknown",
       one_mapping(note, R"({ type = "Conditional", condition = { ModeIs = { mode = "X" } }, then_action = { type = "Text", text = "a" } })"),
       5, "{ ModeIs", "ModeIs names mode 'X'"},
      {"mode_change_on_enter",
       "[[modes]]\nname = \"A\"\non_enter = [{ type = \"ModeChange\", mode = \"B\" }]\n", 3, "{",
       "names mode 'B'"},
      {"condition_unknown",
       one_mapping(note, R"({ type = "Conditional", condition = { TimeRnage = { start = "09:00", end = "10:00" } }, then_action = { type = "Text", text = "a" } })"),
       5, "{ TimeRnage", "unknown condition 'TimeRnage' (did you mean 'TimeRange'?)"},
      {"condition_bad_time",
       one_mapping(note, R"({ type = "Conditional", condition = { type = "TimeRange", start = "25:00", end = "10:00" }, then_action = { type = "Text", text = "a" } })"),
       5, "\"25:00\"", "must be a time of day like \"09:30\""},
      {"condition_bad_day",
       one_mapping(note, R"({ type = "Conditional", condition = { DayOfWeek = { days = [1, 8] } }, then_action = { type = "Text", text = "a" } })"),
       5, "8]", "between 1 and 7, not 8"},
      {"condition_unknown_param",
       one_mapping(note, R"({ type = "Conditional", condition = { type = "AppRunning", app = "x" }, then_action = { type = "Text", text = "a" } })"),
       5, "app =", "unknown key 'app' in an AppRunning condition"},
      {"condition_two_keys",
       one_mapping(note, R"({ type = "Conditional", condition = { Always = {}, Never = {} }, then_action = { type = "Text", text = "a" } })"),
       5, "{ Always", "exactly one key naming the condition"},
      {"duplicate_mode", "[[modes]]\nname = \"A\"\n[[modes]]\nname = \"A\"\n", 4, "\"A\"",
       "duplicate mode name 'A' (first defined at test.toml:1:1)"},
      {"no_modes", "[advanced_settings]\nchord_timeout_ms = 40\n", 1, "[", "the config has no [[modes]]"},
      {"unknown_top_level", "[[modes]]\nname = \"A\"\n[advanced_setings]\nhold_threshold_ms = 3\n", 3,
       "advanced_setings", "unknown key 'advanced_setings' in the top level of the config (did you mean "
                           "'advanced_settings'?)"},
      {"unknown_mode_key", "[[modes]]\nname = \"A\"\ncolour = \"red\"\n", 3, "colour",
       "unknown key 'colour' in a [[modes]] table (did you mean 'color'?)"},
      {"mode_name_missing", "[[modes]]\ncolor = \"red\"\n", 1, "[[", "a [[modes]] table needs 'name'"},
      {"settings_range", "[advanced_settings]\nhold_threshold_ms = 0\n[[modes]]\nname = \"A\"\n", 2, "0",
       "'hold_threshold_ms' in [advanced_settings] must be between 1 and 600000, not 0"},
      {"settings_unknown", "[advanced_settings]\nchord_timeout = 40\n[[modes]]\nname = \"A\"\n", 2,
       "chord_timeout", "(did you mean 'chord_timeout_ms'?)"},
      {"logging_level", "[logging]\nlevel = \"verbose\"\n[[modes]]\nname = \"A\"\n", 2, "\"verbose\"",
       "must be off, error, warn, info, debug or trace"},
      {"desktop_backend", "[desktop]\ninput_backend = \"wayland\"\n[[modes]]\nname = \"A\"\n", 2, "\"wayland\"",
       "'input_backend' in [desktop] must be auto, x11 or uinput, not 'wayland'"},
      {"desktop_backend_type", "[desktop]\ninput_backend = 1\n[[modes]]\nname = \"A\"\n", 2, "1",
       "'input_backend' in [desktop] must be a string"},
      {"desktop_unknown_key", "[desktop]\ninput_backnd = \"x11\"\n[[modes]]\nname = \"A\"\n", 2,
       "input_backnd", "unknown key 'input_backnd' in [desktop] (did you mean 'input_backend'?)"},
      {"desktop_not_table", "desktop = \"x11\"\n[[modes]]\nname = \"A\"\n", 1, "\"x11\"",
       "'desktop' must be a table ([desktop]), not a string"},
      {"device_and_devices",
       "[device]\nname = \"a\"\n[[devices]]\nname = \"b\"\n[[modes]]\nname = \"A\"\n", 3, "[[",
       "give either [device] (one device) or [[devices]] (several), not both"},
      {"duplicate_device", "[[devices]]\nname = \"a\"\n[[devices]]\nname = \"a\"\n[[modes]]\nname = \"A\"\n", 4,
       "\"a\"", "duplicate device name 'a'"},
      {"device_regex", "[[devices]]\nname = \"a\"\nport = \"Mikro (\"\nmatch = \"regex\"\n[[modes]]\nname = \"A\"\n",
       3, "\"Mikro", "'port' is not a valid regular expression"},
      {"device_backend", "[[devices]]\nname = \"a\"\nbackend = \"coreaudio\"\n[[modes]]\nname = \"A\"\n", 3,
       "\"coreaudio\"", "must be auto, jack or alsa"},
      {"device_missing_name", "[device]\nauto_connect = true\n[[modes]]\nname = \"A\"\n", 1, "[",
       "[device] needs 'name'"},
      {"app_profile_unknown_mode",
       "[[modes]]\nname = \"A\"\n[[app_profiles]]\nwindow_class = \"x\"\nmode = \"B\"\n", 3, "[[",
       "an [[app_profiles]] entry names mode 'B'"},
      {"app_profile_no_pattern", "[[modes]]\nname = \"A\"\n[[app_profiles]]\nmode = \"A\"\n", 3, "[[",
       "needs 'window_class', 'title' or both"},
      {"app_profile_regex",
       "[[modes]]\nname = \"A\"\n[[app_profiles]]\ntitle = \"[\"\nmatch = \"regex\"\nmode = \"A\"\n", 4, "\"[\"",
       "'title' is not a valid regular expression"},
      {"plugin_unknown_key", "[[modes]]\nname = \"A\"\n[plugins.obs]\nenabeld = true\n", 4, "enabeld",
       "unknown key 'enabeld' in [plugins.obs] (did you mean 'enabled'?)"},
      {"plugin_config_not_table", "[[modes]]\nname = \"A\"\n[plugins.obs]\nconfig = 5\n", 4, "5",
       "'config' in [plugins.obs] must be a table"},
      {"plugin_limit_range", "[[modes]]\nname = \"A\"\n[plugins.obs]\nlimits = { timeout_ms = 0 }\n", 4, "0 }",
       "'timeout_ms' in [plugins.obs.limits] must be between 1 and 600000, not 0"},
      {"plugin_limit_unknown", "[[modes]]\nname = \"A\"\n[plugins.obs.limits]\nfeul = 10\n", 4, "feul",
       "unknown key 'feul' in [plugins.obs.limits] (did you mean 'fuel'?)"},
      {"plugin_limits_not_table", "[[modes]]\nname = \"A\"\n[plugins.obs]\nlimits = 5\n", 4, "5",
       "'limits' in [plugins.obs] must be a table, not an integer"},
      {"plugins_require_signature_type", "[[modes]]\nname = \"A\"\n[plugins]\nrequire_signature = \"yes\"\n", 4,
       "\"yes\"", "'require_signature' in [plugins] must be true or false (the signature policy), not a string"},
      {"plugins_require_signature_table", "[[modes]]\nname = \"A\"\n[plugins.require_signature]\nenabled = true\n",
       3, "[plugins.require_signature]", "'require_signature' in [plugins] must be true or false"},
      {"plugin_dirs_type", "plugin_dirs = [\"a\", 3]\n[[modes]]\nname = \"A\"\n", 1, "3]",
       "every element of 'plugin_dirs'"},
      {"toml_syntax", "[[modes]]\nname = \"A\"\nnote = = 3\n", 3, "= 3", "TOML syntax"},
  };
}

class ValidationError : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(ValidationError, NamesLineAndColumn) {
  const ErrorCase& c = GetParam();
  LoadResult r = load(c.toml);
  ASSERT_FALSE(r.ok()) << "loaded without errors:\n" << c.toml;
  ASSERT_FALSE(r.config.has_value());

  // The expected column is where the needle starts in the expected line.
  std::istringstream lines(c.toml);
  std::string line;
  for (uint32_t i = 0; i < c.line; ++i) std::getline(lines, line);
  std::size_t at = line.find(c.needle);
  ASSERT_NE(at, std::string::npos) << "bad test case: '" << c.needle << "' is not in line " << c.line;
  uint32_t column = static_cast<uint32_t>(at + 1);

  bool found = false;
  for (const Diagnostic& e : r.errors) {
    EXPECT_EQ(e.where.file, "test.toml");
    if (e.where.line == c.line && e.where.column == column &&
        e.message.find(c.message) != std::string::npos)
      found = true;
  }
  EXPECT_TRUE(found) << "wanted test.toml:" << c.line << ":" << column << ": ..." << c.message
                     << "\ngot:\n" << testing::all_errors(r);
}

INSTANTIATE_TEST_SUITE_P(Config, ValidationError, ::testing::ValuesIn(cases()),
                         [](const ::testing::TestParamInfo<ErrorCase>& info) { return info.param.name; });

TEST(ValidationErrors, EveryErrorIsReportedInSourceOrder) {
  const std::string text = R"([[modes]]
name = "A"
[[modes.mappings]]
trigger = { type = "Note", note = 300 }
action = { type = "ModeChange", mode = "Nowhere" }
[[modes.mappings]]
trigger = { type = "CC", cc = 1, colour = 3 }
action = { type = "Keystroke", keys = "notakey" }
[[modes]]
name = "A"
)";
  LoadResult r = load(text);
  ASSERT_FALSE(r.ok());
  ASSERT_EQ(r.errors.size(), 5u) << testing::all_errors(r);
  std::vector<uint32_t> lines;
  for (const auto& e : r.errors) lines.push_back(e.where.line);
  EXPECT_EQ(lines, (std::vector<uint32_t>{4, 5, 7, 8, 10}));
  EXPECT_NE(r.errors[1].message.find("'Nowhere'"), std::string::npos);
}

// A mode dropped for its own error (duplicate name) still has its ModeChange checked.
TEST(ValidationErrors, ModeReferencesInADroppedModeAreChecked) {
  LoadResult r = load("[[modes]]\nname = \"A\"\n[[modes]]\nname = \"A\"\n[[modes.mappings]]\n"
                      "trigger = { type = \"Note\", note = 1 }\naction = { type = \"ModeChange\", mode = \"Q\" }\n");
  ASSERT_FALSE(r.ok());
  ASSERT_EQ(r.errors.size(), 2u) << testing::all_errors(r);
  EXPECT_NE(r.errors[0].message.find("duplicate mode name 'A'"), std::string::npos);
  EXPECT_EQ(r.errors[1].where.line, 7u);
  EXPECT_NE(r.errors[1].message.find("names mode 'Q'"), std::string::npos);
}

TEST(ValidationErrors, ToStringIsFileLineColumnSentence) {
  LoadResult r = load_config_string(one_mapping(R"({ type = "Note", note = 128 })",
                                                R"({ type = "Text", text = "x" })"),
                                    "my/config.toml");
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].to_string(),
            "my/config.toml:4:35: 'note' in a Note trigger must be between 0 and 127, not 128");
}

TEST(ValidationErrors, MissingFileIsAnError) {
  LoadResult r = load_config("/nonexistent/dir/config.toml");
  ASSERT_FALSE(r.ok());
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].to_string(), "/nonexistent/dir/config.toml: cannot open the file for reading");
}

}  // namespace
}  // namespace midimon::mapping
