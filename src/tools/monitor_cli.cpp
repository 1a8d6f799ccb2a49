// `midimon monitor` and `midimon learn`: wiring only. The inputs come from src/midi
// (a backend's ports by name, a virtual port, or a MIDI file replayed in-process); the
// lines come from src/mapping (MonitorSession, LearnSession).
#include <csignal>
#include <cstdio>
#include <iostream>
#include <mutex>
#include <thread>

#include "mapping/config_loader.h"
#include "mapping/learn_session.h"
#include "mapping/mapping_set_from_config.h"
#include "mapping/parser_options_from_config.h"
#include "mapping/monitor_session.h"
#include "midi/device_inputs.h"
#include "midi/rtmidi_backend.h"
#include "midi/smf_player.h"
#include "tools/command_group.h"
#include "tools/wasm_commands.h"  // kExitOk, kExitInvalid

namespace midimon::tools {

namespace {

std::atomic<bool> g_stop{false};
extern "C" void on_stop_signal(int) { g_stop.store(true); }

std::mutex g_print_mutex;
void print_line(const std::string& line) {
  std::lock_guard lock(g_print_mutex);
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);  // a pipe reader (or a test) sees each line as it happens
}
void print_error(const std::string& line) {
  std::lock_guard lock(g_print_mutex);
  std::fprintf(stderr, "%s\n", line.c_str());
}

struct InputArgs {
  std::string device;
  std::string backend = "auto";
  std::string replay;
  double speed = 1.0;
  std::string config;
};

// Every way messages come in, feeding one queue. Stops its threads when destroyed.
struct Inputs {
  midi::InputQueue queue{4096};
  std::unique_ptr<midi::Backend> backend;
  std::unique_ptr<midi::DeviceInputs> devices;
  std::unique_ptr<midi::InProcessInput> replay_input;
  std::thread replay_thread;
  std::atomic<bool> replay_stop{false};
  std::atomic<bool> replay_done{false};
  std::vector<std::string> names;  // by device index

