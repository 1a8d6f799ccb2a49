// `midimon devices`: the MIDI inputs and outputs of each backend, and why a backend is
// not there. The tool only calls list_devices_command with its streams.
#pragma once

#include <ostream>
#include <vector>

#include "midi/backend.h"
#include "midi/rtmidi_backend.h"

namespace midimon::midi {

struct BackendListing {
  BackendStatus status;
  std::vector<PortInfo> sources;       // inputs: ports midimon can read from
  std::vector<PortInfo> destinations;  // outputs: ports midimon can send to
  std::string error;                   // listing failed although the probe succeeded
};

// Auto lists every backend (JACK, then ALSA); an explicit choice lists that one.
std::vector<BackendListing> list_devices(BackendChoice choice);

// Prints the listing to `out`. Exit code: 0 when at least one listed backend is
// available (even with no ports), 1 when none is (a sentence on `err` says so).
int list_devices_command(BackendChoice choice, std::ostream& out, std::ostream& err);

}  // namespace midimon::midi
