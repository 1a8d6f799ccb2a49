// Internal to src/midi: silencing the MIDI libraries' own printing, and JACK's server name.
#pragma once

#include <string>

namespace midimon::midi::detail {

// Routes libjack's error/info messages and alsa-lib's error messages away from stderr
// (idempotent, process-wide). Called before any JACK or ALSA client is opened.
void silence_library_chatter();
// The JACK server clients connect to: $JACK_DEFAULT_SERVER or "default".
std::string jack_server_name();

}  // namespace midimon::midi::detail
