// The daemon: one object that composes everything (architecture.md, "Threads"):
//   MIDI inputs (RtMidi device inputs with hot-plug, or the in-process input) -> one
//   bounded queue -> the ENGINE thread (event processor + timers via its tick) -> matched
//   mappings -> the action executor (its own threads) -> desktop / MIDI out / plugins.
// Around it: the events bus, hot reload (inotify watcher + state machine), modes (by
// action, by control request, by the focused application through [[app_profiles]]) with
// on_enter actions (re-sent when a device reconnects), and status data.
//
// Threads that touch the event processor: only the engine thread. Everyone else (mode
// changes from actions or IPC, reloads) posts a command and wakes the engine.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "actions/action_env.h"
#include "actions/executor.h"
#include "daemon/app_profiles.h"
#include "daemon/configured_inputs.h"
#include "daemon/desktop_switch.h"
#include "daemon/event_bus.h"
#include "daemon/plugin_set.h"
#include "daemon/reload_state.h"
#include "mapping/config_model.h"
#include "mapping/event_processor.h"
#include "midi/backend.h"
#include "midi/input_queue.h"
#include "midi/input_stream.h"
#include "plugin/manager.h"
#include "plugin/plugin_paths.h"

namespace midimon::daemon {

struct DaemonOptions {
  std::string config_path;
  // Devices: RtMidi inputs from [[devices]]/[device] with hot-plug (backend auto, or the
  // first device's backend); without a device table, every MIDI source. InProcess: no
  // MIDI system at all; feed in_process_input().
  enum class Input : uint8_t { Devices, InProcess } input = Input::Devices;
  std::chrono::milliseconds device_poll_interval{250};  // hot-plug (configured_inputs.h)
  // While no MIDI backend is open (Input::Devices without an injected backend: JACK not
  // running yet, its client open timed out), the daemon tries to open it again this often,
  // the first time after a quarter of it, until it opens or the daemon stops. 0: never.
  std::chrono::milliseconds backend_retry_interval{1000};
  // Test seam: opens the backend the config asks for (at start, on reload, on a retry).
  // Default: midi::open_backend with the daemon's log.
  std::function<midi::Result<std::unique_ptr<midi::Backend>>(midi::BackendChoice)> open_backend;
  // Print-only desktop (the demo, or forced): actions that need a display say what they
  // would do. Otherwise the real desktop when $DISPLAY is set (or uinput exists), else
  // print-only with a warning.
  bool print_only_desktop = false;
  // Print-only MIDI out (the demo): SendMidi says which bytes it would send.
  bool print_only_midi_out = false;
  bool watch_config = true;          // inotify hot reload
  std::chrono::milliseconds reload_debounce{100};
  bool watch_focus = true;           // EWMH focus watcher when a display exists
  // Plugins: the demo gives grants in memory (MemoryPluginSettings) and its own XDG dirs
  // so nothing is written to the user's state; null = the user's grants file.
  plugin::PluginSettings* plugin_settings = nullptr;
  std::optional<plugin::XdgDirs> xdg;
  std::vector<std::string> extra_plugin_dirs;  // searched before the config's and defaults
  // Test seams: replace a part of the world (not owned; must outlive the daemon).
  midi::Backend* backend = nullptr;   // Input::Devices with this backend, whatever the config's
  actions::Desktop* desktop = nullptr;
  actions::MidiOut* midi_out = nullptr;
  actions::Logger* logger = nullptr;  // default: DaemonLog::standard()
  actions::ExecutorOptions executor{};
};

struct DeviceStatus {
  std::string name;
  std::string port;
  bool connected = false;
  bool is_virtual = false;
};

struct DaemonStatus {
  std::string mode;
  std::size_t mode_index = 0;
  std::vector<std::string> modes;
  std::string config_file;
  std::optional<std::chrono::system_clock::time_point> config_loaded_at;
  std::string last_reload_error;  // empty when the last reload succeeded
  ReloadPhase reload_phase = ReloadPhase::Idle;
  uint64_t reloads_ok = 0, reloads_failed = 0;
  std::chrono::steady_clock::duration uptime{};
  std::string input_backend;     // "jack", "alsa", "in-process", or "none: <why>"
  bool every_source = false;     // no device table: every MIDI source is listened to
  std::string desktop;           // "x11 (input_backend = auto)", "print-only (...)", "injected"
  std::vector<DeviceStatus> devices;
  std::size_t mappings = 0;
  uint64_t midi_in = 0, gestures = 0, matches = 0;
  uint64_t queue_overflows = 0;
  uint64_t actions_ok = 0, actions_failed = 0, jobs_dropped = 0;
  std::size_t plugins_loaded = 0;
  std::size_t event_subscribers = 0;
};

// A reload's result (also what `validate` returns, without the swap).
struct ReloadResult {
  bool ok = false;
  std::vector<std::string> errors;    // "file:line:column: sentence"
  std::vector<std::string> warnings;
  std::size_t mappings = 0;
  bool again = false;                 // another request arrived while loading
};

class Daemon {
 public:
  // Loads the config (errors: every diagnostic, one per line) and builds every part; no
  // thread runs yet.
  static std::unique_ptr<Daemon> create(DaemonOptions options, std::string* error);
  ~Daemon();  // stop()
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  // Starts the engine, the executor, the inputs, the watchers; runs the first mode's
  // on_enter actions.
  void start();
  // Idempotent. Stops the backend retry, inputs, watchers, the engine, the executor
  // (running Delays and Shell children are ended), closes MIDI ports and the X
  // connection, unloads plugins.
  void stop();

