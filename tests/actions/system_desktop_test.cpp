// The real desktop adapter where it can be checked without a display: launch (a detached
// double fork that really starts the program), /proc for AppRunning, and clear failures
// when no display can be opened. XTest injection itself is tested in tests/desktop/.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "actions/system_desktop.h"
#include "temp_dir.h"

namespace midimon::actions::testing {
namespace {

using namespace std::chrono_literals;

SystemDesktopOptions no_display() {
  SystemDesktopOptions o;
  o.injector.backend = desktop::InjectorBackend::X11;
  o.injector.display = ":4242";  // nothing listens there
  return o;
}

TEST(SystemDesktop, LaunchStartsTheProgramDetached) {
  TempDir d;
  const std::string marker = d.path() + "/launched";
  SystemDesktop desk(no_display());
  Outcome o = desk.launch({"touch", marker});
  ASSERT_TRUE(o.ok) << o.detail;
  EXPECT_NE(o.detail.find("touch"), std::string::npos);
  // The program runs on its own; wait for its effect with a deadline.
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (access(marker.c_str(), F_OK) != 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(2ms);
  EXPECT_EQ(access(marker.c_str(), F_OK), 0);
}

TEST(SystemDesktop, LaunchOfAMissingProgramFails) {
  SystemDesktop desk(no_display());
  Outcome o = desk.launch({"no-such-program-4242"});
  EXPECT_FALSE(o.ok);
  EXPECT_NE(o.detail.find("'no-such-program-4242' was not found"), std::string::npos) << o.detail;
  EXPECT_FALSE(desk.launch({}).ok);
}

TEST(SystemDesktop, AppRunningReadsProc) {
  SystemDesktop desk(no_display());
  std::string self;
  std::ifstream("/proc/self/comm") >> self;
  ASSERT_FALSE(self.empty());
  EXPECT_TRUE(desk.app_running(self));
  EXPECT_FALSE(desk.app_running("no-such-program-4242"));
}

TEST(SystemDesktop, WithoutADisplayInputFailsWithTheReasonAndFrontmostIsUnknown) {
  SystemDesktop desk(no_display());
  Outcome o = desk.keystroke({"a"}, {});
  EXPECT_FALSE(o.ok);
  EXPECT_NE(o.detail.find(":4242"), std::string::npos) << o.detail;
  EXPECT_FALSE(desk.type_text("x").ok);
  EXPECT_FALSE(desk.mouse_click(mapping::MouseButton::Left, std::nullopt).ok);
  EXPECT_FALSE(desk.app_frontmost("xterm").has_value());
}

TEST(SystemDesktop, FrontmostFromTheDaemonsWatcher) {
  SystemDesktopOptions o = no_display();
  o.focused = [] {
    desktop::FocusedApp app;
    app.instance = "navigator";
    app.window_class = "firefox";
    return std::optional<desktop::FocusedApp>(app);
  };
  SystemDesktop desk(o);
  EXPECT_EQ(desk.app_frontmost("Firefox"), true);
  EXPECT_EQ(desk.app_frontmost("xterm"), false);
}

}  // namespace
}  // namespace midimon::actions::testing
