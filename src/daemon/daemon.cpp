// The running daemon: threads and lifecycle, the engine loop, modes, app profiles,
// requests from plugins, status. Building it and applying configs: daemon_config.cpp.
#include "daemon/daemon.h"

#include <pthread.h>

#include <cstdlib>

#include "actions/action_json.h"
#include "actions/trigger_context.h"
#include "daemon/daemon_adapters.h"
#include "mapping/learn_session.h"
#include "mapping/parser_options_from_config.h"
#ifdef MIDIMON_HAVE_DESKTOP
#include "desktop/focus_watcher.h"
#endif

namespace midimon::daemon {
using detail::dump;

struct Daemon::Learner {
  mapping::LearnSession session;
  std::chrono::steady_clock::time_point deadline;
  std::chrono::milliseconds timeout;
  LearnDone done;
};

Daemon::Daemon(DaemonOptions options)
    : options_(std::move(options)),
      log_(options_.logger ? options_.logger : &DaemonLog::standard()) {}

Daemon::~Daemon() { stop(); }

void Daemon::start() {
  if (started_flag_.exchange(true)) return;
  Adapters& a = *adapters_;
  // Inputs before the engine: it must start with the device map of the inputs it reads.
  if (backend_) {
    std::shared_ptr<const mapping::Config> cfg = config();
    std::lock_guard lock(inputs_mutex_);
    open_inputs();
    device_map_ = inputs_->apply(cfg->devices, mapping::parser_options_from_config(*cfg));
  }
  engine_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "mm-engine");  // names show in top -H and /proc
    engine_loop();
  });
  // No backend could be opened (JACK not up yet): keep trying until one opens.
  if (!backend_ && backend_retry_wanted()) start_backend_retry();

  if (options_.watch_config) {
    std::string error;
    a.config_watcher = ConfigWatcher::start(
        options_.config_path, options_.reload_debounce, [this] { reload(); }, &error);
    if (!a.config_watcher) log_->log(actions::LogLevel::Warn, "no hot reload: " + error);
  }

#ifdef MIDIMON_HAVE_DESKTOP
  const char* display = std::getenv("DISPLAY");
  if (options_.watch_focus && !options_.print_only_desktop && display && *display) {
    auto watcher = desktop::FocusWatcher::start(
        "",
        [this](const desktop::FocusedApp& app) {
          on_focus(FocusInfo{app.instance, app.window_class, app.title});
        },
        [log = log_](const std::string& why) {
          log->log(actions::LogLevel::Warn, "focus watcher ended: " + why);
        });
    std::lock_guard lock(a.focus_mutex);
    if (watcher) {
      a.focus_watcher = std::move(watcher.value());
    } else {
      log_->log(actions::LogLevel::Warn, "no app profiles: " + watcher.error());
    }
  }
#endif

  DaemonStatus now = status();
  log_->log(actions::LogLevel::Info, "started: config " + options_.config_path + ", mode '" + now.mode +
                                         "', MIDI " + now.input_backend + ", desktop " + now.desktop);
  submit_on_enter(mode_.load(), "start");
}

void Daemon::stop() {
  if (!adapters_) return;
  std::call_once(stop_once_, [this] {
    Adapters& a = *adapters_;
    stopping_ = true;
    stop_backend_retry();  // before reload_mutex_: the retry takes it to install a backend
    if (a.config_watcher) a.config_watcher->stop();
#ifdef MIDIMON_HAVE_DESKTOP
    {
      std::unique_ptr<desktop::FocusWatcher> watcher;
      {
        std::lock_guard lock(a.focus_mutex);
        watcher = std::move(a.focus_watcher);
      }
      watcher.reset();  // closes the X connection
    }
#endif
    std::lock_guard serial(reload_mutex_);  // no reload is halfway through applying
    {
      std::unique_ptr<ConfiguredInputs> inputs;
      {
        std::lock_guard lock(inputs_mutex_);
        inputs = std::move(inputs_);
      }
      inputs.reset();  // closes every MIDI input port
    }
    queue_.wake();
    if (engine_.joinable()) engine_.join();
    std::vector<std::unique_ptr<Learner>> learners;
    {
      std::lock_guard lock(learn_mutex_);
      learners.swap(learners_);
      learning_ = false;
    }
    for (auto& l : learners) l->done(false, {}, "daemon stopping");
    executor_->shutdown();  // ends Delays, kills Shell children, joins workers
    if (a.backend_out) a.backend_out->close_all();
    plugin_set_.reset();
    plugins_.reset();
    backend_ = nullptr;
    owned_backend_.reset();
    if (started_flag_) log_->log(actions::LogLevel::Info, "stopped");
    bus_.close_all();
  });
}

