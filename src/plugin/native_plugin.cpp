// Native plugin loader: dlopen, the C ABI checks, and the host table's grant checks.
#include "plugin/native_plugin.h"

#include <dlfcn.h>

#include <chrono>
#include <cstring>
#include <span>
#include <string_view>

#include <nlohmann/json.hpp>

#include "plugin/host_errno.h"
#include "plugin/metadata_json.h"
#include "plugin/request_json.h"
#include "plugin/secure_file.h"

namespace midimon::plugin {

namespace {

Failure fail(const std::filesystem::path& file, std::string_view what) {
  return Failure{"native plugin " + file.string() + ": " + std::string(what)};
}

std::string dl_error_text() {
  const char* e = dlerror();
  return e != nullptr ? std::string(e) : std::string("no detail from dlerror");
}

// The capability a requested built-in action needs (host-api.md, request_action), or
// nullopt for a type plugins may not request.
std::optional<Capability> action_capability(std::string_view type) {
  if (type == "Keystroke" || type == "Text" || type == "MouseClick" || type == "Launch") {
    return Capability::SystemControl;
  }
  if (type == "VolumeControl") return Capability::Audio;
  return std::nullopt;
}

// The largest shared library load_native_plugin(file, ...) reads.
constexpr size_t kMaxNativeLibraryBytes = size_t{512} << 20;

// A native plugin's table pointers name no memory we can check: cap the sizes it hands
// us so a wild length cannot make the host copy gigabytes.
constexpr size_t kMaxTextBytes = 1 << 20;

}  // namespace

NativePlugin::~NativePlugin() {
  if (initialised_ && table_ != nullptr) table_->shutdown(instance_);
  // library_ is destroyed after this body: dlclose once shutdown has returned.
}

// The host table's functions are called from the plugin's C code: nothing may unwind
// through it, so each entry catches everything (in practice std::bad_alloc) and reports
// an I/O failure.
void NativePlugin::host_log(void* context, int32_t level, const char* text, size_t len) {
  try {
    log_impl(context, level, text, len);
  } catch (...) {
  }
}

int32_t NativePlugin::host_send_midi(void* context, const uint8_t* bytes, size_t len) {
  try {
    return send_midi_impl(context, bytes, len);
  } catch (...) {
    return host_errno::kIo;
  }
}

int32_t NativePlugin::host_request_action(void* context, const char* json, size_t len) {
  try {
    return request_action_impl(context, json, len);
  } catch (...) {
    return host_errno::kIo;
  }
}

void NativePlugin::host_write_output(void* context, int32_t stream, const char* text, size_t len) {
  try {
    write_output_impl(context, stream, text, len);
  } catch (...) {
  }
}

void NativePlugin::log_impl(void* context, int32_t level, const char* text, size_t len) {
  auto* self = static_cast<NativePlugin*>(context);
  if (text == nullptr && len > 0) return;
  const int32_t clamped = level < 0 ? 0 : (level > 4 ? 4 : level);
  self->context_.log(static_cast<LogLevel>(clamped),
                     std::string_view(text == nullptr ? "" : text, std::min(len, kMaxTextBytes)));
}

int32_t NativePlugin::send_midi_impl(void* context, const uint8_t* bytes, size_t len) {
  auto* self = static_cast<NativePlugin*>(context);
  if (!self->context_.granted(Capability::Midi)) return self->context_.deny("send_midi", Capability::Midi);
  if (bytes == nullptr && len > 0) return host_errno::kFault;
  if (len > kMaxMidiBytes) {
    self->context_.log(LogLevel::Warn, "send_midi: " + std::to_string(len) +
                                           " bytes is over the limit of " +
                                           std::to_string(kMaxMidiBytes));
    return host_errno::kInval;
  }
  const std::span<const uint8_t> span(bytes, len);
  if (std::string why = check_midi_messages(span); !why.empty()) {
    self->context_.log(LogLevel::Warn, "send_midi: " + why);
    return host_errno::kInval;
  }
  return self->context_.services->send_midi(self->context_.name, span);
}

int32_t NativePlugin::request_action_impl(void* context, const char* json, size_t len) {
  auto* self = static_cast<NativePlugin*>(context);
  if ((json == nullptr && len > 0) || len > kMaxTextBytes) return host_errno::kFault;
  auto parsed = nlohmann::json::parse(std::string_view(json == nullptr ? "" : json, len), nullptr,
                                      /*allow_exceptions=*/false);
  if (!parsed.is_object()) {
    self->context_.log(LogLevel::Warn, "request_action: not a JSON object");
    return host_errno::kInval;
  }
  auto type = parsed.find("type");
  if (type == parsed.end() || !type->is_string()) {
    self->context_.log(LogLevel::Warn, "request_action: no string field \"type\"");
    return host_errno::kInval;
  }
  const std::string t = type->get<std::string>();
  const std::optional<Capability> needed = action_capability(t);
  if (!needed) {
    self->context_.log(LogLevel::Warn, "request_action: type \"" + t +
                                           "\" is not an action plugins may request");
    return host_errno::kInval;
  }
  if (!self->context_.granted(*needed)) return self->context_.deny("request_action(" + t + ")", *needed);
  return self->context_.services->request_action(
      self->context_.name, parsed.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

void NativePlugin::write_output_impl(void* context, int32_t stream, const char* text, size_t len) {
  auto* self = static_cast<NativePlugin*>(context);
  if (text == nullptr || len == 0) return;
  self->context_.services->output(
      self->context_.name, stream == MIDIMON_NATIVE_STDERR ? OutputStream::Stderr : OutputStream::Stdout,
      std::string_view(text, std::min(len, kMaxTextBytes)));
}

CallResult NativePlugin::execute(const ActionRequest& request) {
  CallResult result;
  Expected<std::string> json = request_json(request);
  if (!json) {
    result.status = CallResult::Status::Error;
    result.message = json.error();
    return result;
  }
  const auto start = std::chrono::steady_clock::now();
  // c_str(): the plugin gets a NUL after `len` bytes, as native.h promises.
  const int32_t code = table_->execute(instance_, json->c_str(), json->size());
  result.duration = std::chrono::steady_clock::now() - start;
  result.code = code;
  result.status = code == 0 ? CallResult::Status::Ok : CallResult::Status::Failed;
  return result;
}

Expected<std::unique_ptr<NativePlugin>> load_native_plugin(const std::filesystem::path& file,
                                                           HostServices* services,
                                                           CapabilitySet grants) {
  Expected<std::string> bytes = read_text_file(file, kMaxNativeLibraryBytes);
  if (!bytes) return fail(file, "cannot be loaded: " + bytes.error());
  const std::span<const uint8_t> span(reinterpret_cast<const uint8_t*>(bytes->data()), bytes->size());
  return load_native_plugin(file, span, services, grants);
}

Expected<std::unique_ptr<NativePlugin>> load_native_plugin(const std::filesystem::path& file,
                                                           std::span<const uint8_t> bytes,
                                                           HostServices* services,
                                                           CapabilitySet grants) {
  std::unique_ptr<NativePlugin> plugin(new NativePlugin());
  plugin->file_ = file;
  plugin->set_grants(grants);

  Expected<SealedLibrary> library = SealedLibrary::load(bytes, file.filename().string(), RTLD_NOW | RTLD_LOCAL);
  if (!library) return fail(file, library.error());
  plugin->library_ = std::move(library.value());

  dlerror();
  void* symbol = dlsym(plugin->library_.handle(), MIDIMON_NATIVE_ENTRY_SYMBOL);
  if (symbol == nullptr) {
    return fail(file, std::string("has no entry point ") + MIDIMON_NATIVE_ENTRY_SYMBOL +
                          " (is it a midimon native plugin, built with MIDIMON_NATIVE_EXPORT?): " +
                          dl_error_text());
  }
  midimon_native_entry_fn entry;
  static_assert(sizeof entry == sizeof symbol);
  std::memcpy(&entry, &symbol, sizeof entry);  // object pointer -> function pointer (POSIX)

  // The host table is complete before the plugin sees it; `context` is the plugin object.
  midimon_host_table& host = plugin->host_;
  host.struct_size = sizeof(midimon_host_table);
  host.abi_version = MIDIMON_NATIVE_ABI_VERSION;
  host.context = plugin.get();
  host.log = &NativePlugin::host_log;
  host.send_midi = &NativePlugin::host_send_midi;
  host.request_action = &NativePlugin::host_request_action;
  host.write_output = &NativePlugin::host_write_output;
  plugin->context_.plugin = plugin.get();
  plugin->context_.services = services;
  plugin->context_.limiter = &plugin->limiter_;
  plugin->context_.name = file.filename().string();  // until the metadata names it

  const midimon_native_plugin* table = entry(MIDIMON_NATIVE_ABI_VERSION, &host);
  if (table == nullptr) {
    return fail(file, "refused host ABI version " + std::to_string(MIDIMON_NATIVE_ABI_VERSION) +
                          " (its entry point returned a null table)");
  }
  if (table->abi_version != MIDIMON_NATIVE_ABI_VERSION) {
    return fail(file, "was built for native ABI version " + std::to_string(table->abi_version) +
                          ", this midimon speaks version " +
                          std::to_string(MIDIMON_NATIVE_ABI_VERSION));
  }
  if (table->struct_size < sizeof(midimon_native_plugin)) {
    return fail(file, "its plugin table is " + std::to_string(table->struct_size) +
                          " bytes, smaller than the " + std::to_string(sizeof(midimon_native_plugin)) +
                          " bytes of ABI version " + std::to_string(MIDIMON_NATIVE_ABI_VERSION));
  }
  const char* missing = table->metadata == nullptr ? "metadata"
                        : table->init == nullptr   ? "init"
                        : table->execute == nullptr ? "execute"
                        : table->shutdown == nullptr ? "shutdown"
                                                     : nullptr;
  if (missing != nullptr) {
    return fail(file, std::string("its plugin table has no ") + missing + " function");
  }
  plugin->table_ = table;

  const char* md = table->metadata();
  if (md == nullptr) return fail(file, "metadata() returned a null pointer");
  const size_t md_len = strnlen(md, kNativeMetadataCap + 1);
  if (md_len > kNativeMetadataCap) {
    return fail(file, "metadata() is longer than " + std::to_string(kNativeMetadataCap) +
                          " bytes (or not NUL-terminated)");
  }
  Expected<PluginMetadata> parsed = parse_metadata(std::string_view(md, md_len));
  if (!parsed) return fail(file, parsed.error());
  plugin->metadata_ = std::move(*parsed);
  plugin->context_.name = plugin->metadata_.name;

  void* instance = nullptr;
  const int32_t rc = table->init(&host, &instance);
  if (rc != 0) return fail(file, "init() returned " + std::to_string(rc));
  plugin->instance_ = instance;
  plugin->initialised_ = true;
  return plugin;
}

}  // namespace midimon::plugin
