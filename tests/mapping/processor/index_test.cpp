// The index: a message looks at one bucket, 1,000 mappings resolve to the right ones,
// and the MappingSet built from a loaded config carries the config's mappings.
#include "mapping/config_loader.h"
#include "mapping/mapping_set_from_config.h"

#include "processor_fixture.h"

namespace midimon::mapping::test {
namespace {

TEST_F(ProcessorTest, ThousandMappingsEachFoundThroughItsBucket) {
  // 1,000 mappings: notes and CCs on each of 16 channels... (channel, number) pairs.
  for (int i = 0; i < 1000; ++i) {
    const uint8_t channel = static_cast<uint8_t>(i % 16);
    const uint8_t number = static_cast<uint8_t>((i / 16) % 128);
    TriggerSpec t = (i % 2) ? value_trigger(SpecKind::ControlChange, number, 0, 127) : note_trigger(number);
    t.channel = channel;
    map(t, "m" + std::to_string(i));
  }
  start();
  const ModeIndex& index = processor->mappings().mode(0).index;
  EXPECT_EQ(index.reference_count(), 1000u);  // one bucket each: no "any channel" copies
  for (int i = 0; i < 1000; ++i) {
    const uint8_t channel = static_cast<uint8_t>(i % 16);
    const uint8_t number = static_cast<uint8_t>((i / 16) % 128);
    if (i % 2) {
      cc(number, 5, channel);
    } else {
      press(number, 100, channel);
      release(number, channel);
      press(number, 100, channel);
    }
    ASSERT_EQ(fired(), (Lines{"m" + std::to_string(i)})) << i;
  }
}

TEST_F(ProcessorTest, AnyChannelTriggerSitsInEveryChannelBucket) {
  map(note_trigger(60), "any");
  start();
  const ModeIndex& index = processor->mappings().mode(0).index;
  for (uint8_t ch = 0; ch < 16; ++ch) EXPECT_EQ(index.notes(ch, 60).size(), 1u);
  EXPECT_EQ(index.notes(0, 61).size(), 0u);
  EXPECT_EQ(index.controller(0, 60).size(), 0u);
}

TEST(MappingSetFromConfig, LoadedConfigDrivesTheProcessor) {
  const char* text = R"(
[advanced_settings]
hold_threshold_ms = 700

[[modes]]
name = "Default"

[[modes.mappings]]
description = "hold"
trigger = { type = "LongPress", note = 36 }
action = { type = "ModeChange", mode = "Media" }

[[modes.mappings]]
description = "tap"
trigger = { type = "Note", note = 36 }
action = { type = "Text", text = "x" }

[[modes]]
name = "Media"

[[global_mappings]]
description = "knob"
trigger = { type = "CC", cc = 7, value_min = 64, channel = 2 }
action = { type = "Text", text = "y" }
)";
  LoadResult loaded = load_config_string(text, "test.toml");
  ASSERT_TRUE(loaded.ok()) << (loaded.errors.empty() ? "" : loaded.errors.front().message);
  auto config = std::make_shared<const Config>(std::move(*loaded.config));
  EventProcessor processor(build_mapping_set(config));
  ASSERT_EQ(processor.mappings().mode_count(), 2u);

  Events events;
  midi::Message m;
  m.type = midi::MessageType::NoteOn;
  m.data1 = 36;
  m.data2 = 90;
  m.time = TimePoint{} + std::chrono::hours(1);
  processor.process(m, events);
  EXPECT_TRUE(events.matches.empty());
  processor.tick(m.time + Millis(699), events);
  EXPECT_TRUE(events.matches.empty());
  processor.tick(m.time + Millis(700), events);  // the global hold threshold, honoured
  ASSERT_EQ(events.matches.size(), 1u);
  const MappingEntry& hold = *events.matches[0].mapping;
  EXPECT_EQ(hold.description, "hold");
  ASSERT_NE(hold.source, nullptr);
  EXPECT_TRUE(std::holds_alternative<action::ModeChange>(hold.source->action.kind));

  events.clear();
  m.type = midi::MessageType::ControlChange;
  m.data1 = 7;
  m.data2 = 100;
  m.channel = 0;  // the trigger says channel 2 (1-16): channel index 1
  processor.process(m, events);
  EXPECT_TRUE(events.matches.empty());
  m.channel = 1;
  processor.process(m, events);
  ASSERT_EQ(events.matches.size(), 1u);
  EXPECT_EQ(events.matches[0].mapping->description, "knob");
}

}  // namespace
}  // namespace midimon::mapping::test
