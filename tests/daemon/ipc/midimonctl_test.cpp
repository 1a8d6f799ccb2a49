// The built midimonctl binary against a server started in the test (a FakeControl behind
// it): human and --json output, and the exit codes (0 ok, 1 any error, 2 usage).
#include <gtest/gtest.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "daemon/ipc_server.h"
#include "fake_control.h"
#include "ipc_test_support.h"

extern char** environ;

namespace midimon::daemon {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

struct CtlRun {
  int exit_code = -1;
  std::string out, err;
};

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Runs midimonctl to completion with stdout/stderr in files (no pipe to fill up).
CtlRun run_ctl(const test::TempDir& tmp, const std::vector<std::string>& args) {
  std::string out_path = tmp.path() + "/out", err_path = tmp.path() + "/err";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  std::vector<std::string> argv_store{MIDIMON_CTL_PATH};
  argv_store.insert(argv_store.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_store) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  CtlRun run;
  if (posix_spawn(&pid, MIDIMON_CTL_PATH, &actions, nullptr, argv.data(), environ) != 0) {
    run.err = "spawn failed";
    return run;
  }
  posix_spawn_file_actions_destroy(&actions);
  int status = 0;
  ::waitpid(pid, &status, 0);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  run.out = slurp(out_path);
  run.err = slurp(err_path);
  return run;
}

class Midimonctl : public ::testing::Test {
 protected:
  void SetUp() override {
    IpcServerOptions options;
    options.socket_path = tmp.socket();
    std::string error;
    server = IpcServer::start(control, options, &error);
    ASSERT_NE(server, nullptr) << error;
  }
  CtlRun ctl(std::vector<std::string> args, bool json_output = false) {
    std::vector<std::string> full{"--socket", tmp.socket()};
    if (json_output) full.push_back("--json");
    full.insert(full.end(), args.begin(), args.end());
    return run_ctl(tmp, full);
  }
  test::TempDir tmp;
  test::FakeControl control;
  std::unique_ptr<IpcServer> server;
};

TEST_F(Midimonctl, PingStatusAndHumanOutput) {
  CtlRun r = ctl({"ping"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("midimon is running (pid " + std::to_string(::getpid()) + ")"), std::string::npos) << r.out;

  r = ctl({"status"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("mode:        Default  (modes: Default, Media)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("uptime:      1h 2m 3s"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Mikro: connected (Mikro MIDI 1)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("midi_in=7"), std::string::npos) << r.out;
}

TEST_F(Midimonctl, JsonPrintsTheReplyUnchanged) {
  CtlRun r = ctl({"mode"}, true);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  json reply = json::parse(r.out);
  EXPECT_EQ(reply, json({{"ok", true}, {"mode", "Default"}, {"modes", {"Default", "Media"}}}));
}

TEST_F(Midimonctl, ModeSwitchAndUnknownMode) {
  CtlRun r = ctl({"mode", "Media"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "Media\n");
  EXPECT_EQ(control.mode, "Media");
  r = ctl({"mode", "Nope"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("error: no mode named \"Nope\""), std::string::npos) << r.err;
}

TEST_F(Midimonctl, ErrorRepliesExitOneAndPrintEveryDiagnostic) {
  CtlRun r = ctl({"reload"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("config.toml:3:9: unknown key"), std::string::npos) << r.err;
  r = ctl({"validate", "/x/bad.toml"}, true);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(json::parse(r.out)["ok"], false);  // --json still prints the reply
  r = ctl({"validate", "/x/good.toml"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("/x/good.toml: valid, 12 mappings"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("warning: keys = \"fn\" is macOS-only"), std::string::npos) << r.out;
}

TEST_F(Midimonctl, PluginsCommands) {
  CtlRun r = ctl({"plugins"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("notes-to-file 1.0.0 (wasm, enabled) grants: filesystem"), std::string::npos) << r.out;
  r = ctl({"plugins", "grant", "notes-to-file", "midi_out"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "plugin notes-to-file grants: filesystem, midi_out\n");
  r = ctl({"plugins", "disable", "ghost"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("no plugin named \"ghost\""), std::string::npos) << r.err;
  r = ctl({"plugins", "stats"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("notes-to-file: calls=3 errors=0"), std::string::npos) << r.out;
}

TEST_F(Midimonctl, BadUsageExitsTwoWithoutContactingTheDaemon) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"frobnicate"}, {}, {"plugins", "grant", "notes-to-file"}, {"plugins", "explode"},
           {"plugins", "enable"}, {"learn", "--timeout", "0"}}) {
    CtlRun r = ctl(args);
    std::string joined;
    for (auto& a : args) joined += a + " ";
    EXPECT_EQ(r.exit_code, 2) << joined << "\n" << r.err;
  }
  EXPECT_TRUE(control.recorded().empty());
}

TEST_F(Midimonctl, NoDaemonExitsOne) {
  CtlRun r = run_ctl(tmp, {"--socket", tmp.path() + "/nobody.sock", "ping"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("no midimon daemon is listening"), std::string::npos) << r.err;
}

TEST_F(Midimonctl, LearnPrintsTheTriggerLine) {
  std::thread completer([&] {
    control.complete_learn(ControlResult::success({{"trigger", "trigger = { type = \"Note\", note = 36 }"}}), 10s);
  });
  CtlRun r = ctl({"learn", "--timeout", "5"});
  completer.join();
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "trigger = { type = \"Note\", note = 36 }\n");
  EXPECT_EQ(control.learn_timeout.count(), 5000);
}

TEST_F(Midimonctl, StopAsksTheDaemon) {
  CtlRun r = ctl({"stop"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "midimon is stopping\n");
  EXPECT_TRUE(test::wait_for([&] { return control.stop_requests.load() == 1; }, 5s));
}

TEST_F(Midimonctl, EventsFollowsTheStreamUntilInterrupted) {
  int out_pipe[2];
  ASSERT_EQ(::pipe(out_pipe), 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], 1);
  posix_spawn_file_actions_addclose(&actions, out_pipe[0]);
  std::vector<std::string> store{MIDIMON_CTL_PATH, "--socket", tmp.socket(), "events"};
  std::vector<char*> argv;
  for (auto& a : store) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  ASSERT_EQ(posix_spawn(&pid, MIDIMON_CTL_PATH, &actions, nullptr, argv.data(), environ), 0);
  posix_spawn_file_actions_destroy(&actions);
  ::close(out_pipe[1]);

  ASSERT_TRUE(test::wait_for([&] { return control.events.live_streams() == 1; }, 10s));
  control.events.publish("Note On ch1 36 v100");
  control.events.publish("gesture Note 36");
  std::string seen;
  auto until = std::chrono::steady_clock::now() + 10s;
  while (seen.find("gesture Note 36\n") == std::string::npos && std::chrono::steady_clock::now() < until) {
    pollfd pfd{out_pipe[0], POLLIN, 0};
    if (::poll(&pfd, 1, 100) <= 0) continue;
    char chunk[1024];
    ssize_t n = ::read(out_pipe[0], chunk, sizeof chunk);
    if (n <= 0) break;
    seen.append(chunk, static_cast<std::size_t>(n));
  }
  EXPECT_NE(seen.find("00:25:01.123 midi     Note On ch1 36 v100\n"), std::string::npos) << seen;
  EXPECT_NE(seen.find("gesture Note 36\n"), std::string::npos) << seen;
  ::kill(pid, SIGINT);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ::close(out_pipe[0]);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST_F(Midimonctl, EventsEndingBecauseTheDaemonStoppedExitsOne) {
  std::thread closer([&] {
    if (test::wait_for([&] { return control.events.live_streams() == 1; }, 10s)) control.events.close_all();
  });
  CtlRun r = ctl({"events"});
  closer.join();
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("closed the event stream"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace midimon::daemon