  ~Inputs() {
    replay_stop = true;
    if (replay_thread.joinable()) replay_thread.join();
    devices.reset();
  }
  bool replaying() const { return replay_input != nullptr; }
};

// Opens the inputs; on failure prints why and returns the exit code (0 = opened).
int open_inputs(Inputs& in, const InputArgs& args, const mapping::Config* config, const char* client) {
  // What the config's triggers need the parsers to assemble (14-bit CC pairs).
  const midi::ParserOptions parser = config ? mapping::parser_options_from_config(*config) : midi::ParserOptions{};
  if (!args.replay.empty()) {
    auto file = midi::read_smf_file(args.replay);
    if (!file) {
      print_error("midimon: " + file.error());
      return kExitInvalid;
    }
    if (!(args.speed > 0)) {
      print_error("midimon: --speed must be greater than 0");
      return kExitInvalid;
    }
    in.names = {"replay"};
    in.replay_input = std::make_unique<midi::InProcessInput>(in.queue, 0, parser);
    in.replay_thread = std::thread([&in, smf = std::move(*file), speed = args.speed] {
      midi::SteadyReplayClock clock;
      midi::ReplayOptions options;
      options.speed = speed;
      options.stop = &in.replay_stop;
      auto report = midi::replay(smf, *in.replay_input, clock, options);
      if (!report) print_error("midimon: replay: " + report.error());
      in.replay_done = true;
    });
    return 0;
  }

  auto choice = midi::parse_backend_choice(args.backend);
  if (!choice) {
    print_error("midimon: --backend must be auto, jack or alsa, not '" + args.backend + "'");
    return kExitInvalid;
  }
  midi::BackendOptions backend_options;
  backend_options.client_name = client;
  auto backend = midi::open_backend(*choice, backend_options);
  if (!backend) {
    print_error("midimon: " + backend.error());
    return 1;
  }
  in.backend = std::move(*backend);
  midi::DeviceInputsOptions options;
  options.log = [](midi::LogLevel level, std::string_view text) {
    if (level != midi::LogLevel::Debug)
      print_error(std::string("midimon: ") + midi::log_level_name(level) + ": " + std::string(text));
  };
  // Connects, disconnects and missing devices are logged at info/warning level above.
  in.devices = std::make_unique<midi::DeviceInputs>(*in.backend, in.queue, options);
  auto add = [&](midi::DeviceSpec spec) -> bool {
    in.names.push_back(spec.name);
    auto added = in.devices->add_device(std::move(spec));
    if (!added) print_error("midimon: " + added.error());
    return bool(added);
  };
  if (!args.device.empty()) {
    // --device stands for the config's first device (index 0) as far as trigger
    // `device` filters are concerned.
    midi::DeviceSpec spec;
    spec.name = args.device;
    spec.pattern = args.device;
    spec.parser = parser;
    if (!add(std::move(spec))) return kExitInvalid;
  } else if (config && !config->devices.empty()) {
    for (const mapping::DeviceConfig& d : config->devices) {
      midi::DeviceSpec spec;
      spec.name = d.name;
      spec.pattern = d.port.empty() ? d.name : d.port;
      spec.parser = parser;
      spec.match = d.match == mapping::DeviceMatch::Exact   ? midi::MatchKind::Exact
                   : d.match == mapping::DeviceMatch::Regex ? midi::MatchKind::Regex
                                                            : midi::MatchKind::Substring;
      if (!add(std::move(spec))) return kExitInvalid;
    }
  } else {
    // Nothing named: a port of our own that any source can be connected to.
    auto port = in.devices->add_virtual_input("in", parser);
    if (!port) {
      print_error("midimon: " + port.error());
      return 1;
    }
    in.names.push_back("in");
    print_error(std::string("midimon: no device given; listening on the virtual port '") + client + ":in'");
  }
  in.devices->start();
  return 0;
}

// The config (if any) as a MappingSet; nullptr with the errors printed.
std::shared_ptr<const mapping::Config> load(const std::string& path, int& exit_code) {
  exit_code = 0;
  if (path.empty()) return std::make_shared<const mapping::Config>();
  mapping::LoadResult result = mapping::load_config(path);
  for (const auto& w : result.warnings) print_error(w.to_string() + " (warning)");
  if (!result.ok()) {
    for (const auto& e : result.errors) print_error(e.to_string());
    exit_code = kExitInvalid;
    return nullptr;
  }
  return std::make_shared<const mapping::Config>(std::move(*result.config));
}

void install_signal_handlers() {
  g_stop = false;
  std::signal(SIGINT, on_stop_signal);
  std::signal(SIGTERM, on_stop_signal);
}

struct MonitorArgs : InputArgs {
  double duration = 0;  // seconds; 0 = until interrupted (or the replay ends)
  bool show_clock = false;
  bool no_follow = false;
};

int run_monitor(const MonitorArgs& args) {
  int code = 0;
  auto config = load(args.config, code);
  if (!config) return code;
  install_signal_handlers();
  Inputs inputs;
  if ((code = open_inputs(inputs, args, args.config.empty() ? nullptr : config.get(), "midimon-monitor")))
    return code;
  mapping::SteadyClock clock;
  mapping::MonitorOptions options;
  options.follow_mode_changes = !args.no_follow;
  options.show_clock = args.show_clock;
  options.device_names = inputs.names;
  mapping::MonitorSession session(mapping::build_mapping_set(config), clock.now(), options);
  print_line("# midimon monitor: " + session.summary());
  const auto end = args.duration > 0
                       ? clock.now() + std::chrono::duration_cast<mapping::Duration>(std::chrono::duration<double>(args.duration))
                       : mapping::TimePoint::max();
  std::atomic<bool> stop_loop{false};
  std::thread watchdog([&] {  // turns the signal flag and --duration into the loop's stop
    while (!stop_loop && !g_stop && clock.now() < end) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    stop_loop = true;
  });
  mapping::run_monitor_loop(
      inputs.queue, session, clock, stop_loop,
      [&] { return inputs.replaying() && inputs.replay_done.load(); }, print_line);
  stop_loop = true;
  watchdog.join();
  return kExitOk;
}

struct LearnArgs : InputArgs {
  double timeout = 0;  // seconds; 0 = wait until interrupted
};

int run_learn(const LearnArgs& args) {
  int code = 0;
  auto config = load(args.config, code);
  if (!config) return code;
  install_signal_handlers();
  Inputs inputs;
  if ((code = open_inputs(inputs, args, nullptr, "midimon-learn"))) return code;
  mapping::LearnTimings timings;
  if (!args.config.empty()) {
    timings.chord_timeout_ms = config->advanced.chord_timeout_ms;
    timings.double_tap_timeout_ms = config->advanced.double_tap_timeout_ms;
    timings.hold_threshold_ms = config->advanced.hold_threshold_ms;
  }
  mapping::LearnSession session(timings);
  mapping::SteadyClock clock;
  const auto end = args.timeout > 0
                       ? clock.now() + std::chrono::duration_cast<mapping::Duration>(std::chrono::duration<double>(args.timeout))
                       : mapping::TimePoint::max();
  print_error("midimon: waiting for a gesture (press, hold, tap twice, play a chord, turn a knob...)");
  while (!g_stop && !session.done()) {
    if (clock.now() >= end) {
      print_error("midimon: no gesture within " + std::to_string(args.timeout) + " s");
      return 1;
    }
    if (inputs.replaying() && inputs.replay_done && !session.next_deadline()) {
      // The file ended: settle what is pending as if time went on.
      session.tick(mapping::TimePoint::max() - std::chrono::hours(24 * 365));
      if (!session.done()) break;
    }
    mapping::TimePoint deadline = std::min(clock.now() + mapping::Millis(100), end);
    if (auto due = session.next_deadline(); due && *due < deadline) deadline = *due;
    if (auto m = inputs.queue.wait_pop(deadline)) {
      session.feed(*m);
    } else {
      session.tick(clock.now());
    }
  }
  if (!session.done()) {
    print_error("midimon: stopped before a gesture was recognised");
    return 1;
  }
  print_error("midimon: learnt " + session.explanation());
  print_line(session.trigger_line());
  return kExitOk;
}

void add_input_options(CLI::App* cmd, InputArgs& a) {
  cmd->add_option("--device", a.device, "Input port name (substring) to read from");
  cmd->add_option("--backend", a.backend, "MIDI backend: auto, jack or alsa")->capture_default_str();
  cmd->add_option("--replay", a.replay, "Replay a Standard MIDI File instead of reading ports");
  cmd->add_option("--speed", a.speed, "Replay speed factor (2 = twice as fast)")->capture_default_str();
}

}  // namespace