void Daemon::post(std::function<void(mapping::EventProcessor&)> command) {
  {
    std::lock_guard lock(command_mutex_);
    commands_.push_back(std::move(command));
  }
  queue_.wake();
}

void Daemon::engine_loop() {
  mapping::Events events;
  std::vector<std::function<void(mapping::EventProcessor&)>> commands;
  auto run_commands = [&] {
    {
      std::lock_guard lock(command_mutex_);
      commands.swap(commands_);
    }
    for (auto& command : commands) command(*processor_);
    commands.clear();
  };
  while (!stopping_) {
    run_commands();
    // Sleep until a message, a command (wake) or the next gesture timer; no polling.
    auto deadline = processor_->next_deadline().value_or(std::chrono::steady_clock::now() +
                                                         std::chrono::hours(1));
    if (learning_) {
      if (auto learn_due = learner_deadline()) deadline = std::min(deadline, *learn_due);
    }
    std::optional<midi::Message> message = queue_.wait_pop(deadline);
    if (stopping_) break;
    // A command posted before this message was queued (a reload or a mode switch that
    // has returned to its caller) applies to it: run commands again before handling it.
    run_commands();
    events.clear();
    if (message) {
      ++midi_in_;
      message->device = device_map_.to_config(message->device);
      if (bus_.subscribers() > 0) {
        bus_.publish(EventKind::MidiIn, message->to_string(),
                     dump({{"message", message->to_string()},
                           {"bytes", hex_bytes(message->to_bytes())},
                           {"device", message->device}}));
      }
      processor_->process(*message, events);
      handle_events(events);
      if (learning_) feed_learners(&*message, message->time);
      ++handled_;
    } else {
      auto now = std::chrono::steady_clock::now();
      processor_->tick(now, events);
      handle_events(events);
      if (learning_) feed_learners(nullptr, now);
    }
  }
}

void Daemon::handle_events(mapping::Events& events) {
  if (events.gestures.empty()) return;
  gestures_ += events.gestures.size();
  const bool publish = bus_.subscribers() > 0;
  if (publish) {
    for (const auto& g : events.gestures) {
      bus_.publish(EventKind::Gesture, g.to_string(), dump({{"gesture", g.to_string()}}));
    }
  }
  if (events.matches.empty()) return;
  std::shared_ptr<const mapping::MappingSet> set;
  {
    std::lock_guard lock(config_mutex_);
    set = set_;
  }
  const std::size_t mode = processor_->mode();
  for (const mapping::Match& match : events.matches) {
    const mapping::MappingEntry* entry = match.mapping;
    if (!entry || !entry->source) continue;
    ++matches_;
    const mapping::Gesture& gesture = events.gestures[match.gesture];
    if (publish) {
      std::string where = entry->source->where.to_string();
      std::string name = entry->description.empty() ? "(no description)" : entry->description;
      bus_.publish(EventKind::Mapping,
                   "'" + name + "' at " + where + " -> " +
                       mapping::action_type_name(entry->source->action.kind),
                   dump({{"mapping", entry->description},
                         {"where", where},
                         {"global", entry->id.mode == mapping::MappingId::kGlobal},
                         {"action", mapping::action_type_name(entry->source->action.kind)}}));
    }
    // The processor's snapshot keeps the config alive; set_ is at least as new, and a job
    // holding `set` keeps the config its action pointers point into.
    std::shared_ptr<const void> keep_alive = set;
    executor_->submit(actions::make_mapping_job(
        *entry->source, keep_alive,
        actions::context_from_gesture(gesture, mode, std::chrono::system_clock::now())));
  }
}

actions::Outcome Daemon::set_mode(std::string_view name) {
  auto cfg = config();
  auto index = cfg->find_mode(name);
  if (!index) {
    std::string known;
    for (const auto& m : cfg->modes) known += (known.empty() ? "" : ", ") + m.name;
    return actions::Outcome::failure("no mode '" + std::string(name) + "' (modes: " + known + ")");
  }
  return set_mode(*index);
}

actions::Outcome Daemon::set_mode(std::size_t index) {
  auto cfg = config();
  if (index >= cfg->modes.size()) {
    return actions::Outcome::failure("no mode number " + std::to_string(index));
  }
  enter_mode(index, "request");
  return actions::Outcome::success("mode '" + cfg->modes[index].name + "'");
}

