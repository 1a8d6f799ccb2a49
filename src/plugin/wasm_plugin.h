// WasmPlugin: a WebAssembly plugin (ABI v1, docs/plugins/abi.md) on midimon's engine,
// linked with WASI preview1 and the `midimon` host module (docs/plugins/host-api.md).
//
// Lifecycle: load_wasm_plugin() reads, validates and compiles the module once, checks
// its exports and imports, and instantiates it (no plugin function runs but a start
// function and, for WASI reactors, `_initialize`). init() calls the plugin's `init` and
// parses its metadata; execute() does so first when nobody has. The instance persists
// across calls (its globals and memory survive); after a trap it is discarded and the
// next call runs on a fresh instance (whose `_initialize` and `init` run again). Limits
// (memory cap, fuel, deadline) apply per call. Not thread-safe: one call at a time.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "plugin/capability.h"
#include "plugin/expected.h"
#include "plugin/host_api.h"
#include "plugin/host_services.h"
#include "plugin/log_limiter.h"
#include "plugin/plugin.h"
#include "plugin/state_store.h"
#include "wasm/engine.h"
#include "wasm/module.h"

namespace midimon::plugin {

struct WasmPluginOptions {
  PluginLimits limits;                    // per call; see docs/plugins/limits.md
  std::string config_json = "{}";         // config_get: a JSON object
  std::vector<std::string> allowed_hosts; // http_request: the manifest's network.hosts
  // With `filesystem` granted: `data_dir` is preopened read-write at /data (created at
  // instantiation) and `install_dir` read-only at /plugin. Empty: that preopen is left out.
  std::filesystem::path data_dir;
  std::filesystem::path install_dir;
  std::filesystem::path state_dir;        // state.json lives here; empty: in memory only
  HostServices* services = nullptr;       // null: effects are discarded
  CapabilitySet grants;                   // initial grants (Plugin::set_grants later)
  std::string name;                       // log tag; empty: the metadata's name once known
  LogRate log_rate;                       // `log` rate limit
  LogLimiter::Clock log_clock;            // empty: steady_clock (tests inject one)
  StateBounds state_bounds;
};

// One import of the module and what it needs (for `plugin info`).
struct ImportInfo {
  std::string module;
  std::string name;
  std::string type;    // "func (i32, i32) -> (i32)"
  CapabilitySet needs; // empty: always allowed; several: any one, by request
};

class WasmPlugin final : public Plugin {
 public:
  ~WasmPlugin() override;

  PluginKind kind() const override { return PluginKind::Wasm; }
  // Empty (all fields "") until init() has succeeded; see initialized().
  const PluginMetadata& metadata() const override { return metadata_; }
  bool initialized() const { return initialized_; }

  // Calls the plugin's `init` and parses the metadata it points at. Idempotent once it
  // has succeeded. Errors: a trap, a pointer or length outside memory, metadata over
  // 64 KiB, metadata that is not UTF-8 / JSON / complete.
  Expected<void> init();

  // Writes the request JSON into memory from `alloc` and calls `execute`. A null from
  // `alloc` means "takes no input": execute(0, 0). Calls `dealloc` when exported.
  CallResult execute(const ActionRequest& request) override;

  const std::vector<ImportInfo>& imports() const { return imports_; }
  // Union of what the imports can need (what `plugin info` shows as asked for).
  CapabilitySet requested_capabilities() const;
  const std::string& name() const { return context_.name; }

  const PluginLimits& limits() const { return options_.limits; }
  void set_limits(const PluginLimits& limits) { options_.limits = limits; }

  // Diagnostics (stats, tests): instances created so far, log lines dropped.
  uint64_t instantiations() const { return instantiations_; }
  uint64_t dropped_log_lines() const { return limiter_.dropped_total(); }
  bool has_instance() const { return live_ != nullptr; }

 private:
  friend Expected<std::unique_ptr<WasmPlugin>> load_wasm_plugin(std::span<const uint8_t>, WasmPluginOptions);
  struct Live;
  WasmPlugin(std::shared_ptr<const wasm::Module> module, WasmPluginOptions options);
  // What one execute() hands the driver host function (see run_request).
  struct Pending {
    std::string_view request;
    int32_t code = 0;
    std::string error;   // a plugin error that is not a trap (alloc's lie)
    const char* stage = "";  // "alloc", "execute", "dealloc": where a trap happened
  };
  Expected<void> instantiate();
  Expected<std::string> call_init();
  wasm::Trap call(wasm::FuncInst* func, std::span<const wasm::Value> args, std::span<wasm::Value> results);
  wasm::Trap run_request(Pending& p);
  CallResult finish(CallResult r, wasm::Trap trap);
  void begin_call();

  std::shared_ptr<const wasm::Module> module_;
  WasmPluginOptions options_;
  NullHostServices null_services_;
  LogLimiter limiter_;
  StateStore state_;
  HostContext context_;
  std::vector<ImportInfo> imports_;
  PluginMetadata metadata_;
  bool initialized_ = false;
  std::unique_ptr<Live> live_;
  uint64_t instantiations_ = 0;
  std::optional<std::chrono::steady_clock::time_point> shared_deadline_;
  Pending* pending_ = nullptr;  // set only while the driver runs
  std::string params_checked_;  // the last params_json known to be a JSON object
};

// The engine every WASM plugin runs on: fuel metering and deadline checks compiled in.
wasm::Engine& plugin_engine();

// Read, validate, compile, check exports and imports, instantiate. Errors name the
// problem: the byte offset of a malformed module, the missing or mistyped export, the
// import the host does not offer (module, name and type).
Expected<std::unique_ptr<WasmPlugin>> load_wasm_plugin(std::span<const uint8_t> bytes,
                                                       WasmPluginOptions options);

// Metadata larger than this is a plugin error (the host never allocates more for it).
inline constexpr uint32_t kMaxMetadataBytes = 64 * 1024;

}  // namespace midimon::plugin
