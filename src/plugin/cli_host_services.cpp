#include "plugin/cli_host_services.h"

#include <string>

namespace midimon::plugin {

std::string hex_bytes(std::span<const uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string text;
  text.reserve(bytes.size() * 3);
  for (uint8_t b : bytes) {
    if (!text.empty()) text += ' ';
    text += kDigits[b >> 4];
    text += kDigits[b & 0xf];
  }
  return text;
}

void CliHostServices::log(std::string_view plugin, LogLevel level, std::string_view message) {
  std::lock_guard lock(mutex_);
  err_ << '[' << plugin << "] " << log_level_name(level) << ": " << message << '\n' << std::flush;
}

void CliHostServices::output(std::string_view /*plugin*/, OutputStream stream, std::string_view text) {
  std::lock_guard lock(mutex_);
  std::ostream& to = stream == OutputStream::Stdout ? out_ : err_;
  to << text << std::flush;
}

int32_t CliHostServices::send_midi(std::string_view /*plugin*/, std::span<const uint8_t> bytes) {
  std::lock_guard lock(mutex_);
  out_ << "send_midi: " << hex_bytes(bytes) << '\n' << std::flush;
  return 0;
}

int32_t CliHostServices::request_action(std::string_view /*plugin*/, std::string_view action_json) {
  std::lock_guard lock(mutex_);
  out_ << "request_action: " << action_json << '\n' << std::flush;
  return 0;
}

}  // namespace midimon::plugin
