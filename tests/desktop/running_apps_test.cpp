// Running applications: a child process of the test is found by its comm and its argv[0]
// basename; a fake /proc pins the parsing and its hostile cases.
#include "desktop/running_apps.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <thread>

namespace midimon::desktop {
namespace {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "midimon-desktop-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data());
  }
  ~TempDir() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// A child running `sleep` through a symlink with a 17-character name: comm is its first
// 15 bytes, argv[0] the whole name. Killed and reaped by PID on destruction.
class ChildProcess {
 public:
  explicit ChildProcess(const fs::path& program) {
    pid_ = ::fork();
    if (pid_ == 0) {
      ::execl(program.c_str(), program.c_str(), "30", static_cast<char*>(nullptr));
      ::_exit(127);
    }
  }
  ~ChildProcess() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      int status;
      ::waitpid(pid_, &status, 0);
    }
  }
  int pid() const { return pid_; }

 private:
  int pid_ = -1;
};

TEST(RunningApps, FindsAChildOfTheTest) {
  TempDir dir;
  const fs::path link = dir.path() / "midimon_probe_app";
  fs::create_symlink("/bin/sleep", link);
  ChildProcess child(link);
  ASSERT_GT(child.pid(), 0);
  // exec replaces argv[0] and comm, not at the same instant: wait (with a deadline)
  // until the child shows both new names. Until then it is the fork of this test.
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  std::optional<RunningProcess> found;
  const auto exec_done = [&] {
    return found && found->exe_name == "midimon_probe_app" &&
           found->comm == "midimon_probe_a";  // the kernel's 15-byte cut
  };
  while (!exec_done() && std::chrono::steady_clock::now() < until) {
    for (const auto& p : list_running_processes())
      if (p.pid == child.pid()) found = p;
    if (!exec_done()) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ASSERT_TRUE(found.has_value()) << "the child never appeared";
  EXPECT_EQ(found->exe_name, "midimon_probe_app");
  EXPECT_EQ(found->comm, "midimon_probe_a");
  EXPECT_TRUE(is_app_running("midimon_probe_app"));
  EXPECT_TRUE(is_app_running("MIDIMON_PROBE_APP"));
  EXPECT_FALSE(is_app_running("midimon_probe"));      // a prefix of argv[0] is not a match
  EXPECT_FALSE(is_app_running("midimon_probe_xyz"));  // nor a name sharing 13 bytes
}

TEST(RunningApps, AbsentAppIsNotRunning) {
  EXPECT_FALSE(is_app_running("no-such-application-midimon"));
  EXPECT_FALSE(is_app_running(""));
}

void write(const fs::path& path, std::string_view text) {
  std::ofstream(path, std::ios::binary) << text;
}

TEST(RunningApps, FakeProcWithHostileEntries) {
  TempDir proc;
  fs::create_directories(proc.path() / "1");
  write(proc.path() / "1" / "comm", "firefox-esr\n");
  write(proc.path() / "1" / "cmdline", std::string("/usr/lib/firefox-esr/firefox-esr\0-P\0", 35));
  fs::create_directories(proc.path() / "2");  // a kernel thread: comm, empty cmdline
  write(proc.path() / "2" / "comm", "kworker/0:1\n");
  write(proc.path() / "2" / "cmdline", "");
  fs::create_directories(proc.path() / "3");  // exited while being read: no comm
  fs::create_directories(proc.path() / "self");
  write(proc.path() / "self" / "comm", "ignored\n");
  fs::create_directories(proc.path() / "12x");
  write(proc.path() / "12x" / "comm", "ignored\n");
  fs::create_directories(proc.path() / "4");  // argv[0] without a slash, no NUL at all
  write(proc.path() / "4" / "comm", "slack\n");
  write(proc.path() / "4" / "cmdline", "Slack");
  // A file that opens but cannot be read (here: a directory; in /proc: a process that
  // exited between open and read, ESRCH) is a process gone, not an exception.
  fs::create_directories(proc.path() / "5" / "comm");
  fs::create_directories(proc.path() / "6");
  write(proc.path() / "6" / "comm", "vlc\n");
  fs::create_directories(proc.path() / "6" / "cmdline");

  const auto processes = list_running_processes(proc.path().string());
  ASSERT_EQ(processes.size(), 4u);  // 1, 2, 4 and 6 (found by its comm; no argv[0])
  EXPECT_TRUE(is_app_running("vlc", proc.path().string()));
  EXPECT_TRUE(is_app_running("firefox-esr", proc.path().string()));
  EXPECT_TRUE(is_app_running("Slack", proc.path().string()));
  EXPECT_TRUE(is_app_running("kworker/0:1", proc.path().string()));
  EXPECT_FALSE(is_app_running("ignored", proc.path().string()));
  EXPECT_FALSE(is_app_running("firefox", proc.path().string()));
  EXPECT_TRUE(list_running_processes("/nonexistent/proc").empty());
}

TEST(RunningApps, ProcessMatchesRules) {
  RunningProcess p{1, "gnome-calculat", "gnome-calculator"};
  EXPECT_TRUE(process_matches(p, "gnome-calculator"));
  RunningProcess cut{2, "abcdefghijklmno", ""};  // 15 bytes: a longer name may match
  EXPECT_TRUE(process_matches(cut, "abcdefghijklmnopq"));
  EXPECT_FALSE(process_matches(cut, "abcdefghijklmn"));
  RunningProcess short_comm{3, "abc", ""};
  EXPECT_FALSE(process_matches(short_comm, "abcdefghijklmnopq"));
  EXPECT_FALSE(process_matches(short_comm, ""));
}

}  // namespace
}  // namespace midimon::desktop
