// NoteChord: exactly the chord's notes held, each pressed within the window of the
// newest; any order; member notes' plain Note mappings wait and are swallowed by a chord.
#include "processor_fixture.h"

namespace midimon::mapping::test {
namespace {

class ChordTest : public ProcessorTest {
 protected:
  void SetUp() override {
    map(chord_trigger({60, 64, 67}, 50), "c-major");
    map(note_trigger(60), "c");
    map(note_trigger(64), "e");
    start();
  }
};

TEST_F(ChordTest, FiresOnTheCompletingPressInAnyOrder) {
  const std::vector<std::vector<uint8_t>> orders = {{60, 64, 67}, {67, 60, 64}, {64, 67, 60}};
  for (const auto& order : orders) {
    press(order[0]);
    clock.advance(Millis(10));
    press(order[1]);
    clock.advance(Millis(10));
    EXPECT_EQ(press(order[2]), (Lines{"Chord ch=1 notes=[60,64,67] -> c-major"}));
    for (uint8_t n : order) release(n);
    EXPECT_EQ(fired(), Lines{});  // the members' "c" and "e" were taken by the chord
    EXPECT_TRUE(advance(1000).empty());
  }
}

TEST_F(ChordTest, LastNoteExactlyAtTheWindowEdgeIsInside) {
  press(60);
  clock.advance(Millis(25));
  press(64);
  clock.advance(Millis(25));  // 50 ms after the first
  EXPECT_EQ(fired(), Lines{});
  press(67);
  EXPECT_EQ(fired(), (Lines{"c-major"}));
}

TEST_F(ChordTest, LastNoteOneMillisecondOutsideTheWindowIsNoChord) {
  press(60);
  clock.advance(Millis(25));
  press(64);
  clock.advance(Millis(26));  // 51 ms after the first: its window closed, "c" fires late
  EXPECT_EQ(press(67), (Lines{"NotePress ch=1 note=60 vel=100 (deferred) -> c"}));
  // 64 and 67 are inside each other's window and wait, until their windows close.
  EXPECT_EQ(advance(50), (Lines{"NotePress ch=1 note=64 vel=100 (deferred) -> e"}));
  EXPECT_EQ(advance(1), (Lines{"NotePress ch=1 note=67 vel=100 (deferred)"}));
}

TEST_F(ChordTest, AnExtraNoteBreaksTheExactSet) {
  press(60);
  press(62);  // not in the chord
  press(64);
  press(67);
  EXPECT_EQ(fired(), Lines{});
  const Lines late = advance(100);
  EXPECT_EQ(late, (Lines{"NotePress ch=1 note=60 vel=100 (deferred) -> c",
                         "NotePress ch=1 note=64 vel=100 (deferred) -> e",
                         "NotePress ch=1 note=67 vel=100 (deferred)"}));
}

TEST_F(ChordTest, ReleasedNotesDoNotCount) {
  press(60);
  clock.advance(Millis(5));
  release(60);  // gave up: "c" fires at release
  EXPECT_EQ(fired(), (Lines{"c"}));
  press(64);
  press(67);
  EXPECT_EQ(fired(), Lines{});
}

TEST_F(ProcessorTest, ASmallerChordWaitsForALargerOneThatCouldComplete) {
  map(chord_trigger({60, 64}, 50), "dyad");
  map(chord_trigger({60, 64, 67}, 50), "triad");
  start();
  press(60);
  clock.advance(Millis(10));
  EXPECT_TRUE(press(64).empty());  // {60,64} is complete but {60,64,67} still could be
  clock.advance(Millis(10));
  EXPECT_EQ(press(67), (Lines{"Chord ch=1 notes=[60,64,67] -> triad"}));
  for (uint8_t n : {60, 64, 67}) release(n);
  EXPECT_TRUE(advance(500).empty());

  // Without the third note, the dyad fires when the larger chord's window closes.
  press(60);
  clock.advance(Millis(10));
  press(64);
  // At 50 ms a third note would still be inside the triad's window (the edge counts).
  EXPECT_TRUE(advance(40).empty());
  EXPECT_EQ(advance(1), (Lines{"Chord ch=1 notes=[60,64] -> dyad"}));
  for (uint8_t n : {60, 64}) release(n);

  // Or as soon as one of its notes is released.
  press(60);
  clock.advance(Millis(10));
  press(64);
  clock.advance(Millis(5));
  EXPECT_EQ(release(64), (Lines{"Chord ch=1 notes=[60,64] -> dyad", "NoteRelease ch=1 note=64 held=5ms"}));
}

TEST_F(ProcessorTest, ChordWindowIsPerTrigger) {
  map(chord_trigger({48, 52}, 200), "slow");
  start();
  press(48);
  clock.advance(Millis(150));
  EXPECT_EQ(press(52), (Lines{"Chord ch=1 notes=[48,52] -> slow"}));
}

TEST_F(ProcessorTest, ImmediateNoteInAChordFiresOnPressAndTheChordStillFires) {
  TriggerSpec eager = note_trigger(60);
  eager.immediate = true;
  map(eager, "eager-c");
  map(chord_trigger({60, 64}), "dyad");
  start();
  EXPECT_EQ(press(60), (Lines{"NotePress ch=1 note=60 vel=100 -> eager-c"}));
  EXPECT_EQ(press(64), (Lines{"Chord ch=1 notes=[60,64] -> dyad"}));
}

}  // namespace
}  // namespace midimon::mapping::test
