// 14-bit CC triggers through the real Daemon: the inputs' parsers pair the controllers
// the config's `fourteen_bit` triggers name (on their channel), and a reload re-applies
// the pairing to the inputs that stay open.
#include <gtest/gtest.h>

#include "daemon/daemon.h"
#include "test_support.h"

namespace midimon::daemon {
namespace {

using testing::write_file;

// CC 1 on channel 1 as a 14-bit fader: its upper half sends note 60.
const char* kFourteenBit = R"([[modes]]
name = "Default"
[[modes.mappings]]
trigger = { type = "CC", cc = 1, channel = 1, fourteen_bit = true, value_min = 8192, fire = "every" }
action = { type = "SendMidi", port = "Synth", message_type = "NoteOn", channel = 0, note = 60, velocity = 1 }
)";

// The same controller as an ordinary 7-bit CC: its upper half sends note 61.
const char* kSevenBit = R"([[modes]]
name = "Default"
[[modes.mappings]]
trigger = { type = "CC", cc = 1, channel = 1, value_min = 64, fire = "every" }
action = { type = "SendMidi", port = "Synth", message_type = "NoteOn", channel = 0, note = 61, velocity = 1 }
)";

using Fixture = testing::DaemonFixture;

TEST(FourteenBitCc, MsbAndLsbAssembleIntoOneValueThatFiresTheTrigger) {
  Fixture f(kFourteenBit);
  ASSERT_TRUE(f.daemon);
  f.send({0xB0, 0x01, 0x3F, 0xB0, 0x21, 0x7F});  // MSB 63, LSB 127: 8191, below the range
  EXPECT_EQ(f.count("Synth: 90 3C 01"), 0u);
  f.send({0xB0, 0x01, 0x40});  // MSB 64: 8192 (a new MSB starts its value at LSB 0)
  EXPECT_EQ(f.count("Synth: 90 3C 01"), 1u);
  f.send({0xB0, 0x21, 0x10});  // LSB 16 with MSB 64: 8208
  EXPECT_EQ(f.count("Synth: 90 3C 01"), 2u);
}

TEST(FourteenBitCc, OtherChannelsStaySevenBit) {
  Fixture f(kFourteenBit);
  ASSERT_TRUE(f.daemon);
  f.send({0xB1, 0x01, 0x7F, 0xB1, 0x21, 0x7F});  // channel 2: not paired, not this trigger
  EXPECT_TRUE(f.midi.sent().empty());
}

TEST(FourteenBitCc, ReloadReappliesThePairingToTheOpenInputs) {
  Fixture f(kSevenBit);
  ASSERT_TRUE(f.daemon);
  f.send({0xB0, 0x01, 0x40});
  EXPECT_EQ(f.count("Synth: 90 3D 01"), 1u);

  write_file(f.config, kFourteenBit);
  ASSERT_TRUE(f.daemon->reload().ok);
  f.send({0xB0, 0x01, 0x40});
  EXPECT_EQ(f.count("Synth: 90 3C 01"), 1u);  // now assembled: the 14-bit trigger fires
  EXPECT_EQ(f.count("Synth: 90 3D 01"), 1u);

  write_file(f.config, kSevenBit);
  ASSERT_TRUE(f.daemon->reload().ok);
  f.send({0xB0, 0x01, 0x41});
  EXPECT_EQ(f.count("Synth: 90 3D 01"), 2u);  // and back to 7-bit
  EXPECT_EQ(f.count("Synth: 90 3C 01"), 1u);
}

}  // namespace
}  // namespace midimon::daemon
