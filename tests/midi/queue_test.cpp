// The bounded input queue and the in-process input: overflow counted and never blocking,
// order kept, a waiting consumer woken by a producer or at its deadline.
#include <gtest/gtest.h>

#include <thread>

#include "midi/input_queue.h"
#include "midi/input_stream.h"

namespace midimon::midi {
namespace {

Message note(uint8_t n) {
  Message m;
  m.type = MessageType::NoteOn;
  m.data1 = n;
  return m;
}

TEST(MidiInputQueue, CapacityRoundsUpToAPowerOfTwo) {
  EXPECT_EQ(InputQueue(5).capacity(), 8u);
  EXPECT_EQ(InputQueue(0).capacity(), 2u);
  EXPECT_EQ(InputQueue(64).capacity(), 64u);
}

TEST(MidiInputQueue, FillPastCapacityDropsAndCounts) {
  InputQueue q(8);
  for (uint8_t i = 0; i < 8; ++i) EXPECT_TRUE(q.push(note(i)));
  EXPECT_FALSE(q.push(note(100)));
  EXPECT_FALSE(q.push(note(101)));
  EXPECT_EQ(q.overflows(), 2u);
  EXPECT_EQ(q.pushed(), 8u);
  for (uint8_t i = 0; i < 8; ++i) {
    auto m = q.pop();
    ASSERT_TRUE(m);
    EXPECT_EQ(m->data1, i);  // FIFO; the dropped ones are gone
  }
  EXPECT_FALSE(q.pop());
  EXPECT_TRUE(q.push(note(9)));  // room again after draining
  EXPECT_EQ(q.pop()->data1, 9);
}

TEST(MidiInputQueue, WaitPopReturnsAtTheDeadlineWhenEmpty) {
  InputQueue q(4);
  EXPECT_FALSE(q.wait_pop(std::chrono::steady_clock::now() + std::chrono::milliseconds(1)));
}

TEST(MidiInputQueue, ProducersOnOtherThreadsWakeTheConsumer) {
  InputQueue q(1024);
  constexpr int kPerThread = 200;
  std::vector<std::thread> producers;
  for (int t = 0; t < 3; ++t) {
    producers.emplace_back([&q, t] {
      for (int i = 0; i < kPerThread; ++i) {
        Message m = note(static_cast<uint8_t>(i % 128));
        m.channel = static_cast<uint8_t>(t);
        m.param = static_cast<uint16_t>(i);
        while (!q.push(std::move(m))) std::this_thread::yield();
      }
    });
  }
  int last[3] = {-1, -1, -1};
  int received = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (received < 3 * kPerThread && std::chrono::steady_clock::now() < deadline) {
    auto m = q.wait_pop(deadline);
    if (!m) continue;
    EXPECT_GT(m->param, last[m->channel]);  // per-producer order is kept
    last[m->channel] = m->param;
    ++received;
  }
  for (auto& p : producers) p.join();
  EXPECT_EQ(received, 3 * kPerThread);
}

TEST(MidiInputQueue, WakeReleasesAWaitingConsumer) {
  InputQueue q(4);
  std::thread waker([&q] { q.wake(); });
  // Without the wake this would wait for a minute; the test's own timeout catches that.
  auto m = q.wait_pop(std::chrono::steady_clock::now() + std::chrono::seconds(60));
  waker.join();
  EXPECT_FALSE(m);
}

TEST(MidiInProcessInput, EntersTheQueueThroughTheParserWithClockTimestamps) {
  InputQueue q(16);
  const Timestamp t0 = Timestamp{} + std::chrono::seconds(5);
  InProcessInput input(q, 3, {}, [t0] { return t0; });
  input.send_bytes({0x90, 60, 100, 60, 0});
  Message m;
  m.type = MessageType::Stop;
  input.send(m);
  auto a = q.pop(), b = q.pop(), c = q.pop();
  ASSERT_TRUE(a && b && c);
  EXPECT_EQ(a->to_string(), "NoteOn ch=1 note=60 vel=100");
  EXPECT_EQ(b->to_string(), "NoteOn ch=1 note=60 vel=0");
  EXPECT_EQ(c->type, MessageType::Stop);
  for (auto* x : {&a, &b, &c}) {
    EXPECT_EQ((*x)->device, 3);
    EXPECT_EQ((*x)->time, t0);
  }
  EXPECT_EQ(input.parser_stats().messages, 2u);
}

TEST(MidiInProcessInput, OverflowIsCountedNotBlocking) {
  InputQueue q(2);
  InProcessInput input(q, 0);
  input.send_bytes({0xF8, 0xF8, 0xF8, 0xF8, 0xF8});
  EXPECT_EQ(q.overflows(), 3u);
}

}  // namespace
}  // namespace midimon::midi