  // Reloads the config file now (SIGHUP, IPC, the watcher) and re-applies all of it: the
  // mapping set, the devices (unchanged ones stay connected), the MIDI backend, the
  // plugins (unchanged ones keep their instance), the desktop's input backend, the log
  // level. Everything that can fail is made ready first: a config with an error, a
  // plugin that cannot be loaded or a backend that cannot be opened changes nothing,
  // and the error is in status() and the log.
  ReloadResult reload();
  // Loads and checks a file without applying it.
  ReloadResult validate(const std::string& path) const;

  // Mode by name or index (IPC / actions). Runs the mode's on_enter actions.
  actions::Outcome set_mode(std::string_view name);
  actions::Outcome set_mode(std::size_t index);
  std::string mode_name() const;

  // The focused application changed (the EWMH watcher, or a test's fake source).
  void on_focus(const FocusInfo& focus);
  // A plugin's request_action (the plugin host has checked its grant): parsed with the
  // config's checks and queued like a mapping's actions. 0 queued, -28 not an action a
  // config could say, -6 the action queue is full, -52 shutting down.
  int32_t submit_plugin_action(std::string_view plugin, std::string_view action_json);
  // A device was plugged / unplugged (midi's hot-plug thread, or a test): a (re)connect
  // re-sends the current mode's on_enter actions (the controller's LEDs are reset).
  void on_device_event(const midi::DeviceEvent& event);

  DaemonStatus status() const;
  // True while the thread retrying to open the MIDI backend runs (none open yet); once
  // false it never calls the opener again. Lets tests wait on it instead of sleeping.
  bool backend_retry_running() const { return backend_retry_running_.load(); }
  EventBus& events() { return bus_; }
  plugin::PluginManager& plugins() { return *plugins_; }
  // The in-process input (Input::InProcess only; null otherwise).
  midi::InProcessInput* in_process_input() { return in_process_.get(); }
  // True once every queued message has been handled by the engine and no action is
  // queued or running (demo and tests); waits up to `timeout`.
  bool wait_idle(std::chrono::milliseconds timeout);
  // Learns the next gesture on any input (midimonctl learn): `done` is called once, from
  // the engine thread, with the TOML trigger line and a sentence, or with ok = false and
  // why ("no MIDI input within 30 s", "daemon stopping").
  using LearnDone = std::function<void(bool ok, std::string trigger, std::string explanation)>;
  void learn(std::chrono::milliseconds timeout, LearnDone done);
  // The executor's counters (the demo's summary).
  actions::ExecutorStats executor_stats() const;
  std::shared_ptr<const mapping::Config> config() const;

 private:
  struct Adapters;
  struct Learner;
  struct Staged;
  explicit Daemon(DaemonOptions options);

