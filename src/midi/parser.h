// The MIDI byte-stream parser: bytes in (any chunking), Messages out. One Parser per
// input stream (running status and SysEx state belong to the stream). Never throws on
// input; bytes it cannot use are skipped and counted in ParserStats.
//
// Rules (docs/midi.md "The parser"):
//  - Channel messages honour running status; system common messages (F0-F7) cancel it,
//    realtime bytes (F8-FF) do not.
//  - Realtime bytes are emitted at once wherever they occur, also inside a SysEx or
//    between a status byte and its data; they never disturb the message around them.
//  - SysEx: F0 ... F7 is one message holding every byte from F0 to F7. A SysEx longer
//    than ParserOptions::sysex_max_bytes is dropped whole (counted), and so is one cut
//    short by another status byte (counted as unterminated; the status byte is then
//    parsed normally).
//  - A message cut short by a new status byte is dropped and counted as truncated.
//  - Data bytes with no status to apply to, a stray F7, and the undefined status bytes
//    F4, F5, F9, FD are garbage: skipped and counted.
//  - 14-bit CC pairing (only for the controllers configured): CC n (0-31) is the MSB and
//    CC n+32 the LSB, as the MIDI 1.0 spec defines. An MSB emits at once with
//    value14 = MSB << 7 (a receiver resets its LSB to 0 on an MSB); an LSB emits
//    value14 = (last MSB << 7) | LSB. A controller that sends MSB then LSB thus yields
//    two messages, the second exact; one that sends only fine changes (LSB alone) yields
//    one each. The LSB controller itself is not emitted as a 7-bit CC.
//  - RPN/NRPN assembly (when enabled): CC 101/100 (RPN) or 99/98 (NRPN) select a
//    parameter; data entry CC 6 (MSB) and 38 (LSB) emit Rpn/Nrpn messages with the same
//    MSB/LSB rule as above; CC 96/97 (increment/decrement, optional) step the value by
//    one. The selection CCs are consumed; data entry and increments are consumed while
//    a parameter is selected, and pass through as plain CCs when none is (or after the
//    null parameter 127/127).
#pragma once

#include <bitset>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "midi/message.h"

namespace midimon::midi {

struct ParserOptions {
  size_t sysex_max_bytes = 64 * 1024;  // F0..F7 inclusive; longer ones are dropped
  bool assemble_rpn = false;           // RPN/NRPN sequences -> Rpn/Nrpn messages
  bool rpn_increments = false;         // CC 96/97 step the selected parameter
  // 14-bit CC pairs: bit (channel * 32 + msb_controller) set = paired.
  std::bitset<16 * 32> cc14;

  // Pairs controller `msb` (0-31) with msb+32 on `channel` (0-15), or on every channel
  // when channel is negative. Out-of-range arguments are ignored (returns false).
  bool pair_14bit(int channel, int msb);
  bool is_paired(uint8_t channel, uint8_t controller_msb) const {
    return controller_msb < 32 && channel < 16 && cc14.test(channel * 32u + controller_msb);
  }
};

struct ParserStats {
  uint64_t bytes = 0;               // every byte fed
  uint64_t messages = 0;            // messages emitted
  uint64_t garbage_bytes = 0;       // skipped: orphan data bytes, stray F7, F4/F5/F9/FD
  uint64_t truncated = 0;           // messages cut short by a status byte
  uint64_t sysex_oversize = 0;      // SysEx dropped for exceeding sysex_max_bytes
  uint64_t sysex_unterminated = 0;  // SysEx cut short by a status byte other than F7
};

class Parser {
 public:
  using Emit = std::function<void(Message&&)>;

  explicit Parser(ParserOptions options = {});

  // Parses `size` bytes; every complete message goes to `emit` with `time` and `device`.
  void feed(const uint8_t* data, size_t size, Timestamp time, const Emit& emit);
  // Forgets running status, a SysEx in progress and a partial message (e.g. after a
  // reconnect, so bytes of the old stream never combine with the new one).
  void reset();

  const ParserStats& stats() const { return stats_; }
  const ParserOptions& options() const { return options_; }
  // New options for the bytes still to come (a config reload): the stream's state —
  // running status, a message or SysEx in progress, the last 14-bit MSBs — is kept.
  void set_options(ParserOptions options) { options_ = std::move(options); }
  uint16_t device = 0;  // copied into every Message

 private:
  void status_byte(uint8_t byte, Timestamp time, const Emit& emit);
  void data_byte(uint8_t byte, Timestamp time, const Emit& emit);
  void realtime_byte(uint8_t byte, Timestamp time, const Emit& emit);
  void sysex_end(Timestamp time, const Emit& emit);
  void abandon_sysex();
  void complete_message(Timestamp time, const Emit& emit);
  void control_change(Message& m, const Emit& emit);
  void deliver(Message&& m, const Emit& emit);

  ParserOptions options_;
  ParserStats stats_;
  uint8_t status_ = 0;        // current (running) status, 0 = none
  uint8_t needed_ = 0;        // data bytes the current status takes
  uint8_t have_ = 0;          // data bytes collected so far
  uint8_t data_[2] = {0, 0};
  bool partial_ = false;      // a status byte whose message is not complete yet
  bool in_sysex_ = false;
  bool sysex_overflow_ = false;
  std::vector<uint8_t> sysex_;

  // 14-bit CC: the last MSB per channel and controller 0-31.
  uint8_t cc_msb_[16][32] = {};
  // RPN/NRPN per channel: selected parameter and its current value.
  struct ParamState {
    uint8_t rpn_msb = 127, rpn_lsb = 127, nrpn_msb = 127, nrpn_lsb = 127;
    bool nrpn = false;  // which of the two was selected last
    uint16_t value = 0;
  };
  ParamState params_[16];
};

}  // namespace midimon::midi
