// EncoderTurn: absolute (with wrap-around) and the three relative encodings, each with
// its wrap-around values, and the direction filter.
#include "mapping/encoder.h"

#include "processor_fixture.h"

namespace midimon::mapping::test {
namespace {

TEST(EncoderStep, AbsoluteComparesWithTheLastPositionAndWraps) {
  EXPECT_EQ(encoder_step(EncoderEncoding::Absolute, 10, -1), 0);  // no previous position
  EXPECT_EQ(encoder_step(EncoderEncoding::Absolute, 11, 10), 1);
  EXPECT_EQ(encoder_step(EncoderEncoding::Absolute, 7, 10), -3);
  EXPECT_EQ(encoder_step(EncoderEncoding::Absolute, 0, 127), 1);    // 127 -> 0: clockwise
  EXPECT_EQ(encoder_step(EncoderEncoding::Absolute, 127, 0), -1);   // 0 -> 127: counter-clockwise
  EXPECT_EQ(encoder_step(EncoderEncoding::Absolute, 2, 125), 5);
  EXPECT_EQ(encoder_step(EncoderEncoding::Absolute, 64, 0), 64);    // half way: taken as given
  EXPECT_EQ(encoder_step(EncoderEncoding::Absolute, 65, 0), -63);   // shorter the other way
}

TEST(EncoderStep, TwosComplementWrapsAt64) {
  EXPECT_EQ(encoder_step(EncoderEncoding::TwosComplement, 0, -1), 0);
  EXPECT_EQ(encoder_step(EncoderEncoding::TwosComplement, 1, -1), 1);
  EXPECT_EQ(encoder_step(EncoderEncoding::TwosComplement, 63, -1), 63);
  EXPECT_EQ(encoder_step(EncoderEncoding::TwosComplement, 64, -1), -64);
  EXPECT_EQ(encoder_step(EncoderEncoding::TwosComplement, 127, -1), -1);
  EXPECT_EQ(encoder_step(EncoderEncoding::TwosComplement, 65, -1), -63);
}

TEST(EncoderStep, SignMagnitudeUsesBitSix) {
  EXPECT_EQ(encoder_step(EncoderEncoding::SignMagnitude, 0, -1), 0);
  EXPECT_EQ(encoder_step(EncoderEncoding::SignMagnitude, 1, -1), 1);
  EXPECT_EQ(encoder_step(EncoderEncoding::SignMagnitude, 63, -1), 63);
  EXPECT_EQ(encoder_step(EncoderEncoding::SignMagnitude, 64, -1), 0);  // "minus zero"
  EXPECT_EQ(encoder_step(EncoderEncoding::SignMagnitude, 65, -1), -1);
  EXPECT_EQ(encoder_step(EncoderEncoding::SignMagnitude, 127, -1), -63);
}

TEST(EncoderStep, BinaryOffsetCentresOn64) {
  EXPECT_EQ(encoder_step(EncoderEncoding::BinaryOffset, 64, -1), 0);
  EXPECT_EQ(encoder_step(EncoderEncoding::BinaryOffset, 65, -1), 1);
  EXPECT_EQ(encoder_step(EncoderEncoding::BinaryOffset, 63, -1), -1);
  EXPECT_EQ(encoder_step(EncoderEncoding::BinaryOffset, 127, -1), 63);
  EXPECT_EQ(encoder_step(EncoderEncoding::BinaryOffset, 0, -1), -64);
}

TriggerSpec encoder(uint8_t cc, EncoderEncoding e, int direction) {
  TriggerSpec t = kind_trigger(SpecKind::Encoder, cc);
  t.encoding = e;
  t.direction = direction;
  return t;
}

TEST_F(ProcessorTest, EncoderDirectionsPerEncoding) {
  struct Case {
    EncoderEncoding encoding;
    uint8_t cw, ccw;  // one clockwise value, one counter-clockwise value (wrap-around ones)
  };
  const Case cases[] = {{EncoderEncoding::TwosComplement, 1, 127},
                        {EncoderEncoding::SignMagnitude, 1, 65},
                        {EncoderEncoding::BinaryOffset, 65, 63}};
  uint8_t cc_number = 20;
  for (const Case& c : cases) {
    map(encoder(cc_number, c.encoding, +1), std::string("cw-") + encoder_encoding_name(c.encoding));
    map(encoder(cc_number, c.encoding, -1), std::string("ccw-") + encoder_encoding_name(c.encoding));
    ++cc_number;
  }
  start();
  cc_number = 20;
  for (const Case& c : cases) {
    const std::string name = encoder_encoding_name(c.encoding);
    cc(cc_number, c.cw);
    EXPECT_EQ(fired(), (Lines{"cw-" + name}));
    cc(cc_number, c.cw);  // relative: the same value again is another step the same way
    EXPECT_EQ(fired(), (Lines{"cw-" + name}));
    cc(cc_number, c.ccw);
    EXPECT_EQ(fired(), (Lines{"ccw-" + name}));
    ++cc_number;
  }
}

TEST_F(ProcessorTest, AbsoluteEncoderWrapsAround) {
  map(encoder(30, EncoderEncoding::Absolute, +1), "cw");
  map(encoder(30, EncoderEncoding::Absolute, -1), "ccw");
  start();
  EXPECT_EQ(cc(30, 126), (Lines{"CC ch=1 cc=30 value=126"}));  // first position: no step
  EXPECT_EQ(cc(30, 127), (Lines{"CC ch=1 cc=30 value=127", "EncoderTurn ch=1 cc=30 step=+1 Clockwise (absolute) -> cw"}));
  cc(30, 0);
  EXPECT_EQ(fired(), (Lines{"cw"}));
  cc(30, 127);
  EXPECT_EQ(fired(), (Lines{"ccw"}));
  cc(30, 127);  // no movement
  EXPECT_EQ(fired(), Lines{});
}

TEST_F(ProcessorTest, EncoderWithoutDirectionFiresBothWays) {
  map(encoder(31, EncoderEncoding::TwosComplement, 0), "any");
  start();
  cc(31, 3);
  EXPECT_EQ(fired(), (Lines{"any"}));
  EXPECT_EQ(events.gestures.back().step, 3);
  cc(31, 125);
  EXPECT_EQ(events.gestures.back().step, -3);
  cc(31, 0);
  EXPECT_EQ(fired(), Lines{});
}

}  // namespace
}  // namespace midimon::mapping::test
