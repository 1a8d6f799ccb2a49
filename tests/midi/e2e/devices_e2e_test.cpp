// `midimon devices`: the listing against a private JACK server, and without one.
#include <gtest/gtest.h>

#include <sstream>

#include "jack_server.h"
#include "midi/device_listing.h"

namespace midimon::midi::e2e {
namespace {

using namespace std::chrono_literals;

TEST(MidiDevicesE2E, ListsTheJackPortsOfARunningServer) {
  JackServer server;
  ASSERT_TRUE(server.ready()) << "jackd (Debian package jackd2) did not start:\n" << server.log();
  ChildProcess seq({"jack_midiseq", "listed", "24000", "0", "60", "8000"}, "/dev/null");
  std::string text;
  int rc = -1;
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  do {  // until jack_midiseq has registered its port
    std::ostringstream out, err;
    rc = list_devices_command(BackendChoice::Jack, out, err);
    text = out.str();
  } while (text.find("listed:out") == std::string::npos && std::chrono::steady_clock::now() < deadline);
  EXPECT_EQ(rc, 0);
  EXPECT_NE(text.find("jack (server '" + server.name() + "')\n"
                      "  inputs (ports midimon can read from):\n"
                      "    listed:out\n"
                      "  outputs (ports midimon can send to):\n"
                      "    (none)\n"),
            std::string::npos)
      << text;
}

TEST(MidiDevicesE2E, NoBackendAvailableExits1WithASentence) {
  setenv("JACK_DEFAULT_SERVER", "midimon-e2e-absent", 1);
  std::ostringstream out, err;
  const int rc = list_devices_command(BackendChoice::Jack, out, err);
  unsetenv("JACK_DEFAULT_SERVER");
  EXPECT_EQ(rc, 1);
  EXPECT_EQ(out.str(), "jack: not available: no JACK server is running (server 'midimon-e2e-absent')\n");
  EXPECT_EQ(err.str(),
            "midimon devices: no MIDI backend is available; start a JACK server (jackd) or load the "
            "ALSA sequencer (snd-seq)\n");
}

#ifdef MIDIMON_CLI
TEST(MidiDevicesE2E, TheMidimonCommandPrintsTheSameListing) {
  JackServer server;
  ASSERT_TRUE(server.ready()) << server.log();
  // On a loaded machine a JACK client can fail to open within JACK's own timeout while the
  // server is up; the listing then says "not available". Ask again until the deadline.
  const std::string expected = "jack (server '" + server.name() + "')\n";
  std::string listing;
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  do {
    listing = command_output(std::string(MIDIMON_CLI) + " devices --backend jack");
  } while (listing.rfind(expected, 0) != 0 && std::chrono::steady_clock::now() < deadline);
  EXPECT_EQ(listing.rfind(expected, 0), 0u) << listing;
  EXPECT_EQ(run_command({MIDIMON_CLI, "devices", "--backend", "nope"}, 10s, "/dev/null"), 2);
  setenv("JACK_DEFAULT_SERVER", "midimon-e2e-absent", 1);
  const int rc = run_command({MIDIMON_CLI, "devices", "--backend", "jack"}, 10s, "/dev/null");
  unsetenv("JACK_DEFAULT_SERVER");
  EXPECT_EQ(rc, 1);
}
#endif

}  // namespace
}  // namespace midimon::midi::e2e
