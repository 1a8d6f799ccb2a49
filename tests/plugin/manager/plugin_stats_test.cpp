// PluginStats arithmetic: counts per outcome, durations (last, total, max, mean), fuel.
#include <gtest/gtest.h>

#include "fake_plugin.h"
#include "plugin/plugin_stats.h"

namespace midimon::plugin {
namespace {

using testing::make_result;
using namespace std::chrono_literals;

CallResult timed(CallResult r, std::chrono::nanoseconds d) {
  r.duration = d;
  return r;
}

TEST(PluginStats, EmptyHasZeroMean) {
  PluginStats stats;
  EXPECT_EQ(stats.mean_duration(), 0ns);
  EXPECT_EQ(stats.calls, 0u);
}

TEST(PluginStats, CountsEachOutcomeAndSumsDurationAndFuel) {
  PluginStats stats;
  stats.record(timed(make_result(CallResult::Status::Ok, 0, "", 10), 100ns));
  stats.record(timed(make_result(CallResult::Status::Failed, 3, "", 20), 300ns));
  stats.record(timed(make_result(CallResult::Status::Trapped, 0, "deadline exceeded", 30), 800ns));
  stats.record(timed(make_result(CallResult::Status::Trapped, 0, "fuel exhausted", 40), 200ns));
  stats.record(timed(make_result(CallResult::Status::Error, 0, "init returned a pointer out of range"), 0ns));

  EXPECT_EQ(stats.calls, 5u);
  EXPECT_EQ(stats.ok, 1u);
  EXPECT_EQ(stats.failures, 1u);
  EXPECT_EQ(stats.traps, 2u);
  EXPECT_EQ(stats.timeouts, 1u);
  EXPECT_EQ(stats.errors, 1u);
  EXPECT_EQ(stats.refused, 0u);
  EXPECT_EQ(stats.total_duration, 1400ns);
  EXPECT_EQ(stats.mean_duration(), 280ns);
  EXPECT_EQ(stats.max_duration, 800ns);
  EXPECT_EQ(stats.last_duration, 0ns);
  EXPECT_EQ(stats.total_fuel, 100u);
  EXPECT_EQ(stats.last_fuel, 0u);
}

}  // namespace
}  // namespace midimon::plugin
