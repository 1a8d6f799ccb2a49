// The MIDI message model shared by the parser, the backends, the file reader and the
// event processor. A Message is a small value; SysEx payloads are shared, not copied.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace midimon::midi {

enum class MessageType : uint8_t {
  // Channel voice messages (carry a channel 0-15).
  NoteOff,          // data1 = note, data2 = velocity
  NoteOn,           // data1 = note, data2 = velocity (the parser keeps velocity 0 as NoteOn;
                    // the processor treats it as a release)
  PolyAftertouch,   // data1 = note, data2 = pressure
  ControlChange,    // data1 = controller, data2 = value (value14 when assembled as 14-bit)
  ProgramChange,    // data1 = program
  ChannelAftertouch,// data1 = pressure
  PitchBend,        // value14 = 0..16383, centre 8192
  // Assembled from CC sequences (parser option): RPN/NRPN parameter number and 14-bit value.
  Rpn,              // param = parameter number (14-bit), value14 = data entry value
  Nrpn,
  // System common.
  SysEx,            // sysex = the bytes from F0 to F7 inclusive
  MtcQuarterFrame,  // data1
  SongPosition,     // value14
  SongSelect,       // data1
  TuneRequest,
  // System realtime.
  Clock, Start, Continue, Stop, ActiveSensing, Reset,
};

const char* message_type_name(MessageType type);  // "NoteOn", "ControlChange", ...
inline bool is_channel_message(MessageType t) { return t <= MessageType::Nrpn; }

using Timestamp = std::chrono::steady_clock::time_point;

struct Message {
  MessageType type = MessageType::NoteOn;
  uint8_t channel = 0;     // 0-15 for channel messages
  uint8_t data1 = 0;       // note / controller / program / pressure
  uint8_t data2 = 0;       // velocity / value / pressure
  uint16_t value14 = 0;    // pitch bend, song position, 14-bit CC, RPN/NRPN value
  uint16_t param = 0;      // RPN/NRPN parameter number
  bool is_14bit = false;   // ControlChange assembled from an MSB/LSB pair
  std::shared_ptr<const std::vector<uint8_t>> sysex;  // SysEx only: F0 ... F7
  Timestamp time{};        // when it arrived (or was scheduled, for replay)
  uint16_t device = 0;     // index of the input device it came from (set by the input)

  // The wire bytes (SysEx: the stored bytes; RPN/NRPN: not representable, empty).
  std::vector<uint8_t> to_bytes() const;
  // "NoteOn ch=1 note=60 vel=100" (channel printed 1-16, as users count).
  std::string to_string() const;
};

}  // namespace midimon::midi
