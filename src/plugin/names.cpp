// Display names of the plugin host's enums.
#include "plugin/host_services.h"
#include "plugin/plugin.h"

namespace midimon::plugin {

std::string_view log_level_name(LogLevel level) {
  switch (level) {
    case LogLevel::Trace: return "trace";
    case LogLevel::Debug: return "debug";
    case LogLevel::Info: return "info";
    case LogLevel::Warn: return "warn";
    case LogLevel::Error: return "error";
  }
  return "error";
}

std::string_view plugin_kind_name(PluginKind kind) {
  return kind == PluginKind::Wasm ? "wasm" : "native";
}

std::string_view call_status_name(CallResult::Status status) {
  switch (status) {
    case CallResult::Status::Ok: return "ok";
    case CallResult::Status::Failed: return "failed";
    case CallResult::Status::Trapped: return "trapped";
    case CallResult::Status::Error: return "error";
  }
  return "error";
}

}  // namespace midimon::plugin
