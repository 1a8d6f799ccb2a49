// `midimon learn`'s recogniser: the first gesture becomes a paste-ready trigger line.
#include <gtest/gtest.h>

#include "mapping/config_loader.h"
#include "mapping/learn_session.h"

namespace midimon::mapping::test {
namespace {

class LearnTest : public ::testing::Test {
 protected:
  LearnSession session;
  TimePoint now = TimePoint{} + std::chrono::hours(1);

  void msg(midi::MessageType type, uint8_t d1, uint8_t d2 = 0, uint8_t channel = 0) {
    midi::Message m;
    m.type = type;
    m.channel = channel;
    m.data1 = d1;
    m.data2 = d2;
    m.time = now;
    session.feed(m);
  }
  void wait(int ms) {
    now += Millis(ms);
    session.tick(now);
  }
  void press(uint8_t n, uint8_t channel = 0) { msg(midi::MessageType::NoteOn, n, 100, channel); }
  void release(uint8_t n, uint8_t channel = 0) { msg(midi::MessageType::NoteOff, n, 0, channel); }
  std::string settled(int ms = 10000) {
    wait(ms);
    EXPECT_TRUE(session.done());
    return session.trigger_line();
  }
};

TEST_F(LearnTest, SinglePressIsANote) {
  press(36, 9);
  wait(80);
  release(36, 0);  // another channel's release is not this note's
  release(36, 9);
  EXPECT_FALSE(session.done());  // could still become a double tap
  EXPECT_EQ(settled(), "trigger = { type = \"Note\", note = 36, channel = 10 }");
}

TEST_F(LearnTest, HeldPastTheThresholdIsALongPress) {
  press(40);
  wait(1999);
  EXPECT_FALSE(session.done());
  wait(1);
  ASSERT_TRUE(session.done());  // while still held
  EXPECT_EQ(session.trigger_line(), "trigger = { type = \"LongPress\", note = 40, duration_ms = 2000, channel = 1 }");
}

TEST_F(LearnTest, TwoTapsAreADoubleTap) {
  press(41);
  wait(40);
  release(41);
  wait(100);
  press(41);
  ASSERT_TRUE(session.done());
  EXPECT_EQ(session.trigger_line(), "trigger = { type = \"DoubleTap\", note = 41, timeout_ms = 300, channel = 1 }");
}

TEST_F(LearnTest, SecondTapTooLateIsANote) {
  press(41);
  wait(40);
  release(41);
  now += Millis(270);  // 310 ms after the first press
  press(41);
  ASSERT_TRUE(session.done());
  EXPECT_EQ(session.trigger_line(), "trigger = { type = \"Note\", note = 41, channel = 1 }");
}

TEST_F(LearnTest, NotesTogetherAreAChordSorted) {
  press(67);
  now += Millis(10);
  press(60);
  now += Millis(10);
  press(64);
  EXPECT_EQ(settled(), "trigger = { type = \"NoteChord\", notes = [60, 64, 67], channel = 1 }");
}

TEST_F(LearnTest, RelativeEncoderClockwiseTwosComplement) {
  for (int i = 0; i < 5; ++i) {
    msg(midi::MessageType::ControlChange, 21, 1);
    now += Millis(20);
  }
  EXPECT_EQ(settled(), "trigger = { type = \"EncoderTurn\", cc = 21, direction = \"Clockwise\", encoding = \"twos_complement\", channel = 1 }");
}

TEST_F(LearnTest, RelativeEncoderCounterClockwiseBinaryOffset) {
  for (uint8_t v : {63, 63, 62, 63}) {
    msg(midi::MessageType::ControlChange, 22, v);
    now += Millis(20);
  }
  EXPECT_EQ(settled(), "trigger = { type = \"EncoderTurn\", cc = 22, direction = \"CounterClockwise\", encoding = \"binary_offset\", channel = 1 }");
}

TEST_F(LearnTest, AbsoluteEncoderAcrossTheWrap) {
  for (uint8_t v : {125, 126, 127, 0, 1}) {
    msg(midi::MessageType::ControlChange, 23, v);
    now += Millis(20);
  }
  EXPECT_EQ(settled(), "trigger = { type = \"EncoderTurn\", cc = 23, direction = \"Clockwise\", encoding = \"absolute\", channel = 1 }");
}

TEST_F(LearnTest, ButtonCcIsAnEnterEdge) {
  msg(midi::MessageType::ControlChange, 64, 127);
  now += Millis(100);
  msg(midi::MessageType::ControlChange, 64, 0);
  EXPECT_EQ(settled(), "trigger = { type = \"CC\", cc = 64, value_min = 64, fire = \"enter\", channel = 1 }");
}

TEST_F(LearnTest, PitchBendUpIsARangeHalfWayToThePeak) {
  for (uint16_t v : {9000, 12000, 16383, 8192}) {
    midi::Message m;
    m.type = midi::MessageType::PitchBend;
    m.value14 = v;
    m.time = now;
    session.feed(m);
    now += Millis(10);
  }
  EXPECT_EQ(settled(), "trigger = { type = \"PitchBend\", value_min = 12287, value_max = 16383, channel = 1 }");
}

TEST_F(LearnTest, ProgramChangeAndSysExAtOnce) {
  msg(midi::MessageType::ProgramChange, 5);
  ASSERT_TRUE(session.done());
  EXPECT_EQ(session.trigger_line(), "trigger = { type = \"ProgramChange\", program = 5, channel = 1 }");

  LearnSession sysex;
  midi::Message m;
  m.type = midi::MessageType::SysEx;
  m.sysex = std::make_shared<const std::vector<uint8_t>>(std::vector<uint8_t>{0xF0, 0x7E, 0x7F, 0x06, 0x01, 0xF7});
  sysex.feed(m);
  ASSERT_TRUE(sysex.done());
  EXPECT_EQ(sysex.trigger_line(), "trigger = { type = \"SysEx\", pattern = \"F0 7E 7F 06 01 F7\" }");
}

TEST_F(LearnTest, ClockAndStrayReleasesAreIgnored) {
  msg(midi::MessageType::Clock, 0);
  release(50);
  EXPECT_FALSE(session.done());
  EXPECT_FALSE(session.next_deadline().has_value());
  press(50);
  EXPECT_TRUE(session.next_deadline().has_value());
}

// What learn prints is a trigger the config loader accepts, with the same meaning.
TEST(LearnOutput, EveryLearntLineLoadsAsATrigger) {
  const std::vector<std::string> lines = {
      "trigger = { type = \"Note\", note = 36, channel = 10 }",
      "trigger = { type = \"LongPress\", note = 40, duration_ms = 2000, channel = 1 }",
      "trigger = { type = \"DoubleTap\", note = 41, timeout_ms = 300, channel = 1 }",
      "trigger = { type = \"NoteChord\", notes = [60, 64, 67], channel = 1 }",
      "trigger = { type = \"EncoderTurn\", cc = 21, direction = \"Clockwise\", encoding = \"twos_complement\", channel = 1 }",
      "trigger = { type = \"CC\", cc = 64, value_min = 64, fire = \"enter\", channel = 1 }",
      "trigger = { type = \"PitchBend\", value_min = 12287, value_max = 16383, channel = 1 }",
      "trigger = { type = \"Aftertouch\", poly = true, note = 60, pressure_min = 50, channel = 1 }",
      "trigger = { type = \"ProgramChange\", program = 5, channel = 1 }",
      "trigger = { type = \"SysEx\", pattern = \"F0 7E 7F 06 01 F7\" }",
  };
  for (const std::string& line : lines) {
    const std::string text = "[[modes]]\nname = \"Default\"\n[[modes.mappings]]\n" + line +
                             "\naction = { type = \"Text\", text = \"x\" }\n";
    LoadResult loaded = load_config_string(text, "learnt.toml");
    EXPECT_TRUE(loaded.ok()) << line << "\n" << (loaded.errors.empty() ? "" : loaded.errors.front().to_string());
  }
}

}  // namespace
}  // namespace midimon::mapping::test
