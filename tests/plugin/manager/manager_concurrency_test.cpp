// The manager's concurrency guarantees, proven with gates and counters (no timing):
// different plugins overlap, one plugin's calls never do, unloading a running plugin is
// safe, and list()/stats() do not wait for a running call.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "fake_plugin.h"
#include "gate.h"
#include "plugin/manager.h"

namespace midimon::plugin {
namespace {

using testing::Counter;
using testing::FakePlugin;
using testing::Gate;
using testing::make_result;
using testing::RecordingHost;

ActionRequest request(std::string action) {
  ActionRequest r;
  r.action = std::move(action);
  return r;
}

// Each plugin waits inside execute() until both are inside at once. If the manager ran
// them one after the other (a global lock), neither wait would succeed.
TEST(ManagerConcurrency, CallsToDifferentPluginsRunInParallel) {
  RecordingHost host;
  PluginManager manager(host, nullptr);
  Counter inside;
  auto both_inside = [&](FakePlugin&, const ActionRequest&) {
    inside.arrive();
    return inside.wait_for(2) ? CallResult{} : make_result(CallResult::Status::Failed, 99);
  };
  ASSERT_TRUE(manager.add(std::make_shared<FakePlugin>("a", both_inside), "a").ok());
  ASSERT_TRUE(manager.add(std::make_shared<FakePlugin>("b", both_inside), "b").ok());

  CallResult ra, rb;
  std::thread ta([&] { ra = manager.call("a", request("x")); });
  std::thread tb([&] { rb = manager.call("b", request("x")); });
  ta.join();
  tb.join();
  EXPECT_TRUE(ra.ok()) << "plugin a never saw b running at the same time";
  EXPECT_TRUE(rb.ok()) << "plugin b never saw a running at the same time";
}

// Many threads hammer one plugin; the plugin counts how many of its calls are inside at
// once. Serialisation means never more than one (a broken manager fails this test on
// practically every run, since each call yields while inside).
TEST(ManagerConcurrency, CallsToOnePluginAreSerialised) {
  RecordingHost host;
  PluginManager manager(host, nullptr);
  std::atomic<int> in_flight{0}, max_in_flight{0};
  int unsynchronised_counter = 0;  // data race (TSan/ASan-visible) if calls overlapped
  ASSERT_TRUE(manager
                  .add(std::make_shared<FakePlugin>("one",
                                                    [&](FakePlugin&, const ActionRequest&) {
                                                      int now = ++in_flight;
                                                      int seen = max_in_flight.load();
                                                      while (now > seen && !max_in_flight.compare_exchange_weak(seen, now)) {}
                                                      for (int i = 0; i < 3; ++i) std::this_thread::yield();
                                                      ++unsynchronised_counter;
                                                      --in_flight;
                                                      return CallResult{};
                                                    }),
                       "one")
                  .ok());
  constexpr int kThreads = 8, kCalls = 200;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kCalls; ++i) EXPECT_TRUE(manager.call("one", request("x")).ok());
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(max_in_flight.load(), 1);
  EXPECT_EQ(unsynchronised_counter, kThreads * kCalls);
  EXPECT_EQ(manager.stats("one")->calls, static_cast<uint64_t>(kThreads * kCalls));
}

// A plugin that knows when it is destroyed.
class TrackedPlugin final : public Plugin {
 public:
  TrackedPlugin(Gate* entered, Gate* release, std::atomic<bool>* destroyed)
      : entered_(entered), release_(release), destroyed_(destroyed) {
    metadata_.name = "tracked";
  }
  ~TrackedPlugin() override { destroyed_->store(true); }
  PluginKind kind() const override { return PluginKind::Native; }
  const PluginMetadata& metadata() const override { return metadata_; }
  CallResult execute(const ActionRequest&) override {
    entered_->open();
    if (!release_->wait()) return make_result(CallResult::Status::Failed, 99);
    // Still alive and usable while the manager has already forgotten it.
    return destroyed_->load() ? make_result(CallResult::Status::Failed, 98) : CallResult{};
  }

 private:
  PluginMetadata metadata_;
  Gate* entered_;
  Gate* release_;
  std::atomic<bool>* destroyed_;
};

TEST(ManagerConcurrency, UnloadDuringACallIsSafe) {
  RecordingHost host;
  PluginManager manager(host, nullptr);
  Gate entered, release;
  std::atomic<bool> destroyed{false};
  ASSERT_TRUE(manager.add(std::make_shared<TrackedPlugin>(&entered, &release, &destroyed), "t").ok());

  CallResult result;
  std::thread caller([&] { result = manager.call("tracked", request("x")); });
  ASSERT_TRUE(entered.wait());
  EXPECT_TRUE(manager.info("tracked")->busy);
  ASSERT_TRUE(manager.unload("tracked").ok());  // does not wait for the call
  EXPECT_FALSE(manager.contains("tracked"));
  EXPECT_FALSE(destroyed.load()) << "destroyed while its call was running";
  release.open();
  caller.join();
  EXPECT_TRUE(result.ok()) << result.code;
  EXPECT_TRUE(destroyed.load()) << "the running call's reference was the last one";
}

TEST(ManagerConcurrency, ListAndStatsDoNotWaitForARunningCall) {
  RecordingHost host;
  PluginManager manager(host, nullptr);
  Gate entered, release;
  std::atomic<bool> destroyed{false};
  ASSERT_TRUE(manager.add(std::make_shared<TrackedPlugin>(&entered, &release, &destroyed), "t").ok());
  ASSERT_TRUE(manager.add(std::make_shared<FakePlugin>("other"), "o").ok());

  std::thread caller([&] { manager.call("tracked", request("x")); });
  ASSERT_TRUE(entered.wait());
  // All of these return while "tracked" is still inside execute().
  EXPECT_EQ(manager.list().size(), 2u);
  EXPECT_EQ(manager.stats("tracked")->calls, 0u);
  EXPECT_TRUE(manager.call("other", request("x")).ok());
  EXPECT_TRUE(manager.grant("tracked", Capability::Midi).ok());
  EXPECT_TRUE(manager.disable("other").ok());
  release.open();
  caller.join();
  EXPECT_EQ(manager.stats("tracked")->calls, 1u);
}

// Disabling while a call runs lets that call finish and refuses the next one, whether it
// was already waiting for the plugin or came later.
TEST(ManagerConcurrency, DisableDuringACallRefusesTheNextCall) {
  RecordingHost host;
  PluginManager manager(host, nullptr);
  Gate entered, release;
  std::atomic<bool> destroyed{false};
  ASSERT_TRUE(manager.add(std::make_shared<TrackedPlugin>(&entered, &release, &destroyed), "t").ok());

  std::thread first([&] { manager.call("tracked", request("x")); });
  ASSERT_TRUE(entered.wait());
  ASSERT_TRUE(manager.disable("tracked").ok());
  CallResult queued;
  std::thread second([&] { queued = manager.call("tracked", request("x")); });
  release.open();
  first.join();
  second.join();
  EXPECT_EQ(queued.status, CallResult::Status::Error);
  EXPECT_NE(queued.message.find("disabled"), std::string::npos);
  EXPECT_EQ(manager.stats("tracked")->calls, 1u);
  EXPECT_EQ(manager.stats("tracked")->refused, 1u);
}

}  // namespace
}  // namespace midimon::plugin
