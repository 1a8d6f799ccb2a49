// The focused-application watcher against a private Xvfb. Xvfb has no window manager, so
// the test plays one: it sets _NET_ACTIVE_WINDOW on the root, as a WM does on a focus
// change, and waits (with a deadline) for the watcher's callback to report it.
#include "desktop/focus_watcher.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "test_window.h"
#include "xvfb_server.h"

namespace midimon::desktop {
namespace {

using testing::TestClient;
using testing::XvfbServer;

// What the callback reported, and a deadline wait for a report matching a predicate.
class Reports {
 public:
  void add(const FocusedApp& app) {
    {
      std::lock_guard lock(mutex_);
      apps_.push_back(app);
    }
    changed_.notify_all();
  }
  bool wait_for(const std::function<bool(const FocusedApp&)>& match,
                std::chrono::milliseconds deadline = std::chrono::seconds(5)) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, deadline, [&] {
      for (std::size_t i = seen_; i < apps_.size(); ++i)
        if (match(apps_[i])) {
          seen_ = i + 1;
          return true;
        }
      return false;
    });
  }
  std::size_t count() {
    std::lock_guard lock(mutex_);
    return apps_.size();
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<FocusedApp> apps_;
  std::size_t seen_ = 0;
};

class FocusWatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    server_ = XvfbServer::start(&error);
    ASSERT_NE(server_, nullptr) << error;
    client_ = std::make_unique<TestClient>(server_->display());
    ASSERT_TRUE(client_->ok());
    alpha_ = client_->create_window(0, 0, 100, 100, "alphaterm", "AlphaTerm", "alpha one");
    beta_ = client_->create_window(100, 0, 100, 100, "navigator", "Firefox",
                                   "Beta \xE2\x80\x94 Mozilla Firefox");
  }

  std::unique_ptr<XvfbServer> server_;
  std::unique_ptr<TestClient> client_;
  Window alpha_ = 0, beta_ = 0;
  Reports reports_;
};

TEST_F(FocusWatcherTest, ReportsTheStartStateThenEachActiveWindowChange) {
  auto watcher = FocusWatcher::start(server_->display(),
                                     [this](const FocusedApp& app) { reports_.add(app); });
  ASSERT_TRUE(watcher.ok()) << watcher.error();
  ASSERT_TRUE(reports_.wait_for([](const FocusedApp& a) { return a.window == 0; }))
      << "no report of the initial state (no active window)";

  client_->set_active_window(alpha_);
  ASSERT_TRUE(reports_.wait_for([this](const FocusedApp& a) { return a.window == alpha_; }));
  EXPECT_EQ((*watcher)->current().instance, "alphaterm");
  EXPECT_EQ((*watcher)->current().window_class, "AlphaTerm");
  EXPECT_EQ((*watcher)->current().title, "alpha one");

  client_->set_active_window(beta_);
  ASSERT_TRUE(reports_.wait_for([this](const FocusedApp& a) { return a.window == beta_; }));
  const FocusedApp beta = (*watcher)->current();
  EXPECT_EQ(beta.instance, "navigator");
  EXPECT_EQ(beta.window_class, "Firefox");
  EXPECT_EQ(beta.title, "Beta \xE2\x80\x94 Mozilla Firefox");  // _NET_WM_NAME, UTF-8
  EXPECT_TRUE(focused_app_matches(beta, "firefox"));
  EXPECT_TRUE(focused_app_matches(beta, "Navigator"));
  EXPECT_FALSE(focused_app_matches(beta, "alphaterm"));

  client_->set_active_window(alpha_);
  ASSERT_TRUE(reports_.wait_for([this](const FocusedApp& a) { return a.window == alpha_; }));
}

TEST_F(FocusWatcherTest, TitleChangeOfTheActiveWindowIsReported) {
  client_->set_active_window(beta_);
  auto watcher = FocusWatcher::start(server_->display(),
                                     [this](const FocusedApp& app) { reports_.add(app); });
  ASSERT_TRUE(watcher.ok()) << watcher.error();
  ASSERT_TRUE(reports_.wait_for([this](const FocusedApp& a) { return a.window == beta_; }));
  client_->set_title(beta_, "second tab");
  ASSERT_TRUE(reports_.wait_for([](const FocusedApp& a) { return a.title == "second tab"; }));
  // A title change of a window that is not active reports nothing new: a later change of
  // the active window is the next report.
  client_->set_title(alpha_, "ignored");
  client_->set_active_window(alpha_);
  ASSERT_TRUE(reports_.wait_for([this](const FocusedApp& a) { return a.window == alpha_; }));
  EXPECT_EQ((*watcher)->current().title, "ignored");
}

TEST_F(FocusWatcherTest, ClassChangeOfTheActiveWindowIsReported) {
  client_->set_active_window(alpha_);
  auto watcher = FocusWatcher::start(server_->display(),
                                     [this](const FocusedApp& app) { reports_.add(app); });
  ASSERT_TRUE(watcher.ok()) << watcher.error();
  ASSERT_TRUE(reports_.wait_for([this](const FocusedApp& a) { return a.window == alpha_; }));
  XClassHint hint;
  hint.res_name = const_cast<char*>("gamma");
  hint.res_class = const_cast<char*>("Gamma");
  XSetClassHint(client_->display(), alpha_, &hint);
  XSync(client_->display(), False);
  ASSERT_TRUE(reports_.wait_for([](const FocusedApp& a) { return a.window_class == "Gamma"; }));
  EXPECT_EQ((*watcher)->current().instance, "gamma");
}

