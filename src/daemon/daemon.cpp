#include "daemon/daemon.h"

#include <unistd.h>

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <set>

#include "actions/action_json.h"
#include "actions/printing_desktop.h"
#include "actions/trigger_context.h"
#include "daemon/config_watcher.h"
#include "daemon/daemon_log.h"
#include "daemon/daemon_services.h"
#include "mapping/config_loader.h"
#include "mapping/learn_session.h"
#include "mapping/mapping_set_from_config.h"
#include "midi/rtmidi_backend.h"
#include "plugin/plugin_loader.h"
#include "plugin/plugin_settings_file.h"
#ifdef MIDIMON_HAVE_DESKTOP
#include "actions/system_desktop.h"
#include "desktop/focus_watcher.h"
#include "desktop/running_apps.h"
#endif

namespace midimon::daemon {
namespace {

using Json = nlohmann::json;

std::string dump(const Json& j) {
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

actions::LogLevel from_midi_level(midi::LogLevel level) {
  switch (level) {
    case midi::LogLevel::Debug: return actions::LogLevel::Debug;
    case midi::LogLevel::Info: return actions::LogLevel::Info;
    case midi::LogLevel::Warning: return actions::LogLevel::Warn;
    case midi::LogLevel::Error: return actions::LogLevel::Error;
  }
  return actions::LogLevel::Info;
}

midi::MatchKind to_match_kind(mapping::DeviceMatch match) {
  switch (match) {
    case mapping::DeviceMatch::Exact: return midi::MatchKind::Exact;
    case mapping::DeviceMatch::Substring: return midi::MatchKind::Substring;
    case mapping::DeviceMatch::Regex: return midi::MatchKind::Regex;
  }
  return midi::MatchKind::Substring;
}

// Every plugin a config names: [plugins.<name>] tables that are enabled and every Plugin
// action (nested ones and on_enter included).
void collect_plugins(const mapping::Action& action, std::set<std::string>& out) {
  std::visit(
      [&](const auto& a) {
        using T = std::decay_t<decltype(a)>;
        if constexpr (std::is_same_v<T, mapping::action::Plugin>) {
          out.insert(a.plugin);
        } else if constexpr (std::is_same_v<T, mapping::action::Sequence>) {
          for (const auto& inner : a.actions) collect_plugins(inner, out);
        } else if constexpr (std::is_same_v<T, mapping::action::Repeat>) {
          if (a.action) collect_plugins(*a.action, out);
        } else if constexpr (std::is_same_v<T, mapping::action::Conditional>) {
          if (a.then_action) collect_plugins(*a.then_action, out);
          if (a.else_action) collect_plugins(*a.else_action, out);
        }
      },
      action.kind);
}

std::set<std::string> plugins_named(const mapping::Config& config) {
  std::set<std::string> names;
  for (const auto& p : config.plugins) {
    if (p.enabled) names.insert(p.name);
  }
  for (const auto& mode : config.modes) {
    for (const auto& m : mode.mappings) collect_plugins(m.action, names);
    for (const auto& a : mode.on_enter) collect_plugins(a, names);
  }
  for (const auto& m : config.global_mappings) collect_plugins(m.action, names);
  return names;
}

std::string join_diagnostics(const std::vector<mapping::Diagnostic>& list) {
  std::string out;
  for (const auto& d : list) {
    if (!out.empty()) out += '\n';
    out += d.to_string();
  }
  return out;
}

}  // namespace

// The daemon's side of every narrow interface, in one place.
struct Daemon::Adapters {
  explicit Adapters(Daemon& d) : daemon(d) {}

  struct Modes final : actions::ModeControl {
    explicit Modes(Daemon& d) : daemon(d) {}
    std::size_t current_mode() const override { return daemon.mode_.load(); }
    std::string current_mode_name() const override { return daemon.mode_name(); }
    actions::Outcome switch_mode(std::size_t index, std::string_view) override {
      return daemon.set_mode(index);
    }
    Daemon& daemon;
  };

  struct Plugins final : actions::PluginCalls {
    explicit Plugins(Daemon& d) : daemon(d) {}
    plugin::CallResult call(std::string_view name, const plugin::ActionRequest& request) override {
      return daemon.plugins_->call(name, request);
    }
    Daemon& daemon;
  };

