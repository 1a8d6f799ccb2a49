// The daemon and its config: building every part at create(), and applying a config —
// at start and on every reload — in two steps, stage() then apply(), so that a config
// that cannot be applied changes nothing (daemon.h, docs/daemon.md#hot-reload).
#include <pthread.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <set>

#include "actions/printing_desktop.h"
#include "daemon/config_actions.h"
#include "daemon/daemon.h"
#include "daemon/daemon_adapters.h"
#include "daemon/daemon_log.h"
#include "daemon/plugin_settings_from_config.h"
#include "mapping/config_loader.h"
#include "mapping/mapping_set_from_config.h"
#include "mapping/parser_options_from_config.h"
#include "midi/rtmidi_backend.h"
#include "plugin/plugin_loader.h"
#include "plugin/plugin_settings_file.h"
#ifdef MIDIMON_HAVE_DESKTOP
#include "actions/system_desktop.h"
#include "desktop/running_apps.h"
#endif

namespace midimon::daemon {
namespace {

using detail::dump;

std::string join_diagnostics(const std::vector<mapping::Diagnostic>& list) {
  std::string out;
  for (const auto& d : list) {
    if (!out.empty()) out += '\n';
    out += d.to_string();
  }
  return out;
}

std::string join_lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += (out.empty() ? "" : "\n") + l;
  return out;
}

// [device] backend of the first device (the backend is shared by every input and output).
midi::BackendChoice backend_choice(const mapping::Config& config) {
  if (config.devices.empty()) return midi::BackendChoice::Auto;
  switch (config.devices.front().backend) {
    case mapping::MidiBackend::Auto: return midi::BackendChoice::Auto;
    case mapping::MidiBackend::Jack: return midi::BackendChoice::Jack;
    case mapping::MidiBackend::Alsa: return midi::BackendChoice::Alsa;
  }
  return midi::BackendChoice::Auto;
}

const char* choice_name(midi::BackendChoice choice) {
  switch (choice) {
    case midi::BackendChoice::Auto: return "auto";
    case midi::BackendChoice::Jack: return "jack";
    case midi::BackendChoice::Alsa: return "alsa";
  }
  return "auto";
}

// Every port a SendMidi names (mappings, on_enter, nested actions): the outputs to keep.
std::set<std::string, std::less<>> ports_named(const mapping::Config& config) {
  std::set<std::string, std::less<>> ports;
  for_each_action(config, [&](const mapping::Action& action) {
    if (const auto* send = std::get_if<mapping::action::SendMidi>(&action.kind)) ports.insert(send->port);
  });
  return ports;
}

actions::LogLevel log_level_of(mapping::LogLevel level) {
  switch (level) {
    case mapping::LogLevel::Off:  // errors are always logged
    case mapping::LogLevel::Error: return actions::LogLevel::Error;
    case mapping::LogLevel::Warn: return actions::LogLevel::Warn;
    case mapping::LogLevel::Info: return actions::LogLevel::Info;
    case mapping::LogLevel::Debug:
    case mapping::LogLevel::Trace: return actions::LogLevel::Debug;
  }
  return actions::LogLevel::Info;
}

}  // namespace

