// PluginManager lifecycle, grants, stats and isolation, against fake plugins.
#include "plugin/manager.h"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>

#include "fake_plugin.h"

namespace midimon::plugin {
namespace {

using namespace std::chrono_literals;
using testing::FakePlugin;
using testing::make_result;
using testing::MemorySettings;
using testing::RecordingHost;

struct ManagerTest : ::testing::Test {
  RecordingHost host;
  MemorySettings settings;
  std::map<std::string, std::shared_ptr<Plugin>> files;
  // A clock the plugins move forward, so durations are exact.
  std::atomic<int64_t> now_ns{1'000'000};
  PluginManager manager{host, testing::map_loader(&files), &settings,
                        [this] { return std::chrono::steady_clock::time_point(std::chrono::nanoseconds(now_ns.load())); }};

  std::string add(const std::string& source, std::shared_ptr<Plugin> plugin) {
    files[source] = std::move(plugin);
    Expected<std::string> name = manager.load(source);
    EXPECT_TRUE(name.ok()) << name.error();
    return name.ok() ? name.value() : std::string();
  }
};

ActionRequest request(std::string action) {
  ActionRequest r;
  r.action = std::move(action);
  return r;
}

TEST_F(ManagerTest, LoadsUnderTheMetadataNameAndCalls) {
  int calls = 0;
  add("/p/echo.wasm", std::make_shared<FakePlugin>("echo", [&](FakePlugin&, const ActionRequest& r) {
        ++calls;
        EXPECT_EQ(r.action, "hello");
        return CallResult{};
      }));
  ASSERT_TRUE(manager.contains("echo"));
  CallResult result = manager.call("echo", request("hello"));
  EXPECT_TRUE(result.ok()) << result.message;
  EXPECT_EQ(calls, 1);
  std::optional<PluginInfo> info = manager.info("echo");
  ASSERT_TRUE(info);
  EXPECT_EQ(info->source, "/p/echo.wasm");
  EXPECT_TRUE(info->enabled);
  EXPECT_FALSE(info->busy);
  EXPECT_EQ(info->stats.calls, 1u);
}

TEST_F(ManagerTest, LoaderErrorIsPassedOn) {
  Expected<std::string> name = manager.load("/nowhere.wasm");
  ASSERT_FALSE(name.ok());
  EXPECT_EQ(name.error(), "/nowhere.wasm: no such plugin file");
  EXPECT_TRUE(manager.list().empty());
}

TEST_F(ManagerTest, LoaderThatThrowsIsAnError) {
  PluginManager throwing(host, [](const std::string&) -> Expected<std::shared_ptr<Plugin>> {
    throw std::runtime_error("bad_alloc in the loader");
  });
  Expected<std::string> name = throwing.load("x.wasm");
  ASSERT_FALSE(name.ok());
  EXPECT_NE(name.error().find("cannot load 'x.wasm': bad_alloc in the loader"), std::string::npos);
}

TEST_F(ManagerTest, DuplicateAndEmptyNamesAreRefused) {
  add("/a/dup.wasm", std::make_shared<FakePlugin>("dup"));
  files["/b/dup.wasm"] = std::make_shared<FakePlugin>("dup");
  Expected<std::string> second = manager.load("/b/dup.wasm");
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.error().find("a plugin named 'dup' is already loaded (from '/a/dup.wasm')"), std::string::npos);

