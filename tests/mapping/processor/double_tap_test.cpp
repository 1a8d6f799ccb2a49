// DoubleTap: the second press within the window (press to press) fires it; the first
// tap's plain Note waits for the window to close.
#include "processor_fixture.h"

namespace midimon::mapping::test {
namespace {

class DoubleTapTest : public ProcessorTest {
 protected:
  void SetUp() override {
    map(kind_trigger(SpecKind::DoubleTap, 40, 300), "double");
    map(note_trigger(40), "single");
    start();
  }
  void tap(int hold_ms) {
    press(40);
    clock.advance(Millis(hold_ms));
    release(40);
  }
};

TEST_F(DoubleTapTest, SecondTapOneMillisecondInsideTheWindow) {
  tap(50);
  clock.advance(Millis(249));  // second press at 299 ms after the first
  EXPECT_EQ(press(40), (Lines{"DoubleTap ch=1 note=40 interval=299ms -> double"}));
  clock.advance(Millis(30));
  release(40);
  EXPECT_EQ(fired(), Lines{});
  EXPECT_TRUE(advance(1000).empty());  // neither tap fires "single" later
}

TEST_F(DoubleTapTest, SecondTapExactlyAtTheWindowEdgeCounts) {
  tap(50);
  clock.advance(Millis(250));
  press(40);
  EXPECT_EQ(fired(), (Lines{"double"}));
}

TEST_F(DoubleTapTest, SecondTapOneMillisecondOutsideTheWindowIsTwoSingles) {
  tap(50);
  clock.advance(Millis(251));  // 301 ms after the first press
  EXPECT_EQ(press(40), (Lines{"NotePress ch=1 note=40 vel=100 (deferred) -> single"}));
  release(40);
  EXPECT_EQ(advance(301), (Lines{"NotePress ch=1 note=40 vel=100 (deferred) -> single"}));
}

TEST_F(DoubleTapTest, FirstTapFiresWhenTheWindowClosesWithoutTicksBetween) {
  tap(10);
  EXPECT_TRUE(advance(290).empty());
  EXPECT_EQ(advance(1), (Lines{"NotePress ch=1 note=40 vel=100 (deferred) -> single"}));
}

TEST_F(DoubleTapTest, ThirdTapStartsAFreshDoubleTap) {
  tap(10);
  clock.advance(Millis(90));
  tap(10);  // double
  clock.advance(Millis(90));
  press(40);  // third: a new first tap
  EXPECT_EQ(fired(), Lines{});
  clock.advance(Millis(10));
  release(40);
  clock.advance(Millis(90));
  press(40);
  EXPECT_EQ(fired(), (Lines{"double"}));
}

TEST_F(ProcessorTest, DoubleTapAndLongPressOnOneNote) {
  map(kind_trigger(SpecKind::DoubleTap, 40, 300), "double");
  map(kind_trigger(SpecKind::LongPress, 40, 1000), "hold");
  map(note_trigger(40), "single");
  start();
  // Held past the double-tap window but released before the long press: single, on release.
  press(40);
  EXPECT_TRUE(advance(500).empty());
  EXPECT_EQ(release(40), (Lines{"NotePress ch=1 note=40 vel=100 (deferred) -> single",
                                "NoteRelease ch=1 note=40 held=500ms"}));
  // Held to the threshold: long press, and the next press is no second tap of it.
  clock.advance(Millis(1000));
  press(40);
  EXPECT_EQ(advance(1000), (Lines{"LongPress ch=1 note=40 held=1000ms -> hold"}));
  release(40);
  clock.advance(Millis(100));
  press(40);
  EXPECT_EQ(fired(), Lines{});
}

}  // namespace
}  // namespace midimon::mapping::test
