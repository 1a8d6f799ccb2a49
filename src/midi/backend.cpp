// Backend names.
#include "midi/backend.h"

namespace midimon::midi {

const char* backend_name(BackendKind kind) {
  switch (kind) {
    case BackendKind::Jack: return "jack";
    case BackendKind::Alsa: return "alsa";
  }
  return "unknown";
}

std::optional<BackendChoice> parse_backend_choice(std::string_view text) {
  if (text == "auto") return BackendChoice::Auto;
  if (text == "jack") return BackendChoice::Jack;
  if (text == "alsa") return BackendChoice::Alsa;
  return std::nullopt;
}

}  // namespace midimon::midi
