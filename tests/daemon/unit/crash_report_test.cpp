// The fatal-signal report (src/daemon/crash_report.h): each test dies in a child process
// (a GoogleTest death test) and reads what the child wrote to stderr before dying.
//
// The faults used are SIGILL (__builtin_trap) and SIGABRT: the asan preset's sanitizer
// installs its own SIGSEGV, SIGBUS and SIGFPE handlers first, and the report leaves those
// in place by design (the last test checks that rule with a handler of its own).
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <thread>

#include <gtest/gtest.h>

#include "daemon/crash_report.h"

namespace midimon::daemon {
namespace {

class CrashReport : public ::testing::Test {
 protected:
  // "threadsafe": the child re-executes this binary, so it starts with no handler of
  // the report installed and with no thread of an earlier test.
  void SetUp() override { GTEST_FLAG_SET(death_test_style, "threadsafe"); }
};

// The line the daemon's log gets, then at least one frame as backtrace_symbols_fd writes
// it: "binary(symbol+0x12)[0x...]" or "binary(+0x12)[0x...]".
constexpr const char* kFrame = "\n[^\n]*\\(([A-Za-z_][^+)]*)?\\+0x[0-9a-f]+\\) ?\\[0x[0-9a-f]+\\]";

TEST_F(CrashReport, AFaultInTheMainThreadIsReportedWithAddressThreadAndStackThenKillsAsBefore) {
  EXPECT_EXIT(
      {
        install_crash_report(STDERR_FILENO);
        pthread_setname_np(pthread_self(), "mm-crashtest");
        __builtin_trap();
      },
      testing::KilledBySignal(SIGILL),
      std::string("midimon: fatal signal SIGILL \\(4\\) at address 0x[0-9a-f]+ "
                  "in thread mm-crashtest \\(tid [0-9]+\\); stack:") +
          kFrame);
}

TEST_F(CrashReport, AFaultInAnotherThreadNamesThatThread) {
  EXPECT_EXIT(
      {
        install_crash_report(STDERR_FILENO);
        std::thread worker([] {
          pthread_setname_np(pthread_self(), "mm-worker");
          __builtin_trap();
        });
        worker.join();
        std::exit(0);  // not reached
      },
      testing::KilledBySignal(SIGILL),
      "fatal signal SIGILL \\(4\\) at address 0x[0-9a-f]+ in thread mm-worker ");
}

TEST_F(CrashReport, AnAbortIsReportedWithoutAnAddressAndStillAborts) {
  EXPECT_EXIT(
      {
        install_crash_report(STDERR_FILENO);
        std::abort();
      },
      testing::KilledBySignal(SIGABRT),
      "midimon: fatal signal SIGABRT \\(6\\) in thread [^\n]*; stack:");
}

TEST_F(CrashReport, IsWrittenToTheDescriptorItWasGiven) {
  EXPECT_EXIT(
      {
        const int copy = dup(STDERR_FILENO);
        install_crash_report(copy);
        close(STDERR_FILENO);  // the report must not depend on fd 2
        __builtin_trap();
      },
      testing::KilledBySignal(SIGILL), "fatal signal SIGILL");
}

void own_handler(int) {
  const char text[] = "the handler installed first ran\n";
  (void)!write(STDERR_FILENO, text, sizeof text - 1);
  _exit(42);
}

TEST_F(CrashReport, LeavesAHandlerInstalledBeforeItInPlace) {
  EXPECT_EXIT(
      {
        signal(SIGILL, own_handler);
        install_crash_report(STDERR_FILENO);
        __builtin_trap();
      },
      testing::ExitedWithCode(42), "^the handler installed first ran\n$");
}

}  // namespace
}  // namespace midimon::daemon
