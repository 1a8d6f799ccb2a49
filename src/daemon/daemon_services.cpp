#include "daemon/daemon_services.h"

#include <nlohmann/json.hpp>

#include <cstdio>

#include "daemon/daemon_log.h"
#include "midi/output_device.h"
#include "midi/port_matcher.h"

namespace midimon::daemon {

std::string hex_bytes(std::span<const uint8_t> bytes) {
  std::string out;
  char buf[4];
  for (uint8_t b : bytes) {
    if (!out.empty()) out += ' ';
    std::snprintf(buf, sizeof buf, "%02X", b);
    out += buf;
  }
  return out;
}

actions::Outcome BackendMidiOut::send(std::string_view port, std::span<const uint8_t> bytes) {
  std::lock_guard lock(mutex_);
  return send_locked(std::string(port), bytes, true);
}

actions::Outcome BackendMidiOut::send_locked(const std::string& port, std::span<const uint8_t> bytes,
                                            bool retry) {
  auto it = ports_.find(port);
  std::string label = port.empty() ? "the virtual output 'out'" : "'" + port + "'";
  if (it == ports_.end() && !backend_) {
    return actions::Outcome::failure("cannot send to " + label + ": no MIDI backend (" + missing_ + ")");
  }
  if (it == ports_.end()) {
    std::unique_ptr<midi::OutputPort> opened;
    if (port.empty()) {
      auto result = backend_->open_virtual_output("out");
      if (!result) return actions::Outcome::failure("cannot open " + label + ": " + result.error());
      opened = std::move(result.value());
    } else {
      auto matcher = midi::PortMatcher::make(port, midi::MatchKind::Substring);
      if (!matcher) return actions::Outcome::failure(matcher.error());
      auto result = midi::open_matching_output(*backend_, matcher.value(), "send " + port);
      if (!result) return actions::Outcome::failure(result.error());
      label = "'" + result->port_name + "'";
      opened = std::move(result->port);
    }
    it = ports_.emplace(port, std::move(opened)).first;
  }
  std::string error;
  if (it->second->send(bytes.data(), bytes.size(), &error)) {
    return actions::Outcome::success("sent " + hex_bytes(bytes) + " to " + label);
  }
  ports_.erase(it);
  if (retry) return send_locked(port, bytes, false);
  return actions::Outcome::failure("sending to " + label + " failed: " + error);
}

void BackendMidiOut::close_all() {
  std::lock_guard lock(mutex_);
  ports_.clear();
}

void BackendMidiOut::set_backend(midi::Backend* backend, std::string missing) {
  std::lock_guard lock(mutex_);
  ports_.clear();  // they belong to the old backend
  backend_ = backend;
  missing_ = std::move(missing);
}

void BackendMidiOut::retain(const std::set<std::string, std::less<>>& names) {
  std::lock_guard lock(mutex_);
  std::erase_if(ports_, [&](const auto& entry) { return !entry.first.empty() && !names.count(entry.first); });
}

actions::Outcome PrintingMidiOut::send(std::string_view port, std::span<const uint8_t> bytes) {
  std::string where = port.empty() ? "the virtual output 'out'" : "'" + std::string(port) + "'";
  return actions::Outcome::success("would send " + hex_bytes(bytes) + " to " + where);
}

namespace {
actions::LogLevel to_action_level(plugin::LogLevel level) {
  switch (level) {
    case plugin::LogLevel::Trace:
    case plugin::LogLevel::Debug: return actions::LogLevel::Debug;
    case plugin::LogLevel::Info: return actions::LogLevel::Info;
    case plugin::LogLevel::Warn: return actions::LogLevel::Warn;
    case plugin::LogLevel::Error: return actions::LogLevel::Error;
  }
  return actions::LogLevel::Info;
}
}  // namespace

void DaemonHostServices::log(std::string_view plugin, plugin::LogLevel level, std::string_view message) {
  std::string line = "plugin " + std::string(plugin) + ": " + std::string(message);
  log_.log(to_action_level(level), line);
  nlohmann::json j = {{"plugin", plugin}, {"level", plugin::log_level_name(level)}, {"message", message}};
  bus_.publish(EventKind::Plugin, line, j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

void DaemonHostServices::output(std::string_view plugin, plugin::OutputStream stream, std::string_view text) {
  std::string line = "plugin " + std::string(plugin) +
                     (stream == plugin::OutputStream::Stdout ? " stdout: " : " stderr: ") + one_line(text);
  log_.log(actions::LogLevel::Info, line);
  nlohmann::json j = {{"plugin", plugin},
                      {"stream", stream == plugin::OutputStream::Stdout ? "stdout" : "stderr"},
                      {"text", text}};
  bus_.publish(EventKind::Plugin, line, j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

int32_t DaemonHostServices::send_midi(std::string_view plugin, std::span<const uint8_t> bytes) {
  actions::Outcome outcome = midi_.send("", bytes);
  std::string line = "plugin " + std::string(plugin) + " send_midi: " + outcome.detail;
  log_.log(outcome.ok ? actions::LogLevel::Info : actions::LogLevel::Warn, line);
  nlohmann::json j = {{"plugin", plugin}, {"send_midi", hex_bytes(bytes)}, {"ok", outcome.ok},
                      {"detail", outcome.detail}};
  bus_.publish(EventKind::Plugin, line, j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  return outcome.ok ? 0 : -29;  // WASI EIO
}

int32_t DaemonHostServices::request_action(std::string_view plugin, std::string_view action_json) {
  ActionHandler handler;
  {
    std::lock_guard lock(handler_mutex_);
    handler = handler_;
  }
  if (handler) return handler(plugin, action_json);
  log_.log(actions::LogLevel::Warn, "plugin " + std::string(plugin) +
                                        " requested an action before the daemon could run it: " +
                                        one_line(action_json));
  return -52;  // WASI ENOSYS
}

plugin::CapabilitySet MemoryPluginSettings::grants(const std::string& plugin) {
  std::lock_guard lock(mutex_);
  auto it = grants_.find(plugin);
  return it == grants_.end() ? plugin::CapabilitySet{} : it->second;
}

plugin::Expected<void> MemoryPluginSettings::set_grants(const std::string& plugin,
                                                        plugin::CapabilitySet grants) {
  std::lock_guard lock(mutex_);
  grants_[plugin] = grants;
  return {};
}

bool MemoryPluginSettings::enabled(const std::string& plugin) {
  std::lock_guard lock(mutex_);
  auto it = enabled_.find(plugin);
  return it == enabled_.end() ? true : it->second;
}

plugin::Expected<void> MemoryPluginSettings::set_enabled(const std::string& plugin, bool enabled) {
  std::lock_guard lock(mutex_);
  enabled_[plugin] = enabled;
  return {};
}

}  // namespace midimon::daemon
