// The manager on real plugins through the real loader: the example plugins, and hostile
// ones (tests/plugin/manager/plugins/: one that never returns, one that lies about its
// metadata). Each hostile plugin is a clear error and the manager keeps serving the rest.
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <thread>

#include "fake_plugin.h"
#include "gate.h"
#include "plugin/file_digest.h"
#include "plugin/plugin_loader.h"
#include "run_cli.h"

namespace midimon::plugin {
namespace {

namespace fs = std::filesystem;
using testing::Gate;
using testing::MemorySettings;
using testing::RecordingHost;
using testing::TempDir;
using testing::contains;

const fs::path kExamples = MIDIMON_TEST_PLUGINS_DIR;
const fs::path kHostile = MIDIMON_TEST_HOSTILE_PLUGINS_DIR;

ActionRequest request(std::string action, std::optional<uint8_t> velocity = std::nullopt,
                      std::optional<uint8_t> note = std::nullopt) {
  ActionRequest r;
  r.action = std::move(action);
  r.context.velocity = velocity;
  r.context.note = note;
  return r;
}

struct ManagerWasm : ::testing::Test {
  TempDir home;
  LoaderSettings settings = [this] {
    LoaderSettings s;
    s.xdg.data_home = home.path() / "data";
    s.xdg.state_home = home.path() / "state";
    s.xdg.config_home = home.path() / "config";
    s.search_dirs = {PluginSearchDir{kExamples, false}, PluginSearchDir{kHostile, false}};
    return s;
  }();
  RecordingHost host;
  MemorySettings grants;
  PluginManager manager{host, make_plugin_loader(settings, host, &grants), &grants};

