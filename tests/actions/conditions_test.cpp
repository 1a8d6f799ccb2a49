// Every condition, in both MIDIMon spellings (the loader normalises them), against a fake
// desktop, fake modes and a clock set by hand.
#include <gtest/gtest.h>

#include "actions/conditions.h"
#include "fakes.h"

namespace midimon::actions::testing {
namespace {

namespace cond = mapping::condition;

// The condition of a Conditional written as `condition = <text>`.
struct Loaded {
  std::shared_ptr<mapping::Config> config;
  const mapping::Condition& get() const {
    const auto& c = std::get<mapping::action::Conditional>(config->modes[0].mappings[0].action.kind);
    return *c.condition;
  }
};

Loaded load_condition(const std::string& text) {
  return {config_with({"{ type = \"Conditional\", condition = " + text +
                       ", then_action = { type = \"Text\", text = \"t\" } }"})};
}

bool eval(World& w, const std::string& text) {
  Loaded l = load_condition(text);
  if (!l.config) return false;
  return evaluate_condition(l.get(), w.desktop, w.modes, w.clock).value;
}

TEST(TimeRange, InsideAndEdges) {
  cond::TimeRange r{9 * 60, 17 * 60};
  EXPECT_FALSE(time_in_range(r, 9 * 60 - 1));
  EXPECT_TRUE(time_in_range(r, 9 * 60));        // start inclusive
  EXPECT_TRUE(time_in_range(r, 17 * 60 - 1));
  EXPECT_FALSE(time_in_range(r, 17 * 60));      // end exclusive
}

TEST(TimeRange, WrapsMidnight) {
  cond::TimeRange r{22 * 60, 6 * 60};
  EXPECT_TRUE(time_in_range(r, 22 * 60));
  EXPECT_TRUE(time_in_range(r, 23 * 60 + 59));
  EXPECT_TRUE(time_in_range(r, 0));
  EXPECT_TRUE(time_in_range(r, 6 * 60 - 1));
  EXPECT_FALSE(time_in_range(r, 6 * 60));
  EXPECT_FALSE(time_in_range(r, 12 * 60));
  EXPECT_FALSE(time_in_range(r, 22 * 60 - 1));
}

TEST(TimeRange, EqualStartAndEndIsTheWholeDay) {
  cond::TimeRange r{8 * 60, 8 * 60};
  EXPECT_TRUE(time_in_range(r, 0));
  EXPECT_TRUE(time_in_range(r, 8 * 60));
  EXPECT_TRUE(time_in_range(r, 1439));
}

TEST(TimeRange, BothSpellingsUseTheClocksLocalTime) {
  World w;
  w.clock.set_local(3, 23 * 60 + 30);
  EXPECT_TRUE(eval(w, R"({ TimeRange = { start = "22:00", end = "06:00" } })"));
  EXPECT_TRUE(eval(w, R"({ type = "TimeRange", start = "22:00", end = "06:00" })"));
  EXPECT_FALSE(eval(w, R"({ TimeRange = { start = "09:00", end = "17:00" } })"));
  w.clock.set_local(3, 10 * 60);
  EXPECT_TRUE(eval(w, R"({ type = "TimeRange", start = "09:00", end = "17:00" })"));
}

TEST(DayOfWeek, ListedDaysOnly) {
  World w;
  w.clock.set_local(5, 600);  // Friday
  EXPECT_TRUE(eval(w, R"({ DayOfWeek = { days = [1, 5] } })"));
  EXPECT_TRUE(eval(w, R"({ type = "DayOfWeek", days = [5] })"));
  w.clock.set_local(7, 600);  // Sunday
  EXPECT_FALSE(eval(w, R"({ DayOfWeek = { days = [1, 5] } })"));
  EXPECT_TRUE(eval(w, R"({ DayOfWeek = { days = [6, 7] } })"));
}

TEST(AppRunning, AsksTheDesktop) {
  World w;
  w.desktop.running["slack"] = 1;
  EXPECT_TRUE(eval(w, R"({ AppRunning = { app_name = "slack" } })"));
  EXPECT_FALSE(eval(w, R"({ type = "AppRunning", app_name = "zoom" })"));
}

TEST(AppFrontmost, TrueFalseAndUnknown) {
  World w;
  w.desktop.frontmost = "firefox";
  EXPECT_TRUE(eval(w, R"({ AppFrontmost = { app_name = "firefox" } })"));
  EXPECT_FALSE(eval(w, R"({ type = "AppFrontmost", app_name = "code" })"));
  w.desktop.frontmost.reset();
  Loaded l = load_condition(R"({ AppFrontmost = { app_name = "firefox" } })");
  ASSERT_TRUE(l.config);
  ConditionValue v = evaluate_condition(l.get(), w.desktop, w.modes, w.clock);
  EXPECT_FALSE(v.value);
  EXPECT_FALSE(v.note.empty());
}

TEST(ModeIs, ComparesTheCurrentModeIndex) {
  World w;
  EXPECT_FALSE(eval(w, R"({ ModeIs = { mode = "Media" } })"));
  EXPECT_TRUE(eval(w, R"({ type = "ModeIs", mode = "Default" })"));
  w.modes.mode = 1;
  EXPECT_TRUE(eval(w, R"({ ModeIs = { mode = "Media" } })"));
}

TEST(AlwaysNever, Constants) {
  World w;
  EXPECT_TRUE(eval(w, R"("Always")"));
  EXPECT_FALSE(eval(w, R"("Never")"));
}

TEST(Combinators, AndOrNot) {
  World w;
  w.desktop.running["slack"] = 1;
  EXPECT_TRUE(eval(w, R"({ And = { conditions = [ "Always", { AppRunning = { app_name = "slack" } } ] } })"));
  EXPECT_FALSE(eval(w, R"({ And = { conditions = [ "Always", "Never" ] } })"));
  EXPECT_TRUE(eval(w, R"({ Or = { conditions = [ "Never", "Always" ] } })"));
  EXPECT_FALSE(eval(w, R"({ type = "Or", conditions = [ "Never", { type = "AppRunning", app_name = "zoom" } ] })"));
  EXPECT_TRUE(eval(w, R"({ Not = { condition = "Never" } })"));
  EXPECT_FALSE(eval(w, R"({ type = "Not", condition = { Not = { condition = "Never" } } })"));
}

TEST(Combinators, AndShortCircuits) {
  // The second operand would ask the desktop; And stops at the first false.
  World w;
  w.desktop.frontmost = "x";
  Loaded l = load_condition(R"({ And = { conditions = [ "Never", { AppFrontmost = { app_name = "x" } } ] } })");
  ASSERT_TRUE(l.config);
  EXPECT_FALSE(evaluate_condition(l.get(), w.desktop, w.modes, w.clock).value);
}

}  // namespace
}  // namespace midimon::actions::testing
