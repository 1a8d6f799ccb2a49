#include "actions/executor.h"

#include <pthread.h>

#include "actions/action_runner.h"

namespace midimon::actions {

Job make_mapping_job(const mapping::Mapping& mapping, std::shared_ptr<const void> keep_alive,
                     TriggerContext context) {
  Job job;
  job.actions.push_back(&mapping.action);
  job.keep_alive = std::move(keep_alive);
  job.mapping = mapping.description;
  job.mapping_where = mapping.where.to_string();
  job.context = std::move(context);
  return job;
}

Job make_on_enter_job(const mapping::Mode& mode, std::shared_ptr<const void> keep_alive,
                      TriggerContext context) {
  Job job;
  for (const mapping::Action& a : mode.on_enter) job.actions.push_back(&a);
  job.keep_alive = std::move(keep_alive);
  job.mapping = "on_enter of mode '" + mode.name + "'";
  job.mapping_where = mode.where.to_string();
  job.context = std::move(context);
  return job;
}

Executor::Executor(ActionEnv env, ExecutorOptions options) : env_(env), options_(options) {
  if (options_.max_workers == 0) options_.max_workers = 1;
  if (options_.min_workers > options_.max_workers) options_.min_workers = options_.max_workers;
  std::lock_guard lock(mutex_);
  for (std::size_t i = 0; i < options_.min_workers; ++i) workers_.emplace_back([this] { worker_loop(); });
}

Executor::~Executor() { shutdown(); }

SubmitResult Executor::submit(Job job) {
  std::unique_lock lock(mutex_);
  if (stopping_) return SubmitResult::Stopped;
  const uint64_t number = next_job_++;
  if (queue_.size() >= options_.queue_capacity) {
    ++stats_.dropped;
    lock.unlock();
    report_job(ActionEvent::Status::Dropped, number, job,
               "the action queue is full (" + std::to_string(options_.queue_capacity) +
                   " jobs waiting): this trigger's actions were dropped");
    return SubmitResult::Dropped;
  }
  queue_.emplace_back(number, std::move(job));
  ++stats_.submitted;
  // Every thread busy (or about to be, with what is queued): grow, so this job does not
  // wait behind a long Delay or a slow plugin.
  if (idle_workers_ < queue_.size() && workers_.size() < options_.max_workers) {
    workers_.emplace_back([this] { worker_loop(); });
  }
  lock.unlock();
  work_cv_.notify_one();
  return SubmitResult::Queued;
}

void Executor::worker_loop() {
  pthread_setname_np(pthread_self(), "mm-action");  // names show in top -H and /proc
  std::unique_lock lock(mutex_);
  for (;;) {
    ++idle_workers_;
    work_cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    --idle_workers_;
    if (stopping_) return;
    auto [number, job] = std::move(queue_.front());
    queue_.pop_front();
    ++running_;
    lock.unlock();
    run_job(number, job);
    job = Job{};  // drop the config reference outside the lock
    lock.lock();
    --running_;
    if (running_ == 0 && queue_.empty()) idle_cv_.notify_all();
  }
}

void Executor::run_job(uint64_t number, Job& job) {
  JobInfo info{number, job.mapping, job.mapping_where, job.context};
  ActionRunner runner(env_, stop_, info);
  bool finished = true;
  for (const mapping::Action* action : job.actions) {
    if (!runner.run(*action)) {
      finished = false;
      break;
    }
  }
  std::lock_guard lock(mutex_);
  stats_.actions_ok += runner.ok_count();
  stats_.actions_failed += runner.failed_count();
  if (finished) {
    ++stats_.completed;
  } else {
    ++stats_.cancelled;
  }
}

void Executor::report_job(ActionEvent::Status status, uint64_t number, const Job& job,
                          std::string detail) {
  ActionEvent e;
  e.status = status;
  e.job = number;
  e.mapping = job.mapping;
  e.mapping_where = job.mapping_where;
  e.detail = std::move(detail);
  if (status == ActionEvent::Status::Dropped) {
    env_.logger.log(LogLevel::Warn, (job.mapping.empty() ? "mapping at " + job.mapping_where
                                                         : "mapping '" + job.mapping + "' (" +
                                                               job.mapping_where + ")") +
                                        ": " + e.detail);
  }
  env_.sink.on_action(e);
}

void Executor::shutdown() {
  std::deque<std::pair<uint64_t, Job>> dropped;
  std::vector<std::thread> workers;
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && workers_.empty()) return;
    stopping_ = true;
    dropped.swap(queue_);
    stats_.cancelled += dropped.size();
    workers.swap(workers_);
  }
  stop_.raise();  // running Delays return at once, Shell children are killed
  work_cv_.notify_all();
  for (std::thread& t : workers) t.join();
  for (auto& [number, job] : dropped) {
    report_job(ActionEvent::Status::Cancelled, number, job, "not run: the executor shut down");
  }
  idle_cv_.notify_all();
}

ExecutorStats Executor::stats() const {
  std::lock_guard lock(mutex_);
  ExecutorStats s = stats_;
  s.queued = queue_.size();
  s.running = running_;
  s.workers = workers_.size();
  return s;
}

bool Executor::wait_idle(std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return idle_cv_.wait_for(lock, timeout, [this] { return queue_.empty() && running_ == 0; });
}

}  // namespace midimon::actions
