// SendMidi's wire bytes for every message type, masking, and the trigger pass-through
// with curves (send_midi_dynamics.h).
#include <gtest/gtest.h>

#include "actions/midi_bytes.h"

namespace midimon::actions {
namespace {

using Bytes = std::vector<uint8_t>;
using mapping::MidiMessageKind;

mapping::action::SendMidi make(MidiMessageKind kind, uint8_t channel = 0) {
  mapping::action::SendMidi s;
  s.message_type = kind;
  s.channel = channel;
  return s;
}

TEST(SendMidiBytes, EveryMessageType) {
  TriggerContext none;
  auto on = make(MidiMessageKind::NoteOn, 15);
  on.note = 64;
  on.velocity = 127;
  EXPECT_EQ(send_midi_bytes(on, none), (Bytes{0x9F, 64, 127}));
  auto off = make(MidiMessageKind::NoteOff, 1);
  off.note = 60;
  off.velocity = 0;
  EXPECT_EQ(send_midi_bytes(off, none), (Bytes{0x81, 60, 0}));
  auto cc = make(MidiMessageKind::CC, 3);
  cc.controller = 74;
  cc.value = 5;
  EXPECT_EQ(send_midi_bytes(cc, none), (Bytes{0xB3, 74, 5}));
  auto pc = make(MidiMessageKind::ProgramChange);
  pc.program = 12;
  EXPECT_EQ(send_midi_bytes(pc, none), (Bytes{0xC0, 12}));
  auto at = make(MidiMessageKind::Aftertouch, 2);
  at.pressure = 77;
  EXPECT_EQ(send_midi_bytes(at, none), (Bytes{0xD2, 77}));
}

TEST(SendMidiBytes, PitchBendAroundTheCentre) {
  TriggerContext none;
  auto pb = make(MidiMessageKind::PitchBend);
  pb.pitch = 0;
  EXPECT_EQ(send_midi_bytes(pb, none), (Bytes{0xE0, 0x00, 0x40}));
  pb.pitch = -8192;
  EXPECT_EQ(send_midi_bytes(pb, none), (Bytes{0xE0, 0x00, 0x00}));
  pb.pitch = 8191;
  EXPECT_EQ(send_midi_bytes(pb, none), (Bytes{0xE0, 0x7F, 0x7F}));
}

TEST(SendMidiBytes, OutOfRangeValuesAreMasked) {
  auto on = make(MidiMessageKind::NoteOn, 0x1F);
  on.note = 200;
  on.velocity = 255;
  Bytes b = send_midi_bytes(on, {});
  EXPECT_EQ(b[0], 0x9F);
  EXPECT_LT(b[1], 0x80);
  EXPECT_LT(b[2], 0x80);
}

TEST(SendMidiBytes, FixedIgnoresTheTrigger) {
  TriggerContext c;
  c.velocity = 10;
  auto on = make(MidiMessageKind::NoteOn);
  EXPECT_EQ(send_midi_bytes(on, c), (Bytes{0x90, 60, 100}));
}

TEST(SendMidiBytes, PassThroughVelocityAndValue) {
  SendMidiDynamics pass;
  pass.source = ValueSource::Trigger;
  TriggerContext note;
  note.velocity = 33;
  auto on = make(MidiMessageKind::NoteOn);
  EXPECT_EQ(send_midi_bytes(on, note, pass), (Bytes{0x90, 60, 33}));
  TriggerContext knob;
  knob.cc = 7;
  knob.value = 99;
  auto cc = make(MidiMessageKind::CC);
  cc.controller = 10;
  EXPECT_EQ(send_midi_bytes(cc, knob, pass), (Bytes{0xB0, 10, 99}));
  // No value in the trigger (a chord): the configured number.
  EXPECT_EQ(send_midi_bytes(on, TriggerContext{}, pass), (Bytes{0x90, 60, 100}));
  // Pitch bend takes a 14-bit trigger value as it is.
  TriggerContext bend;
  bend.value14 = 0x1234;
  bend.value = 0x1234 >> 7;
  EXPECT_EQ(send_midi_bytes(make(MidiMessageKind::PitchBend), bend, pass), (Bytes{0xE0, 0x34, 0x24}));
}

TEST(SendMidiCurves, LinearRangeInvertAndShapes) {
  SendMidiDynamics d;
  EXPECT_EQ(apply_curve(d, 0), 0);
  EXPECT_EQ(apply_curve(d, 127), 127);
  EXPECT_EQ(apply_curve(d, 64), 64);
  d.out_min = 20;
  d.out_max = 100;
  EXPECT_EQ(apply_curve(d, 0), 20);
  EXPECT_EQ(apply_curve(d, 127), 100);
  d.invert = true;
  EXPECT_EQ(apply_curve(d, 0), 100);
  EXPECT_EQ(apply_curve(d, 127), 20);
  SendMidiDynamics ex;
  ex.curve = ValueCurve::Exponential;
  SendMidiDynamics lg;
  lg.curve = ValueCurve::Logarithmic;
  EXPECT_EQ(apply_curve(ex, 64), 32);   // (64/127)^2 * 127 = 32.25
  EXPECT_EQ(apply_curve(lg, 32), 64);   // sqrt(32/127) * 127 = 63.7
  EXPECT_EQ(apply_curve(ex, 127), 127);
  EXPECT_EQ(apply_curve(lg, 0), 0);
  EXPECT_EQ(apply_curve(ex, 200), 127);  // clamped input
}

TEST(SendMidiCurves, Spellings) {
  EXPECT_EQ(parse_value_source("trigger"), ValueSource::Trigger);
  EXPECT_EQ(parse_value_source("fixed"), ValueSource::Fixed);
  EXPECT_FALSE(parse_value_source("Trigger"));
  EXPECT_EQ(parse_value_curve("exponential"), ValueCurve::Exponential);
  EXPECT_EQ(parse_value_curve("logarithmic"), ValueCurve::Logarithmic);
  EXPECT_EQ(parse_value_curve("linear"), ValueCurve::Linear);
  EXPECT_FALSE(parse_value_curve("cubic"));
}

TEST(HexBytes, Format) {
  EXPECT_EQ(hex_bytes({0x90, 0x3C, 0x64}), "90 3C 64");
  EXPECT_EQ(hex_bytes({}), "");
}

}  // namespace
}  // namespace midimon::actions
