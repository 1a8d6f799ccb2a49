// Plugins through the real Daemon and the real plugin loader, with the plugin tests'
// probe module installed in a plugin directory of the config: a reload keeps an
// unchanged plugin's instance (its in-memory counter goes on), reloads a plugin whose
// settings or limits changed, unloads one the config no longer names, and refuses the
// whole config when a plugin it names cannot be loaded.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <filesystem>

#include "actions/printing_desktop.h"
#include "daemon/daemon.h"
#include "test_support.h"

namespace midimon::daemon {
namespace {

using namespace std::chrono_literals;
using testing::RecordingLog;
using testing::RecordingMidiOut;
using testing::TempDir;
using testing::write_file;

// Note 60: "count" (returns its in-memory call count, so the action reports "returned N");
// note 61: "config" (prints config[greeting]); note 62: "loop" (never returns: its fuel
// or its deadline ends it).
std::string probe_config(const std::string& plugin_table) {
  return "plugin_dirs = [\"plugins\"]\n\n" + plugin_table + R"(
[[modes]]
name = "Default"

[[modes.mappings]]
trigger = { type = "Note", note = 60 }
action = { type = "Plugin", plugin = "probe", action = "count" }

[[modes.mappings]]
trigger = { type = "Note", note = 61 }
action = { type = "Plugin", plugin = "probe", action = "config", params = { key = "greeting" } }

[[modes.mappings]]
trigger = { type = "Note", note = 62 }
action = { type = "Plugin", plugin = "probe", action = "loop" }
)";
}
const char* kGreetingOne = "[plugins.probe]\nconfig = { greeting = \"one\" }\n";
const char* kGreetingTwo = "[plugins.probe]\nconfig = { greeting = \"two\" }\n";

const char* kNoPlugin = R"([[modes]]
name = "Default"

[[modes.mappings]]
trigger = { type = "Note", note = 60 }
action = { type = "Text", text = "x" }
)";

struct Fixture : testing::DaemonFixture {
  explicit Fixture(const std::string& text) : DaemonFixture(text, install_probe) {}

  // The probe, installed as a plugin directory with its manifest.
  static void install_probe(DaemonFixture& f, DaemonOptions& options) {
    std::filesystem::path plugin_dir = f.dir.path() / "plugins" / "probe";
    std::filesystem::create_directories(plugin_dir);
    std::filesystem::copy_file(MIDIMON_PROBE_PLUGIN, plugin_dir / "probe.wasm");
    write_file((plugin_dir / "plugin.toml").string(),
               "[plugin]\nname = \"probe\"\nversion = \"1.2.3\"\ndescription = \"exercises the host API\"\n"
               "author = \"midimon tests\"\nlicense = \"MIT\"\ntype = \"action\"\nbinary = \"probe.wasm\"\n");
    options.xdg = plugin::XdgDirs{f.dir.path() / "data", f.dir.path() / "config", f.dir.path() / "state"};
  }
  ReloadResult reload_with(const std::string& text) {
    write_file(config, text);
    return daemon->reload();
  }
  void play(uint8_t note) {
    const uint8_t on[] = {0x90, note, 100};
    daemon->in_process_input()->send_bytes(on, sizeof on);
    ASSERT_TRUE(daemon->wait_idle(10s));
  }
};

TEST(PluginReload, AnUnchangedPluginKeepsItsInstance) {
  Fixture f(probe_config(kGreetingOne));
  ASSERT_TRUE(f.daemon);
  ASSERT_TRUE(f.daemon->plugins().contains("probe"));
  f.play(60);
  f.play(60);
  EXPECT_TRUE(f.log.contains("action 'count': returned 2")) << "second call";
  // Another mapping changes, the plugin's table does not.
  ReloadResult r = f.reload_with(probe_config(kGreetingOne) +
                                 "\n[[modes.mappings]]\ntrigger = { type = \"Note\", note = 70 }\n"
                                 "action = { type = \"Text\", text = \"new\" }\n");
  ASSERT_TRUE(r.ok) << (r.errors.empty() ? "" : r.errors[0]);
  EXPECT_EQ(r.mappings, 4u);
  f.play(60);
  EXPECT_TRUE(f.log.contains("action 'count': returned 3")) << "the same instance counts on";
  EXPECT_FALSE(f.log.contains("plugin probe reloaded"));
}

TEST(PluginReload, ChangedSettingsReloadThePlugin) {
  Fixture f(probe_config(kGreetingOne));
  ASSERT_TRUE(f.daemon);
  f.play(61);
  EXPECT_TRUE(f.log.contains("plugin probe stdout: \"one\""));
  f.play(60);
  ASSERT_TRUE(f.reload_with(probe_config(kGreetingTwo)).ok);
  EXPECT_TRUE(f.log.contains("plugin probe reloaded with its new settings"));
  f.play(61);
  EXPECT_TRUE(f.log.contains("plugin probe stdout: \"two\""));
  f.play(60);
  EXPECT_EQ(f.daemon->status().plugins_loaded, 1u);
  // A new instance: its counter started again.
  std::size_t ones = 0;  // the sink's line for each call that returned 1
  for (const auto& line : f.log.lines()) ones += line.find("warn: action Plugin failed: plugin 'probe' action 'count': returned 1 ") == 0;
  EXPECT_EQ(ones, 2u);
}

