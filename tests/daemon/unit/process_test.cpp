// The real binary: `midimon demo --fast` prints every stage and the summary; `midimon run`
// ends within 1 s of SIGTERM with no child left (a Shell action's `sleep` included).
#include <gtest/gtest.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "test_support.h"

namespace {

using namespace std::chrono_literals;
using midimon::daemon::testing::TempDir;
using midimon::daemon::testing::write_file;

struct Child {
  pid_t pid = -1;
  int out = -1;  // stdout + stderr
};

// Starts argv with stdout and stderr on one pipe. `env` entries are added (or replace).
Child spawn(const std::vector<std::string>& argv, const std::vector<std::string>& unset_env = {},
            const std::vector<std::pair<std::string, std::string>>& env = {}) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return {};
  pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], 1);
    dup2(fds[1], 2);
    for (const auto& name : unset_env) unsetenv(name.c_str());
    for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  close(fds[1]);
  return {pid, fds[0]};
}

// Reads until `needle` appears, EOF, or the deadline. Returns everything read.
std::string read_until(int fd, const std::string& needle, std::chrono::milliseconds timeout) {
  std::string text;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  char buf[4096];
  for (;;) {
    if (!needle.empty() && text.find(needle) != std::string::npos) return text;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return text;
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) return text;
    text.append(buf, static_cast<size_t>(n));
  }
}

// waitpid with a deadline; -1 when the child is still running at the deadline.
int wait_exit(pid_t pid, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    int status = 0;
    pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (std::chrono::steady_clock::now() >= deadline) return -1;
    usleep(1000);
  }
}

