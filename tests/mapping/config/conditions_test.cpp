// Conditions load in both MIDIMon spellings: externally tagged (what its code parsed)
// and { type = ... } (what its docs showed), to the same model.
#include <gtest/gtest.h>

#include "config_test_support.h"
#include "mapping/config_printer.h"

namespace midimon::mapping {
namespace {

using testing::action_as;
using testing::must_load;
using testing::one_mapping;

Condition load_condition(const std::string& condition) {
  Config c = must_load(one_mapping(R"({ type = "Note", note = 1 })",
                                   "{ type = \"Conditional\", condition = " + condition +
                                       ", then_action = { type = \"Text\", text = \"t\" } }") +
                       "[[modes]]\nname = \"Media\"\n");
  const auto& cond = action_as<action::Conditional>(c);
  if (!cond.condition) return Condition{};
  return *cond.condition;
}

struct Spellings {
  const char* name;
  const char* external;
  const char* internal;
};

class BothSpellings : public ::testing::TestWithParam<Spellings> {};

// Same model from both spellings: compared through the printer, which prints every field.
TEST_P(BothSpellings, LoadTheSame) {
  Condition a = load_condition(GetParam().external);
  Condition b = load_condition(GetParam().internal);
  EXPECT_EQ(a.kind.index(), b.kind.index());
  Action wrap_a{action::Conditional{a, Action{action::Text{"t"}, {}}, {}}, {}};
  Action wrap_b{action::Conditional{b, Action{action::Text{"t"}, {}}, {}}, {}};
  EXPECT_EQ(print_action(wrap_a), print_action(wrap_b));
}

INSTANTIATE_TEST_SUITE_P(
    Conditions, BothSpellings,
    ::testing::Values(
        Spellings{"Always", R"("Always")", R"({ type = "Always" })"},
        Spellings{"Never", R"("Never")", R"({ type = "Never" })"},
        Spellings{"TimeRange", R"({ TimeRange = { start = "09:00", end = "17:30" } })",
                  R"({ type = "TimeRange", start = "09:00", end = "17:30" })"},
        Spellings{"DayOfWeek", R"({ DayOfWeek = { days = [5, 1] } })", R"({ type = "DayOfWeek", days = [1, 5] })"},
        Spellings{"AppRunning", R"({ AppRunning = { app_name = "Slack" } })",
                  R"({ type = "AppRunning", app_name = "Slack" })"},
        Spellings{"AppFrontmost", R"({ AppFrontmost = { app_name = "Firefox" } })",
                  R"({ type = "AppFrontmost", app_name = "Firefox" })"},
        Spellings{"ModeIs", R"({ ModeIs = { mode = "Media" } })", R"({ type = "ModeIs", mode = "Media" })"},
        Spellings{"And", R"({ And = { conditions = ["Always", { ModeIs = { mode = "Media" } }] } })",
                  R"({ type = "And", conditions = [{ type = "Always" }, { type = "ModeIs", mode = "Media" }] })"},
        Spellings{"Or", R"({ Or = { conditions = ["Never"] } })", R"({ type = "Or", conditions = ["Never"] })"},
        Spellings{"Not", R"({ Not = { condition = "Always" } })", R"({ type = "Not", condition = { type = "Always" } })"}),
    [](const ::testing::TestParamInfo<Spellings>& info) { return info.param.name; });

TEST(Conditions, TimeRangeMinutesAndMidnightWrap) {
  Condition c = load_condition(R"({ TimeRange = { start = "22:15", end = "6:05" } })");
  const auto& t = std::get<condition::TimeRange>(c.kind);
  EXPECT_EQ(t.start_minute, 22 * 60 + 15);
  EXPECT_EQ(t.end_minute, 6 * 60 + 5);
}

TEST(Conditions, TimeRangeAcceptsTomlTimes) {
  Condition c = load_condition(R"({ type = "TimeRange", start = 09:00:00, end = 17:00:00 })");
  const auto& t = std::get<condition::TimeRange>(c.kind);
  EXPECT_EQ(t.start_minute, 9 * 60);
  EXPECT_EQ(t.end_minute, 17 * 60);
}

TEST(Conditions, DaysSortedAndUnique) {
  Condition c = load_condition(R"({ DayOfWeek = { days = [7, 1, 7, 3] } })");
  EXPECT_EQ(std::get<condition::DayOfWeek>(c.kind).days, (std::vector<uint8_t>{1, 3, 7}));
}

TEST(Conditions, ModeIsResolvesIndex) {
  Condition c = load_condition(R"({ ModeIs = { mode = "Media" } })");
  EXPECT_EQ(std::get<condition::ModeIs>(c.kind).mode_index, 1u);
}

TEST(Conditions, NestedDeepButWithinTheBound) {
  std::string cond = "\"Always\"";
  for (int i = 0; i < 20; ++i) cond = "{ Not = { condition = " + cond + " } }";
  Condition c = load_condition(cond);
  int depth = 0;
  const Condition* at = &c;
  while (const auto* n = std::get_if<condition::Not>(&at->kind)) {
    ++depth;
    at = n->condition.get();
  }
  EXPECT_EQ(depth, 20);
  EXPECT_TRUE(std::holds_alternative<condition::Always>(at->kind));
}

TEST(Conditions, UnitConditionWithoutParametersNeedsThem) {
  LoadResult r = testing::load(one_mapping(
      R"({ type = "Note", note = 1 })",
      R"({ type = "Conditional", condition = "TimeRange", then_action = { type = "Text", text = "t" } })"));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(testing::all_errors(r).find("condition 'TimeRange' needs parameters"), std::string::npos)
      << testing::all_errors(r);
}

}  // namespace
}  // namespace midimon::mapping
