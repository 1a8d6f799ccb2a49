// Names, wire bytes and one-line text of a midi::Message.
#include "midi/message.h"

#include <cstdio>

namespace midimon::midi {

const char* message_type_name(MessageType type) {
  switch (type) {
    case MessageType::NoteOff: return "NoteOff";
    case MessageType::NoteOn: return "NoteOn";
    case MessageType::PolyAftertouch: return "PolyAftertouch";
    case MessageType::ControlChange: return "ControlChange";
    case MessageType::ProgramChange: return "ProgramChange";
    case MessageType::ChannelAftertouch: return "ChannelAftertouch";
    case MessageType::PitchBend: return "PitchBend";
    case MessageType::Rpn: return "Rpn";
    case MessageType::Nrpn: return "Nrpn";
    case MessageType::SysEx: return "SysEx";
    case MessageType::MtcQuarterFrame: return "MtcQuarterFrame";
    case MessageType::SongPosition: return "SongPosition";
    case MessageType::SongSelect: return "SongSelect";
    case MessageType::TuneRequest: return "TuneRequest";
    case MessageType::Clock: return "Clock";
    case MessageType::Start: return "Start";
    case MessageType::Continue: return "Continue";
    case MessageType::Stop: return "Stop";
    case MessageType::ActiveSensing: return "ActiveSensing";
    case MessageType::Reset: return "Reset";
  }
  return "Unknown";
}

namespace {

uint8_t status_with_channel(uint8_t high_nibble, uint8_t channel) {
  return static_cast<uint8_t>(high_nibble | (channel & 0x0F));
}
uint8_t low7(unsigned v) { return static_cast<uint8_t>(v & 0x7F); }
uint8_t high7(unsigned v) { return static_cast<uint8_t>((v >> 7) & 0x7F); }

}  // namespace

std::vector<uint8_t> Message::to_bytes() const {
  switch (type) {
    case MessageType::NoteOff: return {status_with_channel(0x80, channel), low7(data1), low7(data2)};
    case MessageType::NoteOn: return {status_with_channel(0x90, channel), low7(data1), low7(data2)};
    case MessageType::PolyAftertouch:
      return {status_with_channel(0xA0, channel), low7(data1), low7(data2)};
    case MessageType::ControlChange: {
      const uint8_t status = status_with_channel(0xB0, channel);
      if (!is_14bit) return {status, low7(data1), low7(data2)};
      // A 14-bit pair goes out as it came in: MSB controller first, then LSB (data1 + 32).
      return {status, low7(data1), high7(value14), status, low7(data1 + 32u), low7(value14)};
    }
    case MessageType::ProgramChange: return {status_with_channel(0xC0, channel), low7(data1)};
    case MessageType::ChannelAftertouch: return {status_with_channel(0xD0, channel), low7(data1)};
    case MessageType::PitchBend:
      return {status_with_channel(0xE0, channel), low7(value14), high7(value14)};
    case MessageType::Rpn:
    case MessageType::Nrpn: return {};
    case MessageType::SysEx:
      if (!sysex) return {};
      return *sysex;
    case MessageType::MtcQuarterFrame: return {0xF1, low7(data1)};
    case MessageType::SongPosition: return {0xF2, low7(value14), high7(value14)};
    case MessageType::SongSelect: return {0xF3, low7(data1)};
    case MessageType::TuneRequest: return {0xF6};
    case MessageType::Clock: return {0xF8};
    case MessageType::Start: return {0xFA};
    case MessageType::Continue: return {0xFB};
    case MessageType::Stop: return {0xFC};
    case MessageType::ActiveSensing: return {0xFE};
    case MessageType::Reset: return {0xFF};
  }
  return {};
}

std::string Message::to_string() const {
  char buf[96];
  const int ch = channel + 1;
  const char* name = message_type_name(type);
  switch (type) {
    case MessageType::NoteOff:
    case MessageType::NoteOn:
      std::snprintf(buf, sizeof buf, "%s ch=%d note=%u vel=%u", name, ch, data1, data2);
      break;
    case MessageType::PolyAftertouch:
      std::snprintf(buf, sizeof buf, "%s ch=%d note=%u pressure=%u", name, ch, data1, data2);
      break;
    case MessageType::ControlChange:
      if (is_14bit) {
        std::snprintf(buf, sizeof buf, "%s ch=%d cc=%u value14=%u", name, ch, data1, value14);
      } else {
        std::snprintf(buf, sizeof buf, "%s ch=%d cc=%u value=%u", name, ch, data1, data2);
      }
      break;
    case MessageType::ProgramChange:
      std::snprintf(buf, sizeof buf, "%s ch=%d program=%u", name, ch, data1);
      break;
    case MessageType::ChannelAftertouch:
      std::snprintf(buf, sizeof buf, "%s ch=%d pressure=%u", name, ch, data1);
      break;
    case MessageType::PitchBend:
      std::snprintf(buf, sizeof buf, "%s ch=%d value=%u", name, ch, value14);
      break;
    case MessageType::Rpn:
    case MessageType::Nrpn:
      std::snprintf(buf, sizeof buf, "%s ch=%d param=%u value=%u", name, ch, param, value14);
      break;
    case MessageType::SysEx: {
      std::string out = "SysEx len=";
      const size_t n = sysex ? sysex->size() : 0;
      out += std::to_string(n);
      if (n > 0) {
        out += " data=";
        // Long dumps are cut: a monitor line stays a line.
        constexpr size_t kShown = 16;
        for (size_t i = 0; i < n && i < kShown; ++i) {
          char hex[4];
          std::snprintf(hex, sizeof hex, "%02X", (*sysex)[i]);
          if (i > 0) out += ' ';
          out += hex;
        }
        if (n > kShown) out += " ...";
      }
      return out;
    }
    case MessageType::MtcQuarterFrame:
      std::snprintf(buf, sizeof buf, "%s value=%u", name, data1);
      break;
    case MessageType::SongPosition:
      std::snprintf(buf, sizeof buf, "%s value=%u", name, value14);
      break;
    case MessageType::SongSelect:
      std::snprintf(buf, sizeof buf, "%s song=%u", name, data1);
      break;
    default: return name;
  }
  return buf;
}

}  // namespace midimon::midi
