// The action executor: runs the actions of triggered mappings off the MIDI path.
//
// Guarantees (docs/actions.md, "The executor"):
// - submit() never blocks on an action: it queues a job (one triggered mapping, or one
//   mode's on_enter list) and returns;
// - the actions of one job run in order, on one worker thread;
// - jobs run concurrently: a 5-second Delay or a slow plugin in one job does not hold
//   back the next job. The pool starts `min_workers` threads and adds one (up to
//   `max_workers`) whenever a job is queued while every thread is busy;
// - bounded queue: at most `queue_capacity` jobs wait for a thread. When it is full the
//   NEW job is dropped (never an older one, so what is already promised still happens),
//   counted, and reported to the sink as Dropped;
// - a failing action is reported (sink + logger, with the mapping's description and
//   file:line:column) and the job goes on with its next action; nothing stops the pool;
// - shutdown() raises the stop signal: running Delays end at once, running Shell children
//   are killed, queued jobs are reported Cancelled, threads are joined. A plugin call or
//   a desktop call already running finishes first (each has its own deadline).
// Jobs start in submission order; with more than one thread they may finish in any order.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "actions/action_env.h"
#include "actions/stop_signal.h"
#include "actions/trigger_context.h"
#include "mapping/config_model.h"

namespace midimon::actions {

struct Job {
  // Run in order. They point into a config that `keep_alive` owns, so a reload that
  // replaces the config while the job waits or runs is harmless.
  std::vector<const mapping::Action*> actions;
  std::shared_ptr<const void> keep_alive;
  std::string mapping;        // description ("" when none), for reports
  std::string mapping_where;  // file:line:column of the mapping (or of the mode, on_enter)
  TriggerContext context;
};

// A job for one triggered mapping.
Job make_mapping_job(const mapping::Mapping& mapping, std::shared_ptr<const void> keep_alive,
                     TriggerContext context);
// A job for a mode's on_enter actions (mapping = "on_enter of mode 'NAME'").
Job make_on_enter_job(const mapping::Mode& mode, std::shared_ptr<const void> keep_alive,
                      TriggerContext context);

struct ExecutorOptions {
  std::size_t min_workers = 2;
  std::size_t max_workers = 16;
  std::size_t queue_capacity = 256;
};

struct ExecutorStats {
  uint64_t submitted = 0;  // accepted into the queue
  uint64_t completed = 0;  // jobs that ran to their end (failed actions included)
  uint64_t dropped = 0;    // refused: queue full
  uint64_t cancelled = 0;  // queued or running when shutdown() came
  uint64_t actions_ok = 0;
  uint64_t actions_failed = 0;
  std::size_t queued = 0;   // waiting now
  std::size_t running = 0;  // running now
  std::size_t workers = 0;  // threads now
};

enum class SubmitResult : uint8_t { Queued, Dropped, Stopped };

class Executor {
 public:
  explicit Executor(ActionEnv env, ExecutorOptions options = {});
  ~Executor();  // shutdown()
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

  // Returns at once. Dropped: the queue is full (reported to the sink). Stopped: after
  // shutdown() (not reported).
  SubmitResult submit(Job job);

  // Idempotent; returns when every worker has ended.
  void shutdown();

  ExecutorStats stats() const;

  // True when nothing is queued or running, waiting up to `timeout` for that (the demo
  // and tests use it; the daemon never needs it).
  bool wait_idle(std::chrono::milliseconds timeout) const;

 private:
  void worker_loop();
  void run_job(uint64_t number, Job& job);
  void report_job(ActionEvent::Status status, uint64_t number, const Job& job, std::string detail);

  ActionEnv env_;
  ExecutorOptions options_;
  StopSignal stop_;
  mutable std::mutex mutex_;
  std::condition_variable work_cv_;
  mutable std::condition_variable idle_cv_;
  std::deque<std::pair<uint64_t, Job>> queue_;
  std::vector<std::thread> workers_;
  std::size_t idle_workers_ = 0;
  std::size_t running_ = 0;
  uint64_t next_job_ = 1;
  bool stopping_ = false;
  ExecutorStats stats_;
};

}  // namespace midimon::actions
