// Native plugins: a shared library behind the C ABI of include/midimon/pdk/native.h,
// loaded with dlopen and wrapped as a Plugin. Native plugins are trusted code: they run
// in the daemon's process with its rights (docs/plugins/native.md). The grants gate only
// what they ask through the host table (send_midi: midi; request_action: systemcontrol or
// audio), with the same checks and log lines as WASM plugins.
#pragma once

#include <filesystem>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include <midimon/pdk/native.h>

#include "plugin/capability.h"
#include "plugin/expected.h"
#include "plugin/host_api.h"
#include "plugin/host_services.h"
#include "plugin/log_limiter.h"
#include "plugin/plugin.h"
#include "plugin/sealed_library.h"

namespace midimon::plugin {

// The longest metadata string read from a native plugin (as for WASM's init()).
inline constexpr size_t kNativeMetadataCap = 64 * 1024;

class NativePlugin final : public Plugin {
 public:
  ~NativePlugin() override;  // shutdown(instance), then dlclose (SealedLibrary)
  NativePlugin(const NativePlugin&) = delete;
  NativePlugin& operator=(const NativePlugin&) = delete;

  PluginKind kind() const override { return PluginKind::Native; }
  const PluginMetadata& metadata() const override { return metadata_; }
  // Builds the request JSON (request_json.h) and calls the plugin's execute. Status Ok
  // or Failed with the plugin's code; Error when the request cannot be built.
  CallResult execute(const ActionRequest& request) override;

  const std::filesystem::path& file() const { return file_; }

 private:
  friend Expected<std::unique_ptr<NativePlugin>> load_native_plugin(
      const std::filesystem::path&, std::span<const uint8_t>, HostServices*, CapabilitySet);
  NativePlugin() = default;

  // The host table's functions; `context` is the NativePlugin.
  static void host_log(void* context, int32_t level, const char* text, size_t len);
  static int32_t host_send_midi(void* context, const uint8_t* bytes, size_t len);
  static int32_t host_request_action(void* context, const char* json, size_t len);
  static void host_write_output(void* context, int32_t stream, const char* text, size_t len);
  // Their bodies (the host_* entries above only keep exceptions out of the plugin's frames).
  static void log_impl(void* context, int32_t level, const char* text, size_t len);
  static int32_t send_midi_impl(void* context, const uint8_t* bytes, size_t len);
  static int32_t request_action_impl(void* context, const char* json, size_t len);
  static void write_output_impl(void* context, int32_t stream, const char* text, size_t len);

  std::filesystem::path file_;
  SealedLibrary library_;                       // the dlopen handle and its sealed copy
  const midimon_native_plugin* table_ = nullptr;
  void* instance_ = nullptr;                    // what init() returned
  bool initialised_ = false;
  midimon_host_table host_{};
  PluginMetadata metadata_;
  LogLimiter limiter_;
  HostContext context_;
};

// Loads the plugin from `bytes`, the contents of `file` as they were read and verified
// (plugin_loader.h): they are copied to a sealed memfd and loaded from there
// (sealed_library.h), never from `file` again, so what was checked is what runs. Then
// dlopen(RTLD_NOW | RTLD_LOCAL), the entry symbol, ABI version and struct size checks,
// every function pointer, the metadata (parsed like a WASM plugin's), then init(). Each
// failure is one sentence naming the file and the problem (with dlerror's text where
// there is one). `services` must outlive the plugin. Each load is a separate copy of the
// library, with its own globals.
Expected<std::unique_ptr<NativePlugin>> load_native_plugin(const std::filesystem::path& file,
                                                           std::span<const uint8_t> bytes,
                                                           HostServices* services,
                                                           CapabilitySet grants);

// The same after reading `file` once.
Expected<std::unique_ptr<NativePlugin>> load_native_plugin(const std::filesystem::path& file,
                                                           HostServices* services,
                                                           CapabilitySet grants);

}  // namespace midimon::plugin
