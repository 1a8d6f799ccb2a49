// The narrow interface the daemon hands the plugin host (architecture.md): everything a
// plugin can cause outside its sandbox goes through here. The plugin host never knows
// MIDI ports, mappings or the desktop; the daemon (or the CLI, or a test) implements
// this. Implementations must be thread-safe: calls to different plugins run in parallel.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace midimon::plugin {

enum class LogLevel : uint8_t { Trace = 0, Debug = 1, Info = 2, Warn = 3, Error = 4 };
std::string_view log_level_name(LogLevel level);  // "trace" ... "error"

enum class OutputStream : uint8_t { Stdout, Stderr };

class HostServices {
 public:
  virtual ~HostServices() = default;

  // A log line from the plugin host about `plugin` (its `log` calls after rate limiting,
  // denied capabilities, traps). `plugin` is the plugin's name.
  virtual void log(std::string_view plugin, LogLevel level, std::string_view message) = 0;

  // What the plugin wrote to its WASI stdout/stderr (or a native plugin's equivalent),
  // in the chunks it wrote them.
  virtual void output(std::string_view plugin, OutputStream stream, std::string_view text) = 0;

  // One or more complete MIDI messages, already checked by the host (no running status).
  // Returns 0 on success or a negative WASI errno.
  virtual int32_t send_midi(std::string_view plugin, std::span<const uint8_t> bytes) = 0;

  // A built-in action as JSON ({"type": "Keystroke", ...}, the config's action shape),
  // already checked against the plugin's grants. Returns 0 or a negative WASI errno.
  virtual int32_t request_action(std::string_view plugin, std::string_view action_json) = 0;
};

// Discards everything and succeeds; for tools and tests that need no effects.
class NullHostServices final : public HostServices {
 public:
  void log(std::string_view, LogLevel, std::string_view) override {}
  void output(std::string_view, OutputStream, std::string_view) override {}
  int32_t send_midi(std::string_view, std::span<const uint8_t>) override { return 0; }
  int32_t request_action(std::string_view, std::string_view) override { return 0; }
};

}  // namespace midimon::plugin
