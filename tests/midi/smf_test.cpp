// The MIDI file reader on hand-built files, and replay with a test clock (no sleeping).
#include <gtest/gtest.h>

#include <fstream>

#include "midi/smf_player.h"
#include "midi/smf_reader.h"

namespace midimon::midi {
namespace {

using Bytes = std::vector<uint8_t>;
using std::chrono::microseconds;

Bytes vlq(uint32_t v) {
  Bytes out{static_cast<uint8_t>(v & 0x7F)};
  while (v >>= 7) out.insert(out.begin(), static_cast<uint8_t>(0x80 | (v & 0x7F)));
  return out;
}

Bytes chunk(const char* type, const Bytes& body, int32_t declared = -1) {
  Bytes out(type, type + 4);
  const uint32_t n = declared < 0 ? static_cast<uint32_t>(body.size()) : uint32_t(declared);
  for (int s = 24; s >= 0; s -= 8) out.push_back(static_cast<uint8_t>(n >> s));
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

Bytes header(uint16_t format, uint16_t tracks, uint16_t division) {
  return chunk("MThd", {uint8_t(format >> 8), uint8_t(format), uint8_t(tracks >> 8),
                        uint8_t(tracks), uint8_t(division >> 8), uint8_t(division)});
}

// Events: delta time + bytes, concatenated.
Bytes ev(uint32_t delta, Bytes bytes) {
  Bytes out = vlq(delta);
  out.insert(out.end(), bytes.begin(), bytes.end());
  return out;
}
Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}
const Bytes kEndOfTrack = {0xFF, 0x2F, 0x00};
Bytes tempo(uint32_t us) { return {0xFF, 0x51, 0x03, uint8_t(us >> 16), uint8_t(us >> 8), uint8_t(us)}; }

Result<SmfFile> read(const Bytes& b) { return read_smf(b.data(), b.size()); }

TEST(MidiSmf, VlqEncodingHelperIsRight) {
  EXPECT_EQ(vlq(0), Bytes{0});
  EXPECT_EQ(vlq(0x80), (Bytes{0x81, 0x00}));
  EXPECT_EQ(vlq(0x0FFFFFFF), (Bytes{0xFF, 0xFF, 0xFF, 0x7F}));
}

TEST(MidiSmf, Format0WithRunningStatusAndDefaultTempo) {
  // 96 ticks per quarter at the default 120 bpm: a quarter is 500 ms.
  const Bytes track = cat({ev(0, {0x90, 60, 100}), ev(96, {62, 90}), ev(96, {60, 0}),
                           ev(0, {62, 0}), ev(0, kEndOfTrack)});
  auto file = read(cat({header(0, 1, 96), chunk("MTrk", track)}));
  ASSERT_TRUE(file) << file.error();
  EXPECT_EQ(file->format, 0);
  EXPECT_EQ(file->division.ticks_per_quarter, 96);
  ASSERT_EQ(file->events.size(), 5u);
  EXPECT_EQ(file->events[1].bytes, (Bytes{0x90, 62, 90}));  // running status expanded
  EXPECT_EQ(file->events[1].time, microseconds(500000));
  EXPECT_EQ(file->events[3].time, microseconds(1000000));
  EXPECT_EQ(file->events[4].kind, SmfEvent::Kind::Meta);
  EXPECT_EQ(file->duration, microseconds(1000000));
  EXPECT_TRUE(file->warnings.empty());
}

TEST(MidiSmf, Format1MergesTracksAndHonoursTempoChangesMidFile) {
  // Track 0: tempo 120 bpm, then at tick 96 (0.5 s) 60 bpm (1 s per quarter).
  const Bytes t0 = cat({ev(0, tempo(500000)), ev(96, tempo(1000000)), ev(0, kEndOfTrack)});
  // Track 1: notes at ticks 48, 96, 192.
  const Bytes t1 = cat({ev(48, {0x91, 1, 1}), ev(48, {0x91, 2, 2}), ev(96, {0x81, 2, 0}),
                        ev(0, kEndOfTrack)});
  auto file = read(cat({header(1, 2, 96), chunk("MTrk", t0), chunk("MTrk", t1)}));
  ASSERT_TRUE(file) << file.error();
  std::vector<std::pair<uint64_t, int64_t>> midi;  // tick, microseconds
  for (const auto& e : file->events) {
    if (e.kind == SmfEvent::Kind::Midi) midi.emplace_back(e.tick, e.time.count());
  }
  EXPECT_EQ(midi, (std::vector<std::pair<uint64_t, int64_t>>{
                      {48, 250000}, {96, 500000}, {192, 1500000}}));
  ASSERT_EQ(file->tempo_map.size(), 2u);
  EXPECT_EQ(file->tempo_map[1].tick, 96u);
  EXPECT_EQ(file->tempo_map[1].microseconds_per_quarter, 1000000u);
  EXPECT_EQ(file->tempo_map[1].time, microseconds(500000));
  // At tick 96 the tempo event (track 0) sorts before the note (track 1).
  EXPECT_EQ(file->events[2].kind, SmfEvent::Kind::Meta);
  EXPECT_EQ(file->duration, microseconds(1500000));
}

TEST(MidiSmf, SmpteDivision) {
  // 25 fps, 40 ticks per frame = 1000 ticks per second: a tick is 1 ms.
  const Bytes track = cat({ev(1000, {0xC0, 5}), ev(500, {0xD0, 9}), ev(0, kEndOfTrack)});
  auto file = read(cat({header(0, 1, static_cast<uint16_t>((uint8_t(-25) << 8) | 40)), chunk("MTrk", track)}));
  ASSERT_TRUE(file) << file.error();
  EXPECT_TRUE(file->division.smpte);
  EXPECT_EQ(file->division.frames_per_second, 25);
  EXPECT_EQ(file->events[0].time, microseconds(1000000));
  EXPECT_EQ(file->events[1].time, microseconds(1500000));
  // 29.97 fps drop-frame, 1 tick per frame: 30 ticks are 1.001 s.
  const Bytes t2 = cat({ev(30, {0xC0, 1}), ev(0, kEndOfTrack)});
  auto df = read(cat({header(0, 1, static_cast<uint16_t>((uint8_t(-29) << 8) | 1)), chunk("MTrk", t2)}));
  ASSERT_TRUE(df) << df.error();
  EXPECT_EQ(df->events[0].time, microseconds(1001000));
}

TEST(MidiSmf, SysExInBothForms) {
  const Bytes track = cat({ev(0, {0xF0, 0x03, 0x7E, 0x01, 0xF7}),         // complete
                           ev(0, {0xF0, 0x02, 0x43, 0x12}),               // first packet
                           ev(10, {0xF7, 0x02, 0x34, 0xF7}),              // continuation
                           ev(0, {0xF7, 0x01, 0xF8}),                      // escape: a clock
                           ev(0, kEndOfTrack)});
  auto file = read(cat({header(0, 1, 96), chunk("MTrk", track)}));
  ASSERT_TRUE(file) << file.error();
  ASSERT_EQ(file->events.size(), 5u);
  EXPECT_EQ(file->events[0].kind, SmfEvent::Kind::SysEx);
  EXPECT_EQ(file->events[0].bytes, (Bytes{0xF0, 0x7E, 0x01, 0xF7}));
  EXPECT_EQ(file->events[1].bytes, (Bytes{0xF0, 0x43, 0x12}));
  EXPECT_EQ(file->events[2].kind, SmfEvent::Kind::Raw);
  EXPECT_EQ(file->events[2].bytes, (Bytes{0x34, 0xF7}));
  EXPECT_EQ(file->events[3].bytes, (Bytes{0xF8}));

  // Replayed, the packets join into one SysEx and the escaped clock is a Clock.
  InputQueue q(16);
  InProcessInput input(q, 0);
  struct Instant final : ReplayClock {
    Timestamp t{};
    Timestamp now() override { return t; }
    void sleep_until(Timestamp when) override { t = when; }
  } clock;
  ReplayOptions options;
  options.speed = std::numeric_limits<double>::infinity();
  auto report = replay(*file, input, clock, options);
  ASSERT_TRUE(report);
  EXPECT_EQ(report->events_sent, 4u);
  std::vector<std::string> got;
  while (auto m = q.pop()) got.push_back(m->to_string());
  EXPECT_EQ(got, (std::vector<std::string>{"SysEx len=4 data=F0 7E 01 F7",
                                           "SysEx len=5 data=F0 43 12 34 F7", "Clock"}));
}

TEST(MidiSmf, UnknownChunksAreSkippedAndMissingEndOfTrackIsAWarning) {
  const Bytes track = cat({ev(0, {0x90, 1, 1})});
  auto file = read(cat({header(0, 1, 96), chunk("XFIH", {1, 2, 3}), chunk("MTrk", track)}));
  ASSERT_TRUE(file) << file.error();
  EXPECT_EQ(file->events.size(), 1u);
  ASSERT_EQ(file->warnings.size(), 1u);
  EXPECT_EQ(file->warnings[0], "track 0 has no end-of-track event");
}

void expect_error(const Bytes& bytes, const std::string& expected) {
  auto file = read(bytes);
  ASSERT_FALSE(file) << "accepted a malformed file";
  EXPECT_EQ(file.error(), expected);
}

TEST(MidiSmf, MalformedFilesNameTheByteOffset) {
  const Bytes h = header(0, 1, 96);  // 14 bytes: the track chunk starts at byte 14
  expect_error({'R', 'I', 'F', 'F'}, "byte 0: not a Standard MIDI File (no MThd header)");
  expect_error(cat({h, chunk("MTrk", cat({ev(0, {0x90, 1, 1})}), 100)}),
               "byte 14: chunk 'MTrk' declares 100 bytes but only 4 remain");
  // A delta time whose continuation bit runs off the end of the track.
  expect_error(cat({h, chunk("MTrk", {0x81, 0x82})}),
               "byte 22: truncated variable-length quantity (the track ends)");
  expect_error(cat({h, chunk("MTrk", {0x81, 0x82, 0x83, 0x84, 0x00})}),
               "byte 22: variable-length quantity longer than 4 bytes");
  expect_error(cat({h, chunk("MTrk", cat({ev(0, {60, 100})}))}),
               "byte 23: data byte 0x3C without a running status");
  expect_error(cat({h, chunk("MTrk", cat({ev(0, {0x90, 60})}))}),
               "byte 24: channel message cut short by the end of the track");
  expect_error(cat({h, chunk("MTrk", cat({ev(0, {0x90, 60, 0x80})}))}),
               "byte 25: status byte 0x80 inside a channel message");
  expect_error(cat({h, chunk("MTrk", cat({ev(0, {0xFF, 0x01, 0x05, 'a'})}))}),
               "byte 25: event length 5 goes past the end of the track (1 bytes left)");
  expect_error(cat({h, chunk("MTrk", cat({ev(0, {0xFF, 0x51, 0x02, 1, 2})}))}),
               "byte 23: tempo meta event with 2 data bytes (3 expected)");
  expect_error(cat({h, chunk("MTrk", cat({ev(0, {0xF8})}))}),
               "byte 23: status byte 0xF8 is not allowed in a MIDI file");
  expect_error(cat({header(2, 1, 96)}), "byte 8: format 2 (independent sequences) is not supported");
  expect_error(cat({header(0, 2, 96)}), "byte 10: format 0 with 2 tracks (1 expected)");
  expect_error(cat({header(1, 2, 96), chunk("MTrk", ev(0, kEndOfTrack))}),
               "byte 26: the header declares 2 tracks but the file has 1");
  expect_error(cat({header(0, 1, 0)}), "byte 12: division of 0 ticks per quarter note");
  expect_error(cat({header(0, 1, static_cast<uint16_t>((uint8_t(-26) << 8) | 4))}),
               "byte 12: SMPTE division with 26 frames per second (24, 25, 29 or 30)");
  expect_error(cat({h, {'M', 'T', 'r'}}), "byte 14: truncated chunk header (3 bytes left)");
}

TEST(MidiSmf, EveryTruncationOfAGoodFileIsAnErrorNotACrash) {
  const Bytes good = cat({header(1, 2, 96), chunk("MTrk", cat({ev(0, tempo(400000)), ev(0, kEndOfTrack)})),
                          chunk("MTrk", cat({ev(0, {0xF0, 2, 1, 0xF7}), ev(200, {0x90, 1, 2}),
                                             ev(1, {3, 4}), ev(0, kEndOfTrack)}))});
  ASSERT_TRUE(read(good));
  for (size_t n = 0; n < good.size(); ++n) {
    auto file = read_smf(good.data(), n);
    EXPECT_FALSE(file) << "a file cut to " << n << " bytes was accepted";
  }
}

TEST(MidiSmf, ReadFileErrorsStartWithThePath) {
  auto missing = read_smf_file("/nonexistent/x.mid");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error(), "/nonexistent/x.mid: cannot open the file");
  const std::string path = ::testing::TempDir() + "/midimon_bad.mid";
  std::ofstream(path, std::ios::binary) << "MThd";
  auto bad = read_smf_file(path);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error(), path + ": byte 0: not a Standard MIDI File (no MThd header)");
}

