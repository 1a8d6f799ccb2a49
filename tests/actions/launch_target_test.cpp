// Launch's lookup: desktop-file ids in the XDG data dirs (precedence, subdirectory ids),
// Exec lines with field codes and quoting, malformed files, and plain commands.
#include <gtest/gtest.h>

#include "actions/launch_target.h"
#include "temp_dir.h"

namespace midimon::actions::testing {
namespace {

using Argv = std::vector<std::string>;

TEST(LaunchTarget, DesktopFileIdFindsItsExecWithoutFieldCodes) {
  TempDir d;
  d.write("share/applications/editor.desktop",
          "[Desktop Entry]\nName=Editor\nExec=my-editor --new %U -x%f\nType=Application\n");
  LaunchTarget t = resolve_launch("editor", {d.path() + "/share"});
  ASSERT_TRUE(t.ok()) << t.error;
  EXPECT_EQ(t.argv, (Argv{"my-editor", "--new", "-x"}));
  EXPECT_EQ(t.desktop_file, d.path() + "/share/applications/editor.desktop");
  // With the ".desktop" suffix too.
  EXPECT_EQ(resolve_launch("editor.desktop", {d.path() + "/share"}).argv, t.argv);
}

TEST(LaunchTarget, EarlierDataDirWins) {
  TempDir d;
  d.write("home/applications/app.desktop", "[Desktop Entry]\nExec=user-version\n");
  d.write("sys/applications/app.desktop", "[Desktop Entry]\nExec=system-version\n");
  LaunchTarget t = resolve_launch("app", {d.path() + "/home", d.path() + "/sys"});
  EXPECT_EQ(t.argv, Argv{"user-version"});
}

TEST(LaunchTarget, SubdirectoryIdWithDash) {
  TempDir d;
  d.write("s/applications/kde/konsole.desktop", "[Desktop Entry]\nExec=konsole\n");
  EXPECT_EQ(resolve_launch("kde-konsole", {d.path() + "/s"}).argv, Argv{"konsole"});
}

TEST(LaunchTarget, QuotingEscapesAndLiteralPercent) {
  TempDir d;
  const std::string f = d.write("a.desktop",
                                "[Desktop Entry]\nExec=\"/opt/My App/run\" \"say \\\\\"hi\\\\\"\" 100%%\n");
  LaunchTarget t = argv_from_desktop_file(f);
  ASSERT_TRUE(t.ok()) << t.error;
  EXPECT_EQ(t.argv, (Argv{"/opt/My App/run", "say \"hi\"", "100%"}));
}

TEST(LaunchTarget, ExecOutsideDesktopEntryIsIgnored) {
  TempDir d;
  const std::string f = d.write("a.desktop",
                                "[Desktop Action new]\nExec=wrong\n[Desktop Entry]\nExec=right %u\n");
  EXPECT_EQ(argv_from_desktop_file(f).argv, Argv{"right"});
}

TEST(LaunchTarget, MalformedDesktopFilesNameTheLine) {
  TempDir d;
  LaunchTarget missing = argv_from_desktop_file(d.write("m.desktop", "[Desktop Entry]\nName=x\n"));
  EXPECT_NE(missing.error.find("no Exec line"), std::string::npos);
  LaunchTarget quote = argv_from_desktop_file(d.write("q.desktop", "[Desktop Entry]\nName=x\nExec=\"open\n"));
  EXPECT_NE(quote.error.find("q.desktop:3: the Exec line has an unterminated quote"), std::string::npos)
      << quote.error;
  LaunchTarget empty = argv_from_desktop_file(d.write("e.desktop", "[Desktop Entry]\nExec=%U\n"));
  EXPECT_NE(empty.error.find("e.desktop:2: the Exec line is empty"), std::string::npos) << empty.error;
  EXPECT_NE(argv_from_desktop_file(d.path() + "/none.desktop").error.find("cannot be read"),
            std::string::npos);
}

TEST(LaunchTarget, PlainCommandIsSplitByShellRules) {
  LaunchTarget t = resolve_launch("firefox --private-window 'https://a b'", {});
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t.argv, (Argv{"firefox", "--private-window", "https://a b"}));
  EXPECT_TRUE(t.desktop_file.empty());
}

TEST(LaunchTarget, BadCommandsFail) {
  EXPECT_NE(resolve_launch("open 'unterminated", {}).error.find("at byte 5"), std::string::npos);
  EXPECT_FALSE(resolve_launch("   ", {}).ok());
  EXPECT_NE(resolve_launch("gone.desktop", {}).error.find("no desktop file 'gone.desktop'"),
            std::string::npos);
}

TEST(LaunchTarget, XdgDirsFollowTheEnvironment) {
  setenv("XDG_DATA_HOME", "/xdg/home", 1);
  setenv("XDG_DATA_DIRS", "/a::/b", 1);
  EXPECT_EQ(xdg_data_dirs(), (Argv{"/xdg/home", "/a", "/b"}));
  unsetenv("XDG_DATA_HOME");
  unsetenv("XDG_DATA_DIRS");
  setenv("HOME", "/home/u", 1);
  EXPECT_EQ(xdg_data_dirs(), (Argv{"/home/u/.local/share", "/usr/local/share", "/usr/share"}));
}

}  // namespace
}  // namespace midimon::actions::testing
