// The real backends: RtMidi 5.0 over JACK and over the ALSA sequencer. Ports are opened
// through RtMidi; the port list for JACK comes from a small JACK client of our own (it
// gives each port's UUID, which RtMidi does not). Nothing is printed behind the owner's
// back: RtMidi's errors go to an error callback, libjack's and alsa-lib's own messages
// are silenced, and a backend whose server is absent is found by a silent probe before
// RtMidi ever touches it.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "midi/backend.h"
#include "midi/log.h"

namespace midimon::midi {

struct BackendStatus {
  BackendKind kind;
  bool compiled = false;   // librtmidi was built with this API
  bool available = false;  // and its server is there (JACK running, /dev/snd/seq usable)
  std::string detail;      // why not, when not: "no JACK server is running (server 'x')"
};

// Probes one backend or all of them (JACK first: auto prefers it). Silent.
BackendStatus probe_backend(BackendKind kind);
std::vector<BackendStatus> probe_backends();

struct BackendOptions {
  std::string client_name = "midimon";  // JACK/ALSA client name of every port we open
  LogSink log;                          // RtMidi's warnings (debug level)
};

// Auto picks the first available backend in probe_backends() order; an explicit choice
// must be available. The error says what was probed and why each is unavailable.
Result<std::unique_ptr<Backend>> open_backend(BackendChoice choice, BackendOptions options = {});

namespace detail {
// Counts a JACK shutdown, as the backend does when libjack reports one: every JACK port
// opened before is then parked, never closed through its client, when it is destroyed
// (rtmidi_backend.cpp, park_forever). Tests use it to park a port whose client still runs.
void count_jack_shutdown();
}  // namespace detail

}  // namespace midimon::midi
