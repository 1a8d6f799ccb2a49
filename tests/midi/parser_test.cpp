// The byte-stream parser: every message type, running status, SysEx with realtime bytes
// inside, the SysEx cap, truncated and garbage streams, 14-bit CC pairs and RPN/NRPN.
#include <gtest/gtest.h>

#include <vector>

#include "midi/parser.h"

namespace midimon::midi {
namespace {

using Bytes = std::vector<uint8_t>;

struct Collector {
  std::vector<Message> messages;
  Parser::Emit emit() {
    return [this](Message&& m) { messages.push_back(std::move(m)); };
  }
};

std::vector<Message> parse(Parser& parser, const Bytes& bytes) {
  Collector c;
  parser.feed(bytes.data(), bytes.size(), Timestamp{}, c.emit());
  return c.messages;
}

std::vector<Message> parse(const Bytes& bytes, ParserOptions options = {}) {
  Parser parser(std::move(options));
  return parse(parser, bytes);
}

std::vector<std::string> texts(const std::vector<Message>& ms) {
  std::vector<std::string> out;
  for (const auto& m : ms) out.push_back(m.to_string());
  return out;
}

TEST(MidiParser, EveryChannelMessageWithItsChannel) {
  auto ms = parse({0x80, 60, 10, 0x91, 61, 100, 0xA2, 62, 30, 0xB3, 7, 99, 0xC4, 5, 0xD5, 77,
                   0xEF, 0x00, 0x40});
  EXPECT_EQ(texts(ms), (std::vector<std::string>{
                           "NoteOff ch=1 note=60 vel=10", "NoteOn ch=2 note=61 vel=100",
                           "PolyAftertouch ch=3 note=62 pressure=30",
                           "ControlChange ch=4 cc=7 value=99", "ProgramChange ch=5 program=5",
                           "ChannelAftertouch ch=6 pressure=77", "PitchBend ch=16 value=8192"}));
  EXPECT_EQ(ms[6].channel, 15);
}

TEST(MidiParser, PitchBendIs14BitLsbFirst) {
  auto ms = parse({0xE0, 0x7F, 0x7F, 0xE0, 0x00, 0x00, 0xE0, 0x01, 0x02});
  ASSERT_EQ(ms.size(), 3u);
  EXPECT_EQ(ms[0].value14, 16383);
  EXPECT_EQ(ms[1].value14, 0);
  EXPECT_EQ(ms[2].value14, (2 << 7) | 1);
}

TEST(MidiParser, NoteOnVelocityZeroStaysNoteOn) {
  auto ms = parse({0x90, 60, 0});
  ASSERT_EQ(ms.size(), 1u);
  EXPECT_EQ(ms[0].type, MessageType::NoteOn);
  EXPECT_EQ(ms[0].data2, 0);
}

TEST(MidiParser, SystemCommonAndRealtime) {
  auto ms = parse({0xF1, 0x35, 0xF2, 0x10, 0x01, 0xF3, 9, 0xF6, 0xF8, 0xFA, 0xFB, 0xFC, 0xFE,
                   0xFF});
  EXPECT_EQ(texts(ms),
            (std::vector<std::string>{"MtcQuarterFrame value=53", "SongPosition value=144",
                                      "SongSelect song=9", "TuneRequest", "Clock", "Start",
                                      "Continue", "Stop", "ActiveSensing", "Reset"}));
}

TEST(MidiParser, RunningStatusAcrossMessagesAndFeeds) {
  Parser parser;
  Collector c;
  const Bytes a = {0x90, 60, 100, 62, 101, 64};  // third message split across feeds
  const Bytes b = {102, 0xC1, 3, 4, 5};          // program change with running status too
  parser.feed(a.data(), a.size(), Timestamp{}, c.emit());
  EXPECT_EQ(c.messages.size(), 2u);
  parser.feed(b.data(), b.size(), Timestamp{}, c.emit());
  EXPECT_EQ(texts(c.messages),
            (std::vector<std::string>{"NoteOn ch=1 note=60 vel=100", "NoteOn ch=1 note=62 vel=101",
                                      "NoteOn ch=1 note=64 vel=102", "ProgramChange ch=2 program=3",
                                      "ProgramChange ch=2 program=4",
                                      "ProgramChange ch=2 program=5"}));
  EXPECT_EQ(parser.stats().garbage_bytes, 0u);
}

TEST(MidiParser, ByteAtATimeGivesTheSameMessages) {
  const Bytes stream = {0x90, 60, 100, 61, 0, 0xF0, 1, 2, 0xF8, 3, 0xF7, 0xB0, 1, 2, 0xE0, 5, 6};
  Parser whole, split;
  auto expected = texts(parse(whole, stream));
  Collector c;
  for (uint8_t b : stream) split.feed(&b, 1, Timestamp{}, c.emit());
  EXPECT_EQ(texts(c.messages), expected);
}

TEST(MidiParser, RealtimeInsideAMessageDoesNotBreakRunningStatus) {
  auto ms = parse({0x90, 60, 0xF8, 100, 61, 0xFE, 0});
  EXPECT_EQ(texts(ms),
            (std::vector<std::string>{"Clock", "NoteOn ch=1 note=60 vel=100", "ActiveSensing",
                                      "NoteOn ch=1 note=61 vel=0"}));
}

TEST(MidiParser, SystemCommonCancelsRunningStatus) {
  Parser parser;
  auto ms = parse(parser, {0x90, 60, 100, 0xF6, 61, 100});
  EXPECT_EQ(texts(ms), (std::vector<std::string>{"NoteOn ch=1 note=60 vel=100", "TuneRequest"}));
  EXPECT_EQ(parser.stats().garbage_bytes, 2u);
}

TEST(MidiParser, SysExWithRealtimeInsideIsEmittedWholeAfterTheRealtime) {
  Parser parser;
  auto ms = parse(parser, {0xF0, 0x7E, 0x7F, 0xF8, 0x06, 0xFA, 0x01, 0xF7, 0x90, 1, 2});
  ASSERT_EQ(ms.size(), 4u);
  EXPECT_EQ(ms[0].type, MessageType::Clock);
  EXPECT_EQ(ms[1].type, MessageType::Start);
  ASSERT_EQ(ms[2].type, MessageType::SysEx);
  EXPECT_EQ(*ms[2].sysex, (Bytes{0xF0, 0x7E, 0x7F, 0x06, 0x01, 0xF7}));
  EXPECT_EQ(ms[2].to_bytes(), *ms[2].sysex);
  EXPECT_EQ(ms[3].to_string(), "NoteOn ch=1 note=1 vel=2");
  EXPECT_EQ(parser.stats().sysex_unterminated, 0u);
}

TEST(MidiParser, SysExCutShortByAStatusIsDroppedAndTheStatusParsed) {
  Parser parser;
  auto ms = parse(parser, {0xF0, 1, 2, 3, 0x90, 60, 1});
  EXPECT_EQ(texts(ms), (std::vector<std::string>{"NoteOn ch=1 note=60 vel=1"}));
  EXPECT_EQ(parser.stats().sysex_unterminated, 1u);
}

TEST(MidiParser, SysExCapExactFitPassesOneMoreIsDroppedAndCounted) {
  ParserOptions options;
  options.sysex_max_bytes = 6;  // F0 + 4 data + F7
  Parser parser(options);
  auto ms = parse(parser, {0xF0, 1, 2, 3, 4, 0xF7, 0xF0, 1, 2, 3, 4, 5, 0xF7, 0xF8});
  ASSERT_EQ(ms.size(), 2u);
  EXPECT_EQ(ms[0].sysex->size(), 6u);
  EXPECT_EQ(ms[1].type, MessageType::Clock);
  EXPECT_EQ(parser.stats().sysex_oversize, 1u);
  // The parser recovers: the next SysEx within the cap passes.
  ms = parse(parser, {0xF0, 9, 0xF7});
  ASSERT_EQ(ms.size(), 1u);
  EXPECT_EQ(*ms[0].sysex, (Bytes{0xF0, 9, 0xF7}));
}

TEST(MidiParser, TruncatedMessagesAreCountedAndDropped) {
  Parser parser;
  auto ms = parse(parser, {0x90, 60, 0x80, 0xB0, 0xC0, 1});
  EXPECT_EQ(texts(ms), (std::vector<std::string>{"ProgramChange ch=1 program=1"}));
  EXPECT_EQ(parser.stats().truncated, 3u);
  // A stream ending mid-message emits nothing for it.
  Parser tail;
  EXPECT_TRUE(parse(tail, {0x90, 60}).empty());
  EXPECT_TRUE(parse(tail, {0xF0, 1, 2}).empty());
}

TEST(MidiParser, GarbageIsSkippedAndCounted) {
  Parser parser;
  auto ms = parse(parser, {1, 2, 3, 0xF7, 0xF4, 0xF5, 0xF9, 0xFD, 0x90, 60, 100});
  EXPECT_EQ(texts(ms), (std::vector<std::string>{"NoteOn ch=1 note=60 vel=100"}));
  EXPECT_EQ(parser.stats().garbage_bytes, 8u);
  EXPECT_EQ(parser.stats().bytes, 11u);
  EXPECT_EQ(parser.stats().messages, 1u);
}

TEST(MidiParser, UndefinedSystemCommonCancelsRunningStatus) {
  Parser parser;
  auto ms = parse(parser, {0x90, 60, 100, 0xF5, 61, 100});
  EXPECT_EQ(ms.size(), 1u);
  EXPECT_EQ(parser.stats().garbage_bytes, 3u);
}

TEST(MidiParser, ResetForgetsRunningStatusAndPartialSysEx) {
  Parser parser;
  (void)parse(parser, {0x90, 60, 100, 0xF0, 1});
  parser.reset();
  auto ms = parse(parser, {61, 100, 2, 0xF7});
  EXPECT_TRUE(ms.empty());
  EXPECT_EQ(parser.stats().garbage_bytes, 4u);
}

TEST(MidiParser, DeviceAndTimeAreStamped) {
  Parser parser;
  parser.device = 7;
  Collector c;
  const Bytes b = {0x90, 1, 2};
  const Timestamp t = Timestamp{} + std::chrono::milliseconds(42);
  parser.feed(b.data(), b.size(), t, c.emit());
  ASSERT_EQ(c.messages.size(), 1u);
  EXPECT_EQ(c.messages[0].device, 7);
  EXPECT_EQ(c.messages[0].time, t);
}

TEST(MidiParser, Unpaired14BitControllersStay7Bit) {
  auto ms = parse({0xB0, 1, 64, 0xB0, 33, 5});
  ASSERT_EQ(ms.size(), 2u);
  EXPECT_FALSE(ms[0].is_14bit);
  EXPECT_EQ(ms[1].data1, 33);
}

TEST(MidiParser, Paired14BitMsbThenLsb) {
  ParserOptions options;
  ASSERT_TRUE(options.pair_14bit(2, 1));
  Parser parser(options);
  // MSB 64 then LSB 5 on channel 3; the same pair on channel 1 is not paired.
  auto ms = parse(parser, {0xB2, 1, 64, 0xB2, 33, 5, 0xB2, 33, 6, 0xB0, 1, 64});
  ASSERT_EQ(ms.size(), 4u);
  EXPECT_TRUE(ms[0].is_14bit);
  EXPECT_EQ(ms[0].data1, 1);
  EXPECT_EQ(ms[0].value14, 64 << 7);  // an MSB resets the LSB
  EXPECT_TRUE(ms[1].is_14bit);
  EXPECT_EQ(ms[1].data1, 1);
  EXPECT_EQ(ms[1].value14, (64 << 7) | 5);
  EXPECT_EQ(ms[2].value14, (64 << 7) | 6);  // a fine change: LSB alone
  EXPECT_FALSE(ms[3].is_14bit);
  EXPECT_EQ(ms[1].to_bytes(), (Bytes{0xB2, 1, 64, 0xB2, 33, 5}));
  EXPECT_EQ(ms[1].to_string(), "ControlChange ch=3 cc=1 value14=8197");
}

TEST(MidiParser, PairAllChannelsAndRejectOutOfRange) {
  ParserOptions options;
  EXPECT_TRUE(options.pair_14bit(-1, 31));
  EXPECT_FALSE(options.pair_14bit(0, 32));
  EXPECT_FALSE(options.pair_14bit(16, 1));
  EXPECT_TRUE(options.is_paired(0, 31));
  EXPECT_TRUE(options.is_paired(15, 31));
  EXPECT_FALSE(options.is_paired(15, 30));
}

TEST(MidiParser, RpnAssembly) {
  ParserOptions options;
  options.assemble_rpn = true;
  options.rpn_increments = true;
  Parser parser(options);
  // RPN 0 (pitch bend range): 2 semitones + 0 cents, increment, then the null RPN.
  auto ms = parse(parser, {0xB0, 101, 0, 0xB0, 100, 0, 0xB0, 6, 2, 0xB0, 38, 0, 0xB0, 96, 0,
                           0xB0, 101, 127, 0xB0, 100, 127, 0xB0, 6, 9});
  ASSERT_EQ(ms.size(), 4u);
  EXPECT_EQ(ms[0].type, MessageType::Rpn);
  EXPECT_EQ(ms[0].param, 0);
  EXPECT_EQ(ms[0].value14, 2 << 7);
  EXPECT_EQ(ms[1].value14, 2 << 7);
  EXPECT_EQ(ms[2].value14, (2 << 7) + 1);
  // After the null RPN, data entry passes through as a plain CC.
  EXPECT_EQ(ms[3].to_string(), "ControlChange ch=1 cc=6 value=9");
  EXPECT_TRUE(ms[0].to_bytes().empty());
}

TEST(MidiParser, NrpnAssemblyWithRunningStatusAndDecrementClamp) {
  ParserOptions options;
  options.assemble_rpn = true;
  options.rpn_increments = true;
  Parser parser(options);
  auto ms = parse(parser, {0xB5, 99, 1, 98, 2, 38, 0, 97, 0, 6, 127, 38, 127});
  ASSERT_EQ(ms.size(), 4u);
  EXPECT_EQ(ms[0].type, MessageType::Nrpn);
  EXPECT_EQ(ms[0].channel, 5);
  EXPECT_EQ(ms[0].param, (1 << 7) | 2);
  EXPECT_EQ(ms[1].value14, 0);  // decrement clamps at 0
  EXPECT_EQ(ms[3].value14, 16383);
  EXPECT_EQ(ms[3].to_string(), "Nrpn ch=6 param=130 value=16383");
}

TEST(MidiParser, IncrementsPassThroughWhenNotEnabled) {
  ParserOptions options;
  options.assemble_rpn = true;
  Parser parser(options);
  auto ms = parse(parser, {0xB0, 101, 0, 100, 1, 96, 0});
  ASSERT_EQ(ms.size(), 1u);
  EXPECT_EQ(ms[0].type, MessageType::ControlChange);
  EXPECT_EQ(ms[0].data1, 96);
}

TEST(MidiMessage, ToBytesRoundTripsThroughTheParser) {
  const std::vector<Bytes> wire = {{0x83, 1, 2}, {0x94, 3, 4}, {0xA5, 5, 6}, {0xB6, 7, 8},
                                   {0xC7, 9},    {0xD8, 10},   {0xE9, 11, 12}, {0xF1, 13},
                                   {0xF2, 14, 15}, {0xF3, 16}, {0xF6}, {0xF8}, {0xFA},
                                   {0xFB}, {0xFC}, {0xFE}, {0xFF}, {0xF0, 1, 0xF7}};
  for (const Bytes& w : wire) {
    auto ms = parse(w);
    ASSERT_EQ(ms.size(), 1u) << int(w[0]);
    EXPECT_EQ(ms[0].to_bytes(), w) << ms[0].to_string();
  }
}

TEST(MidiMessage, TypeNames) {
  EXPECT_STREQ(message_type_name(MessageType::ControlChange), "ControlChange");
  EXPECT_STREQ(message_type_name(MessageType::Reset), "Reset");
  EXPECT_TRUE(is_channel_message(MessageType::Nrpn));
  EXPECT_FALSE(is_channel_message(MessageType::SysEx));
}

TEST(MidiMessage, LongSysExTextIsCut) {
  Message m;
  m.type = MessageType::SysEx;
  Bytes b(40, 1);
  b.front() = 0xF0;
  b.back() = 0xF7;
  m.sysex = std::make_shared<const Bytes>(b);
  EXPECT_EQ(m.to_string(), "SysEx len=40 data=F0 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 ...");
}

}  // namespace
}  // namespace midimon::midi
