// RtMidi over JACK and ALSA: ports opened with RtMidi, JACK's port list from our own
// client (names + UUIDs), errors captured from RtMidi's error callback.
#include "midi/rtmidi_backend.h"

#include <jack/jack.h>
#include <jack/uuid.h>

#include <RtMidi.h>

#include <atomic>
#include <chrono>
#include <cctype>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "midi/backend_probe.h"

namespace midimon::midi {
namespace {

// RtMidi reports through this instead of printing or throwing once it is installed.
// Warnings go to the log at debug level; errors are kept for the caller to return.
class ErrorCapture {
 public:
  explicit ErrorCapture(LogSink log) : log_(std::move(log)) {}
  static void callback(RtMidiError::Type type, const std::string& text, void* self) {
    static_cast<ErrorCapture*>(self)->record(type, text);
  }
  std::string take() {
    std::lock_guard lock(mutex_);
    std::string out = std::move(last_);
    last_.clear();
    return out;
  }

 private:
  void record(RtMidiError::Type type, const std::string& text) {
    if (type == RtMidiError::WARNING || type == RtMidiError::DEBUG_WARNING) {
      if (log_) log_(LogLevel::Debug, "rtmidi: " + text);
      return;
    }
    std::lock_guard lock(mutex_);
    last_ = text;
  }
  LogSink log_;
  std::mutex mutex_;
  std::string last_;
};

RtMidi::Api api_of(BackendKind kind) {
  return kind == BackendKind::Jack ? RtMidi::UNIX_JACK : RtMidi::LINUX_ALSA;
}

// ALSA names read "client:port 20:0"; the trailing address changes when a device is
// re-plugged, so it is the port's id, not part of its name.
PortInfo split_alsa_name(const std::string& full) {
  const size_t space = full.rfind(' ');
  if (space != std::string::npos) {
    const std::string tail = full.substr(space + 1);
    const size_t colon = tail.find(':');
    const bool address = colon != std::string::npos && colon > 0 && colon + 1 < tail.size() &&
                         std::all_of(tail.begin(), tail.end(), [](char c) {
                           return c == ':' || std::isdigit(static_cast<unsigned char>(c));
                         });
    if (address) return {full.substr(0, space), tail};
  }
  return {full, full};
}

// JACK server deaths seen by any of our listers (a client of a dead server is unusable).
std::atomic<uint64_t> g_jack_shutdowns{0};

// RtMidi's JACK objects cannot be destroyed once their client is gone: their destructor
// unregisters the port through the client (SIGSEGV in jack_port_unregister, jackd2
// 1.9.21). A client is gone when its server died, and also when libjack deleted it on its
// own: any client of the process that sees a shutdown clears one process-wide "server
// running" flag, and the next jack_client_open in the process then closes and deletes
// every client still open (JackLibGlobals::Init), without telling their owners. Such an
// object is parked here for the rest of the process instead — a small, bounded cost per
// server death, against a crash. Reachable from a global, so leak checkers do not report
// it.
template <class T>
void park_forever(std::unique_ptr<T> object) {
  static std::mutex mutex;
  static auto* parked = new std::vector<std::unique_ptr<T>>();
  std::lock_guard lock(mutex);
  parked->push_back(std::move(object));
}

// Our own JACK client for the port list: names and UUIDs in one call per look. When the
// server goes away it is reopened on a later look.
//
// It is also where the backend's JACK clients are opened and closed, one at a time, and
// its witness that libjack still holds them (see park_forever). Every look, open and
// close first asks the server something through this client; a question libjack refuses
// ("server is not running") means the next jack_client_open deletes our clients, so it
// counts as a shutdown: every JACK port opened before is parked, never touched again, and
// the look fails, so that the inputs reconnect as after a server restart. Closing a port
// opens no client (the old check did, and that open was what deleted the port's client
// under it), and no client of ours is opened while another is being closed.
class JackLister {
 public:
  explicit JackLister(std::string client_name) : client_name_(std::move(client_name)) {}
  ~JackLister() { close(); }

  Result<std::vector<PortInfo>> list(unsigned long flags) {
    std::lock_guard lock(mutex_);
    if (auto error = connect_locked()) return Error{*error};
    std::vector<PortInfo> out;
    const char** names = jack_get_ports(client_, nullptr, JACK_DEFAULT_MIDI_TYPE, flags);
    if (!names) return out;
    for (const char** n = names; *n; ++n) {
      PortInfo info{*n, *n};
      if (jack_port_t* port = jack_port_by_name(client_, *n)) {
        char uuid[JACK_UUID_STRING_SIZE] = {};
        jack_uuid_unparse(jack_port_uuid(port), uuid);
        info.id = uuid;
      }
      out.push_back(std::move(info));
    }
    jack_free(names);
    return out;
  }