  files["/c/anon.wasm"] = std::make_shared<FakePlugin>("");
  Expected<std::string> anon = manager.load("/c/anon.wasm");
  ASSERT_FALSE(anon.ok());
  EXPECT_NE(anon.error().find("reports an empty name"), std::string::npos);
  EXPECT_EQ(manager.list().size(), 1u);
}

TEST_F(ManagerTest, UnknownPluginCallIsAnError) {
  CallResult result = manager.call("ghost", request("x"));
  EXPECT_EQ(result.status, CallResult::Status::Error);
  EXPECT_EQ(result.message, "no plugin named 'ghost' is loaded");
  EXPECT_FALSE(manager.unload("ghost").ok());
  EXPECT_FALSE(manager.enable("ghost").ok());
  EXPECT_FALSE(manager.grant("ghost", Capability::Midi).ok());
  EXPECT_FALSE(manager.stats("ghost"));
}

TEST_F(ManagerTest, UnloadRemovesAndAllowsReload) {
  add("/p/a.wasm", std::make_shared<FakePlugin>("a"));
  ASSERT_TRUE(manager.unload("a").ok());
  EXPECT_FALSE(manager.contains("a"));
  EXPECT_EQ(manager.call("a", request("x")).status, CallResult::Status::Error);
  EXPECT_TRUE(manager.load("/p/a.wasm").ok());
}

// The daemon's reload: the new instance takes the old one's place in one step, keeping
// the user's enabled flag and grants; replacing what is not loaded is refused.
TEST_F(ManagerTest, ReplaceSwapsTheInstanceInOneStep) {
  add("/p/r.wasm", std::make_shared<FakePlugin>("r", [](FakePlugin&, const ActionRequest&) {
        return make_result(CallResult::Status::Failed, 1);
      }));
  ASSERT_TRUE(manager.disable("r").ok());
  ASSERT_TRUE(manager.grant("r", Capability::Midi).ok());
  ASSERT_TRUE(manager.replace(std::make_shared<FakePlugin>("r", [](FakePlugin&, const ActionRequest&) {
                                return make_result(CallResult::Status::Failed, 2);
                              }),
                              "/q/r.wasm")
                  .ok());
  std::optional<PluginInfo> info = manager.info("r");
  ASSERT_TRUE(info);
  EXPECT_EQ(info->source, "/q/r.wasm");
  EXPECT_FALSE(info->enabled);  // from the settings, as add() does
  EXPECT_TRUE(info->grants.has(Capability::Midi));
  ASSERT_TRUE(manager.enable("r").ok());
  EXPECT_EQ(manager.call("r", request("x")).code, 2);  // the new instance runs

  Expected<std::string> ghost = manager.replace(std::make_shared<FakePlugin>("ghost"), "/g.wasm");
  ASSERT_FALSE(ghost.ok());
  EXPECT_EQ(ghost.error(), "no plugin named 'ghost' is loaded");
  EXPECT_FALSE(manager.contains("ghost"));
}

TEST_F(ManagerTest, DisabledPluginIsRefusedWithAClearErrorAndNotRun) {
  int runs = 0;
  add("/p/d.wasm", std::make_shared<FakePlugin>("d", [&](FakePlugin&, const ActionRequest&) {
        ++runs;
        return CallResult{};
      }));
  ASSERT_TRUE(manager.disable("d").ok());
  EXPECT_FALSE(settings.enabled("d"));  // persisted
  CallResult refused = manager.call("d", request("go"));
  EXPECT_EQ(refused.status, CallResult::Status::Error);
  EXPECT_EQ(refused.message, "plugin 'd' is disabled; enable it with `midimon plugin enable d`");
  EXPECT_EQ(runs, 0);
  PluginStats stats = *manager.stats("d");
  EXPECT_EQ(stats.refused, 1u);
  EXPECT_EQ(stats.calls, 0u);

  ASSERT_TRUE(manager.enable("d").ok());
  EXPECT_TRUE(manager.call("d", request("go")).ok());
  EXPECT_EQ(runs, 1);
}

TEST_F(ManagerTest, DisabledFlagAndGrantsComeFromSettingsAtLoad) {
  ASSERT_TRUE(settings.set_enabled("s", false).ok());
  CapabilitySet granted;
  granted.add(Capability::Network);
  ASSERT_TRUE(settings.set_grants("s", granted).ok());
  add("/p/s.wasm", std::make_shared<FakePlugin>("s"));
  std::optional<PluginInfo> info = manager.info("s");
  ASSERT_TRUE(info);
  EXPECT_FALSE(info->enabled);
  EXPECT_EQ(info->grants, granted);
}

TEST_F(ManagerTest, StatsThroughTheManagerUseItsClock) {
  int step = 0;
  add("/p/st.wasm", std::make_shared<FakePlugin>("st", [&](FakePlugin&, const ActionRequest&) {
        ++step;
        now_ns += 100 * step;  // 100, 200, 300, 400 ns
        switch (step) {
          case 1: return make_result(CallResult::Status::Ok, 0, "", 5);
          case 2: return make_result(CallResult::Status::Failed, 4, "", 7);
          case 3: return make_result(CallResult::Status::Trapped, 0, "deadline exceeded", 11);
          default: return make_result(CallResult::Status::Error, 0, "execute returned a pointer past memory");
        }
      }));
  EXPECT_EQ(manager.call("st", request("a")).duration, 100ns);
  EXPECT_EQ(manager.call("st", request("a")).code, 4);
  EXPECT_EQ(manager.call("st", request("a")).status, CallResult::Status::Trapped);
  EXPECT_EQ(manager.call("st", request("a")).status, CallResult::Status::Error);
  PluginStats s = *manager.stats("st");
  EXPECT_EQ(s.calls, 4u);
  EXPECT_EQ(s.ok, 1u);
  EXPECT_EQ(s.failures, 1u);
  EXPECT_EQ(s.traps, 1u);
  EXPECT_EQ(s.timeouts, 1u);
  EXPECT_EQ(s.errors, 1u);
  EXPECT_EQ(s.last_duration, 400ns);
  EXPECT_EQ(s.total_duration, 1000ns);
  EXPECT_EQ(s.mean_duration(), 250ns);
  EXPECT_EQ(s.max_duration, 400ns);
  EXPECT_EQ(s.total_fuel, 23u);
}

TEST_F(ManagerTest, TrapIsCountedLoggedAndOthersKeepWorking) {
  bool trap = true;
  add("/p/bad.wasm", std::make_shared<FakePlugin>("bad", [&](FakePlugin&, const ActionRequest&) {
        return trap ? make_result(CallResult::Status::Trapped, 0, "fuel exhausted") : CallResult{};
      }));
  add("/p/good.wasm", std::make_shared<FakePlugin>("good"));
  EXPECT_EQ(manager.call("bad", request("spin")).status, CallResult::Status::Trapped);
  EXPECT_TRUE(manager.call("good", request("x")).ok());
  trap = false;
  EXPECT_TRUE(manager.call("bad", request("spin")).ok());  // the trapping plugin serves again

  std::vector<testing::LogLine> lines = host.lines();
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].plugin, "bad");
  EXPECT_EQ(lines[0].level, LogLevel::Warn);
  EXPECT_EQ(lines[0].message, "action 'spin' trapped: fuel exhausted");
}

