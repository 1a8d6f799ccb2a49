// Device inputs with hot-plug (device_inputs.h).
#include "midi/device_inputs.h"

#include <algorithm>

namespace midimon::midi {

const char* device_event_name(DeviceEventKind kind) {
  switch (kind) {
    case DeviceEventKind::Connected: return "connected";
    case DeviceEventKind::Disconnected: return "disconnected";
    case DeviceEventKind::Missing: return "missing";
  }
  return "unknown";
}

struct DeviceInputs::Entry {
  uint16_t index;
  DeviceSpec spec;
  std::optional<PortMatcher> matcher;  // empty for a virtual input
  std::unique_ptr<InputStream> stream;
  std::unique_ptr<InputPort> port;     // open connection, if any
  std::string port_name;
  std::string port_id;
  bool reported_missing = false;
  std::string last_open_error;
};

// Log lines and events gathered under the lock and delivered after it is released, so a
// sink may call back into DeviceInputs.
struct DeviceInputs::Notes {
  std::vector<std::pair<LogLevel, std::string>> lines;
  std::vector<DeviceEvent> events;
  void log(LogLevel level, std::string text) { lines.emplace_back(level, std::move(text)); }
};

namespace {
// A JACK/ALSA port name made from the device label (no ':' allowed in a short name).
std::string local_port_name(const DeviceSpec& spec, uint16_t index) {
  std::string name = spec.name.empty() ? "in-" + std::to_string(index) : spec.name;
  std::replace(name.begin(), name.end(), ':', '_');
  if (name.size() > 64) name.resize(64);
  return name;
}
}  // namespace

DeviceInputs::DeviceInputs(Backend& backend, InputQueue& queue, DeviceInputsOptions options)
    : backend_(backend),
      queue_(queue),
      options_(std::move(options)),
      next_index_(options_.first_device_index) {}

DeviceInputs::~DeviceInputs() {
  stop();
  std::lock_guard lock(mutex_);
  for (auto& e : entries_) e->port.reset();  // ports close before their streams go
}

Timestamp DeviceInputs::now() const {
  return options_.clock ? options_.clock() : std::chrono::steady_clock::now();
}

Result<uint16_t> DeviceInputs::add_device(DeviceSpec spec) {
  auto matcher = PortMatcher::make(spec.pattern, spec.match);
  if (!matcher) {
    return Error{"device '" + spec.name + "': " + matcher.error()};
  }
  std::lock_guard lock(mutex_);
  auto entry = std::make_unique<Entry>();
  entry->index = next_index_++;
  entry->matcher = std::move(*matcher);
  entry->stream = std::make_unique<InputStream>(queue_, entry->index, spec.parser);
  entry->spec = std::move(spec);
  const uint16_t index = entry->index;
  entries_.push_back(std::move(entry));
  return index;
}

Result<uint16_t> DeviceInputs::add_virtual_input(const std::string& port_name,
                                                 ParserOptions parser) {
  std::lock_guard lock(mutex_);
  auto entry = std::make_unique<Entry>();
  entry->index = next_index_;
  entry->spec.name = port_name;
  entry->stream = std::make_unique<InputStream>(queue_, entry->index, std::move(parser));
  InputStream* stream = entry->stream.get();
  auto port = backend_.open_virtual_input(port_name, [this, stream](const uint8_t* d, size_t n) {
    stream->feed(d, n, now());
  });
  if (!port) return Error{"virtual input '" + port_name + "': " + port.error()};
  entry->port = std::move(*port);
  entry->port_name = port_name;
  ++next_index_;
  entries_.push_back(std::move(entry));
  if (options_.log) options_.log(LogLevel::Info, "virtual input '" + port_name + "' is open");
  return static_cast<uint16_t>(next_index_ - 1);
}

bool DeviceInputs::remove_device(uint16_t index) {
  std::unique_ptr<Entry> removed;
  {
    std::lock_guard lock(mutex_);
    auto it = std::find_if(entries_.begin(), entries_.end(), [&](const auto& e) { return e->index == index; });
    if (it == entries_.end()) return false;
    removed = std::move(*it);
    entries_.erase(it);
    removed->port.reset();  // the port closes before its stream goes
  }
  return true;
}

void DeviceInputs::set_parser_options(const ParserOptions& parser) {
  std::lock_guard lock(mutex_);
  for (const auto& entry : entries_) {
    entry->spec.parser = parser;
    entry->stream->set_parser_options(parser);
  }
}

void DeviceInputs::poll() {
  Notes notes;
  {
    std::lock_guard lock(mutex_);
    poll_locked(notes);
  }
  deliver(notes);
}

void DeviceInputs::poll_locked(Notes& notes) {
  auto sources = backend_.list_sources();
  if (!sources) {
    if (list_error_ != sources.error()) {
      notes.log(LogLevel::Error, "cannot list MIDI ports: " + sources.error());
      list_error_ = sources.error();
    }
    for (auto& e : entries_) {
      if (e->matcher && e->port) disconnect(*e, "the MIDI server went away", notes);
    }
    return;
  }
  if (!list_error_.empty()) {
    notes.log(LogLevel::Info, "MIDI ports can be listed again");
    list_error_.clear();
  }
  for (auto& e : entries_) {
    if (!e->matcher) continue;  // virtual inputs stay as they are
    if (e->port) {
      const bool still_there = std::any_of(sources->begin(), sources->end(), [&](const PortInfo& p) {
        return p.name == e->port_name && p.id == e->port_id;
      });
      if (still_there) continue;
      disconnect(*e, "its port disappeared", notes);
    }
    auto matches = e->matcher->find(*sources);
    if (matches.empty()) {
      if (!e->reported_missing) {
        std::string text = "device '" + e->spec.name + "' (" + e->matcher->describe() +
                           "): no matching port; waiting for it";
        if (!sources->empty()) {
          text += " (ports:";
          for (const auto& p : *sources) text += " '" + p.name + "'";
          text += ")";
        }
        notes.log(LogLevel::Warning, text);
        notes.events.push_back({DeviceEventKind::Missing, e->index, e->spec.name, ""});
        e->reported_missing = true;
      }
      continue;
    }
    connect(*e, *matches.front(), matches.size(), notes);
  }
}

void DeviceInputs::connect(Entry& e, const PortInfo& port, size_t match_count, Notes& notes) {
  InputStream* stream = e.stream.get();
  stream->reset();  // nothing of an earlier connection's bytes carries over
  auto opened = backend_.open_input(port.name, local_port_name(e.spec, e.index),
                                    [this, stream](const uint8_t* d, size_t n) {
                                      stream->feed(d, n, now());
                                    });
  if (!opened) {
    if (e.last_open_error != opened.error()) {
      notes.log(LogLevel::Warning, "device '" + e.spec.name + "': cannot open port '" +
                                       port.name + "': " + opened.error() + "; will retry");
      e.last_open_error = opened.error();
    }
    return;
  }
  e.port = std::move(*opened);
  e.port_name = port.name;
  e.port_id = port.id;
  e.reported_missing = false;
  e.last_open_error.clear();
  std::string text = "device '" + e.spec.name + "' connected to port '" + port.name + "'";
  if (match_count > 1) {
    text += " (the first of " + std::to_string(match_count) + " ports matching " +
            e.matcher->describe() + ")";
  }
  notes.log(LogLevel::Info, text);
  notes.events.push_back({DeviceEventKind::Connected, e.index, e.spec.name, port.name});
}

void DeviceInputs::disconnect(Entry& e, const std::string& why, Notes& notes) {
  e.port.reset();
  notes.log(LogLevel::Warning, "device '" + e.spec.name + "' disconnected from port '" +
                                   e.port_name + "' (" + why + "); waiting for it to return");
  notes.events.push_back({DeviceEventKind::Disconnected, e.index, e.spec.name, e.port_name});
  e.port_name.clear();
  e.port_id.clear();
  e.reported_missing = true;  // the disconnect message already said we wait
}

void DeviceInputs::deliver(Notes& notes) {
  if (options_.log) {
    for (auto& [level, text] : notes.lines) options_.log(level, text);
  }
  if (options_.events) {
    for (const auto& ev : notes.events) options_.events(ev);
  }
}

void DeviceInputs::start() {
  std::lock_guard lock(thread_mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] {
    std::unique_lock lock(thread_mutex_);
    while (!stopping_) {
      lock.unlock();
      poll();
      lock.lock();
      thread_wake_.wait_for(lock, options_.poll_interval, [this] { return stopping_; });
    }
  });
}

void DeviceInputs::stop() {
  {
    std::lock_guard lock(thread_mutex_);
    stopping_ = true;
  }
  thread_wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::vector<DeviceInputs::DeviceState> DeviceInputs::devices() const {
  std::lock_guard lock(mutex_);
  std::vector<DeviceState> out;
  for (const auto& e : entries_) {
    out.push_back({e->index, e->spec.name, e->port_name, e->port != nullptr, !e->matcher,
                   e->stream->parser_stats()});
  }
  return out;
}

}  // namespace midimon::midi
