// Opening outputs by pattern: the first match, and no fallback when nothing matches.
#include <gtest/gtest.h>

#include "fake_backend.h"
#include "midi/output_device.h"

namespace midimon::midi {
namespace {

TEST(MidiOutputDevice, OpensTheFirstMatchAndSends) {
  testing::FakeBackend backend;
  backend.shared->destinations = {{"synth:in", "1"}, {"synth:in 2", "2"}};
  auto matcher = PortMatcher::make("synth", MatchKind::Substring);
  ASSERT_TRUE(matcher);
  auto out = open_matching_output(backend, *matcher, "out");
  ASSERT_TRUE(out) << out.error();
  EXPECT_EQ(out->port_name, "synth:in");
  EXPECT_EQ(out->match_count, 2u);
  const uint8_t note[] = {0x90, 60, 1};
  EXPECT_TRUE(out->port->send(note, sizeof note));
  ASSERT_EQ(backend.shared->sent.size(), 1u);
  EXPECT_EQ(backend.shared->sent[0], (std::vector<uint8_t>{0x90, 60, 1}));
}

TEST(MidiOutputDevice, NothingMatchingIsAnErrorListingTheOutputs) {
  testing::FakeBackend backend;
  backend.shared->destinations = {{"synth:in", "1"}};
  auto matcher = PortMatcher::make("^drums$", MatchKind::Regex);
  ASSERT_TRUE(matcher);
  auto out = open_matching_output(backend, *matcher, "out");
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error(), "no MIDI output matches regex '^drums$' (outputs: 'synth:in')");
  backend.shared->destinations.clear();
  out = open_matching_output(backend, *matcher, "out");
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error(), "no MIDI output matches regex '^drums$' (there are no outputs)");
}

}  // namespace
}  // namespace midimon::midi
