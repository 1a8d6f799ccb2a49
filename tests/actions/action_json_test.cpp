// Plugin-requested actions as JSON: loaded with the config loader's checks, modes resolved
// against the live config's order, hostile inputs refused with a sentence.
#include <gtest/gtest.h>

#include "actions/action_json.h"

namespace midimon::actions {
namespace {

TEST(ActionJson, KeystrokeAndNestedSequence) {
  ParsedAction a = parse_action_json(R"({"type": "Keystroke", "keys": "space", "modifiers": ["ctrl"]})", {"Default"});
  ASSERT_TRUE(a.ok()) << a.error;
  const auto& k = std::get<mapping::action::Keystroke>(a.action->kind);
  EXPECT_EQ(k.keys, std::vector<std::string>{"space"});
  EXPECT_EQ(k.modifiers, std::vector<mapping::Modifier>{mapping::Modifier::Ctrl});
  ParsedAction s = parse_action_json(
      R"({"type": "Sequence", "actions": [{"type": "Text", "text": "a\"b\n"}, {"type": "Delay", "ms": 5}]})", {});
  ASSERT_TRUE(s.ok()) << s.error;
  const auto& seq = std::get<mapping::action::Sequence>(s.action->kind);
  ASSERT_EQ(seq.actions.size(), 2u);
  EXPECT_EQ(std::get<mapping::action::Text>(seq.actions[0].kind).text, "a\"b\n");
}

TEST(ActionJson, ModeChangeResolvesAgainstTheLiveModes) {
  ParsedAction a = parse_action_json(R"({"type": "ModeChange", "mode": "Media"})", {"Default", "Edit", "Media"});
  ASSERT_TRUE(a.ok()) << a.error;
  EXPECT_EQ(std::get<mapping::action::ModeChange>(a.action->kind).mode_index, 2u);
  ParsedAction missing = parse_action_json(R"({"type": "ModeChange", "mode": "Nope"})", {"Default"});
  EXPECT_FALSE(missing.ok());
  EXPECT_NE(missing.error.find("Nope"), std::string::npos) << missing.error;
}

TEST(ActionJson, LoaderChecksApply) {
  ParsedAction unknown_key = parse_action_json(R"({"type": "Text", "txet": "x"})", {}, "plugin 'p'");
  EXPECT_FALSE(unknown_key.ok());
  EXPECT_NE(unknown_key.error.find("plugin 'p': "), std::string::npos);
  EXPECT_NE(unknown_key.error.find("txet"), std::string::npos) << unknown_key.error;
  EXPECT_FALSE(parse_action_json(R"({"type": "Keystroke", "keys": "notakey"})", {}).ok());
  EXPECT_FALSE(parse_action_json(R"({"type": "Explode"})", {}).ok());
  EXPECT_FALSE(parse_action_json(R"({"type": "Delay", "ms": 1.5})", {}).ok());
}

TEST(ActionJson, HostileInputs) {
  EXPECT_NE(parse_action_json("{", {}).error.find("not valid JSON"), std::string::npos);
  EXPECT_NE(parse_action_json("[1]", {}).error.find("must be a JSON object"), std::string::npos);
  EXPECT_NE(parse_action_json(R"({"type": null})", {}).error.find("null"), std::string::npos);
  EXPECT_NE(parse_action_json(std::string(kMaxActionJsonBytes + 1, ' '), {}).error.find("at most"),
            std::string::npos);
  // A TOML injection attempt stays inside a string.
  ParsedAction inj = parse_action_json(R"({"type": "Text", "text": "x\" }\n[[modes]]\nname = \"evil"})", {"Default"});
  ASSERT_TRUE(inj.ok()) << inj.error;
  EXPECT_EQ(inj.holder->modes.size(), 1u);
  EXPECT_EQ(std::get<mapping::action::Text>(inj.action->kind).text, "x\" }\n[[modes]]\nname = \"evil");
  // Control characters in strings.
  ParsedAction ctl = parse_action_json(R"({"type": "Text", "text": "a\u0001b"})", {});
  ASSERT_TRUE(ctl.ok()) << ctl.error;
  EXPECT_EQ(std::get<mapping::action::Text>(ctl.action->kind).text, std::string("a\x01" "b"));
  // Deep nesting is refused by the loader's nesting limit, not a crash.
  std::string deep;
  for (int i = 0; i < 200; ++i) deep += R"({"type": "Repeat", "count": 1, "action": )";
  deep += R"({"type": "Text", "text": "x"})";
  for (int i = 0; i < 200; ++i) deep += "}";
  EXPECT_FALSE(parse_action_json(deep, {}).ok());
}

}  // namespace
}  // namespace midimon::actions
