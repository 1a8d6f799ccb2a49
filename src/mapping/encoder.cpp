// Encoder values to steps (see encoder.h for the encodings).
#include "mapping/encoder.h"

namespace midimon::mapping {

const char* encoder_encoding_name(EncoderEncoding e) {
  switch (e) {
    case EncoderEncoding::Absolute: return "absolute";
    case EncoderEncoding::TwosComplement: return "twos_complement";
    case EncoderEncoding::SignMagnitude: return "sign_magnitude";
    case EncoderEncoding::BinaryOffset: return "binary_offset";
  }
  return "absolute";
}

std::optional<EncoderEncoding> parse_encoder_encoding(std::string_view name) {
  if (name == "absolute") return EncoderEncoding::Absolute;
  if (name == "twos_complement" || name == "relative") return EncoderEncoding::TwosComplement;
  if (name == "sign_magnitude") return EncoderEncoding::SignMagnitude;
  if (name == "binary_offset") return EncoderEncoding::BinaryOffset;
  return std::nullopt;
}

int encoder_step(EncoderEncoding encoding, uint8_t value, int last_value) {
  const int v = value & 0x7F;
  switch (encoding) {
    case EncoderEncoding::Absolute: {
      if (last_value < 0) return 0;  // the first position says nothing about direction
      int step = v - last_value;
      // An endless encoder wraps 127 -> 0 (clockwise) and 0 -> 127 (counter-clockwise):
      // the shorter way round the 128-position circle is the movement.
      if (step > 64) step -= 128;
      if (step < -64) step += 128;
      return step;
    }
    case EncoderEncoding::TwosComplement: return v < 64 ? v : v - 128;
    case EncoderEncoding::SignMagnitude: return (v & 0x40) ? -(v & 0x3F) : v;
    case EncoderEncoding::BinaryOffset: return v - 64;
  }
  return 0;
}

}  // namespace midimon::mapping