  // Runs `create`, which makes one RtMidi JACK object (its constructor opens one client),
  // then `use` (getPortCount, openPort...), with the connection checked before and
  // between: a client open that fails can itself clear libjack's "server running" flag,
  // and RtMidi then opens again from the next call (its connect()), which would delete
  // every client we have. `generation` gets the shutdown count the client belongs to.
  template <class Create, class Use>
  std::optional<std::string> open_client(Create&& create, Use&& use, uint64_t& generation) {
    std::lock_guard lock(mutex_);
    if (auto error = connect_locked()) return error;
    generation = g_jack_shutdowns.load();
    if (auto error = create()) return error;
    if (!round_trip_locked()) {
      lost_locked();
      return "the JACK server does not answer (server '" + detail::jack_server_name() + "')";
    }
    return use();
  }

  // Waits until the server has run `count` more process cycles, so that a process
  // callback that was running has returned; false when they did not come in `timeout`.
  bool wait_cycles(uint64_t count, std::chrono::milliseconds timeout) {
    const uint64_t until = cycles_.load() + count;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (cycles_.load() < until) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return true;
  }

  // Runs `close`, which closes a client opened at `generation`, if libjack still holds
  // that client; false when it may not (then the caller parks the object, see
  // park_forever). Opens no client.
  template <class Close>
  bool close_client(uint64_t generation, Close&& close) {
    std::lock_guard lock(mutex_);
    if (g_jack_shutdowns.load() != generation || !client_ || shut_down_.load()) return false;
    if (!round_trip_locked()) {
      lost_locked();
      return false;
    }
    close();
    return true;
  }

 private:
  std::optional<std::string> connect_locked() {
    if (client_ && shut_down_.load()) close();
    if (client_ && !round_trip_locked()) {
      lost_locked();
      return "the JACK server does not answer (server '" + detail::jack_server_name() + "')";
    }
    if (client_) return std::nullopt;
    // Reopening runs libjack's cleanup when its flag is down, which deletes the clients of
    // the ports opened so far: those are parked from now on.
    if (opened_before_) ++g_jack_shutdowns;
    opened_before_ = true;
    jack_status_t status{};
    client_ = jack_client_open(client_name_.c_str(), JackNoStartServer, &status);
    if (!client_) return "no JACK server is running (server '" + detail::jack_server_name() + "')";
    shut_down_ = false;
    jack_on_shutdown(client_, &JackLister::on_shutdown, this);
    jack_set_process_callback(client_, &JackLister::on_process, this);  // for wait_cycles
    if (jack_activate(client_) != 0) {
      close();
      return std::string("cannot activate a JACK client");
    }
    return std::nullopt;
  }
  // A question that goes to the server and back (jack_get_ports reads shared memory and
  // would not notice). libjack refuses it at once when its "server running" flag is down.
  bool round_trip_locked() {
    char* uuid = jack_get_uuid_for_client_name(client_, jack_get_client_name(client_));
    if (!uuid) return false;
    jack_free(uuid);
    return true;
  }
  void lost_locked() {
    ++g_jack_shutdowns;
    close();
  }
  static int on_process(jack_nframes_t, void* self) {
    ++static_cast<JackLister*>(self)->cycles_;
    return 0;
  }
  static void on_shutdown(void* self) {
    static_cast<JackLister*>(self)->shut_down_ = true;
    ++g_jack_shutdowns;
  }
  void close() {
    if (client_) jack_client_close(client_);
    client_ = nullptr;
  }
  std::string client_name_;
  std::mutex mutex_;
  jack_client_t* client_ = nullptr;
  std::atomic<bool> shut_down_{false};
  std::atomic<uint64_t> cycles_{0};
  bool opened_before_ = false;
};

// What a JACK port keeps to close its client later.
struct JackConnection {
  std::shared_ptr<JackLister> lister;  // shared: a port may outlive its backend
  uint64_t generation = 0;             // g_jack_shutdowns when the port was opened
};

// What RtMidi calls back into, for one input: its userData for messages and errors. It is
// a separate object so that it can outlive the port (see ~RtInputPort), and it is closed
// under its mutex: once close() returned, the caller's callback is not running and never
// runs again, whatever RtMidi's threads still do.
//
// Why not RtMidiIn::cancelCallback(): it clears RtMidi's callback pointer, its user data
// and then its "using a callback" flag with plain stores, while the JACK process thread
// (or the ALSA input thread) tests the flag and then loads the pointers; in between it
// can read a null callback or null user data and crash (RtMidi 5.0, jackProcessIn). So
// RtMidi keeps calling into this object until its own client is gone, and this object
// decides whether anything reaches the caller.
class InputLink {
 public:
  InputLink(LogSink log, RawInputCallback callback)
      : errors(std::move(log)), callback_(std::move(callback)) {}
  static void on_message(double, std::vector<unsigned char>* message, void* self) {
    if (message && !message->empty()) {
      static_cast<InputLink*>(self)->deliver(message->data(), message->size());
    }
  }
  // After this returns no callback is running and none will run; the callback (and what
  // it captured) is destroyed here, outside the lock.
  void close() {
    RawInputCallback callback;
    {
      std::lock_guard lock(mutex_);
      open_ = false;
      callback.swap(callback_);
    }
  }
  ErrorCapture errors;

