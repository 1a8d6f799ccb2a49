// Every action through ActionRunner with fakes: what reaches the desktop / MIDI / plugin /
// mode interfaces, what is reported, and that failures are reported and logged with the
// mapping but never stop the rest.
#include <gtest/gtest.h>

#include <fstream>

#include "actions/action_runner.h"
#include "fakes.h"
#include "temp_dir.h"

namespace midimon::actions::testing {
namespace {

struct Runner {
  World& w;
  StopSignal stop;
  ActionEnv env;
  JobInfo job;
  explicit Runner(World& world, TriggerContext ctx = {})
      : w(world), env(world.env()), job{7, "my mapping", "test.toml:3:1", std::move(ctx)} {}
  bool run(const mapping::Action& a) {
    ActionRunner r(env, stop, job);
    return r.run(a);
  }
};

const mapping::Action& action_of(const std::shared_ptr<mapping::Config>& c, std::size_t i = 0) {
  return c->modes.at(0).mappings.at(i).action;
}

ActionEvent only_event(World& w) {
  auto events = w.sink.snapshot();
  EXPECT_EQ(events.size(), 1u);
  return events.empty() ? ActionEvent{} : events.front();
}

TEST(Keystroke, PressesKeysWithModifiersAndReports) {
  World w;
  auto c = config_with({R"({ type = "Keystroke", keys = "t", modifiers = ["ctrl", "shift"] })"});
  ASSERT_TRUE(c);
  Runner r(w);
  EXPECT_TRUE(r.run(action_of(c)));
  ASSERT_EQ(w.desktop.snapshot(), std::vector<std::string>{"keys mod0+mod2+t,"});
  ActionEvent e = only_event(w);
  EXPECT_EQ(e.status, ActionEvent::Status::Ok);
  EXPECT_EQ(e.action_type, "Keystroke");
  EXPECT_EQ(e.detail, "pressed ctrl+shift+t");
  EXPECT_EQ(e.mapping, "my mapping");
  EXPECT_EQ(e.job, 7u);
  EXPECT_NE(e.action_where.find("test.toml:"), std::string::npos);
}

TEST(Keystroke, MacOnlyKeyAloneFailsWithTheName) {
  World w;
  auto c = config_with({R"({ type = "Keystroke", keys = "fn" })"});
  ASSERT_TRUE(c);
  Runner r(w);
  EXPECT_TRUE(r.run(action_of(c)));  // a failure does not end the job
  ActionEvent e = only_event(w);
  EXPECT_EQ(e.status, ActionEvent::Status::Failed);
  EXPECT_NE(e.detail.find("fn"), std::string::npos) << e.detail;
  EXPECT_TRUE(w.desktop.snapshot().empty());
  EXPECT_TRUE(w.logger.contains("mapping 'my mapping' (test.toml:3:1): Keystroke")) << w.logger.all();
}

TEST(Keystroke, DesktopFailureIsReportedAndLogged) {
  World w;
  w.desktop.fail_all = true;
  auto c = config_with({R"({ type = "Keystroke", keys = "space" })"});
  ASSERT_TRUE(c);
  Runner r(w);
  r.run(action_of(c));
  ActionEvent e = only_event(w);
  EXPECT_EQ(e.status, ActionEvent::Status::Failed);
  EXPECT_NE(e.detail.find("desktop refused"), std::string::npos);
  EXPECT_TRUE(w.logger.contains("failed: desktop refused"));
}

TEST(Text, TypesTheText) {
  World w;
  auto c = config_with({R"({ type = "Text", text = "héllo\n" })"});
  ASSERT_TRUE(c);
  Runner r(w);
  r.run(action_of(c));
  EXPECT_EQ(w.desktop.snapshot(), std::vector<std::string>{"text héllo\n"});
  EXPECT_EQ(only_event(w).detail, "typed 7 bytes");
}

TEST(MouseClick, WithAndWithoutPosition) {
  World w;
  auto c = config_with({R"({ type = "MouseClick", button = "right", x = 10, y = 20 })",
                        R"({ type = "MouseClick", button = "middle" })"});
  ASSERT_TRUE(c);
  Runner r(w);
  r.run(action_of(c, 0));
  r.run(action_of(c, 1));
  EXPECT_EQ(w.desktop.snapshot(), (std::vector<std::string>{"click 1 10,20", "click 2"}));
}

TEST(VolumeControl, EveryOperation) {
  World w;
  auto c = config_with({R"({ type = "VolumeControl", operation = "Up" })",
                        R"({ type = "VolumeControl", operation = "Down" })",
                        R"({ type = "VolumeControl", operation = "Mute" })",
                        R"({ type = "VolumeControl", operation = "Unmute" })",
                        R"({ type = "VolumeControl", operation = "Set", value = 42 })"});
  ASSERT_TRUE(c);
  Runner r(w);
  for (std::size_t i = 0; i < 5; ++i) r.run(action_of(c, i));
  EXPECT_EQ(w.desktop.snapshot(), (std::vector<std::string>{"volume 0 -", "volume 1 -", "volume 2 -",
                                                            "volume 3 -", "volume 4 42"}));
}

TEST(ModeChange, SwitchesThroughModeControl) {
  World w;
  auto c = config_with({R"({ type = "ModeChange", mode = "Media" })"});
  ASSERT_TRUE(c);
  Runner r(w);
  r.run(action_of(c));
  EXPECT_EQ(w.modes.mode.load(), 1u);
  EXPECT_EQ(w.modes.switches, std::vector<std::string>{"Media"});
  EXPECT_EQ(only_event(w).detail, "mode is now 'Media'");
}

TEST(ModeChange, FailureIsReported) {
  World w;
  w.modes.fail = true;
  auto c = config_with({R"({ type = "ModeChange", mode = "Media" })"});
  ASSERT_TRUE(c);
  Runner r(w);
  r.run(action_of(c));
  EXPECT_EQ(only_event(w).status, ActionEvent::Status::Failed);
}

TEST(SendMidi, SendsTheBytesToThePort) {
  World w;
  auto c = config_with({R"({ type = "SendMidi", port = "Synth", message_type = "NoteOn", channel = 2, note = 60, velocity = 100 })",
                        R"({ type = "SendMidi", port = "LEDs", channel = 0, message_type = "CC", controller = 7, value = 90 })"});
  ASSERT_TRUE(c);
  Runner r(w);
  r.run(action_of(c, 0));
  r.run(action_of(c, 1));
  ASSERT_EQ(w.midi.sent.size(), 2u);
  EXPECT_EQ(w.midi.sent[0].first, "Synth");
  EXPECT_EQ(w.midi.sent[0].second, (std::vector<uint8_t>{0x92, 60, 100}));
  EXPECT_EQ(w.midi.sent[1].first, "LEDs");
  EXPECT_EQ(w.midi.sent[1].second, (std::vector<uint8_t>{0xB0, 7, 90}));
  auto events = w.sink.snapshot();
  EXPECT_EQ(events[0].detail, "sent 92 3C 64 to 'Synth'");
  EXPECT_EQ(events[1].detail, "sent B0 07 5A to 'LEDs'");
}

TEST(SendMidi, VelocityFromTheTriggerThroughTheConfiguredCurve) {
  World w;
  auto c = config_with({R"({ type = "SendMidi", port = "Synth", message_type = "NoteOn", channel = 0, note = 60, velocity_from = "trigger" })",
                        R"({ type = "SendMidi", port = "Synth", message_type = "NoteOn", channel = 0, note = 60, velocity_from = "trigger", out_min = 100, out_max = 0 })",
                        R"({ type = "SendMidi", port = "Synth", message_type = "NoteOn", channel = 0, note = 60, velocity = 5 })"});
  ASSERT_TRUE(c);
  TriggerContext ctx;
  ctx.note = 36;
  ctx.velocity = 127;
  Runner r(w, ctx);
  r.run(action_of(c, 0));
  r.run(action_of(c, 1));
  r.run(action_of(c, 2));
  ASSERT_EQ(w.midi.sent.size(), 3u);
  EXPECT_EQ(w.midi.sent[0].second, (std::vector<uint8_t>{0x90, 60, 127}));  // passed through
  EXPECT_EQ(w.midi.sent[1].second, (std::vector<uint8_t>{0x90, 60, 0}));    // falling range
  EXPECT_EQ(w.midi.sent[2].second, (std::vector<uint8_t>{0x90, 60, 5}));    // fixed, as MIDIMon
}

TEST(SendMidi, MissingPortFailsNamingBytesAndPort) {
  World w;
  auto c = config_with({R"({ type = "SendMidi", port = "missing", channel = 0, message_type = "ProgramChange", program = 5 })"});
  ASSERT_TRUE(c);
  Runner r(w);
  r.run(action_of(c));
  ActionEvent e = only_event(w);
  EXPECT_EQ(e.status, ActionEvent::Status::Failed);
  EXPECT_EQ(e.detail, "sending C0 05 to 'missing': no output matches 'missing'");
}

TEST(Plugin, RequestCarriesParamsAsMetadataAndTheTriggerContext) {
  World w;
  auto c = config_with({R"({ type = "Plugin", plugin = "notes", action = "append", params = { file = "out.txt", count = 3, on = true } })"});
  ASSERT_TRUE(c);
  TriggerContext ctx;
  ctx.note = 36;
  ctx.velocity = 99;
  ctx.mode = 1;
  ctx.wall_time = std::chrono::system_clock::time_point(1'700'000'000'123ms);
  Runner r(w, ctx);
  r.run(action_of(c));
  ASSERT_EQ(w.plugins.calls.size(), 1u);
  const auto& [name, req] = w.plugins.calls[0];
  EXPECT_EQ(name, "notes");
  EXPECT_EQ(req.action, "append");
  EXPECT_EQ(req.context.note, 36);
  EXPECT_EQ(req.context.velocity, 99);
  EXPECT_FALSE(req.context.cc.has_value());
  EXPECT_EQ(req.context.current_mode, 1);
  EXPECT_EQ(req.context.timestamp_ms, 1'700'000'000'123u);
  EXPECT_EQ(req.context.metadata.at("file"), "out.txt");
  EXPECT_EQ(req.context.metadata.at("count"), "3");
  EXPECT_EQ(req.context.metadata.at("on"), "true");
  EXPECT_NE(req.params_json.find("\"file\""), std::string::npos);
  ActionEvent e = only_event(w);
  EXPECT_EQ(e.status, ActionEvent::Status::Ok);
  ASSERT_TRUE(e.plugin_result.has_value());
  EXPECT_EQ(e.detail, "plugin 'notes' action 'append': returned 0 in 1.5 ms");
}

TEST(Plugin, FailuresTrapsAndUnknownPluginsAreReported) {
  World w;
  auto c = config_with({R"({ type = "Plugin", plugin = "failing", action = "a" })",
                        R"({ type = "Plugin", plugin = "trapping", action = "a" })",
                        R"({ type = "Plugin", plugin = "unknown", action = "a" })"});
  ASSERT_TRUE(c);
  Runner r(w);
  for (std::size_t i = 0; i < 3; ++i) EXPECT_TRUE(r.run(action_of(c, i)));
  auto events = w.sink.snapshot();
  ASSERT_EQ(events.size(), 3u);
  for (const auto& e : events) EXPECT_EQ(e.status, ActionEvent::Status::Failed);
  EXPECT_EQ(events[0].detail, "plugin 'failing' action 'a': returned 3");
  EXPECT_EQ(events[1].detail, "plugin 'trapping' action 'a': trapped: fuel exhausted");
  EXPECT_EQ(events[2].detail, "plugin 'unknown' action 'a': no plugin 'unknown' is loaded");
  EXPECT_EQ(w.plugins.calls[0].second.params_json, "{}");
}

TEST(Delay, WaitsOnTheClock) {
  World w;
  auto c = config_with({R"({ type = "Delay", ms = 5000 })"});
  ASSERT_TRUE(c);
  Runner r(w);
  EXPECT_TRUE(r.run(action_of(c)));
  EXPECT_EQ(w.clock.wait_log(), std::vector<std::chrono::milliseconds>{5000ms});
  EXPECT_EQ(only_event(w).detail, "waited 5000 ms");
}

TEST(Delay, StopSignalCancelsAWaitingDelay) {
  World w;
  w.clock.close_gate();
  auto c = config_with({R"({ type = "Sequence", actions = [ { type = "Delay", ms = 5000 }, { type = "Text", text = "late" } ] })"});
  ASSERT_TRUE(c);
  Runner r(w);
  std::thread stopper([&] {
    ASSERT_TRUE(w.clock.wait_for_waiters(1));
    r.stop.raise();
  });
  EXPECT_FALSE(r.run(action_of(c)));
  stopper.join();
  EXPECT_TRUE(w.desktop.snapshot().empty());  // the rest of the sequence did not run
  ActionEvent e = only_event(w);
  EXPECT_EQ(e.status, ActionEvent::Status::Cancelled);
}

TEST(Delay, RealClockWaitEndsAtOnceWhenStopped) {
  // SystemClock::wait_for waits on the stop signal's condition variable: raised first,
  // an hour-long wait returns false immediately (a sleep would hang the test).
  SystemClock clock;
  StopSignal stop;
  stop.raise();
  EXPECT_FALSE(clock.wait_for(std::chrono::hours(1), stop));
  StopSignal running;
  EXPECT_TRUE(clock.wait_for(0ms, running));
}

TEST(Sequence, RunsInOrderAndGoesOnAfterAFailure) {
  World w;
  auto c = config_with({R"({ type = "Sequence", actions = [ { type = "Text", text = "a" }, { type = "SendMidi", port = "missing", channel = 0, message_type = "NoteOn" }, { type = "Text", text = "b" } ] })"});
  ASSERT_TRUE(c);
  Runner r(w);
  EXPECT_TRUE(r.run(action_of(c)));
  EXPECT_EQ(w.desktop.snapshot(), (std::vector<std::string>{"text a", "text b"}));
  auto events = w.sink.snapshot();
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[1].status, ActionEvent::Status::Failed);
  EXPECT_EQ(events[2].status, ActionEvent::Status::Ok);
}

TEST(Repeat, RunsCountTimesWithDelaysBetween) {
  World w;
  auto c = config_with({R"({ type = "Repeat", action = { type = "Text", text = "x" }, count = 3, delay_ms = 250 })"});
  ASSERT_TRUE(c);
  Runner r(w);
  EXPECT_TRUE(r.run(action_of(c)));
  EXPECT_EQ(w.desktop.snapshot(), (std::vector<std::string>{"text x", "text x", "text x"}));
  // Two waits: between the runs, not after the last one.
  EXPECT_EQ(w.clock.wait_log(), (std::vector<std::chrono::milliseconds>{250ms, 250ms}));
}

TEST(Conditional, ThenElseAndNoElse) {
  World w;
  w.desktop.running["slack"] = 1;
  auto c = config_with({R"({ type = "Conditional", condition = { AppRunning = { app_name = "slack" } }, then_action = { type = "Text", text = "then" }, else_action = { type = "Text", text = "else" } })",
                        R"({ type = "Conditional", condition = "Never", then_action = { type = "Text", text = "then" }, else_action = { type = "Text", text = "else" } })",
                        R"({ type = "Conditional", condition = "Never", then_action = { type = "Text", text = "then" } })"});
  ASSERT_TRUE(c);
  Runner r(w);
  for (std::size_t i = 0; i < 3; ++i) EXPECT_TRUE(r.run(action_of(c, i)));
  EXPECT_EQ(w.desktop.snapshot(), (std::vector<std::string>{"text then", "text else"}));
  auto events = w.sink.snapshot();
  ASSERT_EQ(events.size(), 5u);
  EXPECT_EQ(events[0].detail, "condition is true: then_action");
  EXPECT_EQ(events[2].detail, "condition is false: else_action");
  EXPECT_EQ(events[4].detail, "condition is false: nothing to do");
}

TEST(Conditional, UnknownFrontmostIsFalseWithANote) {
  World w;
  auto c = config_with({R"({ type = "Conditional", condition = { AppFrontmost = { app_name = "firefox" } }, then_action = { type = "Text", text = "then" } })"});
  ASSERT_TRUE(c);
  Runner r(w);
  r.run(action_of(c));
  EXPECT_NE(only_event(w).detail.find("unknown (no X display)"), std::string::npos);
}

TEST(Launch, CommandIsSplitAndStarted) {
  World w;
  auto c = config_with({R"({ type = "Launch", app = "my-editor --new-window 'a b'" })"});
  ASSERT_TRUE(c);
  Runner r(w);
  r.run(action_of(c));
  EXPECT_EQ(w.desktop.snapshot(), std::vector<std::string>{"launch [my-editor] [--new-window] [a b]"});
  EXPECT_EQ(only_event(w).detail, "started my-editor");
}

TEST(Launch, MissingDesktopFileFails) {
  World w;
  auto c = config_with({R"({ type = "Launch", app = "surely-not-installed-4242.desktop" })"});
  ASSERT_TRUE(c);
  Runner r(w);
  r.run(action_of(c));
  ActionEvent e = only_event(w);
  EXPECT_EQ(e.status, ActionEvent::Status::Failed);
  EXPECT_NE(e.detail.find("no desktop file"), std::string::npos) << e.detail;
}

TEST(Shell, ArgvRunsWithoutAShell) {
  World w;
  // Without a shell, $HOME and ; are literal words for echo.
  auto c = config_with({R"({ type = "Shell", command = "echo '$HOME;' done" })"});
  ASSERT_TRUE(c);
  Runner r(w);
  r.run(action_of(c));
  EXPECT_EQ(only_event(w).status, ActionEvent::Status::Ok);
  EXPECT_TRUE(w.logger.contains("stdout: $HOME; done")) << w.logger.all();
}

TEST(Shell, ShellTrueUsesBinSh) {
  World w;
  auto c = config_with({R"({ type = "Shell", command = "echo one; echo two >&2; exit 4", shell = true })"});
  ASSERT_TRUE(c);
  Runner r(w);
  r.run(action_of(c));
  ActionEvent e = only_event(w);
  EXPECT_EQ(e.status, ActionEvent::Status::Failed);
  EXPECT_EQ(e.detail, "exited with status 4");
  EXPECT_TRUE(w.logger.contains("info: shell 'echo one; echo two >&2; exit 4' stdout: one"));
  EXPECT_TRUE(w.logger.contains("warn: shell 'echo one; echo two >&2; exit 4' stderr: two"));
}

TEST(Shell, MissingProgramFails) {
  World w;
  auto c = config_with({R"({ type = "Shell", command = "no-such-program-4242 x" })"});
  ASSERT_TRUE(c);
  Runner r(w);
  r.run(action_of(c));
  ActionEvent e = only_event(w);
  EXPECT_EQ(e.status, ActionEvent::Status::Failed);
  EXPECT_NE(e.detail.find("cannot start 'no-such-program-4242'"), std::string::npos) << e.detail;
}

// The action's own timeout_ms: the whole process group (here a background child too) is
// killed, and the failure is logged with the mapping.
TEST(Shell, TimeoutKillsTheProcessGroupAndIsLoggedWithTheMapping) {
  World w;
  Runner r(w);
  TempDir dir;
  const std::string pid_file = dir.path() + "/child.pid";
  auto c = config_with({"{ type = \"Shell\", command = \"sleep 30 & echo $! > " + pid_file +
                        "; sleep 30\", shell = true, timeout_ms = 150 }"});
  ASSERT_TRUE(c);
  r.run(action_of(c));
  ActionEvent e = only_event(w);
  EXPECT_EQ(e.status, ActionEvent::Status::Failed);
  EXPECT_NE(e.detail.find("timed out after 150 ms"), std::string::npos) << e.detail;
  EXPECT_NE(e.detail.find("process group was killed"), std::string::npos) << e.detail;
  EXPECT_TRUE(w.logger.contains("mapping 'my mapping' (test.toml:3:1): Shell")) << w.logger.all();
  EXPECT_TRUE(w.logger.contains("timed out after 150 ms")) << w.logger.all();

  // The background `sleep 30` was in the group: it is gone (or a zombie awaiting its
  // new parent), well before its 30 s.
  std::ifstream in(pid_file);
  int child = 0;
  ASSERT_TRUE(in >> child) << "the command did not write its child's pid";
  auto dead = [&] {
    std::ifstream stat("/proc/" + std::to_string(child) + "/stat");
    std::string line;
    if (!std::getline(stat, line)) return true;  // reaped
    auto close = line.rfind(')');
    return close != std::string::npos && close + 2 < line.size() && line[close + 2] == 'Z';
  };
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (!dead() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(5ms);
  EXPECT_TRUE(dead()) << "pid " << child << " survived the timeout";
}

}  // namespace
}  // namespace midimon::actions::testing
