// What the action knows of the event that triggered it: the gesture's note, velocity,
// controller and value, the mode at the time, and when it happened. Plugin actions pass
// it on (plugin::EventContext); SendMidi can take its velocity/value from it.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "mapping/gesture.h"
#include "plugin/plugin.h"

namespace midimon::actions {

struct TriggerContext {
  std::optional<uint8_t> note, velocity, cc, value;  // 7-bit values as the gesture had them
  std::optional<uint16_t> value14;                   // pitch bend / 14-bit CC (0-16383)
  std::optional<uint8_t> channel;                    // 0-15
  std::optional<std::size_t> mode;                   // mode index when it fired
  std::chrono::system_clock::time_point wall_time{};  // when it fired
  std::string gesture;                               // Gesture::to_string(), for logs
};

// From a recognised gesture: NotePress/LongPress/DoubleTap -> note (+ velocity for a
// press), Chord -> the lowest note, CC/Encoder -> cc + value (14-bit: value14 and the
// top 7 bits as value), aftertouch -> value (+ note), PitchBend -> value14 and value =
// value14 >> 7, ProgramChange -> value = program.
TriggerContext context_from_gesture(const mapping::Gesture& gesture, std::size_t mode,
                                    std::chrono::system_clock::time_point wall_time);

// The plugin ABI's context: velocity, note, cc, value, current_mode, timestamp (ms since
// the epoch). `metadata` gets the action's params as strings (plugin_request.h adds them).
plugin::EventContext to_plugin_context(const TriggerContext& context);

}  // namespace midimon::actions
