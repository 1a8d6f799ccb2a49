// The executor's guarantees: order within a job, jobs never wait behind a long Delay,
// failures are isolated, the queue bound drops the newest job, shutdown cancels Delays
// and queued jobs, and a job keeps its config alive. No sleeps: a closed clock gate holds
// Delays, latches and condition variables with deadlines wait for the rest.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>

#include "actions/executor.h"
#include "fakes.h"

namespace midimon::actions::testing {
namespace {

Job job_for(const std::shared_ptr<mapping::Config>& c, std::size_t i) {
  return make_mapping_job(c->modes.at(0).mappings.at(i), c, TriggerContext{});
}

TEST(Executor, ActionsOfOneJobRunInOrder) {
  World w;
  auto c = config_with({R"({ type = "Sequence", actions = [ { type = "Text", text = "1" }, { type = "Delay", ms = 10 }, { type = "Text", text = "2" }, { type = "Text", text = "3" } ] })"});
  ASSERT_TRUE(c);
  Executor ex(w.env());
  EXPECT_EQ(ex.submit(job_for(c, 0)), SubmitResult::Queued);
  ASSERT_TRUE(ex.wait_idle(std::chrono::milliseconds(10'000)));
  EXPECT_EQ(w.desktop.snapshot(), (std::vector<std::string>{"text 1", "text 2", "text 3"}));
  EXPECT_EQ(ex.stats().completed, 1u);
  EXPECT_EQ(ex.stats().actions_ok, 4u);
}

TEST(Executor, ALongDelayDoesNotHoldBackTheNextJob) {
  World w;
  w.clock.close_gate();  // every Delay blocks until the gate opens
  auto c = config_with({R"({ type = "Sequence", actions = [ { type = "Delay", ms = 5000 }, { type = "Text", text = "after delay" } ] })",
                        R"({ type = "Text", text = "next event" })"});
  ASSERT_TRUE(c);
  ExecutorOptions options;
  options.min_workers = 1;  // the pool must grow for the second job
  Executor ex(w.env(), options);
  ASSERT_EQ(ex.submit(job_for(c, 0)), SubmitResult::Queued);
  ASSERT_TRUE(w.clock.wait_for_waiters(1));  // job 1 is inside its Delay
  ASSERT_EQ(ex.submit(job_for(c, 1)), SubmitResult::Queued);
  // Job 2 finishes while job 1 is still waiting.
  ASSERT_TRUE(w.sink.wait_for_text("typed 10 bytes"));
  EXPECT_EQ(w.desktop.snapshot(), std::vector<std::string>{"text next event"});
  EXPECT_GE(ex.stats().workers, 2u);
  w.clock.open_gate();
  ASSERT_TRUE(ex.wait_idle(std::chrono::milliseconds(10'000)));
  EXPECT_EQ(w.desktop.snapshot(), (std::vector<std::string>{"text next event", "text after delay"}));
}

TEST(Executor, AFailingActionIsLoggedWithItsMappingAndNothingStops) {
  World w;
  auto c = config_with({R"({ type = "Sequence", actions = [ { type = "Plugin", plugin = "trapping", action = "x" }, { type = "Text", text = "still runs" } ] })",
                        R"({ type = "Text", text = "next job" })"});
  ASSERT_TRUE(c);
  Executor ex(w.env());
  ex.submit(job_for(c, 0));
  ASSERT_TRUE(ex.wait_idle(std::chrono::milliseconds(10'000)));
  ex.submit(job_for(c, 1));
  ASSERT_TRUE(ex.wait_idle(std::chrono::milliseconds(10'000)));
  EXPECT_EQ(w.desktop.snapshot(), (std::vector<std::string>{"text still runs", "text next job"}));
  EXPECT_TRUE(w.logger.contains("mapping 'm0' (test.toml:3:1): Plugin")) << w.logger.all();
  EXPECT_TRUE(w.logger.contains("trapped: fuel exhausted"));
  ExecutorStats s = ex.stats();
  EXPECT_EQ(s.completed, 2u);
  EXPECT_EQ(s.actions_failed, 1u);
  EXPECT_EQ(s.actions_ok, 2u);
}

TEST(Executor, AFullQueueDropsTheNewestJob) {
  World w;
  w.clock.close_gate();
  auto c = config_with({R"({ type = "Delay", ms = 1000 })", R"({ type = "Text", text = "queued" })"});
  ASSERT_TRUE(c);
  ExecutorOptions options;
  options.min_workers = 1;
  options.max_workers = 1;
  options.queue_capacity = 2;
  Executor ex(w.env(), options);
  ASSERT_EQ(ex.submit(job_for(c, 0)), SubmitResult::Queued);  // runs, blocked in the Delay
  ASSERT_TRUE(w.clock.wait_for_waiters(1));
  EXPECT_EQ(ex.submit(job_for(c, 1)), SubmitResult::Queued);
  EXPECT_EQ(ex.submit(job_for(c, 1)), SubmitResult::Queued);
  EXPECT_EQ(ex.submit(job_for(c, 1)), SubmitResult::Dropped);  // the bound is hit
  ExecutorStats s = ex.stats();
  EXPECT_EQ(s.queued, 2u);
  EXPECT_EQ(s.dropped, 1u);
  auto events = w.sink.snapshot();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].status, ActionEvent::Status::Dropped);
  EXPECT_EQ(events[0].job, 4u);
  EXPECT_TRUE(w.logger.contains("the action queue is full"));
  w.clock.open_gate();
  ASSERT_TRUE(ex.wait_idle(std::chrono::milliseconds(10'000)));
  EXPECT_EQ(w.desktop.snapshot(), (std::vector<std::string>{"text queued", "text queued"}));
}

// The real clock, with a latch that opens when a Delay starts waiting.
class LatchedSystemClock final : public Clock {
 public:
  std::chrono::steady_clock::time_point now() const override { return real.now(); }
  std::chrono::system_clock::time_point wall_now() const override { return real.wall_now(); }
  LocalTime local_time() const override { return real.local_time(); }
  bool wait_for(std::chrono::milliseconds d, const StopSignal& stop) override {
    {
      std::lock_guard lock(m);
      ++waiting;
    }
    cv.notify_all();
    return real.wait_for(d, stop);
  }
  bool wait_for_waiter() {
    std::unique_lock lock(m);
    return cv.wait_for(lock, 10s, [&] { return waiting > 0; });
  }
  SystemClock real;
  std::mutex m;
  std::condition_variable cv;
  int waiting = 0;
};

TEST(Executor, ShutdownCancelsARunningDelayAndQueuedJobs) {
  // The real clock: an hour-long Delay must end at once at shutdown (a sleep would hang
  // until the test's timeout).
  World w;
  LatchedSystemClock clock;
  ActionEnv env{w.modes, w.midi, w.plugins, w.desktop, clock, w.logger, w.sink};
  auto c = config_with({R"({ type = "Sequence", actions = [ { type = "Delay", ms = 3600000 }, { type = "Text", text = "never" } ] })",
                        R"({ type = "Text", text = "queued" })"});
  ASSERT_TRUE(c);
  ExecutorOptions options;
  options.min_workers = 1;
  options.max_workers = 1;
  Executor ex(env, options);
  ex.submit(job_for(c, 0));
  ASSERT_TRUE(clock.wait_for_waiter());
  ex.submit(job_for(c, 1));
  ex.shutdown();
  EXPECT_TRUE(w.desktop.snapshot().empty());
  auto events = w.sink.snapshot();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].status, ActionEvent::Status::Cancelled);
  EXPECT_EQ(events[0].action_type, "Delay");
  EXPECT_EQ(events[1].status, ActionEvent::Status::Cancelled);
  EXPECT_EQ(events[1].detail, "not run: the executor shut down");
  EXPECT_EQ(ex.stats().cancelled, 2u);
  EXPECT_EQ(ex.submit(job_for(c, 1)), SubmitResult::Stopped);
  ex.shutdown();  // idempotent
}

TEST(Executor, ShutdownKillsARunningShellChild) {
  World w;
  char dir_template[] = "/tmp/midimon-actions-XXXXXX";
  ASSERT_NE(mkdtemp(dir_template), nullptr);
  const std::string marker = std::string(dir_template) + "/started";
  auto c = config_with({"{ type = \"Shell\", command = \"touch " + marker + "; exec sleep 600\", shell = true }"});
  ASSERT_TRUE(c);
  ExecutorOptions options;
  options.min_workers = 1;
  Executor ex(w.env(), options);
  ex.submit(job_for(c, 0));
  // The child announces itself by creating the marker; wait for it with a deadline.
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (access(marker.c_str(), F_OK) != 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(2ms);
  ASSERT_EQ(access(marker.c_str(), F_OK), 0);
  ex.shutdown();  // returns: the child was killed, not waited for 600 s
  auto events = w.sink.snapshot();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].action_type, "Shell");
  EXPECT_EQ(events[0].detail, "killed at shutdown");
  unlink(marker.c_str());
  rmdir(dir_template);
}

TEST(Executor, JobKeepsItsConfigAlive) {
  World w;
  w.clock.close_gate();
  auto c = config_with({R"({ type = "Sequence", actions = [ { type = "Delay", ms = 10 }, { type = "Text", text = "from the old config" } ] })"});
  ASSERT_TRUE(c);
  std::weak_ptr<mapping::Config> weak = c;
  Executor ex(w.env());
  ex.submit(job_for(c, 0));
  ASSERT_TRUE(w.clock.wait_for_waiters(1));
  c.reset();  // a reload replaced the config
  EXPECT_FALSE(weak.expired());
  w.clock.open_gate();
  ASSERT_TRUE(ex.wait_idle(std::chrono::milliseconds(10'000)));
  EXPECT_EQ(w.desktop.snapshot(), std::vector<std::string>{"text from the old config"});
  EXPECT_TRUE(weak.expired());
}

TEST(Executor, OnEnterJobRunsTheModesActionsInOrder) {
  World w;
  mapping::LoadResult r = mapping::load_config_string(R"(
[[modes]]
name = "Default"
on_enter = [ { type = "SendMidi", port = "LEDs", channel = 0, message_type = "CC", controller = 1, value = 2 }, { type = "Text", text = "entered" } ]
)", "enter.toml");
  ASSERT_TRUE(r.ok()) << (r.errors.empty() ? "" : r.errors[0].to_string());
  auto c = std::make_shared<mapping::Config>(std::move(*r.config));
  Executor ex(w.env());
  Job job = make_on_enter_job(c->modes[0], c, TriggerContext{});
  EXPECT_EQ(job.mapping, "on_enter of mode 'Default'");
  ex.submit(std::move(job));
  ASSERT_TRUE(ex.wait_idle(std::chrono::milliseconds(10'000)));
  ASSERT_EQ(w.midi.sent.size(), 1u);
  EXPECT_EQ(w.desktop.snapshot(), std::vector<std::string>{"text entered"});
  auto events = w.sink.snapshot();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].action_type, "SendMidi");
  EXPECT_EQ(events[1].action_type, "Text");
}

TEST(Executor, ManyJobsAllComplete) {
  World w;
  auto c = config_with({R"({ type = "SendMidi", port = "Synth", channel = 0, message_type = "NoteOn" })"});
  ASSERT_TRUE(c);
  Executor ex(w.env());
  for (int i = 0; i < 200; ++i) ASSERT_EQ(ex.submit(job_for(c, 0)), SubmitResult::Queued);
  ASSERT_TRUE(ex.wait_idle(std::chrono::milliseconds(10'000)));
  EXPECT_EQ(w.midi.sent.size(), 200u);
  EXPECT_EQ(ex.stats().completed, 200u);
  EXPECT_LE(ex.stats().workers, ExecutorOptions{}.max_workers);
}

}  // namespace
}  // namespace midimon::actions::testing
