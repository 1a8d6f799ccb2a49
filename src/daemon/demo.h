// `midimon demo`: the real daemon pipeline (Daemon, same composition as `midimon run`)
// with the in-process input instead of RtMidi, a print-only desktop and a print-only MIDI
// out, playing a bundled performance (data/demo/performance.mid) against a bundled
// config (data/demo/config.toml) and printing each step as it happens:
//   MIDI event -> gesture -> mapping -> action -> result
// then a summary. Needs no MIDI hardware, no MIDI server and no X server.
//
// Plugins: the example plugins are looked up in the build tree's plugins/ directory
// (MIDIMON_DEMO_PLUGIN_DIR, set at build time), then the installed one. Their grants
// (filesystem for notes-to-file, midi for midi-echo) are given in memory for the demo
// only; the plugins' data and state live in a temporary directory that is removed at the
// end, so nothing of the user's is read or written.
//
// Timing: each event is stamped with its time in the file (so long presses, double taps
// and chord windows are recognised exactly as at real speed). Real timing (default) waits
// for each event (about 12 s); --fast sends the next event as soon as the previous one
// has been handled and its actions have finished.
#pragma once

#include <cstdio>
#include <string>

namespace midimon::daemon {

struct DemoOptions {
  bool fast = false;
  std::string config_path;  // empty: the bundled config
  std::string midi_path;    // empty: the bundled performance
  std::string plugin_dir;   // empty: the build tree's, then the installed one
  std::FILE* out = stdout;
};

// Where the bundled files are: the source tree's data/demo when it exists, else the
// installed share/midimon/demo. Empty when neither exists.
std::string demo_data_dir();
std::string demo_plugin_dir();

// 0 when the performance played and every action ran (failed actions are reported and
// counted, and make the exit code 1); 1 when the demo could not start (files missing).
int run_demo(const DemoOptions& options);

}  // namespace midimon::daemon