  struct Sink final : actions::ActionSink {
    explicit Sink(Daemon& d) : daemon(d) {}
    void on_action(const actions::ActionEvent& e) override {
      std::string text = std::string(e.action_type.empty() ? "job" : e.action_type) + " " +
                         actions::action_status_name(e.status);
      if (!e.mapping.empty()) text += " [" + e.mapping + "]";
      if (!e.detail.empty()) text += ": " + e.detail;
      Json j = {{"status", actions::action_status_name(e.status)},
                {"job", e.job},
                {"mapping", e.mapping},
                {"mapping_where", e.mapping_where},
                {"action", e.action_type},
                {"where", e.action_where},
                {"detail", e.detail},
                {"duration_us", std::chrono::duration_cast<std::chrono::microseconds>(e.duration).count()}};
      if (e.plugin_result) {
        const plugin::CallResult& r = *e.plugin_result;
        j["plugin_result"] = {{"status", plugin::call_status_name(r.status)},
                              {"code", r.code},
                              {"message", r.message},
                              {"fuel_used", r.fuel_used}};
        text += " (plugin " + std::string(plugin::call_status_name(r.status)) + ", return code " +
                std::to_string(r.code) + (r.message.empty() ? "" : ", " + r.message) + ")";
      }
      bool failed = e.status == actions::ActionEvent::Status::Failed ||
                    e.status == actions::ActionEvent::Status::Dropped;
      if (failed) {
        daemon.log_->log(actions::LogLevel::Warn, "action " + text + " at " + e.action_where);
      }
      daemon.bus_.publish(EventKind::Action, std::move(text), dump(j));
    }
    Daemon& daemon;
  };

  // What actions log (Shell output, warnings) goes to the log AND the events bus, so
  // `midimonctl events` and the demo show it next to the action.
  struct ActionLog final : actions::Logger {
    explicit ActionLog(Daemon& d) : daemon(d) {}
    void log(actions::LogLevel level, std::string_view message) override {
      daemon.log_->log(level, message);
      if (level >= actions::LogLevel::Info) {
        daemon.bus_.publish(EventKind::Log, one_line(message),
                            dump({{"level", actions::log_level_name(level)}, {"message", message}}));
      }
    }
    Daemon& daemon;
  };

