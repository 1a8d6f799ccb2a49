// The one interface behind which WASM and native plugins look the same to the manager:
// metadata, execute(request) -> result, and the knobs (grants, limits) the manager sets.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "plugin/capability.h"

namespace midimon::plugin {

enum class PluginKind : uint8_t { Wasm, Native };
std::string_view plugin_kind_name(PluginKind kind);  // "wasm", "native"

// What init()/the metadata function reports (plugin-abi.md). Required: name, version,
// description, author, license, type; unknown keys are ignored.
struct PluginMetadata {
  std::string name;
  std::string version;
  std::string description;
  std::string author;
  std::string license;
  std::string type;  // "action" or "trigger"
  std::string homepage;                // optional
  CapabilitySet capabilities;          // what the plugin says it needs (not a grant)
};

// The context of the MIDI event that triggered the action (plugin-abi.md).
struct EventContext {
  std::optional<uint8_t> velocity, note, cc, value;
  std::optional<int64_t> current_mode;
  uint64_t timestamp_ms = 0;                    // ms since the Unix epoch
  std::map<std::string, std::string> metadata;  // always sent, empty if need be
};

struct ActionRequest {
  std::string action;
  EventContext context;
  std::string params_json = "{}";                    // the mapping's params, a JSON object
  std::optional<std::vector<std::string>> parameters;  // MIDIMon's positional list, if any
};

// Per-call limits (docs/plugins/limits.md). Defaults are MIDIMon's.
struct PluginLimits {
  uint64_t max_memory_bytes = 128ull << 20;
  std::chrono::milliseconds timeout{5000};
  uint64_t fuel = 100'000'000;
};

// The outcome of one execute().
struct CallResult {
  enum class Status : uint8_t {
    Ok,       // the plugin returned 0
    Failed,   // the plugin returned non-zero (`code`)
    Trapped,  // a trap (message names it: "deadline exceeded", "fuel exhausted", ...)
    Error,    // the host refused (a lie about pointers, a plugin that cannot be instantiated)
  };
  Status status = Status::Ok;
  int32_t code = 0;          // the plugin's return value (Ok/Failed)
  std::string message;       // Trapped/Error: what happened
  std::chrono::nanoseconds duration{0};
  uint64_t fuel_used = 0;    // WASM only
  bool ok() const { return status == Status::Ok; }
};
std::string_view call_status_name(CallResult::Status status);  // "ok", "failed", "trapped", "error"

class Plugin {
 public:
  virtual ~Plugin() = default;
  virtual PluginKind kind() const = 0;
  virtual const PluginMetadata& metadata() const = 0;
  // Runs one action. Not thread-safe for one plugin: the manager serialises calls.
  virtual CallResult execute(const ActionRequest& request) = 0;

  // Grants take effect at the next host call (a revoke during a call counts too).
  void set_grants(CapabilitySet grants) { grants_.store(grants.bits(), std::memory_order_relaxed); }
  CapabilitySet grants() const { return CapabilitySet(grants_.load(std::memory_order_relaxed)); }

 private:
  std::atomic<uint8_t> grants_{0};
};

}  // namespace midimon::plugin