// What stage() made ready; apply() installs it.
struct Daemon::Staged {
  std::shared_ptr<const mapping::Config> config;
  std::shared_ptr<const mapping::MappingSet> set;
  plugin::LoaderSettings loader_settings;
  PluginSet::Prepared plugins;
  std::unique_ptr<midi::Backend> backend;  // a backend to switch to (null: keep the current one)
  std::string backend_error;               // no backend could be opened and none is open
  std::optional<midi::BackendChoice> backend_choice;
  // [logging] file, opened (null: none). Handed to the log by apply(); closed if never.
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> log_file{nullptr, &std::fclose};
};

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
  if (d->options_.input == DaemonOptions::Input::InProcess) d->backend_label_ = "in-process";

  // MIDI out: injected, print-only (the demo), or the backend's (opened by apply()).
  if (d->options_.midi_out) {
    a.midi_out = d->options_.midi_out;
  } else if (d->options_.print_only_midi_out || d->options_.input == DaemonOptions::Input::InProcess) {
    a.owned_midi_out = std::make_unique<PrintingMidiOut>();
    a.midi_out = a.owned_midi_out.get();
  } else {
    auto out = std::make_unique<BackendMidiOut>(nullptr, "not opened yet");
    a.backend_out = out.get();
    a.owned_midi_out = std::move(out);
    a.midi_out = a.owned_midi_out.get();
  }

  // The desktop: injected, or a switch apply() points at the config's choice.
  if (d->options_.desktop) {
    a.desktop = d->options_.desktop;
    a.desktop_label = "injected";
  } else {
    a.desktop_switch = std::make_unique<SwitchableDesktop>(std::make_shared<actions::PrintingDesktop>());
    a.desktop = a.desktop_switch.get();
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
  // The manager's own loader (PluginManager::load by name) searches the current config's
  // directories; the config's plugins themselves go through PluginSet.
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
  d->plugin_set_ = std::make_unique<PluginSet>(*d->plugins_, *a.host, settings);

  actions::ActionEnv env{a.modes, *a.midi_out, a.plugin_calls, *a.desktop, a.clock, a.action_log, a.sink};
  d->executor_ = std::make_unique<actions::Executor>(env, d->options_.executor);
  a.host->set_action_handler([self](std::string_view plugin, std::string_view json) {
    return self->submit_plugin_action(plugin, json);
  });

  std::vector<std::string> errors;
  std::unique_ptr<Staged> staged = d->stage(config, true, errors);
  if (!staged) {
    if (error) *error = join_lines(errors);
    return nullptr;
  }
  // The in-process input exists before the first apply, which sets its parser options.
  if (d->options_.input == DaemonOptions::Input::InProcess) {
    d->in_process_ = std::make_unique<midi::InProcessInput>(d->queue_, 0);
  }
  d->apply(*staged);
  d->processor_ = std::make_unique<mapping::EventProcessor>(d->set_, 0);
  return d;
}

plugin::LoaderSettings Daemon::loader_settings(const mapping::Config& config) const {
  return loader_settings_from_config(config, options_.xdg ? *options_.xdg : plugin::XdgDirs::from_environment(),
                                     options_.extra_plugin_dirs);
}

std::unique_ptr<Daemon::Staged> Daemon::stage(std::shared_ptr<const mapping::Config> config, bool at_start,
                                              std::vector<std::string>& errors) {
  auto staged = std::make_unique<Staged>();
  staged->config = config;
  staged->set = mapping::build_mapping_set(config);
  if (!staged->set) {
    errors.push_back(config->source + ": cannot build the mapping set");
    return nullptr;
  }

  // The MIDI backend, when the config asks for another one (or none is open yet).
  if (options_.input == DaemonOptions::Input::Devices && !options_.backend) {
    const midi::BackendChoice choice = backend_choice(*config);
    if (!backend_ || backend_choice_ != choice) {
      auto opened = open_backend(choice);
      if (opened) {
        staged->backend = std::move(opened.value());
        staged->backend_choice = choice;
      } else if (backend_) {
        // Switching would leave the daemon deaf: refuse, keep the backend that works.
        const mapping::SourceLocation& at = config->devices.front().where;
        errors.push_back(at.to_string() + ": MIDI backend '" + choice_name(choice) +
                         "' cannot be opened: " + opened.error());
      } else {
        staged->backend_error = opened.error();  // none before, none now: not the config's fault
      }
    }
  }

  // Plugins: new and changed ones are loaded now, installed by apply().
  staged->loader_settings = loader_settings(*config);
  staged->plugins = plugin_set_->prepare(*config, staged->loader_settings);
  if (!staged->plugins.ok()) {
    if (at_start) {  // nothing older to keep: run without them, as with a missing device
      for (const auto& e : staged->plugins.errors) {
        log_->log(actions::LogLevel::Error, e);
        bus_.publish(EventKind::Plugin, e, dump({{"loaded", false}, {"error", e}}));
      }
    } else {
      errors.insert(errors.end(), staged->plugins.errors.begin(), staged->plugins.errors.end());
    }
  }
  // [logging] file: opened now, so a file that cannot be written refuses the config
  // (at start, or a reload: the old log file stays).
  if (!config->logging.file.empty()) {
    const std::string path = resolve_log_path(config->logging.file, options_.config_path);
    std::string why;
    staged->log_file.reset(open_log_file(path, &why));
    if (!staged->log_file) {
      errors.push_back(config->logging.file_where.to_string() + ": [logging] file \"" + path +
                       "\" cannot be opened for appending: " + why);
    }
  }
  if (!errors.empty()) return nullptr;
  return staged;
}

