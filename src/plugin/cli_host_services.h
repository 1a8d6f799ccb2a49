// The HostServices of `midimon plugin call`: what a plugin asks the daemon for is printed
// on stdout, one line each (`send_midi: 90 3c 64`, `request_action: {...}`) and
// accepted; the plugin's WASI stdout goes to stdout as written, its stderr and its log
// lines (and the host's lines about it) go to stderr as `[NAME] LEVEL: text`.
#pragma once

#include <mutex>
#include <ostream>

#include "plugin/host_services.h"

namespace midimon::plugin {

class CliHostServices final : public HostServices {
 public:
  CliHostServices(std::ostream& out, std::ostream& err) : out_(out), err_(err) {}

  void log(std::string_view plugin, LogLevel level, std::string_view message) override;
  void output(std::string_view plugin, OutputStream stream, std::string_view text) override;
  int32_t send_midi(std::string_view plugin, std::span<const uint8_t> bytes) override;
  int32_t request_action(std::string_view plugin, std::string_view action_json) override;

 private:
  std::mutex mutex_;  // lines from parallel calls stay whole
  std::ostream& out_;
  std::ostream& err_;
};

// "90 3c 64": lowercase hex bytes separated by single spaces.
std::string hex_bytes(std::span<const uint8_t> bytes);

}  // namespace midimon::plugin