 private:
  void deliver(const uint8_t* data, size_t size) {
    std::lock_guard lock(mutex_);
    if (open_) callback_(data, size);
  }
  std::mutex mutex_;
  bool open_ = true;
  RawInputCallback callback_;
};

class RtInputPort final : public InputPort {
 public:
  RtInputPort(LogSink log, RawInputCallback callback)
      : link(std::make_unique<InputLink>(std::move(log), std::move(callback))) {}
  ~RtInputPort() override {
    // First: from here on nothing reaches the caller's callback, which may capture
    // objects that are destroyed as soon as this destructor returns.
    link->close();
    if (!in) return;
    auto close = [this] {
      in->closePort();
      in.reset();  // closes the client: its thread stops before the link is destroyed
    };
    if (!jack) {
      close();
    } else if (!jack->lister->close_client(jack->generation, close)) {
      // Its server or its client is gone (see park_forever). A parked input may still be
      // running and calling back, so the link stays with it: RtMidi's user data must
      // outlive the RtMidiIn.
      park_forever(std::make_unique<Parked>(Parked{std::move(in), std::move(link)}));
    }
  }
  std::optional<JackConnection> jack;  // set for JACK ports
  std::unique_ptr<InputLink> link;
  std::unique_ptr<RtMidiIn> in;  // declared after link: destroyed before it

 private:
  struct Parked {
    std::unique_ptr<RtMidiIn> in;
    std::unique_ptr<InputLink> link;
  };
};

class RtOutputPort final : public OutputPort {
 public:
  explicit RtOutputPort(LogSink log) : errors(std::move(log)) {}
  ~RtOutputPort() override {
    if (!out) return;
    if (!jack) {
      out->closePort();
      return;
    }
    // RtMidi 5.0's ~MidiOutJack frees the buffer its process callback reads before it
    // closes the client that runs that callback, and closePort() only stops callbacks
    // from starting: one that began before it may still be reading (seen: SIGSEGV in
    // jack_ringbuffer_peek on the JACK thread at shutdown). So the port is closed, then
    // two more cycles are waited for, then the object is destroyed; a server too slow to
    // run them gets the object parked instead.
    bool cycles_passed = true;
    const bool closed = jack->lister->close_client(jack->generation, [&] {
      out->closePort();
      cycles_passed = jack->lister->wait_cycles(2, std::chrono::seconds(1));
      if (cycles_passed) out.reset();
    });
    if (!closed || !cycles_passed) park_forever(std::move(out));  // see park_forever
  }
  std::optional<JackConnection> jack;  // set for JACK ports
  bool send(const uint8_t* data, size_t size, std::string* error) override {
    std::lock_guard lock(send_mutex_);
    // RtMidi's JACK send waits, spinning, for room in a buffer that only the client's
    // process thread drains: once that client is gone it would wait forever.
    if (jack && jack->generation != g_jack_shutdowns.load()) {
      if (error) *error = "the JACK server went away since this port was opened; reopen it";
      return false;
    }
    out->sendMessage(data, size);
    std::string failure = errors.take();
    if (failure.empty()) return true;
    if (error) *error = failure;
    return false;
  }
  ErrorCapture errors;
  std::unique_ptr<RtMidiOut> out;

