// Fake plugins for the manager's tests: a Plugin whose execute() runs a test-supplied
// function, and host services / settings that record what they were told.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "plugin/host_services.h"
#include "plugin/manager.h"
#include "plugin/plugin.h"

namespace midimon::plugin::testing {

class FakePlugin final : public Plugin {
 public:
  using Behaviour = std::function<CallResult(FakePlugin&, const ActionRequest&)>;
  explicit FakePlugin(std::string name, Behaviour behaviour = nullptr) : behaviour_(std::move(behaviour)) {
    metadata_.name = std::move(name);
    metadata_.version = "1.0.0";
    metadata_.type = "action";
  }
  PluginKind kind() const override { return PluginKind::Wasm; }
  const PluginMetadata& metadata() const override { return metadata_; }
  CallResult execute(const ActionRequest& request) override {
    if (behaviour_) return behaviour_(*this, request);
    return CallResult{};
  }

 private:
  PluginMetadata metadata_;
  Behaviour behaviour_;
};

inline CallResult make_result(CallResult::Status status, int32_t code = 0, std::string message = {},
                              uint64_t fuel = 0) {
  CallResult r;
  r.status = status;
  r.code = code;
  r.message = std::move(message);
  r.fuel_used = fuel;
  return r;
}

struct LogLine {
  std::string plugin;
  LogLevel level;
  std::string message;
};

class RecordingHost final : public HostServices {
 public:
  void log(std::string_view plugin, LogLevel level, std::string_view message) override {
    std::function<void(std::string_view)> hook;
    {
      std::lock_guard lock(mutex_);
      lines_.push_back({std::string(plugin), level, std::string(message)});
      hook = on_log;
    }
    if (hook) hook(message);
  }
  void output(std::string_view, OutputStream stream, std::string_view text) override {
    std::lock_guard lock(mutex_);
    (stream == OutputStream::Stdout ? stdout_ : stderr_) += text;
  }
  int32_t send_midi(std::string_view, std::span<const uint8_t> bytes) override {
    std::lock_guard lock(mutex_);
    midi_.emplace_back(bytes.begin(), bytes.end());
    return 0;
  }
  int32_t request_action(std::string_view, std::string_view) override { return 0; }
  std::vector<LogLine> lines() const {
    std::lock_guard lock(mutex_);
    return lines_;
  }
  std::string stdout_text() const {
    std::lock_guard lock(mutex_);
    return stdout_;
  }
  std::vector<std::vector<uint8_t>> midi() const {
    std::lock_guard lock(mutex_);
    return midi_;
  }
  std::function<void(std::string_view)> on_log;  // set before any call; runs outside the lock

 private:
  mutable std::mutex mutex_;
  std::vector<LogLine> lines_;
  std::string stdout_, stderr_;
  std::vector<std::vector<uint8_t>> midi_;
};

class MemorySettings final : public PluginSettings {
 public:
  CapabilitySet grants(const std::string& plugin) override {
    std::lock_guard lock(mutex_);
    return grants_[plugin];
  }
  Expected<void> set_grants(const std::string& plugin, CapabilitySet grants) override {
    std::lock_guard lock(mutex_);
    if (fail_saves) return Failure{"disk full"};
    grants_[plugin] = grants;
    return {};
  }
  bool enabled(const std::string& plugin) override {
    std::lock_guard lock(mutex_);
    return !disabled_[plugin];
  }
  Expected<void> set_enabled(const std::string& plugin, bool enabled) override {
    std::lock_guard lock(mutex_);
    if (fail_saves) return Failure{"disk full"};
    disabled_[plugin] = !enabled;
    return {};
  }
  bool fail_saves = false;

 private:
  std::mutex mutex_;
  std::map<std::string, CapabilitySet> grants_;
  std::map<std::string, bool> disabled_;
};

// A loader that hands out plugins registered by source name.
inline PluginLoader map_loader(std::map<std::string, std::shared_ptr<Plugin>>* plugins) {
  return [plugins](const std::string& source) -> Expected<std::shared_ptr<Plugin>> {
    auto it = plugins->find(source);
    if (it == plugins->end()) return Failure{source + ": no such plugin file"};
    return it->second;
  };
}

}  // namespace midimon::plugin::testing
