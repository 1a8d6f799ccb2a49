#include "plugin/plugin_paths.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <optional>
#include <string>

namespace midimon::plugin {
namespace {

// Sets environment variables for one test and restores them afterwards.
class EnvGuard {
 public:
  void set(const char* name, const char* value) {
    const char* old = std::getenv(name);
    saved_.emplace_back(name, old ? std::optional<std::string>(old) : std::nullopt);
    if (value) {
      ::setenv(name, value, 1);
    } else {
      ::unsetenv(name);
    }
  }
  ~EnvGuard() {
    for (auto it = saved_.rbegin(); it != saved_.rend(); ++it) {
      if (it->second) {
        ::setenv(it->first.c_str(), it->second->c_str(), 1);
      } else {
        ::unsetenv(it->first.c_str());
      }
    }
  }

 private:
  std::vector<std::pair<std::string, std::optional<std::string>>> saved_;
};

TEST(PluginPaths, XdgVariablesWin) {
  EnvGuard env;
  env.set("HOME", "/home/u");
  env.set("XDG_DATA_HOME", "/x/data");
  env.set("XDG_CONFIG_HOME", "/x/config");
  env.set("XDG_STATE_HOME", "/x/state");
  XdgDirs xdg = XdgDirs::from_environment();
  EXPECT_EQ(xdg.data_home, "/x/data");
  EXPECT_EQ(trusted_keys_file(xdg), "/x/config/midimon/trusted_keys.toml");
  EXPECT_EQ(grants_file(xdg), "/x/state/midimon/grants.toml");
  EXPECT_EQ(default_plugin_dirs(xdg)[0].path, "/x/data/midimon/plugins");
  EXPECT_EQ(*plugin_data_dir(xdg, "notes"), "/x/data/midimon/plugin-data/notes");
  EXPECT_EQ(*plugin_state_dir(xdg, "counter"), "/x/state/midimon/plugins/counter");
}

TEST(PluginPaths, DefaultsUnderHomeAndRelativeValuesIgnored) {
  EnvGuard env;
  env.set("HOME", "/home/u");
  env.set("XDG_DATA_HOME", nullptr);
  env.set("XDG_CONFIG_HOME", "");
  env.set("XDG_STATE_HOME", "relative/state");  // the spec says: ignore
  XdgDirs xdg = XdgDirs::from_environment();
  EXPECT_EQ(xdg.data_home, "/home/u/.local/share");
  EXPECT_EQ(xdg.config_home, "/home/u/.config");
  EXPECT_EQ(xdg.state_home, "/home/u/.local/state");
}

TEST(PluginPaths, PluginNamesMustBeSafeDirectoryNames) {
  XdgDirs xdg{"/d", "/c", "/s"};
  for (const char* bad : {"", ".", "..", ".hidden", "a/b", "a b", "../x", "\xc3\xa9"}) {
    EXPECT_FALSE(is_valid_plugin_name(bad)) << bad;
    auto dir = plugin_data_dir(xdg, bad);
    ASSERT_FALSE(dir.ok()) << bad;
    EXPECT_NE(dir.error().find("cannot name a directory"), std::string::npos);
  }
  EXPECT_FALSE(is_valid_plugin_name(std::string(65, 'a')));
  EXPECT_TRUE(is_valid_plugin_name(std::string(64, 'a')));
  for (const char* good : {"midi-echo", "http_request", "v1.2", "A9"}) {
    EXPECT_TRUE(is_valid_plugin_name(good)) << good;
  }
}

}  // namespace
}  // namespace midimon::plugin
