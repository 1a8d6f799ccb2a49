// CC ranges and their firing (every / enter / leave), 14-bit CC, aftertouch, pitch bend,
// program change and SysEx patterns.
#include "processor_fixture.h"

namespace midimon::mapping::test {
namespace {

TEST_F(ProcessorTest, CcEveryFiresOnEachMessageInsideTheRange) {
  map(value_trigger(SpecKind::ControlChange, 7, 64, 127, CcFire::Every), "every");
  start();
  const std::pair<uint8_t, bool> steps[] = {{10, false}, {63, false}, {64, true}, {100, true}, {127, true}, {0, false}};
  for (auto [value, fires] : steps) {
    cc(7, value);
    EXPECT_EQ(fired().size(), fires ? 1u : 0u) << "value " << int(value);
  }
}

TEST_F(ProcessorTest, CcEnterFiresOnlyWhenCrossingIntoTheRange) {
  map(value_trigger(SpecKind::ControlChange, 7, 64, 100, CcFire::Enter), "enter");
  start();
  const std::pair<uint8_t, bool> steps[] = {
      {10, false}, {64, true},   // crossing in at the boundary
      {80, false}, {100, false}, // moving inside: no
      {101, false},              // out above
      {100, true},               // back in from above
      {63, false}, {64, true}};
  for (auto [value, fires] : steps) {
    cc(7, value);
    EXPECT_EQ(fired().size(), fires ? 1u : 0u) << "value " << int(value);
  }
}

TEST_F(ProcessorTest, CcEnterCountsTheFirstMessageInsideAsAnEdge) {
  map(value_trigger(SpecKind::ControlChange, 7, 64, 127, CcFire::Enter), "enter");
  start();
  cc(7, 90);
  EXPECT_EQ(fired(), (Lines{"enter"}));
  cc(7, 91);
  EXPECT_EQ(fired(), Lines{});
}

TEST_F(ProcessorTest, CcLeaveFiresWhenCrossingOut) {
  map(value_trigger(SpecKind::ControlChange, 7, 64, 127, CcFire::Leave), "leave");
  start();
  cc(7, 90);
  EXPECT_EQ(fired(), Lines{});
  cc(7, 64);
  EXPECT_EQ(fired(), Lines{});
  cc(7, 63);
  EXPECT_EQ(fired(), (Lines{"leave"}));
  cc(7, 0);
  EXPECT_EQ(fired(), Lines{});
}

TEST_F(ProcessorTest, FourteenBitCcMatchesOnlyFourteenBitTriggers) {
  TriggerSpec wide = value_trigger(SpecKind::ControlChange, 1, 8192, 16383, CcFire::Enter);
  wide.cc14 = true;
  map(wide, "wide");
  map(value_trigger(SpecKind::ControlChange, 1, 0, 127), "narrow");
  start();
  midi::Message m = message(midi::MessageType::ControlChange, 0, 1, 64);
  m.is_14bit = true;
  m.value14 = 8192;
  EXPECT_EQ(send(m), (Lines{"CC ch=1 cc=1 value=8192 (14-bit) -> wide"}));
  cc(1, 5);
  EXPECT_EQ(fired(), (Lines{"narrow"}));
}

TEST_F(ProcessorTest, ChannelAftertouchRange) {
  map(value_trigger(SpecKind::ChannelAftertouch, 0, 100, 127, CcFire::Enter), "squeeze");
  start();
  EXPECT_EQ(send(message(midi::MessageType::ChannelAftertouch, 0, 99)), (Lines{"Aftertouch ch=1 pressure=99"}));
  EXPECT_EQ(send(message(midi::MessageType::ChannelAftertouch, 0, 100)),
            (Lines{"Aftertouch ch=1 pressure=100 -> squeeze"}));
  send(message(midi::MessageType::ChannelAftertouch, 0, 120));
  EXPECT_EQ(fired(), Lines{});
}

TEST_F(ProcessorTest, PolyAftertouchPerNoteAndAnyNote) {
  TriggerSpec any = value_trigger(SpecKind::PolyAftertouch, 0, 64, 127);
  any.any_number = true;
  map(any, "any-note");
  map(value_trigger(SpecKind::PolyAftertouch, 60, 64, 127), "note-60");
  start();
  send(message(midi::MessageType::PolyAftertouch, 0, 60, 64));
  EXPECT_EQ(fired(), (Lines{"any-note", "note-60"}));
  send(message(midi::MessageType::PolyAftertouch, 0, 61, 70));
  EXPECT_EQ(fired(), (Lines{"any-note"}));
  send(message(midi::MessageType::PolyAftertouch, 0, 61, 63));
  EXPECT_EQ(fired(), Lines{});
}

TEST_F(ProcessorTest, PitchBendRangeBoundaries) {
  map(value_trigger(SpecKind::PitchBend, 0, 12000, 16383), "up");
  map(value_trigger(SpecKind::PitchBend, 0, 0, 4000), "down");
  start();
  const std::pair<uint16_t, const char*> cases[] = {
      {8192, nullptr}, {11999, nullptr}, {12000, "up"}, {16383, "up"}, {4000, "down"}, {4001, nullptr}, {0, "down"}};
  for (auto [value, name] : cases) {
    midi::Message m = message(midi::MessageType::PitchBend, 0, 0);
    m.value14 = value;
    send(m);
    EXPECT_EQ(fired(), name ? Lines{name} : Lines{}) << value;
  }
}

TEST_F(ProcessorTest, ProgramChangeExactAndAny) {
  TriggerSpec any = kind_trigger(SpecKind::ProgramChange, 0);
  any.any_number = true;
  map(kind_trigger(SpecKind::ProgramChange, 5), "five");
  map(any, "any");
  start();
  EXPECT_EQ(send(message(midi::MessageType::ProgramChange, 0, 5)), (Lines{"ProgramChange ch=1 program=5 -> five,any"}));
  send(message(midi::MessageType::ProgramChange, 0, 6));
  EXPECT_EQ(fired(), (Lines{"any"}));
}

TEST_F(ProcessorTest, SysExPatternsWithWildcards) {
  auto sysex = [&](std::string pattern_text) {
    TriggerSpec t;
    t.kind = SpecKind::SysEx;
    std::string error;
    EXPECT_TRUE(parse_sysex_pattern(pattern_text, t.sysex, error)) << error;
    return t;
  };
  map(sysex("F0 7E ?? 06 02 * F7"), "identity-reply");
  map(sysex("F0 43 * F7"), "yamaha");
  start();
  auto send_bytes = [&](std::vector<uint8_t> bytes) {
    midi::Message m = message(midi::MessageType::SysEx, 0, 0);
    m.sysex = std::make_shared<const std::vector<uint8_t>>(std::move(bytes));
    send(m);
    return fired();
  };
  EXPECT_EQ(send_bytes({0xF0, 0x7E, 0x10, 0x06, 0x02, 0x41, 0x00, 0xF7}), (Lines{"identity-reply"}));
  EXPECT_EQ(send_bytes({0xF0, 0x7E, 0x7F, 0x06, 0x02, 0xF7}), (Lines{"identity-reply"}));  // '*' matches none
  EXPECT_EQ(send_bytes({0xF0, 0x7E, 0x10, 0x06, 0x01, 0xF7}), Lines{});
  EXPECT_EQ(send_bytes({0xF0, 0x7E, 0x06, 0x02, 0xF7}), Lines{});  // '??' needs one byte
  EXPECT_EQ(send_bytes({0xF0, 0x43, 0xF7}), (Lines{"yamaha"}));
  EXPECT_EQ(send_bytes({0xF0, 0x43, 0x01, 0x02}), Lines{});  // truncated: no F7
  // A SysEx message without bytes (hostile input) is reported, never dereferenced.
  midi::Message empty = message(midi::MessageType::SysEx, 0, 0);
  EXPECT_EQ(send(empty), (Lines{"SysEx ch=1 bytes="}));
}

TEST(SysExPattern, ParseErrorsNameTheItem) {
  SysExPattern p;
  std::string error;
  EXPECT_FALSE(parse_sysex_pattern("F0 7G F7", p, error));
  EXPECT_EQ(error, "item 2 ('7G') is not two hex digits, '?" "?' or '*'");
  EXPECT_FALSE(parse_sysex_pattern("   ", p, error));
  ASSERT_TRUE(parse_sysex_pattern("f0 * * ?? f7", p, error));
  EXPECT_EQ(sysex_pattern_text(p), "F0 * ?? F7");
}

TEST(SysExPattern, HostileLongMessageWithManyStarsStaysLinearish) {
  SysExPattern p;
  std::string error;
  ASSERT_TRUE(parse_sysex_pattern("F0 * 01 * 02 * 03 * F7", p, error));
  std::vector<uint8_t> bytes(100000, 0x01);
  bytes.front() = 0xF0;
  bytes.back() = 0xF7;
  EXPECT_FALSE(sysex_matches(p, bytes.data(), bytes.size()));
  bytes[50000] = 0x02;
  bytes[60000] = 0x03;
  EXPECT_TRUE(sysex_matches(p, bytes.data(), bytes.size()));
}

}  // namespace
}  // namespace midimon::mapping::test
