#include "daemon/demo.h"

#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>

#include "daemon/crash_report.h"
#include "daemon/daemon.h"
#include "daemon/daemon_log.h"
#include "daemon/daemon_services.h"
#include "midi/smf_reader.h"

#ifndef MIDIMON_DEMO_DATA_DIR
#define MIDIMON_DEMO_DATA_DIR ""
#endif
#ifndef MIDIMON_DEMO_PLUGIN_DIR
#define MIDIMON_DEMO_PLUGIN_DIR ""
#endif
#ifndef MIDIMON_INSTALLED_DATA_DIR
#define MIDIMON_INSTALLED_DATA_DIR "/usr/local/share/midimon/demo"
#endif
#ifndef MIDIMON_INSTALLED_PLUGIN_DIR
#define MIDIMON_INSTALLED_PLUGIN_DIR "/usr/local/lib/midimon/plugins"
#endif

namespace midimon::daemon {
namespace fs = std::filesystem;
namespace {

std::string first_existing(std::initializer_list<const char*> candidates, const char* probe) {
  std::error_code ec;
  for (const char* dir : candidates) {
    if (*dir && fs::exists(fs::path(dir) / probe, ec)) return dir;
  }
  return {};
}

// The stage column of each event kind, so the output reads as the pipeline.
const char* stage_label(EventKind kind) {
  switch (kind) {
    case EventKind::MidiIn: return "MIDI    ";
    case EventKind::Gesture: return "  gesture";
    case EventKind::Mapping: return "    mapping";
    case EventKind::Action: return "      action";
    case EventKind::Plugin: return "      plugin";
    case EventKind::Mode: return "  mode   ";
    case EventKind::Device: return "device  ";
    case EventKind::Reload: return "reload  ";
    case EventKind::Log: return "        log";
  }
  return "?";
}

class TempDir {
 public:
  TempDir() {
    std::string templ = (fs::temp_directory_path() / "midimon-demo-XXXXXX").string();
    if (mkdtemp(templ.data())) path_ = templ;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

}  // namespace

std::string demo_data_dir() {
  return first_existing({MIDIMON_DEMO_DATA_DIR, MIDIMON_INSTALLED_DATA_DIR}, "config.toml");
}

std::string demo_plugin_dir() {
  return first_existing({MIDIMON_DEMO_PLUGIN_DIR, MIDIMON_INSTALLED_PLUGIN_DIR}, "minimal/plugin.toml");
}

int run_demo(const DemoOptions& options) {
  install_crash_report(STDERR_FILENO);  // a fault says where before the demo dies
  std::FILE* out = options.out;
  std::string data_dir = demo_data_dir();
  std::string config_path = options.config_path.empty() && !data_dir.empty()
                                ? (fs::path(data_dir) / "config.toml").string()
                                : options.config_path;
  std::string midi_path = options.midi_path.empty() && !data_dir.empty()
                              ? (fs::path(data_dir) / "performance.mid").string()
                              : options.midi_path;
  std::string plugin_dir = options.plugin_dir.empty() ? demo_plugin_dir() : options.plugin_dir;
  if (config_path.empty() || midi_path.empty()) {
    std::fprintf(stderr, "midimon demo: the bundled demo files are missing (looked in %s and %s)\n",
                 MIDIMON_DEMO_DATA_DIR, MIDIMON_INSTALLED_DATA_DIR);
    return 1;
  }
  auto performance = midi::read_smf_file(midi_path);
  if (!performance) {
    std::fprintf(stderr, "midimon demo: %s\n", performance.error().c_str());
    return 1;
  }
  TempDir temp;
  if (temp.path().empty()) {
    std::fprintf(stderr, "midimon demo: cannot create a temporary directory\n");
    return 1;
  }

  // Grants for the demo only, never persisted.
  MemoryPluginSettings grants;
  {
    plugin::CapabilitySet fs_grant, midi_grant;
    fs_grant.add(plugin::Capability::Filesystem);
    midi_grant.add(plugin::Capability::Midi);
    (void)grants.set_grants("notes-to-file", fs_grant);
    (void)grants.set_grants("midi-echo", midi_grant);
  }
  plugin::XdgDirs xdg;
  xdg.data_home = temp.path() / "data";
  xdg.config_home = temp.path() / "config";
  xdg.state_home = temp.path() / "state";
  for (const auto& dir : {xdg.data_home, xdg.config_home, xdg.state_home}) fs::create_directories(dir);

  // Warnings and errors of the daemon itself go to stderr; the story goes to `out`.
  DaemonLog log(stderr, actions::LogLevel::Warn);
  DaemonOptions daemon_options;
  daemon_options.config_path = config_path;
  daemon_options.input = DaemonOptions::Input::InProcess;
  daemon_options.print_only_desktop = true;
  daemon_options.print_only_midi_out = true;
  daemon_options.watch_config = false;
  daemon_options.watch_focus = false;
  daemon_options.plugin_settings = &grants;
  daemon_options.xdg = xdg;
  if (!plugin_dir.empty()) daemon_options.extra_plugin_dirs.push_back(plugin_dir);
  daemon_options.logger = &log;

  std::fprintf(out, "midimon demo: the daemon's pipeline on a built-in performance\n");
  std::fprintf(out, "  config:      %s\n", config_path.c_str());
  std::fprintf(out, "  performance: %s (%zu events, %.1f s%s)\n", midi_path.c_str(),
               performance->events.size(),
               std::chrono::duration<double>(performance->duration).count(),
               options.fast ? ", played as fast as it is handled" : "");
  std::fprintf(out, "  plugins:     %s\n", plugin_dir.empty() ? "(not found)" : plugin_dir.c_str());
  std::fprintf(out, "  no MIDI hardware, MIDI server or display is used: desktop actions and SendMidi\n"
                    "  print what they would do; Shell and the plugins really run.\n\n");
  std::fflush(out);

  std::string error;
  std::unique_ptr<Daemon> daemon = Daemon::create(daemon_options, &error);
  if (!daemon) {
    std::fprintf(stderr, "midimon demo: the demo config does not load:\n%s\n", error.c_str());
    return 1;
  }
  auto subscription = daemon->events().subscribe(1 << 16);
  std::map<EventKind, uint64_t> counts;
  std::thread printer([&] {
    while (auto event = subscription->pop(std::chrono::hours(1))) {
      ++counts[event->kind];
      std::string_view text = event->text;
      // Plugin lines say "plugin NAME: ..." already; the column says "plugin" too.
      if (event->kind == EventKind::Plugin && text.starts_with("plugin ")) text.remove_prefix(7);
      std::fprintf(out, "%s %.*s\n", stage_label(event->kind), static_cast<int>(text.size()), text.data());
      std::fflush(out);
    }
  });

  daemon->start();
  daemon->wait_idle(std::chrono::seconds(5));
  midi::InProcessInput& input = *daemon->in_process_input();
  const auto start = std::chrono::steady_clock::now();
  for (const midi::SmfEvent& event : performance->events) {
    if (event.kind == midi::SmfEvent::Kind::Meta) continue;
    const auto when = start + event.time;
    if (!options.fast) std::this_thread::sleep_until(when);
    // Stamped with the file's time in both modes: gesture timing is the performance's.
    input.send_bytes_at(event.bytes.data(), event.bytes.size(), when);
    daemon->wait_idle(std::chrono::seconds(10));
  }
  daemon->wait_idle(std::chrono::seconds(10));
  const auto elapsed = std::chrono::steady_clock::now() - start;

  DaemonStatus status = daemon->status();
  actions::ExecutorStats stats = daemon->executor_stats();
  std::vector<plugin::PluginInfo> plugins = daemon->plugins().list();
  daemon->stop();  // closes the subscription: the printer drains and ends
  printer.join();

  std::fprintf(out, "\nsummary\n");
  std::fprintf(out, "  played in %.1f s: %llu MIDI messages, %llu gestures, %llu mappings matched\n",
               std::chrono::duration<double>(elapsed).count(),
               static_cast<unsigned long long>(status.midi_in),
               static_cast<unsigned long long>(status.gestures),
               static_cast<unsigned long long>(status.matches));
  std::fprintf(out, "  actions: %llu ok, %llu failed; jobs: %llu run, %llu dropped\n",
               static_cast<unsigned long long>(stats.actions_ok),
               static_cast<unsigned long long>(stats.actions_failed),
               static_cast<unsigned long long>(stats.completed),
               static_cast<unsigned long long>(stats.dropped));
  std::fprintf(out, "  final mode: %s (modes: %zu)\n", status.mode.c_str(), status.modes.size());
  for (const auto& p : plugins) {
    std::fprintf(out, "  plugin %-14s calls %llu, failures %llu (grants: %s)\n", p.name.c_str(),
                 static_cast<unsigned long long>(p.stats.calls),
                 static_cast<unsigned long long>(p.stats.failures), p.grants.to_string().c_str());
  }
  fs::path notes = xdg.data_home / "midimon" / "plugin-data" / "notes-to-file" / "notes.txt";
  std::ifstream notes_in(notes);
  if (notes_in) {
    std::stringstream text;
    text << notes_in.rdbuf();
    std::fprintf(out, "  notes-to-file wrote %s:\n", notes.string().c_str());
    std::istringstream lines(text.str());
    for (std::string line; std::getline(lines, line);) std::fprintf(out, "    | %s\n", line.c_str());
    std::fprintf(out, "  (the demo's temporary directory is removed now)\n");
  } else {
    std::fprintf(out, "  notes-to-file wrote nothing (%s is missing)\n", notes.string().c_str());
  }
  std::fflush(out);
  return stats.actions_failed == 0 ? 0 : 1;
}

}  // namespace midimon::daemon
