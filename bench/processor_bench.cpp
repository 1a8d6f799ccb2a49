// One MIDI message through the event processor to its matched mappings, with 1,000
// mappings in the active mode (issue 9's target: p99 <= 10 us). Each message is timed on
// its own (steady_clock around process()); p50/p99 of those are reported as counters
// next to Google Benchmark's mean. Run:
//   build/release/bench/processor_bench --benchmark_repetitions=3
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <vector>

#include "mapping/event_processor.h"
#include "mapping/mapping_index.h"

namespace {

using namespace midimon::mapping;
using midimon::midi::Message;
using midimon::midi::MessageType;

// 1,000 mappings shaped like a large real config: plain notes on several channels, long
// presses, double taps and chords, CC ranges and encoders, plus 20 global mappings.
std::shared_ptr<const MappingSet> thousand_mappings() {
  MappingSetBuilder b;
  const size_t mode = b.add_mode("Default");
  b.add_mode("Other");
  int count = 0;
  auto add = [&](size_t m, TriggerSpec t) { b.add(m, std::move(t), "m" + std::to_string(count++)); };
  for (int i = 0; i < 500; ++i) {  // plain notes, channels 1-4
    TriggerSpec t;
    t.kind = SpecKind::Note;
    t.number = static_cast<uint8_t>(i % 128);
    t.channel = static_cast<uint8_t>(i / 128);
    add(mode, t);
  }
  for (int i = 0; i < 100; ++i) {  // long presses and double taps, channel 5
    TriggerSpec t;
    t.kind = i % 2 ? SpecKind::LongPress : SpecKind::DoubleTap;
    t.number = static_cast<uint8_t>(i);
    t.channel = 4;
    t.timeout_ms = i % 2 ? 2000 : 300;
    add(mode, t);
  }
  for (int i = 0; i < 60; ++i) {  // chords, channel 6
    TriggerSpec t;
    t.kind = SpecKind::Chord;
    t.notes = {static_cast<uint8_t>(i), static_cast<uint8_t>(i + 4), static_cast<uint8_t>(i + 7)};
    t.channel = 5;
    t.timeout_ms = 50;
    add(mode, t);
  }
  for (int i = 0; i < 300; ++i) {  // CC ranges and encoders, channels 7-9
    TriggerSpec t;
    t.kind = i % 3 ? SpecKind::ControlChange : SpecKind::Encoder;
    t.number = static_cast<uint8_t>(i % 128);
    t.channel = static_cast<uint8_t>(6 + i / 128);
    t.min = 64;
    t.max = 127;
    t.fire = CcFire::Enter;
    add(mode, t);
  }
  for (int i = 0; i < 20; ++i) {  // the rest: velocity ranges on any channel
    TriggerSpec t;
    t.kind = SpecKind::VelocityRange;
    t.number = static_cast<uint8_t>(100 + i);
    t.min = 1;
    t.max = 80;
    add(mode, t);
  }
  for (int i = 0; i < 20; ++i) {  // global
    TriggerSpec t;
    t.kind = SpecKind::ProgramChange;
    t.number = static_cast<uint8_t>(i);
    add(MappingId::kGlobal, t);
  }
  return b.build();
}

// Feeds `messages` round-robin, timing each process() call.
void run(benchmark::State& state, const std::vector<Message>& messages, size_t expected_matches_min) {
  EventProcessor processor(thousand_mappings());
  if (processor.mappings().mode(0).mappings.size() + processor.mappings().global_mappings().size() != 1000) {
    state.SkipWithError("the set does not hold 1,000 mappings");
    return;
  }
  Events events;
  events.gestures.reserve(16);
  events.matches.reserve(16);
  std::vector<double> samples;
  samples.reserve(1 << 20);
  auto t = std::chrono::steady_clock::now();
  size_t i = 0, matches = 0;
  for (auto _ : state) {
    Message m = messages[i++ % messages.size()];
    t += std::chrono::milliseconds(1);
    m.time = t;
    events.clear();
    const auto begin = std::chrono::steady_clock::now();
    processor.process(m, events);
    const auto end = std::chrono::steady_clock::now();
    benchmark::DoNotOptimize(events.matches.data());
    matches += events.matches.size();
    const double ns = std::chrono::duration<double, std::nano>(end - begin).count();
    state.SetIterationTime(ns * 1e-9);
    if (samples.size() < samples.capacity()) samples.push_back(ns);
  }
  if (samples.empty()) return;
  if (matches < expected_matches_min * (state.iterations() / messages.size())) {
    state.SkipWithError("fewer matches than the messages should produce");
    return;
  }
  std::sort(samples.begin(), samples.end());
  auto pct = [&](double p) { return samples[std::min(samples.size() - 1, size_t(p * samples.size()))]; };
  state.counters["p50_ns"] = pct(0.50);
  state.counters["p99_ns"] = pct(0.99);
  state.counters["max_ns"] = samples.back();
  state.counters["matches/msg"] = double(matches) / double(state.iterations());
}

Message msg(MessageType type, uint8_t channel, uint8_t d1, uint8_t d2) {
  Message m;
  m.type = type;
  m.channel = channel;
  m.data1 = d1;
  m.data2 = d2;
  return m;
}

// A mapped note pressed and released: press -> one Note mapping.
void BM_NoteToMapping(benchmark::State& state) {
  run(state, {msg(MessageType::NoteOn, 1, 60, 100), msg(MessageType::NoteOff, 1, 60, 0)}, 1);
}
// A note with a long press and a double tap: the press waits (timers), the release fires it.
void BM_DeferredNote(benchmark::State& state) {
  run(state, {msg(MessageType::NoteOn, 4, 11, 100), msg(MessageType::NoteOff, 4, 11, 0)}, 0);
}
// A chord of three notes completing on the third press.
void BM_Chord(benchmark::State& state) {
  run(state,
      {msg(MessageType::NoteOn, 5, 10, 100), msg(MessageType::NoteOn, 5, 14, 100), msg(MessageType::NoteOn, 5, 17, 100),
       msg(MessageType::NoteOff, 5, 10, 0), msg(MessageType::NoteOff, 5, 14, 0), msg(MessageType::NoteOff, 5, 17, 0)},
      1);
}
// A CC crossing into its range and out again (edge firing) plus an encoder on the same CC.
void BM_ControlChange(benchmark::State& state) {
  run(state, {msg(MessageType::ControlChange, 6, 4, 100), msg(MessageType::ControlChange, 6, 4, 10)}, 1);
}

BENCHMARK(BM_NoteToMapping)->UseManualTime();
BENCHMARK(BM_DeferredNote)->UseManualTime();
BENCHMARK(BM_Chord)->UseManualTime();
BENCHMARK(BM_ControlChange)->UseManualTime();

}  // namespace

BENCHMARK_MAIN();
