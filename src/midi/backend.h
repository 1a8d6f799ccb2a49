// A MIDI backend: what the platform's MIDI system offers (ports to read from and write
// to) and how to open them. The real ones are RtMidi over JACK and over the ALSA
// sequencer (rtmidi_backend.h); tests use a fake with the same interface.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "midi/result.h"

namespace midimon::midi {

enum class BackendKind { Jack, Alsa };
enum class BackendChoice { Auto, Jack, Alsa };

const char* backend_name(BackendKind kind);  // "jack", "alsa"
// "auto", "jack", "alsa" (exactly); nullopt for anything else.
std::optional<BackendChoice> parse_backend_choice(std::string_view text);

// A port as listed. `id` tells two ports of the same name apart when one replaced the
// other between two looks (JACK: the port's UUID; ALSA: its client:port address), so a
// source that vanished and came back within one poll is still seen as new.
struct PortInfo {
  std::string name;
  std::string id;
};

// Called on the backend's thread with the bytes of one or more MIDI messages. It must
// only parse and enqueue (InputStream::feed).
using RawInputCallback = std::function<void(const uint8_t* data, size_t size)>;

class InputPort {
 public:
  virtual ~InputPort() = default;  // closes the port; no callback runs after it returns
};

class OutputPort {
 public:
  virtual ~OutputPort() = default;
  // One complete message (or several back to back). False with `error` set on failure.
  virtual bool send(const uint8_t* data, size_t size, std::string* error = nullptr) = 0;
};

class Backend {
 public:
  virtual ~Backend() = default;
  virtual BackendKind kind() const = 0;

  // Ports of other clients: sources we can read from, destinations we can write to.
  // This process's own ports are left out, so a device pattern never matches them.
  virtual Result<std::vector<PortInfo>> list_sources() = 0;
  virtual Result<std::vector<PortInfo>> list_destinations() = 0;

  // Connects a new input port named `local_name` to the source named `source` exactly.
  virtual Result<std::unique_ptr<InputPort>> open_input(const std::string& source,
                                                        const std::string& local_name,
                                                        RawInputCallback callback) = 0;
  // A port other clients connect to (we are the destination).
  virtual Result<std::unique_ptr<InputPort>> open_virtual_input(const std::string& port_name,
                                                                RawInputCallback callback) = 0;
  virtual Result<std::unique_ptr<OutputPort>> open_output(const std::string& destination,
                                                          const std::string& local_name) = 0;
  // A port other clients read from (we are the source).
  virtual Result<std::unique_ptr<OutputPort>> open_virtual_output(const std::string& port_name) = 0;
};

}  // namespace midimon::midi
