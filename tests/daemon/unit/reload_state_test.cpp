// The reload state machine and the debouncer, driven by hand (no clock, no files).
#include <gtest/gtest.h>

#include "daemon/reload_state.h"

namespace midimon::daemon {
namespace {

using namespace std::chrono_literals;

TEST(ReloadStateMachine, GoodThenBadThenGood) {
  ReloadStateMachine machine;
  EXPECT_EQ(machine.status().phase, ReloadPhase::Idle);
  auto t0 = std::chrono::system_clock::now();
  {
    LoadingTicket ticket = machine.begin();
    ASSERT_TRUE(ticket);
    EXPECT_EQ(machine.status().phase, ReloadPhase::Loading);
    EXPECT_FALSE(ticket.finish_ok(t0));
  }
  EXPECT_EQ(machine.status().phase, ReloadPhase::Idle);
  EXPECT_EQ(machine.status().loaded_at, t0);
  {
    LoadingTicket ticket = machine.begin();
    ASSERT_TRUE(ticket);
    ticket.finish_error("config.toml:3:7: unknown key 'nte'");
  }
  ReloadStatus bad = machine.status();
  EXPECT_EQ(bad.phase, ReloadPhase::Idle);
  EXPECT_EQ(bad.last_error, "config.toml:3:7: unknown key 'nte'");
  EXPECT_EQ(bad.loaded_at, t0);  // the last GOOD load stays the one in use
  EXPECT_EQ(bad.failed, 1u);
  {
    LoadingTicket ticket = machine.begin();
    ticket.finish_ok(t0 + 1s);
  }
  ReloadStatus good = machine.status();
  EXPECT_TRUE(good.last_error.empty());
  EXPECT_EQ(good.succeeded, 2u);
  EXPECT_EQ(good.attempts, 3u);
}

TEST(ReloadStateMachine, ForgottenTicketStillEndsLoading) {
  ReloadStateMachine machine;
  {
    LoadingTicket ticket = machine.begin();
    ASSERT_TRUE(ticket);
    // The owner returns early (or throws) without finishing.
  }
  ReloadStatus s = machine.status();
  EXPECT_EQ(s.phase, ReloadPhase::Idle);
  EXPECT_EQ(s.failed, 1u);
  EXPECT_NE(s.last_error.find("without a result"), std::string::npos);
}

TEST(ReloadStateMachine, ExceptionThroughALoadEndsLoading) {
  ReloadStateMachine machine;
  try {
    LoadingTicket ticket = machine.begin();
    throw std::runtime_error("out of memory while parsing");
  } catch (const std::runtime_error&) {
  }
  EXPECT_EQ(machine.status().phase, ReloadPhase::Idle);
  EXPECT_TRUE(machine.begin());  // and a new load can start
}

TEST(ReloadStateMachine, RequestDuringLoadIsRememberedNotLost) {
  ReloadStateMachine machine;
  LoadingTicket first = machine.begin();
  ASSERT_TRUE(first);
  LoadingTicket second = machine.begin();
  EXPECT_FALSE(second);  // refused while loading
  EXPECT_TRUE(machine.status().again);
  EXPECT_TRUE(first.finish_ok(std::chrono::system_clock::now()));  // "load again"
  EXPECT_FALSE(machine.status().again);
  EXPECT_EQ(machine.status().phase, ReloadPhase::Idle);
}

TEST(Debouncer, BurstBecomesOneReloadAfterTheLastEvent) {
  Debouncer debouncer(100ms);
  SteadyTime t{};
  EXPECT_FALSE(debouncer.pending());
  debouncer.touch(t);          // editor writes a temp file
  debouncer.touch(t + 30ms);   // renames it over the config
  debouncer.touch(t + 60ms);   // touches it again
  EXPECT_FALSE(debouncer.take_due(t + 100ms));  // 100 ms after the FIRST is too early
  EXPECT_FALSE(debouncer.take_due(t + 159ms));
  ASSERT_TRUE(debouncer.deadline());
  EXPECT_EQ(*debouncer.deadline(), t + 160ms);
  EXPECT_TRUE(debouncer.take_due(t + 160ms));
  EXPECT_FALSE(debouncer.pending());
  EXPECT_FALSE(debouncer.take_due(t + 500ms));  // fired once only
}

TEST(Debouncer, NothingDueWithoutEvents) {
  Debouncer debouncer(100ms);
  EXPECT_FALSE(debouncer.take_due(SteadyTime{} + 1h));
  EXPECT_FALSE(debouncer.deadline());
}

}  // namespace
}  // namespace midimon::daemon