void Daemon::apply(Staged& staged) {
  Adapters& a = *adapters_;
  const mapping::Config& config = *staged.config;

  // 1. The MIDI backend. The inputs go first (they use it), then the outputs move over.
  if (staged.backend) {
    install_backend(std::move(staged.backend), *staged.backend_choice, true);
  } else if (options_.backend && !backend_) {
    backend_ = options_.backend;
    set_backend_label(midi::backend_name(backend_->kind()));
    if (a.backend_out) a.backend_out->set_backend(backend_, {});
  } else if (!staged.backend_error.empty()) {
    backend_error_ = staged.backend_error;  // the retry logs a reason only when it changes
    set_backend_label("none: " + staged.backend_error);
    log_->log(actions::LogLevel::Error, "no MIDI backend: " + staged.backend_error);
    if (a.backend_out) a.backend_out->set_backend(nullptr, staged.backend_error);
  }

  // 2. The devices (once started: the first inputs open in start()), each parsing what
  // the triggers need (14-bit CC pairs).
  DeviceMap map = DeviceMap::identity();
  const midi::ParserOptions parser = mapping::parser_options_from_config(config);
  if (in_process_) in_process_->set_parser_options(parser);
  if (options_.input == DaemonOptions::Input::Devices) {
    if (started_flag_ && backend_) {
      std::lock_guard lock(inputs_mutex_);
      if (!inputs_) open_inputs();
      map = inputs_->apply(config.devices, parser);
    } else {
      map = DeviceMap({}, static_cast<uint16_t>(config.devices.size()));
    }
  }
  if (a.backend_out) a.backend_out->retain(ports_named(config));

  // 3. Plugins.
  {
    std::lock_guard lock(a.loader_mutex);
    a.loader = plugin::make_plugin_loader(staged.loader_settings, *a.host, nullptr);
  }
  for (const PluginChange& change : plugin_set_->commit(std::move(staged.plugins))) {
    const bool failed = change.kind == PluginChange::Kind::Failed;
    static const char* const kKinds[] = {"loaded", "reloaded", "unloaded", "failed"};
    log_->log(failed ? actions::LogLevel::Error : actions::LogLevel::Info, change.sentence);
    bus_.publish(EventKind::Plugin, change.sentence,
                 dump({{"plugin", change.plugin},
                       {"change", kKinds[static_cast<int>(change.kind)]},
                       {"loaded", change.kind == PluginChange::Kind::Loaded ||
                                      change.kind == PluginChange::Kind::Reloaded}}));
  }

  // 4. The desktop's input backend, the log level.
  if (a.desktop_switch && desktop_backend_ != config.desktop.input_backend) {
    choose_desktop_for(config.desktop.input_backend);
  }
  // The level applies to the standard log (a caller's own logger keeps its level: the
  // demo's shows warnings only); the file to any DaemonLog (not a test's recorder).
  if (!options_.logger) DaemonLog::standard().set_min_level(log_level_of(config.logging.level));
  if (auto* daemon_log = dynamic_cast<DaemonLog*>(log_)) daemon_log->set_file(staged.log_file.release());

  // 5. The config and its mapping set; the engine takes the set and the device map
  // together between two messages, keeping the mode of the same name.
  {
    std::lock_guard lock(config_mutex_);
    config_ = staged.config;
    set_ = staged.set;
  }
  if (processor_) {
    post([this, set = staged.set, map](mapping::EventProcessor& processor) {
      processor.replace_mappings(set);
      device_map_ = map;
      mode_ = processor.mode();
    });
  } else {
    device_map_ = map;  // create(): no engine yet
  }
}