TEST_F(FocusWatcherTest, SettingTheSameWindowAgainIsNotAChange) {
  client_->set_active_window(alpha_);
  auto watcher = FocusWatcher::start(server_->display(),
                                     [this](const FocusedApp& app) { reports_.add(app); });
  ASSERT_TRUE(watcher.ok()) << watcher.error();
  ASSERT_TRUE(reports_.wait_for([this](const FocusedApp& a) { return a.window == alpha_; }));
  client_->set_active_window(alpha_);  // PropertyNotify, same value
  client_->set_active_window(beta_);   // a real change after it
  ASSERT_TRUE(reports_.wait_for([this](const FocusedApp& a) { return a.window == beta_; }));
  EXPECT_EQ(reports_.count(), 2u) << "the repeated alpha was reported as a change";
}

TEST_F(FocusWatcherTest, StopEndsTheThreadAndNoCallbackFollows) {
  auto watcher = FocusWatcher::start(server_->display(),
                                     [this](const FocusedApp& app) { reports_.add(app); });
  ASSERT_TRUE(watcher.ok()) << watcher.error();
  ASSERT_TRUE(reports_.wait_for([](const FocusedApp& a) { return a.window == 0; }));
  (*watcher)->stop();
  (*watcher)->stop();  // idempotent
  const std::size_t before = reports_.count();
  client_->set_active_window(alpha_);
  // Another watcher proves the change was delivered to listeners.
  Reports other;
  auto second = FocusWatcher::start(server_->display(),
                                    [&other](const FocusedApp& app) { other.add(app); });
  ASSERT_TRUE(second.ok());
  ASSERT_TRUE(other.wait_for([this](const FocusedApp& a) { return a.window == alpha_; }));
  EXPECT_EQ(reports_.count(), before);
}

TEST_F(FocusWatcherTest, QueryReadsTheActiveWindowOnce) {
  client_->set_active_window(beta_);
  auto app = query_focused_app(server_->display());
  ASSERT_TRUE(app.ok()) << app.error();
  EXPECT_EQ(app->window, beta_);
  EXPECT_EQ(app->window_class, "Firefox");
}

TEST_F(FocusWatcherTest, ActiveWindowThatIsGoneGivesEmptyFields) {
  client_->set_active_window(0x7FFFFF);  // no such window: a WM's stale value
  auto app = query_focused_app(server_->display());
  ASSERT_TRUE(app.ok()) << app.error();
  EXPECT_EQ(app->window, 0x7FFFFFu);
  EXPECT_EQ(app->window_class, "");
  EXPECT_EQ(app->title, "");
}

TEST_F(FocusWatcherTest, LostServerEndsTheThreadWithAReason) {
  std::mutex mutex;
  std::condition_variable failed;
  std::string reason;
  auto watcher = FocusWatcher::start(
      server_->display(), [this](const FocusedApp& app) { reports_.add(app); },
      [&](const std::string& why) {
        std::lock_guard lock(mutex);
        reason = why;
        failed.notify_all();
      });
  ASSERT_TRUE(watcher.ok()) << watcher.error();
  ASSERT_TRUE(reports_.wait_for([](const FocusedApp& a) { return a.window == 0; }));
  client_.reset();
  server_->stop();
  {
    std::unique_lock lock(mutex);
    ASSERT_TRUE(failed.wait_for(lock, std::chrono::seconds(5), [&] { return !reason.empty(); }))
        << "the watcher did not notice the server going away";
  }
  EXPECT_NE(reason.find("connection to the X server was lost"), std::string::npos) << reason;
  EXPECT_EQ((*watcher)->failure(), reason);
  (*watcher)->stop();  // joins a thread that already ended
}

TEST(FocusWatcherNoServer, StartFailsWithTheDisplayName) {
  auto watcher = FocusWatcher::start(":65001", [](const FocusedApp&) {});
  ASSERT_FALSE(watcher.ok());
  EXPECT_NE(watcher.error().find("cannot open display ':65001'"), std::string::npos)
      << watcher.error();
  auto app = query_focused_app(":65001");
  EXPECT_FALSE(app.ok());
}

TEST(FocusedAppMatches, EmptyNamesAndFieldsNeverMatch) {
  FocusedApp app;
  EXPECT_FALSE(focused_app_matches(app, ""));
  EXPECT_FALSE(focused_app_matches(app, "x"));
  app.window_class = "Gimp";
  EXPECT_TRUE(focused_app_matches(app, "GIMP"));
  EXPECT_FALSE(focused_app_matches(app, "Gim"));
  EXPECT_FALSE(focused_app_matches(app, ""));
}

}  // namespace
}  // namespace midimon::desktop