  Daemon& daemon;
  ActionLog action_log{daemon};
  Modes modes{daemon};
  Plugins plugin_calls{daemon};
  Sink sink{daemon};
  actions::SystemClock clock;
  std::unique_ptr<actions::Desktop> owned_desktop;
  actions::Desktop* desktop = nullptr;
  std::string desktop_label;
  std::unique_ptr<actions::MidiOut> owned_midi_out;
  actions::MidiOut* midi_out = nullptr;
  BackendMidiOut* backend_out = nullptr;
  std::unique_ptr<DaemonHostServices> host;
  std::mutex loader_mutex;
  plugin::PluginLoader loader;  // rebuilt for each config (its plugin_dirs)
  std::unique_ptr<ConfigWatcher> config_watcher;
#ifdef MIDIMON_HAVE_DESKTOP
  std::unique_ptr<desktop::FocusWatcher> focus_watcher;
  std::mutex focus_mutex;
#endif
};

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

std::unique_ptr<Daemon> Daemon::create(DaemonOptions options, std::string* error) {
  std::unique_ptr<Daemon> d(new Daemon(std::move(options)));
  mapping::LoadResult loaded = mapping::load_config(d->options_.config_path);
  for (const auto& w : loaded.warnings) d->log_->log(actions::LogLevel::Warn, w.to_string());
  if (!loaded.ok()) {
    if (error) *error = join_diagnostics(loaded.errors);
    return nullptr;
  }
  auto config = std::make_shared<const mapping::Config>(std::move(*loaded.config));
  d->first_loaded_at_ = std::chrono::system_clock::now();
  d->adapters_ = std::make_unique<Adapters>(*d);
  Adapters& a = *d->adapters_;

  // MIDI system first: SendMidi and the inputs share the backend.
  if (d->options_.input == DaemonOptions::Input::Devices) {
    midi::BackendChoice choice = midi::BackendChoice::Auto;
    if (!config->devices.empty()) {
      switch (config->devices.front().backend) {
        case mapping::MidiBackend::Auto: break;
        case mapping::MidiBackend::Jack: choice = midi::BackendChoice::Jack; break;
        case mapping::MidiBackend::Alsa: choice = midi::BackendChoice::Alsa; break;
      }
    }
    midi::BackendOptions backend_options;
    backend_options.log = [log = d->log_](midi::LogLevel level, std::string_view text) {
      log->log(from_midi_level(level), text);
    };
    auto backend = midi::open_backend(choice, backend_options);
    if (backend) {
      d->backend_ = std::move(backend.value());
      d->backend_label_ = midi::backend_name(d->backend_->kind());
    } else {
      // Keep running without MIDI: the status and the log say why.
      d->backend_label_ = "none: " + backend.error();
      d->log_->log(actions::LogLevel::Error, "no MIDI backend: " + backend.error());
    }
  } else {
    d->backend_label_ = "in-process";
  }

  if (d->options_.midi_out) {
    a.midi_out = d->options_.midi_out;
  } else if (d->options_.print_only_midi_out || !d->backend_) {
    a.owned_midi_out = std::make_unique<PrintingMidiOut>();
    a.midi_out = a.owned_midi_out.get();
  } else {
    auto out = std::make_unique<BackendMidiOut>(*d->backend_);
    a.backend_out = out.get();
    a.owned_midi_out = std::move(out);
    a.midi_out = a.owned_midi_out.get();
  }

  // The desktop.
#ifdef MIDIMON_HAVE_DESKTOP
  auto is_running = [](std::string_view name) { return desktop::is_app_running(name); };
#else
  auto is_running = [](std::string_view) { return false; };
#endif
  if (d->options_.desktop) {
    a.desktop = d->options_.desktop;
    a.desktop_label = "injected";
  } else {
    bool have_display = std::getenv("DISPLAY") && *std::getenv("DISPLAY");
    bool have_uinput = access("/dev/uinput", W_OK) == 0;
#ifdef MIDIMON_HAVE_DESKTOP
    if (!d->options_.print_only_desktop && (have_display || have_uinput)) {
      actions::SystemDesktopOptions desktop_options;
      desktop_options.focused = [&a]() -> std::optional<desktop::FocusedApp> {
        std::lock_guard lock(a.focus_mutex);
        if (!a.focus_watcher || !a.focus_watcher->failure().empty()) return std::nullopt;
        return a.focus_watcher->current();
      };
      a.owned_desktop = std::make_unique<actions::SystemDesktop>(std::move(desktop_options));
      a.desktop_label = have_display ? "system (X11 display)" : "system (uinput)";
    }
#endif
    if (!a.owned_desktop) {
      if (!d->options_.print_only_desktop) {
        d->log_->log(actions::LogLevel::Warn,
                     "no X display and no /dev/uinput: desktop actions only print what they would do");
      }
      a.owned_desktop = std::make_unique<actions::PrintingDesktop>(is_running);
      a.desktop_label = "print-only";
    }
    a.desktop = a.owned_desktop.get();
    (void)have_uinput;
  }

  // Plugins.
  a.host = std::make_unique<DaemonHostServices>(*d->log_, d->bus_, *a.midi_out);
  plugin::PluginSettings* settings = d->options_.plugin_settings;
  if (!settings) {
    plugin::XdgDirs xdg = d->options_.xdg ? *d->options_.xdg : plugin::XdgDirs::from_environment();
    auto file = plugin::PluginSettingsFile::open(xdg);
    if (file) {
      d->owned_plugin_settings_ = std::move(file.value());
    } else {
      d->log_->log(actions::LogLevel::Warn,
                   "plugin grants cannot be read (" + file.error() + "); plugins run without grants");
      d->owned_plugin_settings_ = std::make_unique<MemoryPluginSettings>();
    }
    settings = d->owned_plugin_settings_.get();
  }
  Daemon* self = d.get();
  d->plugins_ = std::make_unique<plugin::PluginManager>(
      *a.host,
      [self](const std::string& source) -> plugin::Expected<std::shared_ptr<plugin::Plugin>> {
        plugin::PluginLoader loader;
        {
          std::lock_guard lock(self->adapters_->loader_mutex);
          loader = self->adapters_->loader;
        }
        if (!loader) return plugin::Failure{"no plugin loader"};
        return loader(source);
      },
      settings);

  actions::ActionEnv env{a.modes, *a.midi_out, a.plugin_calls, *a.desktop, a.clock, a.action_log, a.sink};
  d->executor_ = std::make_unique<actions::Executor>(env, d->options_.executor);
  a.host->set_action_handler([self](std::string_view plugin, std::string_view json) {
    return self->submit_plugin_action(plugin, json);
  });

  std::string install_error;
  if (!d->install(config, &install_error)) {
    if (error) *error = install_error;
    return nullptr;
  }
  d->processor_ = std::make_unique<mapping::EventProcessor>(d->set_, 0);

  if (d->options_.input == DaemonOptions::Input::InProcess) {
    d->in_process_ = std::make_unique<midi::InProcessInput>(d->queue_, 0);
  }
  return d;
}

bool Daemon::install(std::shared_ptr<const mapping::Config> config, std::string* error) {
  std::shared_ptr<const mapping::MappingSet> set = mapping::build_mapping_set(config);
  if (!set) {
    if (error) *error = "cannot build the mapping set";
    return false;
  }
  {
    std::lock_guard lock(config_mutex_);
    config_ = config;
    set_ = set;
  }
  load_plugins(*config);
  return true;
}

void Daemon::load_plugins(const mapping::Config& config) {
  plugin::LoaderSettings settings = plugin::LoaderSettings::from_environment();
  if (options_.xdg) {
    settings.xdg = *options_.xdg;
    settings.trusted_keys = plugin::trusted_keys_file(settings.xdg);
  }
  settings.search_dirs.clear();
  for (const auto& dir : options_.extra_plugin_dirs) settings.search_dirs.push_back({dir, true});
  std::filesystem::path base = std::filesystem::path(config.source).parent_path();
  for (const auto& dir : config.plugin_dirs) {
    std::filesystem::path p(dir);
    // "~/..." as the config examples write it (MIDIMon's shipped configs do too).
    const char* home = std::getenv("HOME");
    if (home && (dir == "~" || dir.starts_with("~/"))) p = std::filesystem::path(home) / dir.substr(dir.size() > 1 ? 2 : 1);
    if (p.is_relative()) p = base / p;  // relative to the config file, not the cwd
    settings.search_dirs.push_back({p, false});
  }
  for (auto& dir : plugin::default_plugin_dirs(settings.xdg)) settings.search_dirs.push_back(dir);
  {
    std::lock_guard lock(adapters_->loader_mutex);
    adapters_->loader = plugin::make_plugin_loader(settings, *adapters_->host, nullptr);
  }
  for (const std::string& name : plugins_named(config)) {
    if (plugins_->contains(name)) continue;
    auto loaded = plugins_->load(name);
    if (loaded) {
      auto info = plugins_->info(loaded.value());
      std::string grants = info ? info->grants.to_string() : "?";
      log_->log(actions::LogLevel::Info, "plugin " + name + " loaded (grants: " + grants + ")");
      bus_.publish(EventKind::Plugin, "plugin " + name + " loaded (grants: " + grants + ")",
                   dump({{"plugin", name}, {"loaded", true}, {"grants", grants}}));
    } else {
      log_->log(actions::LogLevel::Error, "plugin " + name + " not loaded: " + loaded.error());
      bus_.publish(EventKind::Plugin, "plugin " + name + " not loaded: " + loaded.error(),
                   dump({{"plugin", name}, {"loaded", false}, {"error", loaded.error()}}));
    }
  }
}

void Daemon::start() {
  if (started_flag_.exchange(true)) return;
  Adapters& a = *adapters_;
  engine_ = std::thread([this] { engine_loop(); });

  if (backend_) {
    midi::DeviceInputsOptions input_options;
    input_options.log = [log = log_](midi::LogLevel level, std::string_view text) {
      log->log(from_midi_level(level), text);
    };
    input_options.events = [this](const midi::DeviceEvent& event) { on_device_event(event); };
    inputs_ = std::make_unique<midi::DeviceInputs>(*backend_, queue_, input_options);
    auto cfg = config();
    for (const auto& device : cfg->devices) {
      midi::DeviceSpec spec;
      spec.name = device.name;
      spec.pattern = device.port.empty() ? device.name : device.port;
      spec.match = to_match_kind(device.match);
      auto added = inputs_->add_device(spec);
      if (!added) log_->log(actions::LogLevel::Error, "device " + device.name + ": " + added.error());
    }
    // A port anyone can connect to (other programs, `jack_connect`, the e2e test).
    auto virtual_in = inputs_->add_virtual_input("in");
    if (!virtual_in) log_->log(actions::LogLevel::Warn, "virtual input 'in': " + virtual_in.error());
    inputs_->start();
  }

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

  log_->log(actions::LogLevel::Info, "started: config " + options_.config_path + ", mode '" +
                                         mode_name() + "', MIDI " + backend_label_ + ", desktop " +
                                         a.desktop_label);
  submit_on_enter(mode_.load(), "start");
}

void Daemon::stop() {
  if (!adapters_) return;
  std::call_once(stop_once_, [this] {
    Adapters& a = *adapters_;
    stopping_ = true;
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
    inputs_.reset();  // closes every MIDI input port
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
    plugins_.reset();
    backend_.reset();
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

ReloadResult Daemon::validate(const std::string& path) const {
  ReloadResult result;
  mapping::LoadResult loaded = mapping::load_config(path);
  for (const auto& e : loaded.errors) result.errors.push_back(e.to_string());
  for (const auto& w : loaded.warnings) result.warnings.push_back(w.to_string());
  result.ok = loaded.ok();
  if (loaded.ok()) {
    std::size_t n = loaded.config->global_mappings.size();
    for (const auto& m : loaded.config->modes) n += m.mappings.size();
    result.mappings = n;
  }
  return result;
}

ReloadResult Daemon::reload() {
  std::lock_guard serial(reload_mutex_);
  ReloadResult result;
  LoadingTicket ticket = reload_.begin();
  if (!ticket) {  // cannot happen under reload_mutex_, but the machine says what to do
    result.again = true;
    return result;
  }
  bus_.publish(EventKind::Reload, "reloading " + options_.config_path,
               dump({{"phase", "loading"}, {"file", options_.config_path}}));
  mapping::LoadResult loaded = mapping::load_config(options_.config_path);
  for (const auto& e : loaded.errors) result.errors.push_back(e.to_string());
  for (const auto& w : loaded.warnings) {
    result.warnings.push_back(w.to_string());
    log_->log(actions::LogLevel::Warn, w.to_string());
  }
  if (!loaded.ok()) {
    std::string error = join_diagnostics(loaded.errors);
    result.again = ticket.finish_error(error);
    log_->log(actions::LogLevel::Error, "reload failed, the previous config stays active: " + error);
    bus_.publish(EventKind::Reload, "reload failed: " + one_line(error),
                 dump({{"phase", "failed"}, {"errors", result.errors}}));
    return result;
  }
  auto config = std::make_shared<const mapping::Config>(std::move(*loaded.config));
  std::string error;
  if (!install(config, &error)) {
    result.errors.push_back(error);
    result.again = ticket.finish_error(error);
    return result;
  }
  std::shared_ptr<const mapping::MappingSet> set;
  {
    std::lock_guard lock(config_mutex_);
    set = set_;
  }
  result.ok = true;
  result.mappings = set->mapping_count();
  // The engine swaps the snapshot between two messages (pending gestures are dropped),
  // keeping the mode of the same name.
  post([this, set](mapping::EventProcessor& processor) {
    processor.replace_mappings(set);
    mode_ = processor.mode();
  });
  {
    std::lock_guard lock(focus_mutex_);
    profiles_.reset();
  }
  result.again = ticket.finish_ok(std::chrono::system_clock::now());
  log_->log(actions::LogLevel::Info, "reloaded " + options_.config_path + ": " +
                                         std::to_string(result.mappings) + " mappings");
  bus_.publish(EventKind::Reload, "reloaded: " + std::to_string(result.mappings) + " mappings",
               dump({{"phase", "ok"}, {"mappings", result.mappings}}));
  return result;
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
  s.input_backend = backend_label_;
  s.desktop = adapters_->desktop_label;
  if (inputs_) {
    for (const auto& d : inputs_->devices()) s.devices.push_back({d.name, d.port, d.connected, d.is_virtual});
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
