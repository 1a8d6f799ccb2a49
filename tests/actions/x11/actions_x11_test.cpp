// The whole path a mapping's keyboard and mouse actions take in the daemon — Executor ->
// ActionRunner -> SystemDesktop -> src/desktop's XTest injector — on a private Xvfb, read
// back by the test's own X client (tests/desktop's helpers: plain Xlib, not midimon).
// AppFrontmost through SystemDesktop's one-shot EWMH query is checked the same way.
#include <gtest/gtest.h>

#include <memory>

#include "../fakes.h"
#include "actions/executor.h"
#include "actions/system_desktop.h"
#include "xvfb_server.h"
// Xlib last: it #defines None, Status, Bool, ... (so ActionEvent::Status is spelled
// through action_status_name below)
#include <X11/Xutil.h>

#include "test_window.h"

namespace midimon::actions::testing {
namespace {

using desktop::testing::TestClient;
using desktop::testing::XvfbServer;

class ActionsOnX11 : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    server_ = XvfbServer::start(&error);
    ASSERT_NE(server_, nullptr) << error;
    client_ = std::make_unique<TestClient>(server_->display());
    ASSERT_TRUE(client_->ok());
    window_ = client_->create_window(0, 0, 200, 200, "probe", "Probe", "probe window");
    client_->focus(window_);
    SystemDesktopOptions options;
    options.injector.backend = desktop::InjectorBackend::X11;
    options.injector.display = server_->display();
    desktop_ = std::make_unique<SystemDesktop>(options);
  }

  // Runs the config's first mapping as a job through the executor with the real desktop.
  void run_mapping(const std::string& action) {
    auto c = config_with({action});
    ASSERT_TRUE(c);
    ActionEnv env{w_.modes, w_.midi, w_.plugins, *desktop_, w_.clock, w_.logger, w_.sink};
    Executor ex(env);
    ASSERT_EQ(ex.submit(make_mapping_job(c->modes[0].mappings[0], c, {})), SubmitResult::Queued);
    ASSERT_TRUE(ex.wait_idle(std::chrono::milliseconds(10'000)));
    for (const ActionEvent& e : w_.sink.snapshot())
      EXPECT_EQ(action_status_name(e.status), std::string("ok")) << e.action_type << ": " << e.detail;
  }

  World w_;
  std::unique_ptr<XvfbServer> server_;
  std::unique_ptr<TestClient> client_;
  Window window_ = 0;
  std::unique_ptr<SystemDesktop> desktop_;
};

TEST_F(ActionsOnX11, KeystrokeWithModifierArrives) {
  run_mapping(R"({ type = "Keystroke", keys = "t", modifiers = ["ctrl"] })");
  auto events = client_->collect([](const std::vector<XEvent>& got) {
    for (auto e : got)
      if (e.type == KeyPress && !IsModifierKey(desktop::testing::keysym_of(e))) return true;
    return false;
  });
  bool seen = false;
  for (auto e : events) {
    if (e.type != KeyPress || IsModifierKey(desktop::testing::keysym_of(e))) continue;
    EXPECT_EQ(desktop::testing::keysym_of(e), static_cast<KeySym>(XK_t));
    EXPECT_TRUE(e.xkey.state & ControlMask) << "state " << e.xkey.state;
    seen = true;
  }
  EXPECT_TRUE(seen);
}

TEST_F(ActionsOnX11, SequenceOfTextAndClickArrivesInOrder) {
  run_mapping(R"({ type = "Sequence", actions = [ { type = "Text", text = "hi" }, { type = "MouseClick", button = "left", x = 20, y = 30 } ] })");
  auto events = client_->collect([](const std::vector<XEvent>& got) {
    for (const auto& e : got)
      if (e.type == ButtonPress) return true;
    return false;
  });
  std::string typed;
  bool clicked_after_text = false;
  for (auto e : events) {
    if (e.type == KeyPress && !IsModifierKey(desktop::testing::keysym_of(e))) {
      typed += XKeysymToString(desktop::testing::keysym_of(e));
    } else if (e.type == ButtonPress) {
      clicked_after_text = typed == "hi";
      EXPECT_EQ(e.xbutton.x, 20);
      EXPECT_EQ(e.xbutton.y, 30);
    }
  }
  EXPECT_EQ(typed, "hi");
  EXPECT_TRUE(clicked_after_text);
}

TEST_F(ActionsOnX11, AppFrontmostReadsTheActiveWindow) {
  client_->set_active_window(window_);
  EXPECT_EQ(desktop_->app_frontmost("probe"), true);
  EXPECT_EQ(desktop_->app_frontmost("Probe"), true);
  EXPECT_EQ(desktop_->app_frontmost("firefox"), false);
}

}  // namespace
}  // namespace midimon::actions::testing