void Daemon::enter_mode(std::size_t index, const char* why) {
  auto cfg = config();
  std::size_t previous = mode_.exchange(index);
  post([index](mapping::EventProcessor& processor) { processor.set_mode(index); });
  std::string from = previous < cfg->modes.size() ? cfg->modes[previous].name : "?";
  std::string line = "mode '" + from + "' -> '" + cfg->modes[index].name + "' (" + why + ")";
  log_->log(actions::LogLevel::Info, line);
  bus_.publish(EventKind::Mode, line,
               dump({{"from", from}, {"mode", cfg->modes[index].name}, {"why", why}}));
  submit_on_enter(index, why);
}

void Daemon::submit_on_enter(std::size_t index, const char* why) {
  std::shared_ptr<const mapping::Config> cfg;
  std::shared_ptr<const mapping::MappingSet> set;
  {
    std::lock_guard lock(config_mutex_);
    cfg = config_;
    set = set_;
  }
  if (index >= cfg->modes.size() || cfg->modes[index].on_enter.empty() || stopping_) return;
  actions::TriggerContext context;
  context.mode = index;
  context.wall_time = std::chrono::system_clock::now();
  context.gesture = std::string("on_enter (") + why + ")";
  std::shared_ptr<const void> keep_alive = set;
  executor_->submit(actions::make_on_enter_job(cfg->modes[index], keep_alive, std::move(context)));
}

int32_t Daemon::submit_plugin_action(std::string_view plugin, std::string_view action_json) {
  const std::string who = "plugin '" + std::string(plugin) + "'";
  if (stopping_) return -52;  // WASI ENOSYS: nothing runs actions any more
  auto cfg = config();
  std::vector<std::string> mode_names;
  for (const mapping::Mode& m : cfg->modes) mode_names.push_back(m.name);
  actions::ParsedAction parsed = actions::parse_action_json(action_json, mode_names, who + " request_action");
  if (!parsed.ok()) {
    log_->log(actions::LogLevel::Warn, parsed.error);
    return -28;  // WASI EINVAL: the plugin asked for something a config could not say
  }
  actions::Job job;
  job.actions = {parsed.action};
  job.keep_alive = parsed.holder;
  job.mapping = "request_action of " + who;
  job.context.mode = mode_.load();
  job.context.wall_time = std::chrono::system_clock::now();
  job.context.gesture = "plugin request";
  switch (executor_->submit(std::move(job))) {
    case actions::SubmitResult::Queued: return 0;
    case actions::SubmitResult::Dropped: return -6;   // WASI EAGAIN: the action queue is full
    case actions::SubmitResult::Stopped: return -52;  // WASI ENOSYS: shutting down
  }
  return -29;
}

void Daemon::on_focus(const FocusInfo& focus) {
  auto cfg = config();
  std::optional<std::size_t> mode;
  {
    std::lock_guard lock(focus_mutex_);
    mode = profiles_.on_focus(cfg->app_profiles, focus);
  }
  bus_.publish(EventKind::Mode, "focus: class '" + focus.window_class + "' title '" + focus.title + "'",
               dump({{"focus_class", focus.window_class}, {"instance", focus.instance}, {"title", focus.title}}));
  if (mode && *mode < cfg->modes.size() && *mode != mode_.load()) enter_mode(*mode, "app profile");
}

void Daemon::on_device_event(const midi::DeviceEvent& event) {
  std::string line = "device " + event.device_name + " " + midi::device_event_name(event.kind) +
                     (event.port.empty() ? "" : " (" + event.port + ")");
  log_->log(actions::LogLevel::Info, line);
  bus_.publish(EventKind::Device, line,
               dump({{"device", event.device_name},
                     {"event", midi::device_event_name(event.kind)},
                     {"port", event.port}}));
  // A controller that comes (back) lost the LED state the mode set: send it again.
  if (event.kind == midi::DeviceEventKind::Connected) submit_on_enter(mode_.load(), "device connected");
}

std::string Daemon::mode_name() const {
  auto cfg = config();
  std::size_t index = mode_.load();
  return index < cfg->modes.size() ? cfg->modes[index].name : "?";
}

std::shared_ptr<const mapping::Config> Daemon::config() const {
  std::lock_guard lock(config_mutex_);
  return config_;
}