// Processes whose command line contains `marker` (by /proc).
std::vector<int> processes_with(const std::string& marker) {
  std::vector<int> found;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(entry.path() / "cmdline", std::ios::binary);
    std::string cmd((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    for (char& c : cmd) if (c == '\0') c = ' ';
    if (cmd.find(marker) != std::string::npos && std::stoi(name) != getpid()) found.push_back(std::stoi(name));
  }
  return found;
}

TEST(DemoCommand, FastRunPrintsEveryStageAndTheSummary) {
  // The user's XDG dirs point at an empty temp dir: the demo must leave it empty (grants
  // are given in memory, plugin data lives in the demo's own temporary directory).
  TempDir home;
  Child child = spawn({MIDIMON_BIN, "demo", "--fast"}, {"DISPLAY", "JACK_DEFAULT_SERVER"},
                      {{"XDG_STATE_HOME", home.file("state")}, {"XDG_DATA_HOME", home.file("data")},
                       {"XDG_CONFIG_HOME", home.file("config")}});
  ASSERT_GT(child.pid, 0);
  std::string out = read_until(child.out, "", 60s);
  int code = wait_exit(child.pid, 10s);
  close(child.out);
  EXPECT_EQ(code, 0) << out;
  for (const char* stage : {"MIDI     NoteOn ch=1 note=36", "gesture NotePress", "gesture LongPress",
                            "gesture DoubleTap", "gesture Chord", "gesture EncoderTurn",
                            "gesture SysEx", "mapping 'Play/pause'", "action Keystroke ok",
                            "would press", "would send B0 14 01", "plugin ok, return code 0",
                            "mode 'Default' -> 'Media'", "identity request seen by the shell",
                            "summary", "notes-to-file wrote", "| pad 38 was held", "0 failed"}) {
    EXPECT_NE(out.find(stage), std::string::npos) << "missing: " << stage << "\n" << out;
  }
  EXPECT_TRUE(std::filesystem::is_empty(home.path())) << "the demo wrote into the user's XDG dirs";
}

TEST(RunCommand, SigtermEndsItWithinOneSecondWithNoChildLeft) {
  TempDir dir;
  std::string config = dir.file("config.toml");
  // A Shell child that would outlive a careless shutdown by a minute.
  const std::string marker = "59.7" + std::to_string(getpid());
  write_file(config, "[[modes]]\nname = \"Default\"\non_enter = [{ type = \"Shell\", command = \"sleep " +
                         marker + "\" }]\n");
  Child child = spawn({MIDIMON_BIN, "run", "--config", config, "--print-only", "--socket",
                       dir.file("ctl.sock")},
                      {"DISPLAY", "NOTIFY_SOCKET", "WATCHDOG_USEC"},
                      {{"XDG_STATE_HOME", dir.file("state")}, {"XDG_DATA_HOME", dir.file("data")},
                       {"JACK_NO_START_SERVER", "1"}});
  ASSERT_GT(child.pid, 0);
  std::string out = read_until(child.out, "started:", 10s);
  ASSERT_NE(out.find("started:"), std::string::npos) << out;
  ASSERT_TRUE(midimon::daemon::testing::wait_until([&] { return !processes_with("sleep " + marker).empty(); }))
      << "the on_enter Shell child never started\n" << out;

  auto sent = std::chrono::steady_clock::now();
  ASSERT_EQ(kill(child.pid, SIGTERM), 0);
  int code = wait_exit(child.pid, 1000ms);
  auto took = std::chrono::steady_clock::now() - sent;
  if (code == -1) kill(child.pid, SIGKILL), wait_exit(child.pid, 5s);
  out += read_until(child.out, "", 1s);
  close(child.out);
  EXPECT_EQ(code, 0) << out;
  EXPECT_LT(took, 1s);
  EXPECT_NE(out.find("stopped"), std::string::npos) << out;
  std::vector<int> left = processes_with("sleep " + marker);
  for (int pid : left) kill(pid, SIGKILL);
  EXPECT_TRUE(left.empty()) << "a Shell child outlived the daemon";
}

// SIGHUP reloads: a config with errors is reported (file:line:column) and the daemon
// goes on; a good one afterwards is loaded.
TEST(RunCommand, SighupReloadsAndABadConfigKeepsRunning) {
  TempDir dir;
  std::string config = dir.file("config.toml");
  write_file(config, "[[modes]]\nname = \"Default\"\n");
  Child child = spawn({MIDIMON_BIN, "run", "--config", config, "--print-only", "--no-watch",
                       "--socket", dir.file("ctl.sock")},
                      {"DISPLAY", "NOTIFY_SOCKET", "WATCHDOG_USEC"},
                      {{"XDG_STATE_HOME", dir.file("state")}, {"XDG_DATA_HOME", dir.file("data")}});
  ASSERT_GT(child.pid, 0);
  std::string out = read_until(child.out, "started:", 10s);
  ASSERT_NE(out.find("started:"), std::string::npos) << out;
  write_file(config, "[[modes]]\nname = \"Default\"\nnope = 1\n");
  kill(child.pid, SIGHUP);
  out += read_until(child.out, "reload failed", 10s);
  EXPECT_NE(out.find(config + ":3:1"), std::string::npos) << out;
  write_file(config, "[[modes]]\nname = \"Default\"\n[[modes]]\nname = \"Two\"\n");
  kill(child.pid, SIGHUP);
  out += read_until(child.out, "reloaded", 10s);
  EXPECT_NE(out.find("reloaded"), std::string::npos) << out;
  kill(child.pid, SIGTERM);
  EXPECT_EQ(wait_exit(child.pid, 5s), 0);
  close(child.out);
}

// sd_notify: READY=1 after start, RELOADING=1 on SIGHUP, STOPPING=1 on SIGTERM, read from
// a NOTIFY_SOCKET of the test's own (as systemd would).
TEST(RunCommand, NotifiesSystemdOfEachState) {
  TempDir dir;
  std::string config = dir.file("config.toml");
  write_file(config, "[[modes]]\nname = \"Default\"\n");
  std::string socket_path = dir.file("notify.sock");
  int sock = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(sock, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  ASSERT_LT(socket_path.size(), sizeof addr.sun_path);
  std::memcpy(addr.sun_path, socket_path.c_str(), socket_path.size() + 1);
  ASSERT_EQ(bind(sock, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  Child child = spawn({MIDIMON_BIN, "run", "--config", config, "--print-only", "--no-watch",
                       "--socket", dir.file("ctl.sock")},
                      {"DISPLAY", "WATCHDOG_USEC"},
                      {{"NOTIFY_SOCKET", socket_path}, {"XDG_STATE_HOME", dir.file("state")},
                       {"XDG_DATA_HOME", dir.file("data")}});
  ASSERT_GT(child.pid, 0);
  auto next_message = [&](std::chrono::milliseconds timeout) {
    pollfd p{sock, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return std::string();
    char buf[512];
    ssize_t n = recv(sock, buf, sizeof buf, 0);
    return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
  };
  EXPECT_NE(next_message(10s).find("READY=1"), std::string::npos);
  kill(child.pid, SIGHUP);
  EXPECT_NE(next_message(10s).find("RELOADING=1"), std::string::npos);
  EXPECT_NE(next_message(10s).find("READY=1"), std::string::npos);
  kill(child.pid, SIGTERM);
  EXPECT_NE(next_message(10s).find("STOPPING=1"), std::string::npos);
  EXPECT_EQ(wait_exit(child.pid, 5s), 0);
  close(child.out);
  close(sock);
}

// The man page (data/midimon.1) documents every option `--help` shows for run and demo.
TEST(ManPage, ListsEveryOptionOfRunAndDemo) {
  std::ifstream in(MIDIMON_MAN_PAGE);
  ASSERT_TRUE(in) << MIDIMON_MAN_PAGE;
  std::string man((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (const char* command : {"run", "demo"}) {
    Child child = spawn({MIDIMON_BIN, command, "--help"});
    std::string help = read_until(child.out, "", 10s);
    EXPECT_EQ(wait_exit(child.pid, 5s), 0);
    close(child.out);
    std::size_t options = 0;
    for (std::size_t at = help.find("--"); at != std::string::npos; at = help.find("--", at + 2)) {
      std::size_t end = help.find_first_not_of("abcdefghijklmnopqrstuvwxyz-", at + 2);
      std::string option = help.substr(at + 2, end - at - 2);
      if (option.empty() || option == "help") continue;
      ++options;
      std::string troff = "\\-\\-";  // "--" is written \-\- in troff
      for (char c : option) troff += c == '-' ? std::string("\\-") : std::string(1, c);
      EXPECT_NE(man.find(troff), std::string::npos) << command << " --" << option << " is not in the man page";
    }
    EXPECT_GE(options, 3u) << help;
  }
}

TEST(RunCommand, BadConfigExitsOneWithTheErrorPlace) {
  TempDir dir;
  std::string config = dir.file("config.toml");
  write_file(config, "[[modes]]\nname = \"Default\"\nbogus = 1\n");
  Child child = spawn({MIDIMON_BIN, "run", "--config", config}, {"DISPLAY"});
  std::string out = read_until(child.out, "", 10s);
  EXPECT_EQ(wait_exit(child.pid, 5s), 1);
  close(child.out);
  EXPECT_NE(out.find(config + ":3:1"), std::string::npos) << out;
}

}  // namespace
