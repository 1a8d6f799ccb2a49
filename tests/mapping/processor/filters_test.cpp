// Channel and device filters on triggers.
#include "processor_fixture.h"

namespace midimon::mapping::test {
namespace {

TEST_F(ProcessorTest, ChannelFilterOnEveryKind) {
  TriggerSpec n = note_trigger(60);
  n.channel = 9;  // channel 10 as users count
  map(n, "drum");
  TriggerSpec c = value_trigger(SpecKind::ControlChange, 7, 0, 127);
  c.channel = 1;
  map(c, "cc-ch2");
  TriggerSpec lp = kind_trigger(SpecKind::LongPress, 61, 100);
  lp.channel = 2;
  map(lp, "hold-ch3");
  start();
  press(60, 100, 0);
  EXPECT_EQ(fired(), Lines{});
  press(60, 100, 9);
  EXPECT_EQ(fired(), (Lines{"drum"}));
  cc(7, 1, 0);
  EXPECT_EQ(fired(), Lines{});
  cc(7, 1, 1);
  EXPECT_EQ(fired(), (Lines{"cc-ch2"}));
  // A long press on another channel does not make this channel's note wait.
  EXPECT_EQ(press(61, 100, 0), (Lines{"NotePress ch=1 note=61 vel=100"}));
  EXPECT_TRUE(press(61, 100, 2).empty());
  EXPECT_EQ(advance(100), (Lines{"LongPress ch=3 note=61 held=100ms -> hold-ch3"}));
}

TEST_F(ProcessorTest, DeviceFilter) {
  TriggerSpec n = note_trigger(60);
  n.device = 1;
  map(n, "pads");
  map(note_trigger(60), "anywhere");
  start();
  midi::Message m = message(midi::MessageType::NoteOn, 0, 60, 100);
  m.device = 0;
  send(m);
  EXPECT_EQ(fired(), (Lines{"anywhere"}));
  m.device = 1;
  m.type = midi::MessageType::NoteOn;
  send(m);
  EXPECT_EQ(fired(), (Lines{"pads", "anywhere"}));
  // State is per device: the same note held on two devices is two presses.
  m.device = 1;
  m.type = midi::MessageType::NoteOff;
  EXPECT_EQ(send(m).size(), 1u);
  m.device = 0;
  EXPECT_EQ(send(m).size(), 1u);
}

TEST_F(ProcessorTest, HighDeviceIndexAndTimeGoingBackwards) {
  map(note_trigger(60), "c");
  start();
  midi::Message m = message(midi::MessageType::NoteOn, 0, 60, 100);
  m.device = 65535;
  send(m);
  EXPECT_EQ(fired(), (Lines{"c"}));
  m.type = midi::MessageType::NoteOff;
  m.time = clock.now() - Millis(500);  // older than the last event: taken as "now"
  EXPECT_EQ(send(m), (Lines{"NoteRelease ch=1 note=60 held=0ms"}));
}

}  // namespace
}  // namespace midimon::mapping::test