void Daemon::choose_desktop_for(mapping::InputBackend backend) {
  Adapters& a = *adapters_;
#ifdef MIDIMON_HAVE_DESKTOP
  auto is_running = [](std::string_view name) { return desktop::is_app_running(name); };
  const bool have_desktop = true;
#else
  auto is_running = [](std::string_view) { return false; };
  const bool have_desktop = false;
#endif
  const char* display = std::getenv("DISPLAY");
  DesktopChoice choice = choose_desktop(backend, display && *display, access("/dev/uinput", W_OK) == 0);
  std::shared_ptr<actions::Desktop> next;
  if (options_.print_only_desktop || !have_desktop) {
    choice.system = false;
    choice.warning.clear();
    choice.label = options_.print_only_desktop ? "print-only" : "print-only (built without desktop support)";
  }
#ifdef MIDIMON_HAVE_DESKTOP
  if (choice.system) {
    actions::SystemDesktopOptions desktop_options;
    switch (backend) {
      case mapping::InputBackend::Auto: desktop_options.injector.backend = desktop::InjectorBackend::Auto; break;
      case mapping::InputBackend::X11: desktop_options.injector.backend = desktop::InjectorBackend::X11; break;
      case mapping::InputBackend::Uinput: desktop_options.injector.backend = desktop::InjectorBackend::Uinput; break;
    }
    desktop_options.focused = [&a]() -> std::optional<desktop::FocusedApp> {
      std::lock_guard lock(a.focus_mutex);
      if (!a.focus_watcher || !a.focus_watcher->failure().empty()) return std::nullopt;
      return a.focus_watcher->current();
    };
    auto system = std::make_shared<actions::SystemDesktop>(std::move(desktop_options));
    // uinput: open now, so the compositor has seen the device before the first key.
    if (choice.open_at_once) {
      actions::Outcome opened = system->open_injector();
      if (!opened.ok) log_->log(actions::LogLevel::Warn, "uinput not opened yet: " + opened.detail);
    }
    next = std::move(system);
  }
#endif
  if (!next) next = std::make_shared<actions::PrintingDesktop>(is_running);
  if (!choice.warning.empty()) log_->log(actions::LogLevel::Warn, choice.warning);
  a.desktop_switch->replace(std::move(next));
  std::string previous;
  {
    std::lock_guard lock(a.label_mutex);
    previous = std::exchange(a.desktop_label, choice.label);
  }
  if (!previous.empty()) log_->log(actions::LogLevel::Info, "desktop: " + choice.label + " (was " + previous + ")");
  desktop_backend_ = backend;
}

void Daemon::set_backend_label(std::string label, bool announce) {
  std::string previous;
  {
    std::lock_guard lock(adapters_->label_mutex);
    previous = std::exchange(backend_label_, label);
  }
  if (announce && !previous.empty() && previous != label) {
    log_->log(actions::LogLevel::Info, "MIDI backend is now " + label + " (was " + previous + ")");
  }
}

midi::Result<std::unique_ptr<midi::Backend>> Daemon::open_backend(midi::BackendChoice choice) {
  if (options_.open_backend) return options_.open_backend(choice);
  midi::BackendOptions backend_options;
  backend_options.log = [log = log_](midi::LogLevel level, std::string_view text) {
    log->log(detail::from_midi_level(level), text);
  };
  return midi::open_backend(choice, backend_options);
}

void Daemon::install_backend(std::unique_ptr<midi::Backend> backend, midi::BackendChoice choice,
                             bool announce) {
  Adapters& a = *adapters_;
  // The inputs go first (they use the old backend), then the outputs move over.
  std::unique_ptr<ConfiguredInputs> old_inputs;
  {
    std::lock_guard lock(inputs_mutex_);
    old_inputs = std::move(inputs_);
  }
  old_inputs.reset();
  if (a.backend_out) a.backend_out->set_backend(backend.get(), {});
  owned_backend_ = std::move(backend);
  backend_ = owned_backend_.get();
  backend_choice_ = choice;
  backend_error_.clear();
  set_backend_label(midi::backend_name(backend_->kind()), announce);
}

bool Daemon::backend_retry_wanted() const {
  return options_.input == DaemonOptions::Input::Devices && !options_.backend &&
         options_.backend_retry_interval.count() > 0;
}

namespace {
std::string duration_text(std::chrono::milliseconds d) {
  if (d.count() % 1000 == 0) return std::to_string(d.count() / 1000) + " s";
  return std::to_string(d.count()) + " ms";
}
}  // namespace

void Daemon::start_backend_retry() {
  log_->log(actions::LogLevel::Info, "MIDI backend: trying again every " +
                                         duration_text(options_.backend_retry_interval) + " until it opens");
  backend_retry_running_ = true;
  backend_retry_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "mm-backend");
    backend_retry_loop();
    backend_retry_running_ = false;
  });
}