DaemonStatus Daemon::status() const {
  DaemonStatus s;
  std::shared_ptr<const mapping::Config> cfg;
  std::shared_ptr<const mapping::MappingSet> set;
  {
    std::lock_guard lock(config_mutex_);
    cfg = config_;
    set = set_;
  }
  s.mode_index = mode_.load();
  for (const auto& m : cfg->modes) s.modes.push_back(m.name);
  s.mode = s.mode_index < s.modes.size() ? s.modes[s.mode_index] : "?";
  s.config_file = options_.config_path;
  ReloadStatus r = reload_.status();
  s.config_loaded_at = r.loaded_at;
  if (!s.config_loaded_at) s.config_loaded_at = first_loaded_at_;  // no reload succeeded yet
  s.last_reload_error = r.last_error;
  s.reload_phase = r.phase;
  s.reloads_ok = r.succeeded;
  s.reloads_failed = r.failed;
  s.uptime = std::chrono::steady_clock::now() - started_;
  {
    std::lock_guard lock(adapters_->label_mutex);
    s.input_backend = backend_label_;
    s.desktop = adapters_->desktop_label;
  }
  std::lock_guard inputs_lock(inputs_mutex_);
  if (inputs_) {
    for (const auto& d : inputs_->devices()) s.devices.push_back({d.name, d.port, d.connected, d.is_virtual});
    s.every_source = inputs_->follows_every_source();
  } else if (in_process_) {
    s.devices.push_back({"in-process", "", true, true});
  }
  s.mappings = set->mapping_count();
  s.midi_in = midi_in_.load();
  s.gestures = gestures_.load();
  s.matches = matches_.load();
  s.queue_overflows = queue_.overflows();
  actions::ExecutorStats e = executor_->stats();
  s.actions_ok = e.actions_ok;
  s.actions_failed = e.actions_failed;
  s.jobs_dropped = e.dropped;
  s.plugins_loaded = plugins_ ? plugins_->list().size() : 0;
  s.event_subscribers = bus_.subscribers();
  return s;
}

bool Daemon::wait_idle(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  // The engine has no idle signal of its own: compare what entered the queue with what
  // it finished (checked every millisecond, bounded by the deadline).
  while (handled_.load() + 0 < queue_.pushed()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  return executor_->wait_idle(std::max(left, std::chrono::milliseconds(0)));
}

void Daemon::learn(std::chrono::milliseconds timeout, LearnDone done) {
  auto cfg = config();
  mapping::LearnTimings timings;
  timings.chord_timeout_ms = cfg->advanced.chord_timeout_ms;
  timings.double_tap_timeout_ms = cfg->advanced.double_tap_timeout_ms;
  timings.hold_threshold_ms = cfg->advanced.hold_threshold_ms;
  auto learner = std::make_unique<Learner>(
      Learner{mapping::LearnSession(timings), std::chrono::steady_clock::now() + timeout, timeout, std::move(done)});
  {
    std::lock_guard lock(learn_mutex_);
    if (stopping_) {
      learner->done(false, {}, "daemon stopping");
      return;
    }
    learners_.push_back(std::move(learner));
    learning_ = true;
  }
  queue_.wake();  // the engine recomputes its deadline
}

std::optional<std::chrono::steady_clock::time_point> Daemon::learner_deadline() {
  std::lock_guard lock(learn_mutex_);
  std::optional<std::chrono::steady_clock::time_point> due;
  for (const auto& l : learners_) {
    auto d = l->deadline;
    if (auto next = l->session.next_deadline()) d = std::min(d, *next);
    due = due ? std::min(*due, d) : d;
  }
  return due;
}

void Daemon::feed_learners(const midi::Message* message, std::chrono::steady_clock::time_point now) {
  std::vector<std::unique_ptr<Learner>> finished;
  {
    std::lock_guard lock(learn_mutex_);
    for (auto& l : learners_) {
      if (message) {
        l->session.feed(*message);
      } else {
        l->session.tick(now);
      }
    }
    auto real_now = std::chrono::steady_clock::now();
    for (auto it = learners_.begin(); it != learners_.end();) {
      if ((*it)->session.done() || real_now >= (*it)->deadline) {
        finished.push_back(std::move(*it));
        it = learners_.erase(it);
      } else {
        ++it;
      }
    }
    learning_ = !learners_.empty();
  }
  for (auto& l : finished) {  // outside the lock: `done` may call back into the daemon
    if (l->session.done()) {
      l->done(true, l->session.trigger_line(), l->session.explanation());
    } else {
      l->done(false, {}, "no MIDI input within " + std::to_string(l->timeout.count() / 1000) + " s");
    }
  }
}

actions::ExecutorStats Daemon::executor_stats() const { return executor_->stats(); }

}  // namespace midimon::daemon
