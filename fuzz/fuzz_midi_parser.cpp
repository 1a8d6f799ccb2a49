// libFuzzer target: the MIDI byte-stream parser on arbitrary bytes, cut into arbitrary
// chunks, under options chosen by the input's first bytes. Findings: a crash, a
// sanitizer report, or a broken invariant (abort with a message):
//  - the chunked parse emits exactly what the whole-buffer parse emits;
//  - every byte is counted, every SysEx fits the cap and is F0 ... F7, every value is in
//    range (channel < 16, 7-bit data, 14-bit values);
//  - a plain message's to_bytes() parses back to the same message.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "midi/parser.h"

using namespace midimon::midi;

namespace {

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "invariant broken: %s\n", what);
    std::abort();
  }
}

std::vector<Message> parse_chunks(const ParserOptions& options, const uint8_t* data, size_t size,
                                  const uint8_t* cuts, size_t ncuts, ParserStats* stats) {
  Parser parser(options);
  std::vector<Message> out;
  Parser::Emit emit = [&out](Message&& m) { out.push_back(std::move(m)); };
  size_t pos = 0;
  for (size_t i = 0; pos < size; ++i) {
    size_t n = ncuts ? 1 + cuts[i % ncuts] % 16 : size;
    if (n > size - pos) n = size - pos;
    parser.feed(data + pos, n, Timestamp{}, emit);
    pos += n;
  }
  if (stats) *stats = parser.stats();
  return out;
}

bool same(const Message& a, const Message& b) {
  return a.type == b.type && a.channel == b.channel && a.data1 == b.data1 && a.data2 == b.data2 &&
         a.value14 == b.value14 && a.param == b.param && a.is_14bit == b.is_14bit &&
         (a.sysex ? b.sysex && *a.sysex == *b.sysex : !b.sysex);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 4) return 0;
  // Header: [flags] [sysex cap] [14-bit pair: channel/controller] [number of cut bytes]
  ParserOptions options;
  options.assemble_rpn = data[0] & 1;
  options.rpn_increments = data[0] & 2;
  options.sysex_max_bytes = data[1];
  if (data[0] & 4) options.pair_14bit((data[0] & 8) ? -1 : data[2] >> 4, data[2] & 31);
  const size_t ncuts = data[3] % 8;
  if (size < 4 + ncuts) return 0;
  const uint8_t* cuts = data + 4;
  const uint8_t* stream = data + 4 + ncuts;
  const size_t n = size - 4 - ncuts;

  ParserStats stats;
  const auto whole = parse_chunks(options, stream, n, nullptr, 0, &stats);
  const auto chunked = parse_chunks(options, stream, n, cuts, ncuts, nullptr);
  check(whole.size() == chunked.size(), "chunking changed the number of messages");
  for (size_t i = 0; i < whole.size(); ++i) check(same(whole[i], chunked[i]), "chunking changed a message");
  check(stats.bytes == n, "bytes not all counted");
  check(stats.messages == whole.size(), "message count");

  for (const Message& m : whole) {
    check(m.channel < 16 && m.data1 < 128 && m.data2 < 128, "value out of range");
    check(m.value14 < 16384 && m.param < 16384, "14-bit value out of range");
    if (m.type == MessageType::SysEx) {
      check(m.sysex && m.sysex->size() >= 2 && m.sysex->size() <= options.sysex_max_bytes,
            "SysEx size");
      check(m.sysex->front() == 0xF0 && m.sysex->back() == 0xF7, "SysEx framing");
      for (size_t i = 1; i + 1 < m.sysex->size(); ++i) check((*m.sysex)[i] < 0x80, "SysEx data byte");
      continue;
    }
    if (m.type == MessageType::Rpn || m.type == MessageType::Nrpn || m.is_14bit) continue;
    // A plain message round-trips through its wire bytes (no RPN/14-bit state involved,
    // unless its controller is one the options consume: skip those).
    if (m.type == MessageType::ControlChange && (options.assemble_rpn || options.cc14.any())) continue;
    const auto bytes = m.to_bytes();
    const auto again = parse_chunks(ParserOptions{}, bytes.data(), bytes.size(), nullptr, 0, nullptr);
    check(again.size() == 1 && same(again[0], m), "to_bytes does not round-trip");
  }
  return 0;
}
