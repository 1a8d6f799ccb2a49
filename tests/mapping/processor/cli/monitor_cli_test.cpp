// `midimon monitor` and `midimon learn` as a user runs them, without MIDI hardware or a
// JACK server: a Standard MIDI File written by the test is replayed in-process
// (--replay). Also the usage and config errors and their exit codes.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

namespace {

struct CliRun {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

CliRun run(const std::string& args) {
  CliRun r;
  // `timeout` bounds a hung command: a test fails, it never hangs CI.
  const std::string command = "timeout 60 " MIDIMON_CLI " " + args + " 2>&1";
  FILE* p = popen(command.c_str(), "r");
  if (!p) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.output.append(buf, n);
  const int status = pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

std::string temp_path(const std::string& name) {
  return ::testing::TempDir() + "midimon-mapproc-" + std::to_string(getpid()) + "-" + name;
}

// A format-0 file at 480 ticks per quarter (120 bpm: 1 ms ~ 1 tick): `events` are
// (delta ticks, bytes) pairs.
void write_smf(const std::string& path, const std::vector<std::pair<uint32_t, std::vector<uint8_t>>>& events) {
  std::vector<uint8_t> track;
  for (const auto& [delta, bytes] : events) {
    // Variable-length quantity, most significant group first.
    std::vector<uint8_t> vlq = {static_cast<uint8_t>(delta & 0x7F)};
    for (uint32_t d = delta >> 7; d; d >>= 7) vlq.insert(vlq.begin(), static_cast<uint8_t>(0x80 | (d & 0x7F)));
    track.insert(track.end(), vlq.begin(), vlq.end());
    track.insert(track.end(), bytes.begin(), bytes.end());
  }
  const uint8_t end_of_track[] = {0x00, 0xFF, 0x2F, 0x00};
  track.insert(track.end(), std::begin(end_of_track), std::end(end_of_track));
  std::vector<uint8_t> file = {'M', 'T', 'h', 'd', 0, 0, 0, 6, 0, 0, 0, 1, 0x01, 0xE0, 'M', 'T', 'r', 'k'};
  const uint32_t len = static_cast<uint32_t>(track.size());
  for (int shift : {24, 16, 8, 0}) file.push_back(static_cast<uint8_t>(len >> shift));
  file.insert(file.end(), track.begin(), track.end());
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(file.data()), file.size());
}

TEST(MonitorCli, ReplayShowsMessagesGesturesAndMappingsThenEnds) {
  const std::string config = temp_path("monitor.toml");
  std::ofstream(config) << R"([[modes]]
name = "Default"
[[modes.mappings]]
description = "sixty"
trigger = { type = "Note", note = 60 }
action = { type = "Text", text = "x" }
[[global_mappings]]
description = "chord"
trigger = { type = "NoteChord", notes = [64, 67] }
action = { type = "Text", text = "y" }
)";
  const std::string mid = temp_path("monitor.mid");
  write_smf(mid, {{0, {0x90, 60, 100}},
                  {240, {0x80, 60, 0}},
                  {10, {0x90, 64, 90}},
                  {5, {0x90, 67, 90}},
                  {240, {0x80, 64, 0}},
                  {0, {0x80, 67, 0}}});
  const CliRun r = run("monitor --config " + config + " --replay " + mid);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  for (const char* needle : {"# midimon monitor: 1 mode, 2 mappings; mode: Default", "replay  NoteOn ch=1 note=60 vel=100",
                             "gesture NotePress ch=1 note=60 vel=100", "-> mode Default mapping #1 \"sixty\": Text",
                             "gesture Chord ch=1 notes=[64,67]", "-> global mapping #1 \"chord\": Text",
                             "gesture NoteRelease ch=1 note=67"})
    EXPECT_NE(r.output.find(needle), std::string::npos) << needle << "\n" << r.output;
  std::remove(config.c_str());
  std::remove(mid.c_str());
}

TEST(LearnCli, ReplayedChordPrintsItsTriggerLine) {
  const std::string mid = temp_path("learn.mid");
  write_smf(mid, {{0, {0x92, 67, 100}}, {3, {0x92, 60, 100}}, {3, {0x92, 64, 100}}, {240, {0x82, 60, 0}}});
  const CliRun r = run("learn --replay " + mid);
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("trigger = { type = \"NoteChord\", notes = [60, 64, 67], channel = 3 }\n"), std::string::npos)
      << r.output;
  std::remove(mid.c_str());
}

TEST(LearnCli, NothingInTheFileIsAnErrorNotAHang) {
  const std::string mid = temp_path("empty.mid");
  write_smf(mid, {});
  const CliRun r = run("learn --replay " + mid + " --timeout 20");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("stopped before a gesture was recognised"), std::string::npos) << r.output;
  std::remove(mid.c_str());
}

TEST(MonitorCli, UsageAndConfigErrorsExitTwoNamingThePlace) {
  CliRun r = run("monitor --backend bogus");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("--backend must be auto, jack or alsa, not 'bogus'"), std::string::npos) << r.output;

  const std::string config = temp_path("bad.toml");
  std::ofstream(config) << "[[modes]]\nname = \"Default\"\nnmae = \"typo\"\n";
  r = run("monitor --config " + config + " --replay /nonexistent.mid");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find(config + ":3:1:"), std::string::npos) << r.output;
  std::remove(config.c_str());

  r = run("monitor --replay /nonexistent/file.mid");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("/nonexistent/file.mid"), std::string::npos) << r.output;

  const std::string garbage = temp_path("garbage.mid");
  std::ofstream(garbage) << "MThd this is not a MIDI file";
  r = run("learn --replay " + garbage);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  std::remove(garbage.c_str());
}

}  // namespace