void add_monitor_commands(CLI::App& app, Commands& commands) {
  auto monitor_args = std::make_shared<MonitorArgs>();
  CLI::App* monitor = app.add_subcommand(
      "monitor", "Print incoming MIDI, the gestures recognised and the mappings they would fire");
  add_input_options(monitor, *monitor_args);
  monitor->add_option("--config", monitor_args->config, "Config file whose mappings to show");
  monitor->add_option("--duration", monitor_args->duration, "Stop after this many seconds");
  monitor->add_flag("--show-clock", monitor_args->show_clock, "Also print MIDI clock and active sensing");
  monitor->add_flag("--no-follow-modes", monitor_args->no_follow, "Do not switch modes on ModeChange mappings");
  commands.push_back({monitor, [monitor_args] { return run_monitor(*monitor_args); }});

  auto learn_args = std::make_shared<LearnArgs>();
  CLI::App* learn = app.add_subcommand("learn", "Wait for the next gesture and print its TOML trigger line");
  add_input_options(learn, *learn_args);
  learn->add_option("--config", learn_args->config, "Config file whose [advanced_settings] timings to use");
  learn->add_option("--timeout", learn_args->timeout, "Give up after this many seconds (exit 1)");
  commands.push_back({learn, [learn_args] { return run_learn(*learn_args); }});
}

}  // namespace midimon::tools