// A clock the test owns: sleeping advances it and records how long each wait was.
struct FakeClock final : ReplayClock {
  Timestamp t = Timestamp{} + std::chrono::hours(1);
  std::vector<Timestamp> sleeps;
  Timestamp now() override { return t; }
  void sleep_until(Timestamp when) override {
    sleeps.push_back(when);
    if (when > t) t = when;
  }
};

TEST(MidiSmfReplay, RealTimingAndSpeedFactorWithoutSleeping) {
  const Bytes track = cat({ev(0, {0x90, 60, 100}), ev(96, {0x80, 60, 0}), ev(192, {0x90, 61, 1}),
                           ev(0, kEndOfTrack)});
  auto file = read(cat({header(0, 1, 96), chunk("MTrk", track)}));
  ASSERT_TRUE(file);
  for (double speed : {1.0, 2.0, 0.5}) {
    FakeClock clock;
    const Timestamp start = clock.t;
    InputQueue q(16);
    InProcessInput input(q, 2);
    ReplayOptions options;
    options.speed = speed;
    auto report = replay(*file, input, clock, options);
    ASSERT_TRUE(report);
    EXPECT_EQ(report->events_sent, 3u);
    std::vector<int64_t> at_us;
    while (auto m = q.pop()) {
      EXPECT_EQ(m->device, 2);
      at_us.push_back(std::chrono::duration_cast<microseconds>(m->time - start).count());
    }
    EXPECT_EQ(at_us, (std::vector<int64_t>{0, int64_t(500000 / speed), int64_t(1500000 / speed)}))
        << "speed " << speed;
    EXPECT_EQ(clock.t - start, std::chrono::duration_cast<Timestamp::duration>(
                                   std::chrono::duration<double, std::micro>(1500000 / speed)));
    // No single wait is longer than the 50 ms slice (a stop request is seen promptly).
    Timestamp previous = start;
    for (Timestamp s : clock.sleeps) {
      EXPECT_LE(s - previous, std::chrono::milliseconds(50));
      previous = s;
    }
  }
}

TEST(MidiSmfReplay, StopFlagAndBadSpeed) {
  const Bytes track = cat({ev(0, {0x90, 60, 100}), ev(960, {0x80, 60, 0}), ev(0, kEndOfTrack)});
  auto file = read(cat({header(0, 1, 96), chunk("MTrk", track)}));
  ASSERT_TRUE(file);
  InputQueue q(16);
  InProcessInput input(q, 0);
  std::atomic<bool> stop{false};
  struct StoppingClock final : ReplayClock {
    std::atomic<bool>* stop;
    Timestamp t{};
    Timestamp now() override { return t; }
    void sleep_until(Timestamp when) override {
      t = when;
      *stop = true;  // someone asks to stop while the replay waits
    }
  } clock;
  clock.stop = &stop;
  ReplayOptions options;
  options.stop = &stop;
  auto report = replay(*file, input, clock, options);
  ASSERT_TRUE(report);
  EXPECT_TRUE(report->stopped);
  EXPECT_EQ(report->events_sent, 1u);
  options.speed = 0;
  auto bad = replay(*file, input, clock, options);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error(), "replay speed must be greater than 0 (got 0.000000)");
}

}  // namespace
}  // namespace midimon::midi
