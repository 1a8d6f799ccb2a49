// Note and VelocityRange: press fires, velocity 0 is a release, range boundaries.
#include "processor_fixture.h"

namespace midimon::mapping::test {
namespace {

TEST_F(ProcessorTest, NoteFiresOnPressAndReportsRelease) {
  map(note_trigger(60), "c4");
  start();
  EXPECT_EQ(press(60), (Lines{"NotePress ch=1 note=60 vel=100 -> c4"}));
  clock.advance(Millis(120));
  EXPECT_EQ(release(60), (Lines{"NoteRelease ch=1 note=60 held=120ms"}));
  EXPECT_EQ(press(61), (Lines{"NotePress ch=1 note=61 vel=100"}));
}

TEST_F(ProcessorTest, NoteOnWithVelocityZeroIsARelease) {
  map(note_trigger(60), "c4");
  start();
  press(60);
  clock.advance(Millis(5));
  EXPECT_EQ(send(message(midi::MessageType::NoteOn, 0, 60, 0)), (Lines{"NoteRelease ch=1 note=60 held=5ms"}));
  // A release of a note never seen pressed reports nothing.
  EXPECT_TRUE(release(61).empty());
}

TEST_F(ProcessorTest, NoteVelocityMinIsInclusive) {
  map(note_trigger(60, 64), "loud");
  start();
  EXPECT_TRUE(fired().empty());
  press(60, 63);
  EXPECT_TRUE(fired().empty());
  release(60);
  press(60, 64);
  EXPECT_EQ(fired(), (Lines{"loud"}));
}

TEST_F(ProcessorTest, VelocityRangeBoundariesSoftMediumHard) {
  // MIDIMon's classes with soft_max 40, medium_max 80: soft 1-40, medium 41-80, hard 81-127.
  map(value_trigger(SpecKind::VelocityRange, 36, 1, 40), "soft");
  map(value_trigger(SpecKind::VelocityRange, 36, 41, 80), "medium");
  map(value_trigger(SpecKind::VelocityRange, 36, 81, 127), "hard");
  start();
  const std::pair<uint8_t, const char*> cases[] = {
      {1, "soft"}, {40, "soft"}, {41, "medium"}, {80, "medium"}, {81, "hard"}, {127, "hard"}};
  for (auto [velocity, level] : cases) {
    press(36, velocity);
    EXPECT_EQ(fired(), (Lines{level})) << "velocity " << int(velocity);
    release(36);
  }
}

TEST_F(ProcessorTest, RepeatedNoteOnWithoutNoteOffIsAReleaseAndAPress) {
  map(note_trigger(60), "c4");
  start();
  press(60);
  clock.advance(Millis(10));
  EXPECT_EQ(press(60), (Lines{"NoteRelease ch=1 note=60 held=10ms", "NotePress ch=1 note=60 vel=100 -> c4"}));
}

TEST_F(ProcessorTest, OutOfRangeDataBytesAreMaskedNotTrusted) {
  map(note_trigger(60), "c4");
  start();
  // 60 | 0x80 is not a valid data byte; the processor reads the low 7 bits only.
  midi::Message m = message(midi::MessageType::NoteOn, 0xF0, 60 | 0x80, 100);
  EXPECT_EQ(send(m), (Lines{"NotePress ch=1 note=60 vel=100 -> c4"}));
}

}  // namespace
}  // namespace midimon::mapping::test
