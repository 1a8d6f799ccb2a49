// The daemon's implementations of the narrow interfaces other libraries ask for:
//   - MIDI out for SendMidi (actions::MidiOut) over the daemon's backend, and a printing
//     one for the demo and for a daemon without a MIDI system;
//   - the plugin host's HostServices (log, output, send_midi, request_action);
//   - PluginSettings kept in memory (the demo's grants: never written to the user's
//     grants file).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "actions/action_env.h"
#include "daemon/event_bus.h"
#include "midi/backend.h"
#include "plugin/host_services.h"
#include "plugin/manager.h"

namespace midimon::daemon {

// "90 3C 64"
std::string hex_bytes(std::span<const uint8_t> bytes);

// SendMidi over a real backend. port "" = the daemon's own virtual output ("out", opened
// on first use); any other port is a substring pattern for another client's input, opened
// on first use and kept; a failed send drops that port and retries once with a fresh open
// (the device may have been replugged).
class BackendMidiOut final : public actions::MidiOut {
 public:
  // `backend` may be null: every send then fails with `missing` (why there is none).
  BackendMidiOut(midi::Backend* backend, std::string missing) : backend_(backend), missing_(std::move(missing)) {}
  actions::Outcome send(std::string_view port, std::span<const uint8_t> bytes) override;
  void close_all();
  // Another backend (a reload changed it): every open port is closed first.
  void set_backend(midi::Backend* backend, std::string missing);
  // Closes the open ports whose SendMidi name is not in `names` (a reload dropped the
  // last action sending there); the virtual output stays.
  void retain(const std::set<std::string, std::less<>>& names);

 private:
  actions::Outcome send_locked(const std::string& port, std::span<const uint8_t> bytes, bool retry);
  std::mutex mutex_;
  midi::Backend* backend_;
  std::string missing_;
  std::map<std::string, std::unique_ptr<midi::OutputPort>, std::less<>> ports_;
};

// Sends nothing; says what it would have sent ("would send 90 3C 64 to 'Synth'").
class PrintingMidiOut final : public actions::MidiOut {
 public:
  actions::Outcome send(std::string_view port, std::span<const uint8_t> bytes) override;
};

class DaemonHostServices final : public plugin::HostServices {
 public:
  DaemonHostServices(actions::Logger& log, EventBus& bus, actions::MidiOut& midi)
      : log_(log), bus_(bus), midi_(midi) {}
  void log(std::string_view plugin, plugin::LogLevel level, std::string_view message) override;
  void output(std::string_view plugin, plugin::OutputStream stream, std::string_view text) override;
  int32_t send_midi(std::string_view plugin, std::span<const uint8_t> bytes) override;
  // A built-in action a plugin asked for (its grant already checked by the plugin host)
  // goes to `handler`, which the daemon sets once its executor exists: it parses the
  // JSON with the config loader's checks and queues the action like a mapping's.
  // Before that (or with no handler) the request is refused with ENOSYS (-52).
  int32_t request_action(std::string_view plugin, std::string_view action_json) override;
  using ActionHandler = std::function<int32_t(std::string_view plugin, std::string_view action_json)>;
  void set_action_handler(ActionHandler handler) {
    std::lock_guard lock(handler_mutex_);
    handler_ = std::move(handler);
  }

 private:
  actions::Logger& log_;
  EventBus& bus_;
  actions::MidiOut& midi_;
  std::mutex handler_mutex_;
  ActionHandler handler_;
};

class MemoryPluginSettings final : public plugin::PluginSettings {
 public:
  plugin::CapabilitySet grants(const std::string& plugin) override;
  plugin::Expected<void> set_grants(const std::string& plugin, plugin::CapabilitySet grants) override;
  bool enabled(const std::string& plugin) override;
  plugin::Expected<void> set_enabled(const std::string& plugin, bool enabled) override;

 private:
  std::mutex mutex_;
  std::map<std::string, plugin::CapabilitySet> grants_;
  std::map<std::string, bool> enabled_;
};

}  // namespace midimon::daemon
