// A HostServices that records everything a plugin caused, for assertions.
#pragma once

#include <cstdint>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "plugin/host_services.h"

namespace midimon::plugin::test {

class RecordingHostServices final : public HostServices {
 public:
  struct LogLine {
    std::string plugin;
    LogLevel level;
    std::string text;
  };

  void log(std::string_view plugin, LogLevel level, std::string_view message) override {
    std::lock_guard lock(mutex_);
    logs.push_back({std::string(plugin), level, std::string(message)});
  }
  void output(std::string_view, OutputStream stream, std::string_view text) override {
    std::lock_guard lock(mutex_);
    (stream == OutputStream::Stdout ? out : err).append(text);
  }
  int32_t send_midi(std::string_view, std::span<const uint8_t> bytes) override {
    std::lock_guard lock(mutex_);
    midi.emplace_back(bytes.begin(), bytes.end());
    return 0;
  }
  int32_t request_action(std::string_view, std::string_view action_json) override {
    std::lock_guard lock(mutex_);
    actions.emplace_back(action_json);
    return 0;
  }

  // True if some log line contains `needle`.
  bool logged(std::string_view needle) const {
    std::lock_guard lock(mutex_);
    for (const auto& l : logs) {
      if (l.text.find(needle) != std::string::npos) return true;
    }
    return false;
  }

  std::vector<LogLine> logs;
  std::string out, err;
  std::vector<std::vector<uint8_t>> midi;
  std::vector<std::string> actions;

 private:
  mutable std::mutex mutex_;
};

}  // namespace midimon::plugin::test
