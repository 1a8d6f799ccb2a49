// The Shell runner directly: exit status, signals, output bounds, a child that closes its
// pipes but keeps running, and the stop signal.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "actions/shell_process.h"

namespace midimon::actions {
namespace {

using namespace std::chrono_literals;
using Argv = std::vector<std::string>;

TEST(ShellProcess, ExitStatusAndOutput) {
  StopSignal stop;
  ShellRun r = run_shell_process({"/bin/sh", "-c", "printf out; printf err >&2; exit 3"}, 10s, 1024, stop);
  EXPECT_EQ(r.status, ShellRun::Status::Exited);
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.out, "out");
  EXPECT_EQ(r.err, "err");
  EXPECT_FALSE(r.truncated);
}

TEST(ShellProcess, KilledBySignal) {
  StopSignal stop;
  ShellRun r = run_shell_process({"/bin/sh", "-c", "kill -9 $$"}, 10s, 1024, stop);
  EXPECT_EQ(r.status, ShellRun::Status::Signaled);
  EXPECT_EQ(r.signal, 9);
}

TEST(ShellProcess, OutputIsBoundedAndTheRestDrained) {
  StopSignal stop;
  // 1 MB through a 100-byte limit: the child is never blocked on a full pipe.
  ShellRun r = run_shell_process({"/bin/sh", "-c", "head -c 1000000 /dev/zero | tr '\\0' x"}, 10s, 100, stop);
  EXPECT_EQ(r.status, ShellRun::Status::Exited);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, std::string(100, 'x'));
  EXPECT_TRUE(r.truncated);
}

TEST(ShellProcess, ChildThatClosesItsPipesIsStillWaitedForAndTimedOut) {
  StopSignal stop;
  ShellRun r = run_shell_process({"/bin/sh", "-c", "exec >&- 2>&-; sleep 30"}, 150ms, 100, stop);
  EXPECT_EQ(r.status, ShellRun::Status::TimedOut);
}

TEST(ShellProcess, StopSignalKillsAtOnce) {
  StopSignal stop;
  std::thread t([&] { stop.raise(); });
  ShellRun r = run_shell_process({"sleep", "600"}, std::chrono::hours(1), 100, stop);
  t.join();
  EXPECT_EQ(r.status, ShellRun::Status::Cancelled);
}

TEST(ShellProcess, BadRequests) {
  StopSignal stop;
  EXPECT_EQ(run_shell_process({}, 1s, 10, stop).status, ShellRun::Status::SpawnFailed);
  EXPECT_EQ(run_shell_process({std::string("a\0b", 3)}, 1s, 10, stop).status,
            ShellRun::Status::SpawnFailed);
  ShellRun missing = run_shell_process({"/nonexistent/program"}, 1s, 10, stop);
  EXPECT_EQ(missing.status, ShellRun::Status::SpawnFailed);
  EXPECT_NE(missing.message.find("cannot start '/nonexistent/program'"), std::string::npos);
}

TEST(StopSignal, RaiseWakesWaitersAndThePipe) {
  StopSignal stop;
  EXPECT_FALSE(stop.raised());
  EXPECT_FALSE(stop.wait_for(0ns));
  std::thread t([&] { stop.raise(); });
  EXPECT_TRUE(stop.wait_for(std::chrono::hours(1)));
  t.join();
  stop.raise();  // idempotent
  EXPECT_TRUE(stop.raised());
  ASSERT_GE(stop.fd(), 0);
  char byte = 0;
  EXPECT_EQ(read(stop.fd(), &byte, 1), 1);
}

}  // namespace
}  // namespace midimon::actions
