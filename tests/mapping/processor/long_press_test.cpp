// LongPress: fires while held when the threshold passes; the plain Note of that note
// waits and fires on a release before the threshold.
#include "processor_fixture.h"

namespace midimon::mapping::test {
namespace {

class LongPressTest : public ProcessorTest {
 protected:
  void SetUp() override {
    map(kind_trigger(SpecKind::LongPress, 36, 2000), "hold");
    map(note_trigger(36), "tap");
    start();
  }
};

TEST_F(LongPressTest, FiresWhileHeldWhenTheThresholdPasses) {
  EXPECT_TRUE(press(36).empty());  // the plain Note waits
  EXPECT_TRUE(advance(1999).empty());
  EXPECT_EQ(advance(1), (Lines{"LongPress ch=1 note=36 held=2000ms -> hold"}));
  ASSERT_FALSE(processor->next_deadline().has_value());
  clock.advance(Millis(3000));
  // The release after a long press fires nothing more: the press was taken.
  EXPECT_EQ(release(36), (Lines{"NoteRelease ch=1 note=36 held=5000ms"}));
}

TEST_F(LongPressTest, ReleaseOneMillisecondBeforeThresholdFiresThePlainNote) {
  press(36);
  clock.advance(Millis(1999));
  EXPECT_EQ(release(36),
            (Lines{"NotePress ch=1 note=36 vel=100 (deferred) -> tap", "NoteRelease ch=1 note=36 held=1999ms"}));
  EXPECT_TRUE(advance(10000).empty());
}

TEST_F(LongPressTest, ReleaseOneMillisecondAfterThresholdIsALongPress) {
  press(36);
  clock.advance(Millis(2001));
  // No tick happened in between: the release itself brings the due timer first.
  EXPECT_EQ(release(36), (Lines{"LongPress ch=1 note=36 held=2000ms -> hold", "NoteRelease ch=1 note=36 held=2001ms"}));
}

TEST_F(LongPressTest, ReleaseExactlyAtThresholdCountsAsHeldLongEnough) {
  press(36);
  clock.advance(Millis(2000));
  EXPECT_EQ(fired(), Lines{});
  release(36);
  EXPECT_EQ(fired(), (Lines{"hold"}));
}

TEST_F(LongPressTest, NextDeadlineIsTheThreshold) {
  const TimePoint t0 = clock.now();
  press(36);
  ASSERT_TRUE(processor->next_deadline().has_value());
  EXPECT_EQ(*processor->next_deadline(), t0 + Millis(2000));
}

TEST_F(ProcessorTest, LongPressWithSeveralThresholdsFiresEachWhileHeld) {
  map(kind_trigger(SpecKind::LongPress, 36, 1000), "one");
  map(kind_trigger(SpecKind::LongPress, 36, 3000), "three");
  start();
  press(36);
  EXPECT_EQ(advance(1000), (Lines{"LongPress ch=1 note=36 held=1000ms -> one"}));
  EXPECT_TRUE(advance(1999).empty());
  EXPECT_EQ(advance(1), (Lines{"LongPress ch=1 note=36 held=3000ms -> three"}));
}

TEST_F(ProcessorTest, ImmediateNoteFiresOnPressEvenWithALongPress) {
  map(kind_trigger(SpecKind::LongPress, 36, 500), "hold");
  TriggerSpec eager = note_trigger(36);
  eager.immediate = true;
  map(eager, "eager");
  map(note_trigger(36), "patient");
  start();
  EXPECT_EQ(press(36), (Lines{"NotePress ch=1 note=36 vel=100 -> eager"}));
  EXPECT_EQ(advance(500), (Lines{"LongPress ch=1 note=36 held=500ms -> hold"}));
  release(36);
  EXPECT_EQ(fired(), Lines{});  // "patient" was swallowed by the long press
}

TEST_F(ProcessorTest, NoteWithoutLongPressMappingIsNotDelayed) {
  map(kind_trigger(SpecKind::LongPress, 36, 500), "hold");
  map(note_trigger(37), "other");
  start();
  EXPECT_EQ(press(37), (Lines{"NotePress ch=1 note=37 vel=100 -> other"}));
}

}  // namespace
}  // namespace midimon::mapping::test