  void load(const std::string& name) {
    Expected<std::string> loaded = manager.load(name);
    ASSERT_TRUE(loaded.ok()) << loaded.error();
    ASSERT_EQ(*loaded, name);
  }
};

TEST_F(ManagerWasm, LoadsExamplesByNameAndCallsThem) {
  load("minimal");
  load("template");
  EXPECT_TRUE(manager.call("minimal", request("x")).ok());
  CallResult r = manager.call("template", request("hello", 100, 60));
  ASSERT_TRUE(r.ok()) << r.message << " code " << r.code;
  EXPECT_GT(r.fuel_used, 0u);
  EXPECT_EQ(host.stdout_text(), "hello from template: velocity=100 note=60 mode=-1\n");
  PluginStats s = *manager.stats("template");
  EXPECT_EQ(s.calls, 1u);
  EXPECT_EQ(s.total_fuel, r.fuel_used);
  EXPECT_EQ(manager.info("template")->kind, PluginKind::Wasm);
}

// spin never returns: its manifest gives it 1 s. While it runs, other plugins are served
// (no lock is held across plugin code); then it is counted as a timeout and logged.
TEST_F(ManagerWasm, ATimeoutIsCountedAndLoggedWhileOthersAreServed) {
  load("spin");
  load("minimal");
  Gate spinning;
  host.on_log = [&](std::string_view message) {
    if (message == "spinning") spinning.open();
  };
  std::atomic<bool> spin_returned{false};
  CallResult spin;
  std::thread caller([&] {
    spin = manager.call("spin", request("go"));
    spin_returned = true;
  });
  ASSERT_TRUE(spinning.wait());
  EXPECT_TRUE(manager.call("minimal", request("x")).ok());
  EXPECT_FALSE(spin_returned.load()) << "minimal was only served after spin's deadline";
  EXPECT_TRUE(manager.info("spin")->busy);
  caller.join();

  EXPECT_EQ(spin.status, CallResult::Status::Trapped);
  EXPECT_TRUE(contains(spin.message, "deadline exceeded")) << spin.message;
  PluginStats s = *manager.stats("spin");
  EXPECT_EQ(s.traps, 1u);
  EXPECT_EQ(s.timeouts, 1u);
  bool logged = false;
  for (const auto& line : host.lines()) {
    logged = logged || (line.plugin == "spin" && contains(line.message, "action 'go' trapped") &&
                        contains(line.message, "deadline exceeded"));
  }
  EXPECT_TRUE(logged);
  EXPECT_TRUE(manager.call("minimal", request("x")).ok());
}

TEST_F(ManagerWasm, APluginLyingAboutItsMetadataIsALoadErrorAndOthersAreServed) {
  load("minimal");
  Expected<std::string> liar = manager.load("liar");
  ASSERT_FALSE(liar.ok());
  EXPECT_TRUE(contains(liar.error(), "liar.wasm")) << liar.error();
  EXPECT_TRUE(contains(liar.error(), "init")) << liar.error();
  EXPECT_FALSE(manager.contains("liar"));
  EXPECT_TRUE(manager.call("minimal", request("x")).ok());
}

TEST_F(ManagerWasm, MidiGrantedThenRevokedTakesEffectAtTheNextCall) {
  load("midi-echo");
  ASSERT_TRUE(manager.grant("midi-echo", Capability::Midi).ok());
  EXPECT_TRUE(manager.call("midi-echo", request("x", 100, 60)).ok());
  ASSERT_EQ(host.midi().size(), 1u);
  EXPECT_EQ(host.midi()[0], (std::vector<uint8_t>{0x90, 60, 100}));

  ASSERT_TRUE(manager.revoke("midi-echo", Capability::Midi).ok());
  CallResult denied = manager.call("midi-echo", request("x", 100, 60));
  EXPECT_EQ(denied.status, CallResult::Status::Failed);
  EXPECT_EQ(denied.code, 3);
  EXPECT_EQ(host.midi().size(), 1u);
  EXPECT_EQ(manager.stats("midi-echo")->failures, 1u);
}

TEST_F(ManagerWasm, ManifestLimitsApplyAndOverridesWin) {
  Expected<DiscoveredPlugin> spin = resolve_plugin("spin", settings);
  ASSERT_TRUE(spin.ok()) << spin.error();
  settings.limits.fuel = 123;
  settings.limits.max_memory_bytes = 4u << 20;
  PluginLimits from_manifest = effective_limits(*spin, settings, {});
  EXPECT_EQ(from_manifest.timeout, std::chrono::milliseconds(1000));  // manifest over default
  EXPECT_EQ(from_manifest.fuel, 1'000'000'000'000u);                    // manifest over config
  EXPECT_EQ(from_manifest.max_memory_bytes, 4u << 20);                  // config over default
  LimitOverrides flags;
  flags.timeout = std::chrono::milliseconds(7);
  EXPECT_EQ(effective_limits(*spin, settings, flags).timeout, std::chrono::milliseconds(7));
}

TEST_F(ManagerWasm, UnknownNameSaysWhereItLooked) {
  Expected<DiscoveredPlugin> none = resolve_plugin("nobody", settings);
  ASSERT_FALSE(none.ok());
  EXPECT_TRUE(contains(none.error(), "no installed plugin named 'nobody'")) << none.error();
  EXPECT_TRUE(contains(none.error(), kExamples.string())) << none.error();
}

// A copy of minimal with a manifest written by the test.
fs::path plugin_copy(const fs::path& root, const std::string& manifest_name, const std::string& extra) {
  fs::path dir = root / "copy";
  fs::create_directories(dir);
  fs::copy_file(kExamples / "minimal" / "minimal.wasm", dir / "minimal.wasm", fs::copy_options::overwrite_existing);
  std::ofstream(dir / "plugin.toml") << "[plugin]\nname = \"" << manifest_name
                                     << "\"\nversion = \"0.1.0\"\ndescription = \"d\"\nauthor = \"a\"\n"
                                        "license = \"MIT\"\nbinary = \"minimal.wasm\"\n"
                                     << extra;
  return dir;
}

TEST_F(ManagerWasm, Sha256PinIsCheckedAtLoad) {
  const std::string wrong(64, '0');
  fs::path dir = plugin_copy(home.path(), "minimal", "sha256 = \"" + wrong + "\"\n");
  Expected<std::string> loaded = manager.load(dir.string());
  ASSERT_FALSE(loaded.ok());
  Expected<FileDigest> digest = digest_file(dir / "minimal.wasm");
  ASSERT_TRUE(digest.ok());
  EXPECT_TRUE(contains(loaded.error(), wrong)) << loaded.error();
  EXPECT_TRUE(contains(loaded.error(), digest->hex())) << loaded.error();

  fs::path good = plugin_copy(home.path(), "minimal", "sha256 = \"" + digest->hex() + "\"\n");
  EXPECT_TRUE(manager.load(good.string()).ok());
}

TEST_F(ManagerWasm, ManifestNameMustMatchTheBinarysName) {
  fs::path dir = plugin_copy(home.path(), "other", "");
  Expected<std::string> loaded = manager.load(dir.string());
  ASSERT_FALSE(loaded.ok());
  EXPECT_TRUE(contains(loaded.error(), "the manifest names the plugin 'other' but its binary reports 'minimal'"))
      << loaded.error();
}

TEST_F(ManagerWasm, RequiredSignatureRefusesAnUnsignedPlugin) {
  settings.require_signature = true;
  PluginManager strict(host, make_plugin_loader(settings, host, nullptr));
  Expected<std::string> loaded = strict.load("minimal");
  ASSERT_FALSE(loaded.ok());
  EXPECT_TRUE(contains(loaded.error(), "minimal.wasm")) << loaded.error();
}

}  // namespace
}  // namespace midimon::plugin
