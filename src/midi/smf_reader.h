// The Standard MIDI File reader: format 0 and 1 (tracks merged by time), running status,
// meta events (tempo map, end of track), SMPTE and metrical division, SysEx in both the
// F0 and the F7 form. Malformed files are errors naming the byte offset ("byte 22: ...").
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "midi/result.h"

namespace midimon::midi {

struct SmfDivision {
  bool smpte = false;
  uint16_t ticks_per_quarter = 0;  // metrical time
  int frames_per_second = 0;       // SMPTE: 24, 25, 29 (29.97 drop-frame) or 30
  uint8_t ticks_per_frame = 0;     // SMPTE
};

struct SmfEvent {
  enum class Kind {
    Midi,   // a channel message: status + data (running status expanded)
    SysEx,  // F0 form: F0 + the stored bytes (normally ending in F7)
    Raw,    // F7 form: bytes sent as they are (a SysEx continuation or an escape)
    Meta,   // meta event: meta_type + data
  };
  uint64_t tick = 0;
  std::chrono::microseconds time{0};  // from the start, through the tempo map
  uint16_t track = 0;
  Kind kind = Kind::Midi;
  uint8_t meta_type = 0;
  std::vector<uint8_t> bytes;  // Midi/SysEx/Raw: wire bytes; Meta: the meta data
  size_t offset = 0;           // byte offset of the event in the file
};

struct TempoChange {
  uint64_t tick;
  uint32_t microseconds_per_quarter;
  std::chrono::microseconds time;
};

struct SmfFile {
  uint16_t format = 0;
  uint16_t track_count = 0;
  SmfDivision division;
  std::vector<SmfEvent> events;  // every track's events, ordered by time (then track)
  std::vector<TempoChange> tempo_map;  // metrical files; the default 120 bpm is implied
  std::chrono::microseconds duration{0};  // time of the last event (end of track included)
  std::vector<std::string> warnings;      // tolerated oddities (missing end of track, ...)
};

Result<SmfFile> read_smf(const uint8_t* data, size_t size);
Result<SmfFile> read_smf_file(const std::string& path);  // errors start with the path

}  // namespace midimon::midi
