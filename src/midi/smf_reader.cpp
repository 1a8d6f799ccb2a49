// Standard MIDI File reader (smf_reader.h).
#include "midi/smf_reader.h"

#include <algorithm>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>

namespace midimon::midi {
namespace {

std::string at(size_t offset, const std::string& text) {
  return "byte " + std::to_string(offset) + ": " + text;
}

std::string hex(uint8_t b) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02X", b);
  return buf;
}

uint32_t be32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}
uint16_t be16(const uint8_t* p) { return static_cast<uint16_t>((p[0] << 8) | p[1]); }

// Reads one track chunk's events [pos, end). Appends to `out`.
class TrackReader {
 public:
  TrackReader(const uint8_t* data, size_t pos, size_t end, uint16_t track)
      : data_(data), pos_(pos), end_(end), track_(track) {}

  std::optional<std::string> read(std::vector<SmfEvent>& out, std::vector<std::string>& warnings) {
    uint64_t tick = 0;
    uint8_t running = 0;
    bool sysex_open = false;  // an F0 event without its F7: F7 events continue it
    while (pos_ < end_) {
      uint32_t delta = 0;
      if (auto e = vlq(delta)) return e;
      tick += delta;
      if (pos_ >= end_) return at(pos_, "track " + std::to_string(track_) + " ends after a delta time");
      SmfEvent ev;
      ev.tick = tick;
      ev.track = track_;
      ev.offset = pos_;
      uint8_t status = data_[pos_];
      if (status < 0x80) {
        if (running == 0) return at(pos_, "data byte " + hex(status) + " without a running status");
        status = running;  // the byte is data: do not consume it as a status
      } else {
        ++pos_;
      }
      if (status < 0xF0) {
        running = status;
        const size_t n = (status & 0xF0) == 0xC0 || (status & 0xF0) == 0xD0 ? 1 : 2;
        if (end_ - pos_ < n) return at(pos_, "channel message cut short by the end of the track");
        ev.kind = SmfEvent::Kind::Midi;
        ev.bytes.push_back(status);
        for (size_t i = 0; i < n; ++i) {
          if (data_[pos_] >= 0x80) {
            return at(pos_, "status byte " + hex(data_[pos_]) + " inside a channel message");
          }
          ev.bytes.push_back(data_[pos_++]);
        }
        out.push_back(std::move(ev));
        continue;
      }
      running = 0;  // SysEx and meta events cancel running status
      if (status == 0xFF) {
        if (pos_ >= end_) return at(pos_, "meta event cut short by the end of the track");
        ev.kind = SmfEvent::Kind::Meta;
        ev.meta_type = data_[pos_++];
        if (auto e = payload(ev.bytes)) return e;
        if (ev.meta_type == 0x51 && ev.bytes.size() != 3) {
          return at(ev.offset, "tempo meta event with " + std::to_string(ev.bytes.size()) +
                                   " data bytes (3 expected)");
        }
        const bool end_of_track = ev.meta_type == 0x2F;
        out.push_back(std::move(ev));
        if (end_of_track) {
          if (pos_ < end_) {
            warnings.push_back(at(pos_, "track " + std::to_string(track_) + ": " +
                                            std::to_string(end_ - pos_) +
                                            " bytes after the end-of-track event ignored"));
          }
          return std::nullopt;
        }
        continue;
      }
      if (status == 0xF0 || status == 0xF7) {
        std::vector<uint8_t> bytes;
        if (auto e = payload(bytes)) return e;
        if (status == 0xF0) {
          ev.kind = SmfEvent::Kind::SysEx;
          ev.bytes.push_back(0xF0);
          ev.bytes.insert(ev.bytes.end(), bytes.begin(), bytes.end());
        } else {
          ev.kind = SmfEvent::Kind::Raw;
          ev.bytes = std::move(bytes);
        }
        const bool ends = !ev.bytes.empty() && ev.bytes.back() == 0xF7;
        if (status == 0xF0) sysex_open = !ends;
        else if (sysex_open && ends) sysex_open = false;
        out.push_back(std::move(ev));
        continue;
      }
      return at(ev.offset, "status byte " + hex(status) + " is not allowed in a MIDI file");
    }
    warnings.push_back("track " + std::to_string(track_) + " has no end-of-track event");
    return std::nullopt;
  }

 private:
  // A variable-length quantity: at most 4 bytes, all inside the track.
  std::optional<std::string> vlq(uint32_t& value) {
    const size_t start = pos_;
    value = 0;
    for (int i = 0; i < 4; ++i) {
      if (pos_ >= end_) return at(start, "truncated variable-length quantity (the track ends)");
      const uint8_t b = data_[pos_++];
      value = (value << 7) | (b & 0x7F);
      if (!(b & 0x80)) return std::nullopt;
    }
    return at(start, "variable-length quantity longer than 4 bytes");
  }
  // A length (VLQ) and that many bytes.
  std::optional<std::string> payload(std::vector<uint8_t>& bytes) {
    uint32_t length = 0;
    const size_t start = pos_;
    if (auto e = vlq(length)) return e;
    if (length > end_ - pos_) {
      return at(start, "event length " + std::to_string(length) + " goes past the end of the track (" +
                           std::to_string(end_ - pos_) + " bytes left)");
    }
    bytes.assign(data_ + pos_, data_ + pos_ + length);
    pos_ += length;
    return std::nullopt;
  }

  const uint8_t* data_;
  size_t pos_;
  size_t end_;
  uint16_t track_;
};

