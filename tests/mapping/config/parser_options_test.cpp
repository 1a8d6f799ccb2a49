// parser_options_from_config: which CC pairs a config's 14-bit triggers make the MIDI
// parsers assemble (a 14-bit trigger sees only assembled messages).
#include <gtest/gtest.h>

#include "config_test_support.h"
#include "mapping/parser_options_from_config.h"

namespace midimon::mapping {
namespace {

using namespace testing;

TEST(ParserOptionsFromConfig, NoFourteenBitTriggerPairsNothing) {
  Config c = must_load(one_mapping(R"({ type = "CC", cc = 1 })", R"({ type = "Text", text = "x" })"));
  EXPECT_TRUE(parser_options_from_config(c).cc14.none());
}

TEST(ParserOptionsFromConfig, ATriggerWithAChannelPairsOnThatChannelOnly) {
  // Users write channels 1-16; the model (and the parser) count from 0.
  Config c = must_load(one_mapping(R"({ type = "CC", cc = 7, channel = 3, fourteen_bit = true })",
                                   R"({ type = "Text", text = "x" })"));
  midi::ParserOptions o = parser_options_from_config(c);
  EXPECT_TRUE(o.is_paired(2, 7));
  EXPECT_FALSE(o.is_paired(0, 7));
  EXPECT_FALSE(o.is_paired(2, 8));
  EXPECT_EQ(o.cc14.count(), 1u);
}

TEST(ParserOptionsFromConfig, ATriggerWithoutAChannelPairsOnEveryChannel) {
  Config c = must_load(one_mapping(R"({ type = "CC", cc = 1, fourteen_bit = true })",
                                   R"({ type = "Text", text = "x" })"));
  midi::ParserOptions o = parser_options_from_config(c);
  for (uint8_t ch = 0; ch < 16; ++ch) EXPECT_TRUE(o.is_paired(ch, 1)) << int(ch);
  EXPECT_EQ(o.cc14.count(), 16u);
}

TEST(ParserOptionsFromConfig, EveryModeAndTheGlobalMappingsCount) {
  Config c = must_load(R"([[modes]]
name = "A"
[[modes.mappings]]
trigger = { type = "CC", cc = 2, channel = 1, fourteen_bit = true }
action = { type = "Text", text = "a" }
[[modes]]
name = "B"
[[modes.mappings]]
trigger = { type = "CC", cc = 3, channel = 2, fourteen_bit = true }
action = { type = "Text", text = "b" }
[[global_mappings]]
trigger = { type = "CC", cc = 31, channel = 16, fourteen_bit = true }
action = { type = "Text", text = "g" }
)");
  midi::ParserOptions o = parser_options_from_config(c);
  EXPECT_TRUE(o.is_paired(0, 2));
  EXPECT_TRUE(o.is_paired(1, 3));
  EXPECT_TRUE(o.is_paired(15, 31));
  EXPECT_EQ(o.cc14.count(), 3u);
}

}  // namespace
}  // namespace midimon::mapping
