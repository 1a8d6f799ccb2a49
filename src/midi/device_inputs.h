// The MIDI inputs of a running program: several devices at once, each found by name
// (PortMatcher), each with its own parser feeding one shared InputQueue, plus virtual
// input ports. Hot-plug: RtMidi has no plug events, so the port list is polled (names
// and ids compared, one thread, default every 250 ms). A device that is not there is
// reported once and waited for; one that disappears is logged and closed; when it
// returns it is reconnected on the next poll and logged. There is no fallback to another
// port, ever.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "midi/backend.h"
#include "midi/input_queue.h"
#include "midi/input_stream.h"
#include "midi/log.h"
#include "midi/parser.h"
#include "midi/port_matcher.h"

namespace midimon::midi {

struct DeviceSpec {
  std::string name;     // the label logs and events use (the config's device name)
  std::string pattern;  // what to look for in port names
  MatchKind match = MatchKind::Substring;
  ParserOptions parser;
};

enum class DeviceEventKind {
  Connected,     // a matching port was opened (first time or after a return)
  Disconnected,  // its port disappeared (or the server went away)
  Missing,       // no port matches yet (reported once until it connects)
};
const char* device_event_name(DeviceEventKind kind);  // "connected", ...

struct DeviceEvent {
  DeviceEventKind kind;
  uint16_t device;          // the device index stamped on its messages
  std::string device_name;  // DeviceSpec::name
  std::string port;         // the port (empty for Missing)
};
using DeviceEventSink = std::function<void(const DeviceEvent&)>;

struct DeviceInputsOptions {
  uint16_t first_device_index = 0;  // devices are numbered from here, in the order added
  std::chrono::milliseconds poll_interval{250};
  LogSink log;
  DeviceEventSink events;  // called on the polling thread (or poll()'s caller)
  Clock clock;             // message timestamps; steady_clock::now by default
};

// The backend and the queue must outlive the DeviceInputs (its ports feed the queue until
// its destructor has closed them).
class DeviceInputs {
 public:
  DeviceInputs(Backend& backend, InputQueue& queue, DeviceInputsOptions options = {});
  ~DeviceInputs();  // stops polling and closes every port
  DeviceInputs(const DeviceInputs&) = delete;
  DeviceInputs& operator=(const DeviceInputs&) = delete;

  // Registers a device (connected by the next poll). Fails on a bad pattern.
  Result<uint16_t> add_device(DeviceSpec spec);
  // Opens a virtual input port at once (other clients connect to it).
  Result<uint16_t> add_virtual_input(const std::string& port_name, ParserOptions parser = {});
  // Closes the device's port (no message of it is queued after this returns) and forgets
  // it; its index is never handed out again. False when no device has that index.
  bool remove_device(uint16_t index);
  // Every input parses with `parser` from its next bytes on (devices and virtual inputs;
  // a config reload). Connections and parser state are kept.
  void set_parser_options(const ParserOptions& parser);

  // One hot-plug pass: list the sources, close the ports that vanished, open the ones
  // that appeared. start() runs it now and then every poll_interval on its own thread.
  void poll();
  void start();
  void stop();

  struct DeviceState {
    uint16_t device;
    std::string name;
    std::string port;  // connected port, empty when not connected
    bool connected;
    bool is_virtual;
    ParserStats stats;
  };
  std::vector<DeviceState> devices() const;

 private:
  struct Entry;
  struct Notes;
  void poll_locked(Notes& notes);
  void connect(Entry& entry, const PortInfo& port, size_t match_count, Notes& notes);
  void disconnect(Entry& entry, const std::string& why, Notes& notes);
  void deliver(Notes& notes);
  Timestamp now() const;

  Backend& backend_;
  InputQueue& queue_;
  DeviceInputsOptions options_;
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<Entry>> entries_;
  uint16_t next_index_;
  std::string list_error_;  // the last port-list failure, reported once

  std::mutex thread_mutex_;
  std::condition_variable thread_wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace midimon::midi