 private:
  std::mutex send_mutex_;
};

class RtMidiBackend final : public Backend {
 public:
  RtMidiBackend(BackendKind kind, BackendOptions options)
      : kind_(kind),
        options_(std::move(options)),
        jack_(std::make_shared<JackLister>(options_.client_name)) {}

  BackendKind kind() const override { return kind_; }

  Result<std::vector<PortInfo>> list_sources() override { return list(true); }
  Result<std::vector<PortInfo>> list_destinations() override { return list(false); }

  Result<std::unique_ptr<InputPort>> open_input(const std::string& source,
                                                const std::string& local_name,
                                                RawInputCallback callback) override {
    auto port = std::make_unique<RtInputPort>(options_.log, std::move(callback));
    auto error = with_new_client(
        port->jack, [&] { return make_input(*port); },
        [&]() -> std::optional<std::string> {
      const unsigned count = port->in->getPortCount();
      for (unsigned i = 0; i < count; ++i) {
        if (display_name(port->in->getPortName(i)).name != source) continue;
        port->in->openPort(i, local_name);
        if (!port->in->isPortOpen()) return failure(port->link->errors, "cannot open " + source);
        return std::nullopt;
      }
      return "no source port named '" + source + "'";
    });
    if (error) return Error{*error};
    return std::unique_ptr<InputPort>(std::move(port));
  }

  Result<std::unique_ptr<InputPort>> open_virtual_input(const std::string& port_name,
                                                        RawInputCallback callback) override {
    auto port = std::make_unique<RtInputPort>(options_.log, std::move(callback));
    auto error = with_new_client(
        port->jack, [&] { return make_input(*port); },
        [&]() -> std::optional<std::string> {
      port->in->openVirtualPort(port_name);
      // isPortOpen() stays false for virtual ports in RtMidi 5.0: an error is the signal.
      if (std::string why = port->link->errors.take(); !why.empty()) {
        return "cannot create virtual input " + port_name + ": " + why;
      }
      return std::nullopt;
    });
    if (error) return Error{*error};
    return std::unique_ptr<InputPort>(std::move(port));
  }

  Result<std::unique_ptr<OutputPort>> open_output(const std::string& destination,
                                                  const std::string& local_name) override {
    auto port = std::make_unique<RtOutputPort>(options_.log);
    auto error = with_new_client(
        port->jack, [&] { return make_output(*port); },
        [&]() -> std::optional<std::string> {
      const unsigned count = port->out->getPortCount();
      for (unsigned i = 0; i < count; ++i) {
        if (display_name(port->out->getPortName(i)).name != destination) continue;
        port->out->openPort(i, local_name);
        if (!port->out->isPortOpen()) return failure(port->errors, "cannot open " + destination);
        return std::nullopt;
      }
      return "no destination port named '" + destination + "'";
    });
    if (error) return Error{*error};
    return std::unique_ptr<OutputPort>(std::move(port));
  }

  Result<std::unique_ptr<OutputPort>> open_virtual_output(const std::string& port_name) override {
    auto port = std::make_unique<RtOutputPort>(options_.log);
    auto error = with_new_client(
        port->jack, [&] { return make_output(*port); },
        [&]() -> std::optional<std::string> {
      port->out->openVirtualPort(port_name);
      if (std::string why = port->errors.take(); !why.empty()) {
        return "cannot create virtual output " + port_name + ": " + why;
      }
      return std::nullopt;
    });
    if (error) return Error{*error};
    return std::unique_ptr<OutputPort>(std::move(port));
  }

 private:
  static std::string failure(ErrorCapture& errors, const std::string& what) {
    std::string detail = errors.take();
    return detail.empty() ? what : what + ": " + detail;
  }

  PortInfo display_name(const std::string& full) const {
    return kind_ == BackendKind::Alsa ? split_alsa_name(full) : PortInfo{full, full};
  }

