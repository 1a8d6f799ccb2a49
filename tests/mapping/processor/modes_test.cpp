// Modes: per-mode plus global mappings, one-step switching that drops pending gestures,
// the current mode as state another thread can read, and config reload.
#include <atomic>
#include <thread>

#include "processor_fixture.h"

namespace midimon::mapping::test {
namespace {

class ModesTest : public ProcessorTest {
 protected:
  size_t media = 0;
  void SetUp() override {
    media = builder.add_mode("Media");
    map(note_trigger(36), "default-36");
    map(kind_trigger(SpecKind::LongPress, 37, 1000), "default-hold-37");
    map(note_trigger(37), "default-37");
    builder.add(media, note_trigger(36), "media-36");
    builder.add(MappingId::kGlobal, note_trigger(48), "global-48");
    start();
  }
};

TEST_F(ModesTest, ModeMappingsPlusGlobalOnes) {
  EXPECT_EQ(processor->mode_name(), "Default");
  press(36);
  EXPECT_EQ(fired(), (Lines{"default-36"}));
  press(48);
  EXPECT_EQ(fired(), (Lines{"global-48"}));
  ASSERT_TRUE(processor->set_mode("Media"));
  release(36);
  press(36);
  EXPECT_EQ(fired(), (Lines{"media-36"}));
  release(48);
  press(48);
  EXPECT_EQ(fired(), (Lines{"global-48"}));
  EXPECT_FALSE(processor->set_mode("Nope"));
  EXPECT_EQ(processor->mode_name(), "Media");
}

TEST_F(ModesTest, SwitchDropsPendingGesturesOfTheOldMode) {
  press(37);  // long press pending, plain Note waiting
  EXPECT_TRUE(processor->next_deadline().has_value());
  processor->set_mode(media);
  EXPECT_FALSE(processor->next_deadline().has_value());
  EXPECT_TRUE(advance(5000).empty());  // no long press of the old mode fires into the new one
  EXPECT_EQ(release(37), (Lines{"NoteRelease ch=1 note=37 held=5000ms"}));  // nor its Note
  // Switching back: the note is playable again from a fresh press.
  processor->set_mode("Default");
  press(37);
  EXPECT_EQ(advance(1000), (Lines{"LongPress ch=1 note=37 held=1000ms -> default-hold-37"}));
}

TEST_F(ModesTest, ModeStateIsOneSnapshotReadableFromAnotherThread) {
  std::atomic<bool> stop{false};
  std::atomic<long> inconsistent{0}, reads{0};
  std::thread reader([&] {
    while (!stop.load()) {
      auto snapshot = processor->mode_state().current();
      // The mode index and the set it indexes were published together.
      if (!snapshot || snapshot->mode >= snapshot->set->mode_count()) ++inconsistent;
      else if (snapshot->name() != "Default" && snapshot->name() != "Media") ++inconsistent;
      ++reads;
    }
  });
  for (int i = 0; i < 2000; ++i) processor->set_mode(i % 2 ? size_t{0} : media);
  // Let the reader observe at least some snapshots before stopping (bounded wait).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (reads.load() < 100 && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
  stop = true;
  reader.join();
  EXPECT_GE(reads.load(), 100);
  EXPECT_EQ(inconsistent.load(), 0);
  EXPECT_EQ(processor->mode_state().current()->name(), processor->mode_name());
}

TEST_F(ModesTest, ReplacingTheMappingsKeepsTheModeByName) {
  processor->set_mode("Media");
  MappingSetBuilder other;
  other.add_mode("Other");
  const size_t m = other.add_mode("Media");
  other.add(m, note_trigger(36), "new-media-36");
  processor->replace_mappings(other.build());
  EXPECT_EQ(processor->mode_name(), "Media");
  EXPECT_EQ(processor->mode(), 1u);
  press(36);
  EXPECT_EQ(fired(), (Lines{"new-media-36"}));
}

}  // namespace
}  // namespace midimon::mapping::test
