// PluginSettingsFile (grants.toml + disabled-plugins, re-read at every question) and the
// CLI's HostServices (what goes to stdout, what to stderr, MIDI bytes in hex).
#include <gtest/gtest.h>

#include <sstream>

#include "plugin/cli_host_services.h"
#include "plugin/plugin_settings_file.h"
#include "run_cli.h"

namespace midimon::plugin {
namespace {

using testing::TempDir;

XdgDirs dirs_in(const TempDir& home) {
  XdgDirs xdg;
  xdg.data_home = home.path() / "data";
  xdg.state_home = home.path() / "state";
  xdg.config_home = home.path() / "config";
  return xdg;
}

TEST(PluginSettingsFile, DisabledAndGrantsPersistAcrossInstances) {
  TempDir home;
  const XdgDirs xdg = dirs_in(home);
  {
    auto settings = PluginSettingsFile::open(xdg);
    ASSERT_TRUE(settings.ok()) << settings.error();
    EXPECT_TRUE((*settings)->enabled("echo"));  // default
    ASSERT_TRUE((*settings)->set_enabled("echo", false).ok());
    ASSERT_TRUE((*settings)->set_enabled("other", false).ok());
    CapabilitySet midi;
    midi.add(Capability::Midi);
    ASSERT_TRUE((*settings)->set_grants("echo", midi).ok());
  }
  EXPECT_EQ(testing::slurp(disabled_plugins_file(xdg)), "echo\nother\n");
  auto again = PluginSettingsFile::open(xdg);
  ASSERT_TRUE(again.ok()) << again.error();
  EXPECT_FALSE((*again)->enabled("echo"));
  EXPECT_TRUE((*again)->grants("echo").has(Capability::Midi));
  EXPECT_TRUE((*again)->grants("nobody").empty());  // default deny
  ASSERT_TRUE((*again)->set_enabled("echo", true).ok());
  EXPECT_TRUE((*again)->enabled("echo"));
  EXPECT_EQ(testing::slurp(disabled_plugins_file(xdg)), "other\n");
}

TEST(PluginSettingsFile, SeesChangesMadeByAnotherInstance) {
  TempDir home;
  const XdgDirs xdg = dirs_in(home);
  auto daemon = PluginSettingsFile::open(xdg);
  auto cli = PluginSettingsFile::open(xdg);
  ASSERT_TRUE(daemon.ok() && cli.ok());
  CapabilitySet net;
  net.add(Capability::Network);
  ASSERT_TRUE((*cli)->set_grants("hook", net).ok());
  ASSERT_TRUE((*cli)->set_enabled("hook", false).ok());
  EXPECT_TRUE((*daemon)->grants("hook").has(Capability::Network));
  EXPECT_FALSE((*daemon)->enabled("hook"));
}

TEST(PluginSettingsFile, AnInvalidPluginNameIsRefusedForGrants) {
  TempDir home;
  auto settings = PluginSettingsFile::open(dirs_in(home));
  ASSERT_TRUE(settings.ok());
  CapabilitySet midi;
  midi.add(Capability::Midi);
  EXPECT_FALSE((*settings)->set_grants("../escape", midi).ok());
}

TEST(CliHostServices, RoutesEffectsAndOutputs) {
  std::ostringstream out, err;
  CliHostServices host(out, err);
  const uint8_t note_on[] = {0x90, 0x3c, 0x64};
  EXPECT_EQ(host.send_midi("p", note_on), 0);
  EXPECT_EQ(host.request_action("p", R"({"type":"Text","text":"hi"})"), 0);
  host.output("p", OutputStream::Stdout, "guest says hi\n");
  host.output("p", OutputStream::Stderr, "guest complains\n");
  host.log("p", LogLevel::Warn, "careful");
  EXPECT_EQ(out.str(), "send_midi: 90 3c 64\nrequest_action: {\"type\":\"Text\",\"text\":\"hi\"}\nguest says hi\n");
  EXPECT_EQ(err.str(), "guest complains\n[p] warn: careful\n");
}

TEST(CliHostServices, HexBytes) {
  EXPECT_EQ(hex_bytes({}), "");
  const uint8_t sysex[] = {0xf0, 0x00, 0x7f, 0xf7};
  EXPECT_EQ(hex_bytes(sysex), "f0 00 7f f7");
}

}  // namespace
}  // namespace midimon::plugin