  // Our clients are named client_name, and JACK makes duplicates client_name-NN.
  bool is_own(const std::string& name) const {
    const std::string client = name.substr(0, name.find(':'));
    const std::string& own = options_.client_name;
    if (client == own) return true;
    if (client.size() <= own.size() + 1 || client.compare(0, own.size(), own) != 0 ||
        client[own.size()] != '-') {
      return false;
    }
    return std::all_of(client.begin() + static_cast<long>(own.size()) + 1, client.end(),
                       [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
  }

  // Runs `open`, which opens one RtMidi client and its port, and returns its error. For
  // JACK through the lister (JackLister::open_client: the server is checked first, which
  // also keeps RtMidi from printing when it is gone), and `jack` then says how to close
  // the client; for ALSA directly.
  template <class Create, class Use>
  std::optional<std::string> with_new_client(std::optional<JackConnection>& jack, Create&& create,
                                             Use&& use) {
    if (kind_ != BackendKind::Jack) {
      if (auto error = create()) return error;
      return use();
    }
    uint64_t generation = 0;
    auto result = jack_->open_client(create, use, generation);
    jack = JackConnection{jack_, generation};
    return result;
  }

  std::optional<std::string> make_input(RtInputPort& port) {
    try {
      port.in = std::make_unique<RtMidiIn>(api_of(kind_), options_.client_name);
    } catch (const RtMidiError& e) {
      return std::string("cannot create a MIDI client: ") + e.what();
    }
    port.in->setErrorCallback(&ErrorCapture::callback, &port.link->errors);
    port.in->ignoreTypes(false, false, false);  // SysEx, clock and active sensing too
    port.in->setCallback(&InputLink::on_message, port.link.get());
    return std::nullopt;
  }

  std::optional<std::string> make_output(RtOutputPort& port) {
    try {
      port.out = std::make_unique<RtMidiOut>(api_of(kind_), options_.client_name);
    } catch (const RtMidiError& e) {
      return std::string("cannot create a MIDI client: ") + e.what();
    }
    port.out->setErrorCallback(&ErrorCapture::callback, &port.errors);
    return std::nullopt;
  }

  Result<std::vector<PortInfo>> list(bool sources) {
    std::vector<PortInfo> all;
    if (kind_ == BackendKind::Jack) {
      auto ports = jack_->list(sources ? JackPortIsOutput : JackPortIsInput);
      if (!ports) return Error{ports.error()};
      all = std::move(*ports);
    } else {
      std::lock_guard lock(alsa_mutex_);
      auto error = ensure_alsa_listers();
      if (error) return Error{*error};
      RtMidi& api = sources ? static_cast<RtMidi&>(*alsa_in_) : static_cast<RtMidi&>(*alsa_out_);
      const unsigned count = api.getPortCount();
      for (unsigned i = 0; i < count; ++i) all.push_back(split_alsa_name(api.getPortName(i)));
    }
    std::vector<PortInfo> out;
    for (auto& p : all) {
      if (!is_own(p.name)) out.push_back(std::move(p));
    }
    return out;
  }

  std::optional<std::string> ensure_alsa_listers() {
    if (alsa_in_ && alsa_out_) return std::nullopt;
    try {
      alsa_in_ = std::make_unique<RtMidiIn>(RtMidi::LINUX_ALSA, options_.client_name);
      alsa_in_->setErrorCallback(&ErrorCapture::callback, &alsa_errors_);
      alsa_out_ = std::make_unique<RtMidiOut>(RtMidi::LINUX_ALSA, options_.client_name);
      alsa_out_->setErrorCallback(&ErrorCapture::callback, &alsa_errors_);
    } catch (const RtMidiError& e) {
      alsa_in_.reset();
      alsa_out_.reset();
      return std::string("cannot open the ALSA sequencer: ") + e.what();
    }
    return std::nullopt;
  }

  BackendKind kind_;
  BackendOptions options_;
  std::shared_ptr<JackLister> jack_;
  std::mutex alsa_mutex_;
  ErrorCapture alsa_errors_{LogSink{}};
  std::unique_ptr<RtMidiIn> alsa_in_;
  std::unique_ptr<RtMidiOut> alsa_out_;
};

}  // namespace

void detail::count_jack_shutdown() { ++g_jack_shutdowns; }

Result<std::unique_ptr<Backend>> open_backend(BackendChoice choice, BackendOptions options) {
  std::vector<BackendStatus> statuses;
  if (choice == BackendChoice::Auto) {
    statuses = probe_backends();
  } else {
    statuses.push_back(
        probe_backend(choice == BackendChoice::Jack ? BackendKind::Jack : BackendKind::Alsa));
  }
  std::string why;
  for (const BackendStatus& s : statuses) {
    if (s.available) {
      if (options.log) {
        options.log(LogLevel::Info, std::string("MIDI backend: ") + backend_name(s.kind));
      }
      return std::unique_ptr<Backend>(std::make_unique<RtMidiBackend>(s.kind, std::move(options)));
    }
    if (!why.empty()) why += "; ";
    why += std::string(backend_name(s.kind)) + ": " + s.detail;
  }
  return Error{"no MIDI backend is available (" + why + ")"};
}

}  // namespace midimon::midi
