// The daemon's MIDI inputs as the config says, kept in step with it across reloads:
//   - one input per [device] / [[devices]] entry (found by its port pattern, hot-plugged);
//   - with no device table at all, EVERY MIDI source there is, each on its own input
//     (own parser), followed as sources come and go — what "no [device]" means to a user
//     who plugs in a controller and expects midimon to hear it;
//   - plus the virtual input 'in' other programs connect to.
// apply() re-applies a device list on reload: an entry whose port pattern and match kind
// are unchanged keeps its connection and parser state (no reconnect, no on_enter re-sent),
// a removed one is closed at once, a new one is connected before apply() returns when its
// port exists. It returns the DeviceMap the engine needs, since input indexes (what an
// input stamps on midi::Message::device) are never reused while config indexes move.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "mapping/config_model.h"
#include "midi/device_inputs.h"

namespace midimon::daemon {

// Input index -> the config's device index (what a trigger's `device` resolved to).
// Inputs the config does not name — the virtual input, every source when there is no
// device table, a device a reload removed while its messages were still queued — map to
// Config::devices.size(), an index no trigger refers to. identity() passes indexes
// through (the in-process input stands for the config's devices).
class DeviceMap {
 public:
  static DeviceMap identity() { return DeviceMap(); }
  DeviceMap(std::vector<std::pair<uint16_t, uint16_t>> named, uint16_t unnamed)
      : named_(std::move(named)), unnamed_(unnamed), identity_(false) {}
  uint16_t to_config(uint16_t input) const {
    if (identity_) return input;
    for (const auto& [in, config] : named_) {  // a handful of devices: a scan beats a map
      if (in == input) return config;
    }
    return unnamed_;
  }

 private:
  DeviceMap() = default;
  std::vector<std::pair<uint16_t, uint16_t>> named_;
  uint16_t unnamed_ = 0;
  bool identity_ = true;
};

struct InputsOptions {
  std::chrono::milliseconds poll_interval{250};  // hot-plug: RtMidi has no plug events
  midi::LogSink log;
  midi::DeviceEventSink events;  // called on the polling thread or apply()'s caller
};

class ConfiguredInputs {
 public:
  // Opens the virtual input 'in' at once (a failure is logged: the rest still works).
  ConfiguredInputs(midi::Backend& backend, midi::InputQueue& queue, InputsOptions options);
  ~ConfiguredInputs();  // stops the thread, closes every port
  ConfiguredInputs(const ConfiguredInputs&) = delete;
  ConfiguredInputs& operator=(const ConfiguredInputs&) = delete;

  // Makes the inputs match `devices` (see above) and looks at the ports once. Every input,
  // old and new, parses with `parser` from then on (the config's 14-bit CC pairs).
  // `before_connecting` gets the new map before any new device connects, so a caller can
  // hand it to the engine ahead of the first message that needs it.
  DeviceMap apply(const std::vector<mapping::DeviceConfig>& devices,
                  const midi::ParserOptions& parser = {},
                  const std::function<void(const DeviceMap&)>& before_connecting = {});
  // The hot-plug thread: every poll_interval, follow the sources (no device table) and
  // connect / disconnect devices. stop() is idempotent.
  void start();
  void stop();

  std::vector<midi::DeviceInputs::DeviceState> devices() const { return inputs_.devices(); }
  bool follows_every_source() const;

 private:
  struct Configured {
    std::string name;
    std::string pattern;
    midi::MatchKind match;
    uint16_t input;
  };
  void tick_locked();            // follow (if needed) + one DeviceInputs poll
  void follow_sources_locked();  // one input per source port, no more, no less
  void forget_followed_locked();

  midi::Backend& backend_;
  InputsOptions options_;
  midi::DeviceInputs inputs_;

  mutable std::mutex mutex_;  // apply() and the thread's ticks, one at a time
  std::vector<Configured> configured_;
  midi::ParserOptions parser_;  // what every input parses with (the last apply's)
  std::map<std::string, uint16_t> followed_;  // source port name -> input index
  bool follow_all_ = false;
  bool reported_no_source_ = false;

  std::mutex thread_mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace midimon::daemon
