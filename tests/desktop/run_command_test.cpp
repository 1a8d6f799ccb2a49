#include "desktop/run_command.h"

#include <signal.h>
#include <gtest/gtest.h>

namespace midimon::desktop {
namespace {

using namespace std::chrono_literals;

TEST(RunCommand, CapturesOutputAndExitCode) {
  auto outcome = run_command({"sh", "-c", "echo out; echo err >&2; exit 7"}, 5s);
  ASSERT_TRUE(outcome.ok()) << outcome.error();
  EXPECT_EQ(outcome->exit_code, 7);
  EXPECT_EQ(outcome->out, "out\n");
  EXPECT_EQ(outcome->err, "err\n");
  EXPECT_FALSE(outcome->timed_out);
}

TEST(RunCommand, ArgumentsAreNotInterpretedByAShell) {
  auto outcome = run_command({"echo", "$HOME", ";", "rm", "-rf", "/"}, 5s);
  ASSERT_TRUE(outcome.ok()) << outcome.error();
  EXPECT_EQ(outcome->out, "$HOME ; rm -rf /\n");
}

TEST(RunCommand, OutputIsBounded) {
  auto outcome = run_command({"sh", "-c", "head -c 100000 /dev/zero"}, 5s, 16);
  ASSERT_TRUE(outcome.ok()) << outcome.error();
  EXPECT_EQ(outcome->out.size(), 16u);
  EXPECT_EQ(outcome->exit_code, 0);
}

TEST(RunCommand, TimeoutKillsTheProcessGroup) {
  // The grandchild holds the pipes open; the group kill ends it too.
  const auto start = std::chrono::steady_clock::now();
  auto outcome = run_command({"sh", "-c", "sleep 30 & sleep 30"}, 200ms);
  ASSERT_TRUE(outcome.ok()) << outcome.error();
  EXPECT_TRUE(outcome->timed_out);
  EXPECT_EQ(outcome->exit_code, -1);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 10s);
}

TEST(RunCommand, ChildReapedElsewhereEndsAtOnce) {
  // With SIGCHLD ignored the kernel reaps children itself; the call must not spin until
  // the timeout.
  struct sigaction ignore {}, old {};
  ignore.sa_handler = SIG_IGN;
  ::sigaction(SIGCHLD, &ignore, &old);
  const auto start = std::chrono::steady_clock::now();
  auto outcome = run_command({"true"}, 20s);
  ::sigaction(SIGCHLD, &old, nullptr);
  ASSERT_TRUE(outcome.ok()) << outcome.error();
  EXPECT_EQ(outcome->exit_code, -1);
  EXPECT_FALSE(outcome->timed_out);
  EXPECT_NE(outcome->err.find("reaped elsewhere"), std::string::npos) << outcome->err;
  EXPECT_LT(std::chrono::steady_clock::now() - start, 10s);
}

TEST(RunCommand, MissingProgramAndEmptyArgvAreErrors) {
  auto missing = run_command({"/nonexistent/program"}, 1s);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().find("cannot start '/nonexistent/program'"), std::string::npos)
      << missing.error();
  EXPECT_FALSE(run_command({}, 1s).ok());
}

}  // namespace
}  // namespace midimon::desktop
