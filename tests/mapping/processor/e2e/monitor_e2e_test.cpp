// End to end: `midimon monitor` on a JACK input (a private jackd with the dummy driver,
// started by the test), fed by jack_midiseq (Debian's jackd2 example client, not ours),
// shows the notes and the gestures of the config's mappings. The JACK server and child
// process helpers are midi-io's (tests/midi/e2e). Every wait has a deadline; every
// process is stopped by PID.
#include <gtest/gtest.h>

#include <fcntl.h>  // child_process.h uses O_* without including it

#include <fstream>
#include <sstream>

#include "child_process.h"
#include "jack_server.h"

namespace midimon::mapping::e2e {
namespace {

using midi::e2e::ChildProcess;
using midi::e2e::JackServer;
using namespace std::chrono_literals;

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Waits until every needle is in the file, or the deadline.
bool wait_for_all(const std::string& path, const std::vector<std::string>& needles,
                  std::chrono::steady_clock::duration timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    const std::string text = read_file(path);
    bool all = true;
    for (const auto& n : needles) all = all && text.find(n) != std::string::npos;
    if (all) return true;
    std::this_thread::sleep_for(20ms);
  }
  return false;
}

TEST(MonitorJackE2E, JackMidiseqNotesAndGesturesAppearInMonitorOutput) {
  JackServer server;
  ASSERT_TRUE(server.ready()) << "jackd (Debian package jackd2) did not start:\n" << server.log();
  const std::string base = "/tmp/" + server.name();
  const std::string config_path = base + "-monitor.toml";
  const std::string output_path = base + "-monitor.out";
  std::remove(output_path.c_str());
  {
    // jack_midiseq below loops every 0.5 s: note 60 held ~167 ms, note 63 half-way.
    std::ofstream config(config_path);
    config << R"([[modes]]
name = "Default"

[[modes.mappings]]
description = "hold sixty"
trigger = { type = "LongPress", note = 60, duration_ms = 100 }
action = { type = "Text", text = "held" }

[[modes.mappings]]
description = "twice"
trigger = { type = "DoubleTap", note = 63, timeout_ms = 700 }
action = { type = "Text", text = "double" }
)";
  }
  ChildProcess monitor({MIDIMON_CLI, "monitor", "--config", config_path, "--backend", "jack",
                        "--device", "e2eseq:out", "--duration", "60"},
                       output_path);
  ASSERT_TRUE(monitor.started());
  ASSERT_TRUE(wait_for_all(output_path, {"# midimon monitor: 1 mode, 2 mappings"}, 20s)) << read_file(output_path);
  ChildProcess seq({"jack_midiseq", "e2eseq", "24000", "0", "60", "8000", "12000", "63", "8000"}, "/dev/null");
  ASSERT_TRUE(seq.started());
  const bool seen = wait_for_all(output_path,
                                 {"NoteOn ch=1 note=60 vel=", "NoteOff ch=1 note=60", "NoteOn ch=1 note=63",
                                  "gesture LongPress ch=1 note=60 held=100ms", "\"hold sixty\"",
                                  "gesture DoubleTap ch=1 note=63", "\"twice\""},
                                 20s);
  EXPECT_TRUE(seen) << read_file(output_path);
  seq.stop();
  monitor.stop();  // SIGTERM: monitor ends its loop and exits 0
  EXPECT_TRUE(WIFEXITED(monitor.exit_status()) && WEXITSTATUS(monitor.exit_status()) == 0)
      << "status " << monitor.exit_status() << "\n" << read_file(output_path);
  if (seen) {
    std::remove(config_path.c_str());
    std::remove(output_path.c_str());
  }
}

}  // namespace
}  // namespace midimon::mapping::e2e
