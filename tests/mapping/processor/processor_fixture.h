// A processor on a manual clock with helpers to press, release, turn and read back
// what fired, as short strings ("LongPress ch=1 note=36 held=2000ms -> hold").
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "mapping/clock.h"
#include "mapping/event_processor.h"
#include "mapping/mapping_index.h"

namespace midimon::mapping::test {

inline TriggerSpec note_trigger(uint8_t note, uint16_t min = 1, uint16_t max = 127) {
  TriggerSpec t;
  t.kind = SpecKind::Note;
  t.number = note;
  t.min = min;
  t.max = max;
  return t;
}
inline TriggerSpec kind_trigger(SpecKind kind, uint8_t number, uint32_t timeout_ms = 0) {
  TriggerSpec t;
  t.kind = kind;
  t.number = number;
  t.timeout_ms = timeout_ms;
  return t;
}
inline TriggerSpec chord_trigger(std::vector<uint8_t> notes, uint32_t window_ms = 50) {
  TriggerSpec t;
  t.kind = SpecKind::Chord;
  t.notes = std::move(notes);
  t.timeout_ms = window_ms;
  return t;
}
inline TriggerSpec value_trigger(SpecKind kind, uint8_t number, uint16_t min, uint16_t max,
                                 CcFire fire = CcFire::Every) {
  TriggerSpec t;
  t.kind = kind;
  t.number = number;
  t.min = min;
  t.max = max;
  t.fire = fire;
  return t;
}

class ProcessorTest : public ::testing::Test {
 protected:
  MappingSetBuilder builder;
  size_t mode = builder.add_mode("Default");
  std::unique_ptr<EventProcessor> processor;
  ManualClock clock;
  Events events;

  // Adds to the first mode; the description is what the readback shows.
  void map(TriggerSpec t, std::string description) { builder.add(mode, std::move(t), std::move(description)); }
  void start() { processor = std::make_unique<EventProcessor>(builder.build()); }

  midi::Message message(midi::MessageType type, uint8_t channel, uint8_t d1, uint8_t d2 = 0) {
    midi::Message m;
    m.type = type;
    m.channel = channel;
    m.data1 = d1;
    m.data2 = d2;
    m.time = clock.now();
    return m;
  }
  std::vector<std::string> send(const midi::Message& m) {
    events.clear();
    processor->process(m, events);
    return readback();
  }
  std::vector<std::string> press(uint8_t note, uint8_t velocity = 100, uint8_t channel = 0) {
    return send(message(midi::MessageType::NoteOn, channel, note, velocity));
  }
  std::vector<std::string> release(uint8_t note, uint8_t channel = 0) {
    return send(message(midi::MessageType::NoteOff, channel, note, 0));
  }
  std::vector<std::string> cc(uint8_t controller, uint8_t value, uint8_t channel = 0) {
    return send(message(midi::MessageType::ControlChange, channel, controller, value));
  }
  // Moves the clock and fires what is due.
  std::vector<std::string> advance(int ms) {
    clock.advance(Millis(ms));
    events.clear();
    processor->tick(clock.now(), events);
    return readback();
  }
  // Every gesture, with " -> a,b" naming the mappings it fired.
  std::vector<std::string> readback() const {
    std::vector<std::string> lines;
    for (size_t i = 0; i < events.gestures.size(); ++i) {
      std::string line = events.gestures[i].to_string();
      std::string fired;
      for (const Match& m : events.matches)
        if (m.gesture == i) fired += (fired.empty() ? "" : ",") + m.mapping->description;
      if (!fired.empty()) line += " -> " + fired;
      lines.push_back(line);
    }
    return lines;
  }
  // Only the mappings that fired, in order.
  std::vector<std::string> fired() const {
    std::vector<std::string> names;
    for (const Match& m : events.matches) names.push_back(m.mapping->description);
    return names;
  }
};

using Lines = std::vector<std::string>;

}  // namespace midimon::mapping::test
