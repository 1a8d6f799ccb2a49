// Encoder values to steps. An absolute encoder sends its position (0-127) and the step
// is the difference from the last position, with wrap-around for endless encoders that
// jump 127 -> 0. Relative encoders send the step itself in one of three encodings:
//   TwosComplement  1..63 = +1..+63, 127..64 = -1..-64   (0 = no movement)
//   SignMagnitude   bit 6 is the sign: 1..63 = +1..+63, 65..127 = -1..-63 (0, 64 = none)
//   BinaryOffset    64 is zero: 65..127 = +1..+63, 63..0 = -1..-64 (the "63/65" style)
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "mapping/config_model.h"  // EncoderEncoding

namespace midimon::mapping {


const char* encoder_encoding_name(EncoderEncoding e);  // "absolute", "twos_complement", ...
std::optional<EncoderEncoding> parse_encoder_encoding(std::string_view name);

// The signed step a CC value means; 0 when there is no movement (or, for an absolute
// encoder, when there is no previous position yet: last < 0).
int encoder_step(EncoderEncoding encoding, uint8_t value, int last_value);

}  // namespace midimon::mapping