// The retry thread: sleeps (stop() wakes it), opens the backend the current config asks
// for WITHOUT the reload lock (a JACK client open can take seconds on a loaded machine;
// reloads and stop() do not wait for it), then under the lock installs it as a reload
// would, unless the daemon is stopping or a reload opened a backend meanwhile.
void Daemon::backend_retry_loop() {
  std::chrono::milliseconds wait = std::max(options_.backend_retry_interval / 4, std::chrono::milliseconds(1));
  for (;;) {
    {
      std::unique_lock lock(retry_mutex_);
      if (retry_wake_.wait_for(lock, wait, [this] { return retry_stopping_; })) return;
    }
    wait = options_.backend_retry_interval;
    const midi::BackendChoice choice = backend_choice(*config());
    midi::Result<std::unique_ptr<midi::Backend>> opened = open_backend(choice);

    std::lock_guard serial(reload_mutex_);
    if (stopping_ || backend_) return;  // stopping, or a reload opened a backend meanwhile
    std::shared_ptr<const mapping::Config> cfg = config();
    if (!opened) {
      if (opened.error() != backend_error_) {  // no log line per attempt: only a new reason
        backend_error_ = opened.error();
        log_->log(actions::LogLevel::Warn, "still no MIDI backend: " + backend_error_ + " (trying again every " +
                                               duration_text(options_.backend_retry_interval) + ")");
        set_backend_label("none: " + backend_error_, false);
        if (adapters_->backend_out) adapters_->backend_out->set_backend(nullptr, backend_error_);
      }
      continue;
    }
    if (backend_choice(*cfg) != choice) continue;  // a reload asked for another one: open that
    install_backend(std::move(opened.value()), choice, false);
    const double after = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.1f", after);
    const std::string line = std::string("MIDI backend: ") + midi::backend_name(backend_->kind()) +
                             " (connected after " + seconds + " s)";
    log_->log(actions::LogLevel::Info, line);
    // The devices, as a reload with a newly opened backend opens them. The engine gets
    // the device map before the devices connect: their first message (a note played
    // the moment the backend is up) already needs it, and the engine runs the commands
    // posted before a message was queued before it handles that message.
    {
      std::lock_guard lock(inputs_mutex_);
      open_inputs();
      inputs_->apply(cfg->devices, mapping::parser_options_from_config(*cfg), [this](const DeviceMap& map) {
        post([this, map](mapping::EventProcessor&) { device_map_ = map; });
      });
    }
    if (adapters_->backend_out) adapters_->backend_out->retain(ports_named(*cfg));
    return;
  }
}

void Daemon::stop_backend_retry() {
  {
    std::lock_guard lock(retry_mutex_);
    retry_stopping_ = true;
  }
  retry_wake_.notify_all();
  if (backend_retry_.joinable()) backend_retry_.join();
}

void Daemon::open_inputs() {
  InputsOptions input_options;
  input_options.poll_interval = options_.device_poll_interval;
  input_options.log = [log = log_](midi::LogLevel level, std::string_view text) {
    log->log(detail::from_midi_level(level), text);
  };
  input_options.events = [this](const midi::DeviceEvent& event) { on_device_event(event); };
  inputs_ = std::make_unique<ConfiguredInputs>(*backend_, queue_, input_options);
  inputs_->start();
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
  auto refuse = [&](const std::string& error) {
    result.again = ticket.finish_error(error);
    log_->log(actions::LogLevel::Error, "reload failed, the previous config stays active: " + error);
    bus_.publish(EventKind::Reload, "reload failed: " + one_line(error),
                 dump({{"phase", "failed"}, {"errors", result.errors}}));
    return result;
  };
  mapping::LoadResult loaded = mapping::load_config(options_.config_path);
  for (const auto& e : loaded.errors) result.errors.push_back(e.to_string());
  for (const auto& w : loaded.warnings) {
    result.warnings.push_back(w.to_string());
    log_->log(actions::LogLevel::Warn, w.to_string());
  }
  if (!loaded.ok()) return refuse(join_diagnostics(loaded.errors));
  auto config = std::make_shared<const mapping::Config>(std::move(*loaded.config));
  std::unique_ptr<Staged> staged;
  if (!stopping_) staged = stage(config, false, result.errors);
  if (!staged) return refuse(stopping_ ? "the daemon is stopping" : join_lines(result.errors));
  if (!stopping_) apply(*staged);

  result.ok = true;
  result.mappings = staged->set->mapping_count();
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

}  // namespace midimon::daemon
