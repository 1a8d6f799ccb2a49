// The config's MIDI inputs, re-applied on reload (configured_inputs.h).
#include "daemon/configured_inputs.h"

#include <pthread.h>

#include <algorithm>

namespace midimon::daemon {
namespace {

midi::MatchKind to_match_kind(mapping::DeviceMatch match) {
  switch (match) {
    case mapping::DeviceMatch::Exact: return midi::MatchKind::Exact;
    case mapping::DeviceMatch::Substring: return midi::MatchKind::Substring;
    case mapping::DeviceMatch::Regex: return midi::MatchKind::Regex;
  }
  return midi::MatchKind::Substring;
}

}  // namespace

ConfiguredInputs::ConfiguredInputs(midi::Backend& backend, midi::InputQueue& queue, InputsOptions options)
    : backend_(backend), options_(std::move(options)), inputs_(backend, queue, [&] {
        midi::DeviceInputsOptions o;
        o.poll_interval = options_.poll_interval;
        o.log = options_.log;
        o.events = options_.events;
        return o;
      }()) {
  // A port anyone can connect to (other programs, `jack_connect`, the e2e test).
  auto virtual_in = inputs_.add_virtual_input("in");
  if (!virtual_in && options_.log) {
    options_.log(midi::LogLevel::Warning, "virtual input 'in': " + virtual_in.error());
  }
}

ConfiguredInputs::~ConfiguredInputs() { stop(); }

DeviceMap ConfiguredInputs::apply(const std::vector<mapping::DeviceConfig>& devices,
                                  const midi::ParserOptions& parser,
                                  const std::function<void(const DeviceMap&)>& before_connecting) {
  std::lock_guard lock(mutex_);
  parser_ = parser;
  inputs_.set_parser_options(parser_);  // kept devices, followed sources, the virtual input
  std::vector<Configured> next;
  std::vector<std::pair<uint16_t, uint16_t>> named;
  std::vector<bool> kept(configured_.size(), false);
  for (std::size_t k = 0; k < devices.size(); ++k) {
    const mapping::DeviceConfig& d = devices[k];
    Configured want{d.name, d.port.empty() ? d.name : d.port, to_match_kind(d.match), 0};
    // The same device as before (same label, pattern and match) keeps its input: its
    // connection, its parser's running status, its place in the hot-plug state.
    auto same = std::find_if(configured_.begin(), configured_.end(), [&](const Configured& c) {
      return !kept[std::size_t(&c - configured_.data())] && c.name == want.name &&
             c.pattern == want.pattern && c.match == want.match;
    });
    if (same != configured_.end()) {
      kept[std::size_t(same - configured_.begin())] = true;
      want.input = same->input;
    } else {
      midi::DeviceSpec spec;
      spec.name = want.name;
      spec.pattern = want.pattern;
      spec.match = want.match;
      spec.parser = parser_;
      auto added = inputs_.add_device(std::move(spec));
      if (!added) {  // the loader checked the pattern; say so if the input still refuses it
        if (options_.log) options_.log(midi::LogLevel::Error, added.error());
        continue;
      }
      want.input = added.value();
    }
    named.emplace_back(want.input, static_cast<uint16_t>(k));
    next.push_back(std::move(want));
  }
  for (std::size_t i = 0; i < configured_.size(); ++i) {
    if (kept[i]) continue;
    inputs_.remove_device(configured_[i].input);
    if (options_.log) {
      options_.log(midi::LogLevel::Info, "device '" + configured_[i].name + "' removed by the config");
    }
  }
  configured_ = std::move(next);
  const bool follow_all = devices.empty();
  if (!follow_all && follow_all_) forget_followed_locked();
  if (follow_all && !follow_all_ && options_.log) {
    options_.log(midi::LogLevel::Info, "no [device] in the config: listening to every MIDI source");
  }
  follow_all_ = follow_all;
  DeviceMap map(std::move(named), static_cast<uint16_t>(devices.size()));
  if (before_connecting) before_connecting(map);
  tick_locked();  // new devices connect now, not a poll interval later
  return map;
}

bool ConfiguredInputs::follows_every_source() const {
  std::lock_guard lock(mutex_);
  return follow_all_;
}

void ConfiguredInputs::tick_locked() {
  if (follow_all_) follow_sources_locked();
  inputs_.poll();
}

void ConfiguredInputs::follow_sources_locked() {
  auto sources = backend_.list_sources();
  if (!sources) return;  // DeviceInputs::poll reports a listing failure once
  // Sources that are gone: their input goes too (a source that returns is a new one).
  for (auto it = followed_.begin(); it != followed_.end();) {
    const bool there = std::any_of(sources->begin(), sources->end(),
                                   [&](const midi::PortInfo& p) { return p.name == it->first; });
    if (there) {
      ++it;
      continue;
    }
    inputs_.remove_device(it->second);
    if (options_.events) options_.events({midi::DeviceEventKind::Disconnected, it->second, it->first, it->first});
    if (options_.log) options_.log(midi::LogLevel::Info, "MIDI source '" + it->first + "' is gone");
    it = followed_.erase(it);
  }
  for (const midi::PortInfo& port : *sources) {
    if (followed_.count(port.name)) continue;
    midi::DeviceSpec spec;
    spec.name = port.name;
    spec.pattern = port.name;
    spec.match = midi::MatchKind::Exact;
    spec.parser = parser_;
    auto added = inputs_.add_device(std::move(spec));
    if (added) followed_.emplace(port.name, added.value());
  }
  if (sources->empty() && !reported_no_source_ && options_.log) {
    options_.log(midi::LogLevel::Warning, "no MIDI source yet; waiting for one to appear");
  }
  reported_no_source_ = sources->empty();
}

void ConfiguredInputs::forget_followed_locked() {
  for (const auto& [name, input] : followed_) inputs_.remove_device(input);
  followed_.clear();
  reported_no_source_ = false;
}

void ConfiguredInputs::start() {
  std::lock_guard lock(thread_mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "mm-hotplug");  // names show in top -H and /proc
    std::unique_lock wait_lock(thread_mutex_);
    while (!wake_.wait_for(wait_lock, options_.poll_interval, [this] { return stopping_; })) {
      wait_lock.unlock();
      {
        std::lock_guard tick(mutex_);
        tick_locked();
      }
      wait_lock.lock();
    }
  });
}

void ConfiguredInputs::stop() {
  {
    std::lock_guard lock(thread_mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace midimon::daemon
