// The byte-stream parser; the rules are listed in parser.h.
#include "midi/parser.h"

#include <algorithm>

namespace midimon::midi {

bool ParserOptions::pair_14bit(int channel, int msb) {
  if (msb < 0 || msb >= 32 || channel >= 16) return false;
  for (int ch = 0; ch < 16; ++ch) {
    if (channel < 0 || ch == channel) cc14.set(static_cast<size_t>(ch * 32 + msb));
  }
  return true;
}

namespace {

// Data bytes taken by a channel status (by high nibble) or a system common status.
uint8_t data_length(uint8_t status) {
  switch (status & 0xF0) {
    case 0xC0:
    case 0xD0: return 1;
    case 0xF0:
      switch (status) {
        case 0xF1:
        case 0xF3: return 1;
        case 0xF2: return 2;
        default: return 0;
      }
    default: return 2;
  }
}

bool is_realtime(uint8_t byte) { return byte >= 0xF8; }

}  // namespace

Parser::Parser(ParserOptions options) : options_(std::move(options)) {}

void Parser::reset() {
  status_ = 0;
  needed_ = 0;
  have_ = 0;
  partial_ = false;
  in_sysex_ = false;
  sysex_overflow_ = false;
  sysex_.clear();
  for (auto& p : params_) p = ParamState{};
  for (auto& row : cc_msb_) std::fill(std::begin(row), std::end(row), uint8_t{0});
}

void Parser::feed(const uint8_t* data, size_t size, Timestamp time, const Emit& emit) {
  stats_.bytes += size;
  for (size_t i = 0; i < size; ++i) {
    const uint8_t byte = data[i];
    if (byte < 0x80) {
      data_byte(byte, time, emit);
    } else if (is_realtime(byte)) {
      realtime_byte(byte, time, emit);
    } else {
      status_byte(byte, time, emit);
    }
  }
}

void Parser::realtime_byte(uint8_t byte, Timestamp time, const Emit& emit) {
  Message m;
  m.time = time;
  switch (byte) {
    case 0xF8: m.type = MessageType::Clock; break;
    case 0xFA: m.type = MessageType::Start; break;
    case 0xFB: m.type = MessageType::Continue; break;
    case 0xFC: m.type = MessageType::Stop; break;
    case 0xFE: m.type = MessageType::ActiveSensing; break;
    case 0xFF: m.type = MessageType::Reset; break;
    default:  // F9, FD: undefined realtime bytes
      ++stats_.garbage_bytes;
      return;
  }
  deliver(std::move(m), emit);
}

void Parser::abandon_sysex() {
  ++stats_.sysex_unterminated;
  in_sysex_ = false;
  sysex_overflow_ = false;
  sysex_.clear();
}

void Parser::sysex_end(Timestamp time, const Emit& emit) {
  in_sysex_ = false;
  if (sysex_overflow_) {
    ++stats_.sysex_oversize;
    sysex_overflow_ = false;
    sysex_.clear();
    return;
  }
  sysex_.push_back(0xF7);
  Message m;
  m.type = MessageType::SysEx;
  m.time = time;
  m.sysex = std::make_shared<const std::vector<uint8_t>>(std::move(sysex_));
  sysex_ = {};
  deliver(std::move(m), emit);
}

void Parser::status_byte(uint8_t byte, Timestamp time, const Emit& emit) {
  if (in_sysex_) {
    if (byte == 0xF7) {
      sysex_end(time, emit);
      return;
    }
    abandon_sysex();  // any other status ends it; the status itself is parsed below
  }
  if (partial_) ++stats_.truncated;
  partial_ = false;
  have_ = 0;
  status_ = 0;
  needed_ = 0;

  if (byte < 0xF0) {
    status_ = byte;
    needed_ = data_length(byte);
    partial_ = true;
    return;
  }
  switch (byte) {
    case 0xF0:
      in_sysex_ = true;
      sysex_overflow_ = options_.sysex_max_bytes < 2;
      sysex_.clear();
      if (!sysex_overflow_) sysex_.push_back(0xF0);
      return;
    case 0xF1:
    case 0xF2:
    case 0xF3:
      status_ = byte;
      needed_ = data_length(byte);
      partial_ = true;
      return;
    case 0xF6: {
      Message m;
      m.type = MessageType::TuneRequest;
      m.time = time;
      deliver(std::move(m), emit);
      return;
    }
    default:  // F4, F5 (undefined), F7 outside a SysEx
      ++stats_.garbage_bytes;
      return;
  }
}

void Parser::data_byte(uint8_t byte, Timestamp time, const Emit& emit) {
  if (in_sysex_) {
    if (sysex_overflow_) return;
    // Room for this byte and the closing F7 within the cap.
    if (sysex_.size() + 2 > options_.sysex_max_bytes) {
      sysex_overflow_ = true;
      sysex_.clear();
      sysex_.shrink_to_fit();
      return;
    }
    sysex_.push_back(byte);
    return;
  }
  if (status_ == 0) {
    ++stats_.garbage_bytes;
    return;
  }
  data_[have_++] = byte;
  if (have_ < needed_) {
    partial_ = true;
    return;
  }
  complete_message(time, emit);
  have_ = 0;
  partial_ = false;
  if (status_ >= 0xF0) status_ = 0;  // system common messages have no running status
}

void Parser::complete_message(Timestamp time, const Emit& emit) {
  Message m;
  m.time = time;
  m.channel = status_ & 0x0F;
  m.data1 = data_[0];
  m.data2 = needed_ > 1 ? data_[1] : 0;
  switch (status_ & 0xF0) {
    case 0x80: m.type = MessageType::NoteOff; break;
    case 0x90: m.type = MessageType::NoteOn; break;
    case 0xA0: m.type = MessageType::PolyAftertouch; break;
    case 0xB0:
      m.type = MessageType::ControlChange;
      control_change(m, emit);
      return;
    case 0xC0: m.type = MessageType::ProgramChange; break;
    case 0xD0: m.type = MessageType::ChannelAftertouch; break;
    case 0xE0:
      m.type = MessageType::PitchBend;
      m.value14 = static_cast<uint16_t>(data_[0] | (data_[1] << 7));
      break;
    default:
      m.channel = 0;
      switch (status_) {
        case 0xF1: m.type = MessageType::MtcQuarterFrame; break;
        case 0xF2:
          m.type = MessageType::SongPosition;
          m.value14 = static_cast<uint16_t>(data_[0] | (data_[1] << 7));
          break;
        default: m.type = MessageType::SongSelect; break;
      }
  }
  deliver(std::move(m), emit);
}

void Parser::control_change(Message& m, const Emit& emit) {
  const uint8_t ch = m.channel;
  const uint8_t cc = m.data1;
  const uint8_t v = m.data2;
  if (options_.assemble_rpn) {
    ParamState& p = params_[ch];
    switch (cc) {
      case 101: p.rpn_msb = v; p.nrpn = false; return;
      case 100: p.rpn_lsb = v; p.nrpn = false; return;
      case 99: p.nrpn_msb = v; p.nrpn = true; return;
      case 98: p.nrpn_lsb = v; p.nrpn = true; return;
      default: break;
    }
    const uint8_t msb = p.nrpn ? p.nrpn_msb : p.rpn_msb;
    const uint8_t lsb = p.nrpn ? p.nrpn_lsb : p.rpn_lsb;
    const bool selected = !(msb == 127 && lsb == 127);
    const bool is_entry = cc == 6 || cc == 38;
    const bool is_step = options_.rpn_increments && (cc == 96 || cc == 97);
    if (selected && (is_entry || is_step)) {
      switch (cc) {
        case 6: p.value = static_cast<uint16_t>(v << 7); break;  // MSB resets the LSB
        case 38: p.value = static_cast<uint16_t>((p.value & 0x3F80) | v); break;
        case 96: p.value = static_cast<uint16_t>(std::min(p.value + 1, 16383)); break;
        default: p.value = static_cast<uint16_t>(p.value > 0 ? p.value - 1 : 0); break;
      }
      Message out;
      out.type = p.nrpn ? MessageType::Nrpn : MessageType::Rpn;
      out.channel = ch;
      out.time = m.time;
      out.param = static_cast<uint16_t>((msb << 7) | lsb);
      out.value14 = p.value;
      out.data1 = cc;  // the controller that produced this value (6, 38, 96 or 97)
      out.data2 = v;
      deliver(std::move(out), emit);
      return;
    }
  }
  if (cc < 32 && options_.is_paired(ch, cc)) {
    cc_msb_[ch][cc] = v;
    m.is_14bit = true;
    m.value14 = static_cast<uint16_t>(v << 7);
  } else if (cc >= 32 && cc < 64 && options_.is_paired(ch, static_cast<uint8_t>(cc - 32))) {
    const uint8_t msb = cc_msb_[ch][cc - 32];
    m.data1 = static_cast<uint8_t>(cc - 32);
    m.data2 = msb;
    m.is_14bit = true;
    m.value14 = static_cast<uint16_t>((msb << 7) | v);
  }
  deliver(std::move(m), emit);
}

void Parser::deliver(Message&& m, const Emit& emit) {
  ++stats_.messages;
  m.device = device;
  if (emit) emit(std::move(m));
}

}  // namespace midimon::midi
