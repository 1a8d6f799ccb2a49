// `midimon plugin call|info|list|verify` read the daemon's config file, so a plugin
// behaves as it would in the daemon: its plugin_dirs, [plugins] require_signature, and
// [plugins.NAME] (config, limits, enabled); command-line flags override them. The config
// is the default file, $XDG_CONFIG_HOME/midimon/config.toml, unless --config names one.
#include <filesystem>
#include <fstream>

#include "plugin_cli_fixture.h"

namespace midimon::plugin {
namespace {

namespace fs = std::filesystem;
using testing::CliResult;
using testing::contains;

const fs::path& kPlugins = testing::kExamplePlugins;

struct PluginCliConfig : testing::PluginCliTest {
  fs::path default_config() const { return midimon.config_home() / "midimon" / "config.toml"; }

  // A config with the example plugins' directory in plugin_dirs, one mode, and `plugins`
  // (its [plugins...] tables) at the end. Written to `file` (default: the default path).
  std::string write_config(const std::string& plugins, fs::path file = {}) const {
    if (file.empty()) file = default_config();
    fs::create_directories(file.parent_path());
    std::ofstream(file) << "plugin_dirs = [\"" << kPlugins.string() << "\"]\n\n[[modes]]\nname = \"A\"\n\n" << plugins;
    return file.string();
  }
};

TEST_F(PluginCliConfig, NamesAreFoundInTheConfigsPluginDirs) {
  CliResult without = midimon({"plugin", "call", "template", "hello"});
  EXPECT_EQ(without.exit_code, 2);
  EXPECT_TRUE(contains(without.err, "no installed plugin named 'template'")) << without.err;

  write_config("");
  CliResult with = midimon({"plugin", "call", "template", "hello", "--velocity", "5"});
  ASSERT_EQ(with.exit_code, 0) << with.err;
  EXPECT_EQ(with.out, "hello from template: velocity=5 note=-1 mode=-1\n");
  CliResult list = midimon({"plugin", "list"});
  EXPECT_TRUE(contains(list.out, "template 0.1.0 [wasm] enabled")) << list.out;
}

TEST_F(PluginCliConfig, PluginDirFlagIsSearchedWithoutAnyConfig) {
  CliResult r = midimon({"plugin", "call", "template", "hello", "--plugin-dir", kPlugins.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "hello from template: velocity=-1 note=-1 mode=-1\n");
}

TEST_F(PluginCliConfig, ThePluginsConfigTableIsMergedOverTheManifests) {
  // The manifest's [plugin.config] alone: greeting = "hello".
  CliResult manifest_only = midimon({"plugin", "call", "template", "config", "--plugin-dir", kPlugins.string()});
  ASSERT_EQ(manifest_only.exit_code, 0) << manifest_only.err;
  EXPECT_EQ(manifest_only.out, "{\"greeting\":\"hello\"}\n");

  write_config("[plugins.template]\nconfig = { greeting = \"hi\", extra = 1 }\n");
  CliResult merged = midimon({"plugin", "call", "template", "config"});
  ASSERT_EQ(merged.exit_code, 0) << merged.err;
  EXPECT_EQ(merged.out, "{\"extra\":1,\"greeting\":\"hi\"}\n");
  // A path to the plugin gets the same table: it is the plugin's, by name.
  CliResult by_path = midimon({"plugin", "call", (kPlugins / "template").string(), "config"});
  EXPECT_EQ(by_path.out, merged.out) << by_path.err;
}

TEST_F(PluginCliConfig, ConfigLimitsApplyAndFlagsOverrideThem) {
  write_config("[plugins.template.limits]\nfuel = 100\ntimeout_ms = 1234\n");
  CliResult info = midimon({"plugin", "info", "template"});
  ASSERT_EQ(info.exit_code, 0) << info.err;
  EXPECT_TRUE(contains(info.out, "limits: memory 128 MiB, timeout 1234 ms, fuel 100\n")) << info.out;
  EXPECT_TRUE(contains(info.out, "config: " + default_config().string() + ", [plugins.template] at ")) << info.out;

  CliResult starved = midimon({"plugin", "call", "template", "hello"});
  EXPECT_EQ(starved.exit_code, 1);
  EXPECT_TRUE(contains(starved.err, "fuel exhausted")) << starved.err;
  CliResult fed = midimon({"plugin", "call", "template", "hello", "--fuel", "1000000"});
  EXPECT_EQ(fed.exit_code, 0) << fed.err;
}

TEST_F(PluginCliConfig, RequireSignatureRefusesUnsignedPluginsUnlessTheFlagSaysOtherwise) {
  write_config("[plugins]\nrequire_signature = true\n");
  CliResult call = midimon({"plugin", "call", "template", "hello"});
  EXPECT_EQ(call.exit_code, 2);
  EXPECT_TRUE(contains(call.err, "unsigned (no template.wasm.sig) and the policy requires signatures")) << call.err;
  EXPECT_EQ(midimon({"plugin", "info", "template"}).exit_code, 2);
  CliResult verify = midimon({"plugin", "verify", (kPlugins / "template" / "template.wasm").string()});
  EXPECT_EQ(verify.exit_code, 1);
  EXPECT_TRUE(contains(verify.err, "policy requires signatures")) << verify.err;

  CliResult overridden = midimon({"plugin", "call", "template", "hello", "--no-require-signature"});
  EXPECT_EQ(overridden.exit_code, 0) << overridden.err;
  CliResult info = midimon({"plugin", "info", "template", "--no-require-signature"});
  EXPECT_TRUE(contains(info.out, "signature policy: not required")) << info.out;

  // And the other way round: the flag turns the policy on over a config without it.
  write_config("");
  EXPECT_EQ(midimon({"plugin", "call", "template", "hello"}).exit_code, 0);
  CliResult strict = midimon({"plugin", "call", "template", "hello", "--require-signature"});
  EXPECT_EQ(strict.exit_code, 2);
  EXPECT_TRUE(contains(strict.err, "the policy requires signatures")) << strict.err;
}

TEST_F(PluginCliConfig, APluginTheConfigDisablesIsNotCalled) {
  const std::string file = write_config("[plugins.template]\nenabled = false\n");
  CliResult call = midimon({"plugin", "call", "template", "hello"});
  EXPECT_EQ(call.exit_code, 2);
  EXPECT_EQ(call.out, "");
  EXPECT_TRUE(contains(call.err, file + ":6:1: [plugins.template] enabled = false")) << call.err;
  CliResult info = midimon({"plugin", "info", "template"});
  ASSERT_EQ(info.exit_code, 0) << info.err;
  EXPECT_TRUE(contains(info.out, "enabled: no (" + file + ":6:1: [plugins.template] enabled = false)")) << info.out;
  EXPECT_TRUE(contains(midimon({"plugin", "list"}).out, "template 0.1.0 [wasm] disabled by the config"));
}

TEST_F(PluginCliConfig, ConfigFlagNamesAnotherFileAndOverridesTheDefault) {
  write_config("[plugins.template]\nenabled = false\n");  // the default file would refuse the call
  const std::string other = write_config("[plugins.template]\nconfig = { greeting = \"other\" }\n",
                                         midimon.home() / "elsewhere.toml");
  CliResult r = midimon({"plugin", "call", "template", "config", "--config", other});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "{\"greeting\":\"other\"}\n");
}

TEST_F(PluginCliConfig, AMissingOrBrokenConfigIsAnErrorNamingIt) {
  const std::string missing = (midimon.home() / "missing.toml").string();
  CliResult gone = midimon({"plugin", "call", (kPlugins / "template").string(), "hello", "--config", missing});
  EXPECT_EQ(gone.exit_code, 2);
  EXPECT_TRUE(contains(gone.err, missing)) << gone.err;

  // The default file, broken: the daemon would refuse it, and so does the CLI, with
  // every error at file:line:column.
  const std::string file = write_config("[plugins]\nrequire_signature = \"yes\"\n");
  for (const char* command : {"call", "info"}) {
    std::vector<std::string> args = {"plugin", command, (kPlugins / "template").string()};
    if (std::string(command) == "call") args.push_back("hello");
    CliResult broken = midimon(args);
    EXPECT_EQ(broken.exit_code, 2) << command;
    EXPECT_TRUE(contains(broken.err, file + ":7:21: 'require_signature' in [plugins] must be true or false"))
        << broken.err;
  }
}

}  // namespace
}  // namespace midimon::plugin
