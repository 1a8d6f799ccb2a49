// From a gesture to the trigger context and on to the plugin ABI's context.
#include <gtest/gtest.h>

#include "actions/trigger_context.h"

namespace midimon::actions {
namespace {

using mapping::Gesture;
using mapping::GestureKind;

Gesture gesture(GestureKind kind, uint8_t number, uint16_t value) {
  Gesture g;
  g.kind = kind;
  g.number = number;
  g.value = value;
  g.channel = 2;
  return g;
}

TEST(TriggerContext, NotePress) {
  auto when = std::chrono::system_clock::time_point(std::chrono::milliseconds(1234567));
  TriggerContext c = context_from_gesture(gesture(GestureKind::NotePress, 36, 100), 3, when);
  EXPECT_EQ(c.note, 36);
  EXPECT_EQ(c.velocity, 100);
  EXPECT_FALSE(c.cc);
  EXPECT_EQ(c.channel, 2);
  EXPECT_EQ(c.mode, 3u);
  plugin::EventContext e = to_plugin_context(c);
  EXPECT_EQ(e.note, 36);
  EXPECT_EQ(e.velocity, 100);
  EXPECT_EQ(e.current_mode, 3);
  EXPECT_EQ(e.timestamp_ms, 1234567u);
  EXPECT_TRUE(e.metadata.empty());
}

TEST(TriggerContext, ControllersBendsAndChords) {
  TriggerContext cc = context_from_gesture(gesture(GestureKind::ControlChange, 7, 90), 0, {});
  EXPECT_EQ(cc.cc, 7);
  EXPECT_EQ(cc.value, 90);
  EXPECT_FALSE(cc.note);
  Gesture wide = gesture(GestureKind::ControlChange, 1, 16383);
  wide.is_14bit = true;
  TriggerContext c14 = context_from_gesture(wide, 0, {});
  EXPECT_EQ(c14.value14, 16383);
  EXPECT_EQ(c14.value, 127);
  TriggerContext pb = context_from_gesture(gesture(GestureKind::PitchBend, 0, 8192), 0, {});
  EXPECT_EQ(pb.value14, 8192);
  EXPECT_EQ(pb.value, 64);
  Gesture chord = gesture(GestureKind::Chord, 0, 0);
  chord.notes = {60, 64, 67};
  EXPECT_EQ(context_from_gesture(chord, 0, {}).note, 60);
  TriggerContext pc = context_from_gesture(gesture(GestureKind::ProgramChange, 5, 0), 0, {});
  EXPECT_EQ(pc.value, 5);
  TriggerContext poly = context_from_gesture(gesture(GestureKind::PolyAftertouch, 61, 33), 0, {});
  EXPECT_EQ(poly.note, 61);
  EXPECT_EQ(poly.value, 33);
}

}  // namespace
}  // namespace midimon::actions