  // A config made ready to apply (the mapping set built, new plugins loaded, a new MIDI
  // backend opened), changing nothing yet; `errors` say why it cannot be applied.
  std::unique_ptr<Staged> stage(std::shared_ptr<const mapping::Config> config, bool at_start,
                                std::vector<std::string>& errors);
  // Applies a staged config: backend, devices, plugins, desktop, log level, then the
  // mapping set (with the device map) on the engine thread. Cannot fail.
  void apply(Staged& staged);
  plugin::LoaderSettings loader_settings(const mapping::Config& config) const;
  void open_inputs();  // ConfiguredInputs on backend_, its thread started (inputs_mutex_ held)
  midi::Result<std::unique_ptr<midi::Backend>> open_backend(midi::BackendChoice choice);
  // Makes `backend` the daemon's (reload_mutex_ held, or create()): the old inputs close,
  // the outputs move over, the label changes (logged unless `announce` is false).
  void install_backend(std::unique_ptr<midi::Backend> backend, midi::BackendChoice choice, bool announce);
  // The backend retry (daemon_config.cpp): started by start() when no backend is open.
  bool backend_retry_wanted() const;
  void start_backend_retry();
  void backend_retry_loop();
  void stop_backend_retry();
  // Points the desktop switch at the desktop [desktop] input_backend asks for.
  void choose_desktop_for(mapping::InputBackend backend);
  void set_backend_label(std::string label, bool announce = true);  // logs a change
  void engine_loop();
  void handle_events(mapping::Events& events);
  void post(std::function<void(mapping::EventProcessor&)> command);
  // Engine thread: learners get every message and tick; the earliest learner deadline.
  void feed_learners(const midi::Message* message, std::chrono::steady_clock::time_point now);
  std::optional<std::chrono::steady_clock::time_point> learner_deadline();
  void enter_mode(std::size_t index, const char* why);
  void submit_on_enter(std::size_t index, const char* why);

  DaemonOptions options_;
  actions::Logger* log_;
  EventBus bus_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::chrono::system_clock::time_point first_loaded_at_ = std::chrono::system_clock::now();

  // Config + mapping set. Swapped as a whole under config_mutex_; the engine gets the
  // new MappingSet through a command.
  mutable std::mutex config_mutex_;
  std::shared_ptr<const mapping::Config> config_;
  std::shared_ptr<const mapping::MappingSet> set_;
  ReloadStateMachine reload_;
  std::mutex reload_mutex_;  // one load at a time (the machine reports the overlap)

  std::unique_ptr<Adapters> adapters_;
  std::unique_ptr<plugin::PluginSettings> owned_plugin_settings_;
  std::unique_ptr<plugin::PluginManager> plugins_;
  std::unique_ptr<actions::Executor> executor_;

  midi::InputQueue queue_{4096};
  std::unique_ptr<midi::Backend> owned_backend_;
  midi::Backend* backend_ = nullptr;  // owned_backend_ or the injected one; null: none
  std::optional<midi::BackendChoice> backend_choice_;  // what backend_ was opened for
  std::string backend_label_;  // under Adapters::label_mutex
  mutable std::mutex inputs_mutex_;           // guards the inputs_ pointer (status reads it)
  std::unique_ptr<ConfiguredInputs> inputs_;
  std::unique_ptr<midi::InProcessInput> in_process_;
  std::string backend_error_;  // why no backend is open (reload_mutex_ or create())
  std::mutex retry_mutex_;     // the retry's sleep; stop() wakes it
  std::condition_variable retry_wake_;
  bool retry_stopping_ = false;
  std::thread backend_retry_;
  std::atomic<bool> backend_retry_running_{false};  // from start_backend_retry() to the loop's end
  std::unique_ptr<PluginSet> plugin_set_;     // reload only
  std::optional<mapping::InputBackend> desktop_backend_;  // what the owned desktop was made for

  std::unique_ptr<mapping::EventProcessor> processor_;  // engine thread only after start()
  DeviceMap device_map_ = DeviceMap::identity();        // engine thread only after start()
  std::atomic<std::size_t> mode_{0};
  std::mutex command_mutex_;
  std::vector<std::function<void(mapping::EventProcessor&)>> commands_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> started_flag_{false};
  std::thread engine_;
  std::atomic<uint64_t> handled_{0};  // messages the engine finished with

  std::mutex focus_mutex_;
  AppProfileSwitcher profiles_;

  std::mutex learn_mutex_;
  std::vector<std::unique_ptr<Learner>> learners_;
  std::atomic<bool> learning_{false};

  std::atomic<uint64_t> midi_in_{0}, gestures_{0}, matches_{0};
  std::once_flag stop_once_;
};

}  // namespace midimon::daemon
