// [logging] file: every line of the daemon's log also goes to that file (resolved against
// the config's directory), opened at start and re-opened by a reload; a file that cannot
// be opened refuses the config with its file:line:column and keeps the old file.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "actions/printing_desktop.h"
#include "daemon/daemon.h"
#include "daemon/daemon_log.h"
#include "test_support.h"

namespace midimon::daemon {
namespace {

using testing::RecordingLog;
using testing::TempDir;
using testing::write_file;

std::string read_all(const std::string& path) {
  std::ifstream f(path);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

std::string config_with_log_file(const std::string& file) {
  return "[logging]\nfile = \"" + file + R"("

[[modes]]
name = "Default"
[[modes.mappings]]
trigger = { type = "Note", note = 60 }
action = { type = "Text", text = "x" }
)";
}

TEST(LogFile, PathsAreResolvedAgainstTheConfigDirectoryAndHome) {
  EXPECT_EQ(resolve_log_path("/var/log/m.log", "/etc/midimon/config.toml"), "/var/log/m.log");
  EXPECT_EQ(resolve_log_path("m.log", "/etc/midimon/config.toml"), "/etc/midimon/m.log");
  EXPECT_EQ(resolve_log_path("logs/m.log", "config.toml"), "logs/m.log");
  const char* home = std::getenv("HOME");
  if (home && *home) {
    EXPECT_EQ(resolve_log_path("~/m.log", "/x/c.toml"), std::string(home) + "/m.log");
  }
}

struct LogFixture {
  MemoryPluginSettings settings;
  TempDir dir;
  std::string config = dir.file("config.toml");
  std::string stderr_copy = dir.file("stderr.txt");
  std::FILE* out = std::fopen(stderr_copy.c_str(), "w");
  DaemonLog log{out, actions::LogLevel::Info, false};
  RecordingLog unused;
  actions::PrintingDesktop desktop;

  ~LogFixture() { std::fclose(out); }
  std::unique_ptr<Daemon> create(std::string* error) {
    DaemonOptions options = testing::test_options(config, unused, settings);
    options.logger = &log;
    options.desktop = &desktop;
    return Daemon::create(std::move(options), error);
  }
};

TEST(LogFile, EveryLineAlsoGoesToTheFileCreatedPrivate) {
  LogFixture f;
  write_file(f.config, config_with_log_file("midimon.log"));
  std::string error;
  auto daemon = f.create(&error);
  ASSERT_TRUE(daemon) << error;
  f.log.log(actions::LogLevel::Warn, "a line for both");
  const std::string file = f.dir.file("midimon.log");  // beside the config
  const std::string text = read_all(file);
  EXPECT_NE(text.find("warn: a line for both\n"), std::string::npos) << text;
  std::fflush(f.out);
  EXPECT_EQ(text, read_all(f.stderr_copy));  // the same lines, no journal prefix
  struct stat st {};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(LogFile, AFileThatCannotBeOpenedRefusesTheConfigAndSaysWhere) {
  LogFixture f;
  write_file(f.config, config_with_log_file("/nonexistent-midimon-dir/m.log"));
  std::string error;
  auto daemon = f.create(&error);
  EXPECT_FALSE(daemon);
  EXPECT_NE(error.find(f.config + ":2:8: [logging] file \"/nonexistent-midimon-dir/m.log\""),
            std::string::npos)
      << error;
}

TEST(LogFile, ReloadSwitchesFilesAndABadOneKeepsTheOld) {
  LogFixture f;
  write_file(f.config, config_with_log_file("first.log"));
  std::string error;
  auto daemon = f.create(&error);
  ASSERT_TRUE(daemon) << error;
  daemon->start();

  write_file(f.config, config_with_log_file("/nonexistent-midimon-dir/m.log"));
  EXPECT_FALSE(daemon->reload().ok);
  f.log.log(actions::LogLevel::Warn, "still the first");
  EXPECT_NE(read_all(f.dir.file("first.log")).find("still the first"), std::string::npos);

  write_file(f.config, config_with_log_file("second.log"));
  ASSERT_TRUE(daemon->reload().ok);
  f.log.log(actions::LogLevel::Warn, "now the second");
  EXPECT_NE(read_all(f.dir.file("second.log")).find("now the second"), std::string::npos);
  EXPECT_EQ(read_all(f.dir.file("first.log")).find("now the second"), std::string::npos);

  write_file(f.config, "[[modes]]\nname = \"Default\"\n");  // no [logging] file any more
  ASSERT_TRUE(daemon->reload().ok);
  f.log.log(actions::LogLevel::Warn, "no file now");
  EXPECT_EQ(read_all(f.dir.file("second.log")).find("no file now"), std::string::npos);
}

}  // namespace
}  // namespace midimon::daemon