// Microseconds as a duration, saturated: a hostile file's ticks can be huge.
std::chrono::microseconds saturated_us(unsigned __int128 us) {
  constexpr auto kMax = static_cast<unsigned __int128>(INT64_MAX);
  return std::chrono::microseconds(static_cast<int64_t>(us > kMax ? kMax : us));
}

void compute_times(SmfFile& file) {
  const SmfDivision& d = file.division;
  if (d.smpte) {
    // Ticks per second = fps * ticks/frame; 29 means 29.97 (30000/1001) frames/s.
    const unsigned __int128 num = d.frames_per_second == 29 ? 1001 : 1;
    const unsigned __int128 den =
        (d.frames_per_second == 29 ? 30000u : unsigned(d.frames_per_second)) * d.ticks_per_frame;
    for (SmfEvent& ev : file.events) {
      ev.time = saturated_us(static_cast<unsigned __int128>(ev.tick) * 1000000 * num / den);
    }
  } else {
    uint64_t seg_tick = 0;
    unsigned __int128 seg_us = 0;
    uint64_t tempo = 500000;  // 120 bpm until the first tempo event
    const uint64_t tpq = d.ticks_per_quarter;
    for (SmfEvent& ev : file.events) {
      const unsigned __int128 us =
          seg_us + static_cast<unsigned __int128>(ev.tick - seg_tick) * tempo / tpq;
      ev.time = saturated_us(us);
      if (ev.kind == SmfEvent::Kind::Meta && ev.meta_type == 0x51) {
        seg_tick = ev.tick;
        seg_us = us;
        tempo = (uint32_t{ev.bytes[0]} << 16) | (uint32_t{ev.bytes[1]} << 8) | ev.bytes[2];
        file.tempo_map.push_back({ev.tick, static_cast<uint32_t>(tempo), ev.time});
      }
    }
  }
  if (!file.events.empty()) file.duration = file.events.back().time;
}

}  // namespace

Result<SmfFile> read_smf(const uint8_t* data, size_t size) {
  if (size < 14 || std::string_view(reinterpret_cast<const char*>(data), 4) != "MThd") {
    return Error{at(0, "not a Standard MIDI File (no MThd header)")};
  }
  const uint32_t header_length = be32(data + 4);
  if (header_length < 6) return Error{at(4, "header length " + std::to_string(header_length) + " (at least 6)")};
  if (header_length > size - 8) {
    return Error{at(4, "header length " + std::to_string(header_length) + " goes past the end of the file")};
  }
  SmfFile file;
  file.format = be16(data + 8);
  file.track_count = be16(data + 10);
  const uint16_t division = be16(data + 12);
  if (file.format == 2) return Error{at(8, "format 2 (independent sequences) is not supported")};
  if (file.format > 2) return Error{at(8, "unknown format " + std::to_string(file.format))};
  if (file.format == 0 && file.track_count != 1) {
    return Error{at(10, "format 0 with " + std::to_string(file.track_count) + " tracks (1 expected)")};
  }
  if (division & 0x8000) {
    file.division.smpte = true;
    file.division.frames_per_second = -static_cast<int8_t>(division >> 8);
    file.division.ticks_per_frame = static_cast<uint8_t>(division & 0xFF);
    const int fps = file.division.frames_per_second;
    if (fps != 24 && fps != 25 && fps != 29 && fps != 30) {
      return Error{at(12, "SMPTE division with " + std::to_string(fps) + " frames per second (24, 25, 29 or 30)")};
    }
    if (file.division.ticks_per_frame == 0) return Error{at(13, "SMPTE division with 0 ticks per frame")};
  } else {
    file.division.ticks_per_quarter = division;
    if (division == 0) return Error{at(12, "division of 0 ticks per quarter note")};
  }

  std::vector<SmfEvent> events;
  size_t pos = 8 + header_length;
  uint16_t tracks = 0;
  while (pos < size) {
    if (size - pos < 8) {
      return Error{at(pos, "truncated chunk header (" + std::to_string(size - pos) + " bytes left)")};
    }
    const std::string type(reinterpret_cast<const char*>(data + pos), 4);
    const uint32_t length = be32(data + pos + 4);
    if (length > size - pos - 8) {
      return Error{at(pos, "chunk '" + type + "' declares " + std::to_string(length) +
                               " bytes but only " + std::to_string(size - pos - 8) + " remain")};
    }
    if (type == "MTrk") {
      if (tracks == file.track_count) {
        file.warnings.push_back(at(pos, "more track chunks than the header's " +
                                            std::to_string(file.track_count) + "; extra ignored"));
      } else {
        TrackReader reader(data, pos + 8, pos + 8 + length, tracks);
        if (auto e = reader.read(events, file.warnings)) return Error{*e};
        ++tracks;
      }
    }
    // Other chunk types are skipped, as the standard asks.
    pos += 8 + length;
  }
  if (tracks < file.track_count) {
    return Error{at(size, "the header declares " + std::to_string(file.track_count) +
                              " tracks but the file has " + std::to_string(tracks))};
  }
  // Merge: by tick, then track, then file order (stable), so a tempo change in track 0
  // applies before another track's notes at the same tick.
  std::stable_sort(events.begin(), events.end(), [](const SmfEvent& a, const SmfEvent& b) {
    return a.tick != b.tick ? a.tick < b.tick : a.track < b.track;
  });
  file.events = std::move(events);
  compute_times(file);
  return file;
}

Result<SmfFile> read_smf_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{path + ": cannot open the file"};
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto file = read_smf(bytes.data(), bytes.size());
  if (!file) return Error{path + ": " + file.error()};
  return file;
}

}  // namespace midimon::midi