// Fuel is counted exactly, so the trapped call's fuel_used shows which budget applied:
// the config's 100,000, not the default 100,000,000.
TEST(PluginReload, ChangedLimitsAreApplied) {
  Fixture f(probe_config(kGreetingOne));
  ASSERT_TRUE(f.daemon);
  ASSERT_TRUE(f.reload_with(probe_config(std::string(kGreetingOne) + "limits = { fuel = 100000 }\n")).ok);
  EXPECT_TRUE(f.log.contains("plugin probe reloaded with its new settings"));
  auto events = f.daemon->events().subscribe();
  f.play(62);
  std::optional<nlohmann::json> result;
  while (auto e = events->pop(0ms)) {
    auto j = nlohmann::json::parse(e->json);
    if (e->kind == EventKind::Action && j.contains("plugin_result")) result = j["plugin_result"];
  }
  ASSERT_TRUE(result) << "no plugin result on the events bus";
  EXPECT_EQ((*result)["status"], "trapped");
  EXPECT_EQ((*result)["message"], "fuel exhausted");
  EXPECT_LE((*result)["fuel_used"].get<uint64_t>(), 100000u);
  EXPECT_GT((*result)["fuel_used"].get<uint64_t>(), 0u);
}

TEST(PluginReload, APluginTheConfigNoLongerNamesIsUnloaded) {
  Fixture f(probe_config(kGreetingOne));
  ASSERT_TRUE(f.daemon);
  ASSERT_TRUE(f.reload_with(kNoPlugin).ok);
  EXPECT_FALSE(f.daemon->plugins().contains("probe"));
  EXPECT_EQ(f.daemon->status().plugins_loaded, 0u);
  EXPECT_TRUE(f.log.contains("plugin probe unloaded"));
  // enabled = false keeps it out too, even with actions naming it.
  ASSERT_TRUE(f.reload_with(probe_config("[plugins.probe]\nenabled = false\n")).ok);
  EXPECT_FALSE(f.daemon->plugins().contains("probe"));
  ASSERT_TRUE(f.reload_with(probe_config("")).ok);  // named by actions only
  EXPECT_TRUE(f.daemon->plugins().contains("probe"));
}

TEST(PluginReload, APluginThatCannotBeLoadedRefusesTheWholeConfig) {
  Fixture f(probe_config(kGreetingOne));
  ASSERT_TRUE(f.daemon);
  f.play(60);
  // Line 1: plugin_dirs; [plugins.probe] at 3; [plugins.nowhere] at 6.
  std::string text = probe_config(std::string(kGreetingTwo) + "\n[plugins.nowhere]\n");
  ReloadResult r = f.reload_with(text);
  EXPECT_FALSE(r.ok);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_NE(r.errors[0].find(f.config + ":6:1: plugin 'nowhere' cannot be loaded"), std::string::npos)
      << r.errors[0];
  EXPECT_NE(f.daemon->status().last_reload_error.find("nowhere"), std::string::npos);
  // Nothing changed: the probe kept its instance and its old settings.
  f.play(60);
  EXPECT_TRUE(f.log.contains("action 'count': returned 2"));
  f.play(61);
  EXPECT_TRUE(f.log.contains("plugin probe stdout: \"one\""));
  EXPECT_FALSE(f.log.contains("plugin probe stdout: \"two\""));
  EXPECT_FALSE(f.log.contains("plugin probe reloaded"));
}

// [plugins] require_signature (docs/plugins/signing.md#hardening) on the unsigned probe:
// turned on by a reload, it re-checks the loaded plugin and refuses the config; at start,
// the probe is refused and the daemon runs without it.
TEST(PluginReload, RequireSignatureRefusesTheUnsignedPlugin) {
  const std::string policy = "[plugins]\nrequire_signature = true\n";
  Fixture f(probe_config(kGreetingOne));
  ASSERT_TRUE(f.daemon);
  ASSERT_TRUE(f.daemon->plugins().contains("probe"));
  ReloadResult r = f.reload_with(probe_config(policy + kGreetingOne));
  EXPECT_FALSE(r.ok);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_NE(r.errors[0].find("plugin 'probe' cannot be loaded"), std::string::npos) << r.errors[0];
  EXPECT_NE(r.errors[0].find("the policy requires signatures"), std::string::npos) << r.errors[0];

  Fixture strict(probe_config(policy + kGreetingOne));
  ASSERT_TRUE(strict.daemon);
  EXPECT_TRUE(strict.log.contains("the policy requires signatures"));
  EXPECT_FALSE(strict.daemon->plugins().contains("probe"));
  ASSERT_TRUE(strict.reload_with(probe_config(kGreetingOne)).ok);  // the policy off again
  EXPECT_TRUE(strict.daemon->plugins().contains("probe"));
}

TEST(PluginReload, AtStartAPluginThatCannotBeLoadedIsLoggedAndTheDaemonRuns) {
  Fixture f(probe_config(std::string(kGreetingOne) + "\n[plugins.nowhere]\n"));
  ASSERT_TRUE(f.daemon);
  EXPECT_TRUE(f.log.contains("plugin 'nowhere' cannot be loaded"));
  EXPECT_TRUE(f.daemon->plugins().contains("probe"));
}

}  // namespace
}  // namespace midimon::daemon
