// Hostile and malformed inputs give errors, never crashes or hangs.
#include <gtest/gtest.h>

#include "config_test_support.h"

namespace midimon::mapping {
namespace {

using testing::all_errors;
using testing::load;
using testing::one_mapping;

bool has_error(const LoadResult& r, const std::string& part) {
  return all_errors(r).find(part) != std::string::npos;
}

TEST(Hostile, DeeplyNestedActionsStopAtTheBound) {
  std::string action = R"({ type = "Text", text = "x" })";
  for (int i = 0; i < 60; ++i) action = R"({ type = "Repeat", count = 1, action = )" + action + " }";
  LoadResult r = load(one_mapping(R"({ type = "Note", note = 1 })", action));
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(has_error(r, "actions are nested more than 32 deep")) << all_errors(r);
}

TEST(Hostile, DeeplyNestedConditionsStopAtTheBound) {
  std::string cond = "\"Always\"";
  for (int i = 0; i < 60; ++i) cond = "{ type = \"Not\", condition = " + cond + " }";
  LoadResult r = load(one_mapping(R"({ type = "Note", note = 1 })",
                                  "{ type = \"Conditional\", condition = " + cond +
                                      ", then_action = { type = \"Text\", text = \"t\" } }"));
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(has_error(r, "conditions are nested more than 32 deep")) << all_errors(r);
}

TEST(Hostile, DeepTomlArraysAreASyntaxErrorNotAStackOverflow) {
  std::string deep = "x = " + std::string(100000, '[') + std::string(100000, ']') + "\n";
  LoadResult r = load(deep);
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(has_error(r, "TOML syntax")) << all_errors(r);
}

TEST(Hostile, DeepInlineTablesAreASyntaxError) {
  std::string deep = "x = ";
  for (int i = 0; i < 20000; ++i) deep += "{ a = ";
  deep += "1";
  for (int i = 0; i < 20000; ++i) deep += " }";
  LoadResult r = load(deep + "\n");
  ASSERT_FALSE(r.ok());
}

TEST(Hostile, HugeNumbers) {
  LoadResult r = load(one_mapping(R"({ type = "Note", note = 99999999999999999999999 })",
                                  R"({ type = "Text", text = "x" })"));
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(has_error(r, "TOML syntax")) << all_errors(r);
  r = load(one_mapping(R"({ type = "Note", note = 9223372036854775807 })", R"({ type = "Text", text = "x" })"));
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(has_error(r, "between 0 and 127, not 9223372036854775807")) << all_errors(r);
  r = load(one_mapping(R"({ type = "Note", note = 1 })", R"({ type = "Delay", ms = -9223372036854775808 })"));
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(has_error(r, "between 0 and 3600000")) << all_errors(r);
  r = load(one_mapping(R"({ type = "Note", note = 1 })", R"({ type = "Delay", ms = inf })"));
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(has_error(r, "must be an integer, not a floating-point number")) << all_errors(r);
}

TEST(Hostile, InvalidUtf8) {
  std::string text = one_mapping(R"({ type = "Note", note = 1 })", "{ type = \"Text\", text = \"\xC3\x28\xFF\" }");
  LoadResult r = load(text);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.errors[0].where.line, 5u) << all_errors(r);
}

TEST(Hostile, NulBytesAndBinaryGarbage) {
  std::string garbage;
  for (int i = 0; i < 4096; ++i) garbage += static_cast<char>((i * 131 + 7) & 0xFF);
  LoadResult r = load(garbage);
  EXPECT_FALSE(r.ok());
  r = load(std::string("[[modes]]\nname = \"A\0B\"\n", 22));
  EXPECT_FALSE(r.ok());
}

TEST(Hostile, EmptyDocument) {
  LoadResult r = load("");
  ASSERT_FALSE(r.ok());
  EXPECT_TRUE(has_error(r, "the config has no [[modes]]"));
}

TEST(Hostile, LongUnknownKeysAndNamesAreReportedWithoutSuggestions) {
  std::string key(5000, 'k');
  LoadResult r = load("[[modes]]\nname = \"A\"\n" + key + " = 1\n");
  ASSERT_FALSE(r.ok());
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].message.find("did you mean"), std::string::npos);
  std::string keys(100000, 'x');
  r = load(one_mapping(R"({ type = "Note", note = 1 })", "{ type = \"Keystroke\", keys = \"" + keys + "\" }"));
  ASSERT_FALSE(r.ok());
  EXPECT_LT(all_errors(r).size(), 1000u) << "the error repeats the whole hostile name";
}

TEST(Hostile, ManyErrorsAreAllCollected) {
  std::string text = "[[modes]]\nname = \"A\"\n";
  for (int i = 0; i < 500; ++i)
    text += "[[modes.mappings]]\ntrigger = { type = \"Note\", note = 500 }\naction = { type = \"Text\", text = \"x\" }\n";
  LoadResult r = load(text);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.errors.size(), 500u);
}

TEST(Hostile, WrongShapesEverywhere) {
  for (const char* text : {"modes = 3\n", "modes = []\n", "modes = [1, 2]\n", "[[modes]]\nname = 5\n",
                           "[[modes]]\nname = \"A\"\nmappings = \"x\"\n", "[[modes]]\nname = \"A\"\nmappings = [3]\n",
                           "[[modes]]\nname = \"A\"\non_enter = 1\n", "device = 1\n[[modes]]\nname = \"A\"\n",
                           "devices = [1]\n[[modes]]\nname = \"A\"\n", "plugins = 2\n[[modes]]\nname = \"A\"\n",
                           "app_profiles = {}\n[[modes]]\nname = \"A\"\n", "logging = []\n[[modes]]\nname = \"A\"\n",
                           "[[modes]]\nname = \"\"\n"}) {
    LoadResult r = load(text);
    EXPECT_FALSE(r.ok()) << text;
    EXPECT_FALSE(r.errors.empty()) << text;
    for (const auto& e : r.errors) EXPECT_GT(e.where.line, 0u) << text << e.to_string();
  }
}

}  // namespace
}  // namespace midimon::mapping
