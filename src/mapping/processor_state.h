// The event processor's private state (shared by its .cpp files; not an API).
#pragma once

#include <memory>
#include <vector>

#include "mapping/event_processor.h"

namespace midimon::mapping::detail {

// What may still claim a press, keeping its plain Note mappings waiting.
enum Claim : uint8_t { kClaimLongPress = 1, kClaimDoubleTap = 2, kClaimChord = 4 };

struct Press {
  uint32_t gen = 0;  // 0 = no press in this slot
  TimePoint time{};
  uint8_t velocity = 0;
  uint8_t claims = 0;          // Claim bits still open
  bool held = false;
  bool plain_pending = false;  // its plain Note mappings wait for the claims to lapse
  bool consumed = false;       // a long press / double tap / chord took it (or a mode switch)
  uint32_t long_press_fired_ms = 0;  // thresholds up to this one have fired
};

enum class TimerKind : uint8_t {
  ChordFire,       // a matched chord waited for a larger one that could still complete
  LongPress,       // a long-press threshold passes while held
  DoubleTapLapse,  // the double-tap window of a first tap closes
  ChordLapse,      // a press can no longer become part of a chord
};

struct Timer {
  TimePoint due;
  uint64_t seq;
  TimerKind kind;
  uint16_t device;
  uint8_t channel;
  uint8_t note;
  uint32_t gen;
  // Earliest due first; at the same instant a waiting chord fires before the presses it
  // would consume lapse, then in scheduling order.
  bool operator>(const Timer& o) const {
    if (due != o.due) return due > o.due;
    if (kind != o.kind) return kind > o.kind;
    return seq > o.seq;
  }
};

// A complete chord that waits because a larger chord containing it could still complete.
struct PendingChord {
  uint32_t gen = 0;  // 0 = none
  std::vector<const MappingEntry*> entries;  // the matched chord mappings
  TimePoint window_end{};  // after this, a new press cannot break the exact set
};

struct NoteSlot {
  Press cur;   // the current (or last) press
  Press prev;  // a released first tap still waiting for its second tap
};

struct ChannelState {
  ChannelState() {
    for (auto& v : cc_last) v = -1;
    for (auto& v : poly_last) v = -1;
  }
  NoteSlot notes[128];
  int16_t cc_last[128];    // last value per controller (-1 = none yet); 14-bit fits
  int16_t poly_last[128];  // last poly pressure per note
  int16_t pressure_last = -1;
  int32_t bend_last = -1;
  std::vector<uint8_t> held;  // notes down, in press order
  PendingChord pending;
};

struct DeviceState {
  ChannelState channels[16];
};

struct ProcessorState {
  std::vector<std::unique_ptr<DeviceState>> devices;
  std::vector<Timer> timers;  // a min-heap (std::push_heap with greater)
  uint64_t seq = 0;
  uint32_t next_gen = 1;

  ChannelState& channel(uint16_t device, uint8_t channel) {
    if (device >= devices.size()) devices.resize(size_t(device) + 1);
    if (!devices[device]) devices[device] = std::make_unique<DeviceState>();
    return devices[device]->channels[channel & 15];
  }
  uint32_t new_gen() {
    if (++next_gen == 0) next_gen = 1;  // 0 means "none"
    return next_gen;
  }
};

// Does an entry listen to this device? (Channel and number are the index's job.)
inline bool device_matches(const MappingEntry& e, uint16_t device) {
  return !e.trigger.device || *e.trigger.device == device;
}

}  // namespace midimon::mapping::detail