TEST_F(ManagerTest, PluginThatThrowsIsAnErrorNotACrash) {
  add("/p/t.wasm", std::make_shared<FakePlugin>("t", [](FakePlugin&, const ActionRequest&) -> CallResult {
        throw std::runtime_error("boom");
      }));
  CallResult r = manager.call("t", request("x"));
  EXPECT_EQ(r.status, CallResult::Status::Error);
  EXPECT_EQ(r.message, "the plugin threw an exception: boom");
  EXPECT_EQ(manager.stats("t")->errors, 1u);
}

TEST_F(ManagerTest, RevokeTakesEffectAtTheNextCall) {
  std::vector<bool> saw_midi;
  add("/p/m.wasm", std::make_shared<FakePlugin>("m", [&](FakePlugin& self, const ActionRequest&) {
        saw_midi.push_back(self.grants().has(Capability::Midi));
        return CallResult{};
      }));
  EXPECT_TRUE(manager.call("m", request("x")).ok());  // default deny
  ASSERT_TRUE(manager.grant("m", Capability::Midi).ok());
  EXPECT_TRUE(settings.grants("m").has(Capability::Midi));  // persisted
  EXPECT_TRUE(manager.call("m", request("x")).ok());
  ASSERT_TRUE(manager.revoke("m", Capability::Midi).ok());
  EXPECT_FALSE(settings.grants("m").has(Capability::Midi));
  EXPECT_TRUE(manager.call("m", request("x")).ok());
  EXPECT_EQ(saw_midi, (std::vector<bool>{false, true, false}));
  EXPECT_FALSE(manager.info("m")->grants.has(Capability::Midi));
}

TEST_F(ManagerTest, RevokeDuringACallIsSeenByTheRunningCall) {
  // The plugin reads its grants as a host function would, after the revoke.
  bool before = false, after = true;
  add("/p/r.wasm", std::make_shared<FakePlugin>("r", [&](FakePlugin& self, const ActionRequest&) {
        before = self.grants().has(Capability::Network);
        EXPECT_TRUE(manager.revoke("r", Capability::Network).ok());
        after = self.grants().has(Capability::Network);
        return CallResult{};
      }));
  ASSERT_TRUE(manager.grant("r", Capability::Network).ok());
  EXPECT_TRUE(manager.call("r", request("x")).ok());
  EXPECT_TRUE(before);
  EXPECT_FALSE(after);
}

TEST_F(ManagerTest, UnsavableGrantIsNotAppliedButUnsavableRevokeIs) {
  add("/p/g.wasm", std::make_shared<FakePlugin>("g"));
  ASSERT_TRUE(manager.grant("g", Capability::Audio).ok());
  settings.fail_saves = true;
  Expected<void> grant = manager.grant("g", Capability::Midi);
  ASSERT_FALSE(grant.ok());
  EXPECT_NE(grant.error().find("not granted"), std::string::npos);
  EXPECT_FALSE(manager.info("g")->grants.has(Capability::Midi));

  Expected<void> revoke = manager.revoke("g", Capability::Audio);
  ASSERT_FALSE(revoke.ok());
  EXPECT_NE(revoke.error().find("revoked for the running plugin 'g'"), std::string::npos);
  EXPECT_FALSE(manager.info("g")->grants.has(Capability::Audio));

  // Disabling also applies when it cannot be saved.
  EXPECT_FALSE(manager.disable("g").ok());
  EXPECT_EQ(manager.call("g", request("x")).status, CallResult::Status::Error);
}

TEST_F(ManagerTest, ListIsSortedByName) {
  add("/p/z.wasm", std::make_shared<FakePlugin>("zeta"));
  add("/p/a.wasm", std::make_shared<FakePlugin>("alpha"));
  std::vector<PluginInfo> all = manager.list();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].name, "alpha");
  EXPECT_EQ(all[1].name, "zeta");
}

TEST_F(ManagerTest, WorksWithoutSettings) {
  PluginManager bare(host, nullptr);
  EXPECT_FALSE(bare.load("x").ok());
  ASSERT_TRUE(bare.add(std::make_shared<FakePlugin>("n"), "mem").ok());
  EXPECT_TRUE(bare.grant("n", Capability::Midi).ok());
  EXPECT_TRUE(bare.info("n")->grants.has(Capability::Midi));
  EXPECT_TRUE(bare.call("n", request("x")).ok());
}

}  // namespace
}  // namespace midimon::plugin
