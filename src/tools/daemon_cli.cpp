// `midimon run` and `midimon demo`: parse, then call the daemon library (src/daemon/).
#include <memory>
#include <string>

#include "daemon/demo.h"
#include "daemon/run_daemon.h"
#include "tools/command_group.h"

namespace midimon::tools {

void add_daemon_commands(CLI::App& app, Commands& commands) {
  auto run_options = std::make_shared<daemon::RunOptions>();
  auto no_watch = std::make_shared<bool>(false);
  CLI::App* run = app.add_subcommand(
      "run",
      "Run the daemon in the foreground: MIDI in, mappings, actions; logs to stderr. "
      "SIGTERM/SIGINT stop it, SIGHUP reloads the config (so does saving the file)");
  run->add_option("--config", run_options->config_path,
                  "Config file (default: $XDG_CONFIG_HOME/midimon/config.toml)");
  run->add_option("--socket", run_options->socket_path,
                  "Control socket (default: $XDG_RUNTIME_DIR/midimon/midimon.sock)");
  run->add_flag("--no-watch", *no_watch, "Do not reload when the config file changes");
  run->add_flag("--print-only", run_options->print_only_desktop,
                "Desktop actions (keys, text, mouse, volume, launch) only print what they would do");
  commands.push_back({run, [run_options, no_watch] {
                        run_options->watch_config = !*no_watch;
                        return daemon::run_daemon(*run_options);
                      }});

  auto demo_options = std::make_shared<daemon::DemoOptions>();
  CLI::App* demo = app.add_subcommand(
      "demo",
      "Play a built-in performance through the real daemon pipeline and print each step "
      "(no MIDI hardware, MIDI server or display needed)");
  demo->add_flag("--fast", demo_options->fast,
                 "Do not wait for the performance's timing (gestures still see it)");
  demo->add_option("--config", demo_options->config_path, "Another config to play against");
  demo->add_option("--midi", demo_options->midi_path, "Another Standard MIDI File to play");
  demo->add_option("--plugin-dir", demo_options->plugin_dir,
                   "Where the example plugins are (default: the build tree's, then the installed ones)");
  commands.push_back({demo, [demo_options] { return daemon::run_demo(*demo_options); }});
}

}  // namespace midimon::tools
