#include "actions/send_midi_dynamics.h"

#include <algorithm>
#include <cmath>

namespace midimon::actions {

std::optional<ValueSource> parse_value_source(std::string_view text) {
  if (text == "fixed") return ValueSource::Fixed;
  if (text == "trigger") return ValueSource::Trigger;
  return std::nullopt;
}

std::optional<ValueCurve> parse_value_curve(std::string_view text) {
  if (text == "linear") return ValueCurve::Linear;
  if (text == "exponential") return ValueCurve::Exponential;
  if (text == "logarithmic") return ValueCurve::Logarithmic;
  return std::nullopt;
}

uint8_t apply_curve(const SendMidiDynamics& d, uint8_t in) {
  double x = std::min<uint8_t>(in, 127) / 127.0;
  if (d.invert) x = 1.0 - x;
  switch (d.curve) {
    case ValueCurve::Linear: break;
    case ValueCurve::Exponential: x = x * x; break;
    case ValueCurve::Logarithmic: x = std::sqrt(x); break;
  }
  const double lo = std::min<uint8_t>(d.out_min, 127), hi = std::min<uint8_t>(d.out_max, 127);
  const double out = lo + (hi - lo) * x;
  return static_cast<uint8_t>(std::clamp(std::lround(out), 0L, 127L));
}

}  // namespace midimon::actions
