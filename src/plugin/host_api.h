// The `midimon` import module (docs/plugins/host-api.md): the table of host functions
// with their signatures and the capabilities they need, and their definition into a
// Linker for one plugin instance. WASI is defined separately (wasi/wasi.h).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "plugin/capability.h"
#include "plugin/host_services.h"
#include "plugin/log_limiter.h"
#include "plugin/state_store.h"
#include "wasm/linker.h"
#include "wasm/store.h"

namespace midimon::plugin {

class Plugin;

inline constexpr std::string_view kHostModule = "midimon";

struct HostFunctionSpec {
  std::string_view name;
  // Accepted signatures; the first is the documented one (`log` also accepts a result).
  std::vector<wasm::FuncType> signatures;
  // Empty: always allowed. Several: the request decides which one (request_action:
  // systemcontrol for keystroke/text/mouse/launch, audio for volume).
  CapabilitySet needs;
  // Waits for the network or a child process, up to the call's deadline
  // (wasm::HostBlocking::MayBlock).
  bool blocks = false;
};

// Every function of the `midimon` module, in the order of host-api.md.
const std::vector<HostFunctionSpec>& host_functions();
const HostFunctionSpec* find_host_function(std::string_view name);

// What the host functions of one plugin share. Owned by the plugin; outlives its stores.
struct HostContext {
  const Plugin* plugin = nullptr;       // grants() read at every call
  HostServices* services = nullptr;     // never null
  std::string name;                     // the tag of every log line and output chunk
  nlohmann::json config = nlohmann::json::object();  // config_get
  StateStore* state = nullptr;          // state_*
  LogLimiter* limiter = nullptr;        // log and denial lines
  std::vector<std::string> allowed_hosts;  // http_request (the manifest's network.hosts)

  // Logs `text` through the rate limiter (and, first, a line counting the lines it
  // dropped since the last one it let through). Returns false if this line was dropped.
  bool log(LogLevel level, std::string_view text);
  // Logs "<function> denied: capability \"<cap>\" is not granted" and returns -76.
  int32_t deny(std::string_view function, Capability capability);
  bool granted(Capability c) const;
};

// Defines `spec` with `type` (one of spec.signatures) under "midimon" in `linker`.
void define_host_function(wasm::Linker& linker, wasm::Store& store, const HostFunctionSpec& spec,
                          const wasm::FuncType& type, HostContext* context);

// Checks that MIDI bytes are one or more complete messages: each starts with a status
// byte (no running status), data bytes < 0x80, SysEx F0 ... F7, nothing undefined.
// Returns an empty string when they are, else why not (with the byte offset).
std::string check_midi_messages(std::span<const uint8_t> bytes);
inline constexpr size_t kMaxMidiBytes = 64 * 1024;

}  // namespace midimon::plugin
