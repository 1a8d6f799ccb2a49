// The `midimon` host module: the function table, the always-allowed functions (log,
// config_get, state_*) and send_midi. The capability-gated effects beyond MIDI are in
// host_api_effects.cpp.
#include "plugin/host_api.h"

#include <algorithm>

#include "plugin/host_api_util.h"
#include "plugin/metadata_json.h"
#include "plugin/plugin.h"

namespace midimon::plugin {

using wasm::FuncType;
using wasm::ValType;
using wasm::Value;

namespace {

FuncType sig(size_t params, bool result) {
  FuncType t;
  t.params.assign(params, ValType::I32);
  if (result) t.results.push_back(ValType::I32);
  return t;
}

CapabilitySet caps(std::initializer_list<Capability> list) {
  CapabilitySet s;
  for (Capability c : list) s.add(c);
  return s;
}

uint32_t arg(const Value* args, int i) { return args[i].i32; }

// --- log ---
int32_t log_fn(HostContext& ctx, wasm::Caller& caller, const Value* args) {
  const int32_t raw_level = static_cast<int32_t>(arg(args, 0));
  const auto level = static_cast<LogLevel>(std::clamp(raw_level, 0, 4));
  auto text = hostapi::guest_bytes(caller.memory(), arg(args, 1), arg(args, 2));
  if (!text) return host_errno::kFault;
  // The daemon's log is text: invalid UTF-8 is shown as U+FFFD rather than passed on.
  std::string clean;
  std::string_view line = *text;
  if (invalid_utf8_offset(line)) {
    std::string_view rest = line;
    while (!rest.empty()) {
      auto bad = invalid_utf8_offset(rest);
      if (!bad) { clean.append(rest); break; }
      clean.append(rest.substr(0, *bad)).append("\xEF\xBF\xBD");
      rest.remove_prefix(*bad + 1);
    }
    line = clean;
  }
  return ctx.log(level, line) ? 0 : host_errno::kAgain;
}

// --- send_midi ---
int32_t send_midi_fn(HostContext& ctx, wasm::Caller& caller, const Value* args) {
  auto bytes = hostapi::guest_bytes(caller.memory(), arg(args, 0), arg(args, 1));
  if (!bytes) return host_errno::kFault;
  if (!ctx.granted(Capability::Midi)) return ctx.deny("send_midi", Capability::Midi);
  std::span<const uint8_t> midi(reinterpret_cast<const uint8_t*>(bytes->data()), bytes->size());
  if (std::string why = check_midi_messages(midi); !why.empty()) {
    ctx.log(LogLevel::Warn, "send_midi refused: " + why);
    return host_errno::kInval;
  }
  return ctx.services->send_midi(ctx.name, midi);
}

// --- config_get ---
int32_t config_get_fn(HostContext& ctx, wasm::Caller& caller, const Value* args) {
  auto key = hostapi::guest_bytes(caller.memory(), arg(args, 0), arg(args, 1));
  if (!key || !hostapi::guest_range_ok(caller.memory(), arg(args, 2), arg(args, 3))) {
    return host_errno::kFault;
  }
  const auto replace = nlohmann::json::error_handler_t::replace;
  if (key->empty()) {
    return hostapi::write_if_fits(caller.memory(), arg(args, 2), arg(args, 3),
                                  ctx.config.dump(-1, ' ', false, replace));
  }
  auto it = ctx.config.find(std::string(*key));
  if (it == ctx.config.end()) return host_errno::kNoEnt;
  return hostapi::write_if_fits(caller.memory(), arg(args, 2), arg(args, 3),
                                it->dump(-1, ' ', false, replace));
}

// --- state_* ---
int32_t state_error(HostContext& ctx, int32_t code, std::string_view fn) {
  if (code == host_errno::kIo) ctx.log(LogLevel::Error, std::string(fn) + ": " + ctx.state->last_error());
  return code;
}

int32_t state_get_fn(HostContext& ctx, wasm::Caller& caller, const Value* args) {
  auto key = hostapi::guest_bytes(caller.memory(), arg(args, 0), arg(args, 1));
  if (!key || !hostapi::guest_range_ok(caller.memory(), arg(args, 2), arg(args, 3))) {
    return host_errno::kFault;
  }
  std::string value;
  if (int32_t r = ctx.state->get(*key, &value); r != 0) return state_error(ctx, r, "state_get");
  return hostapi::write_if_fits(caller.memory(), arg(args, 2), arg(args, 3), value);
}

int32_t state_set_fn(HostContext& ctx, wasm::Caller& caller, const Value* args) {
  auto key = hostapi::guest_bytes(caller.memory(), arg(args, 0), arg(args, 1));
  auto value = hostapi::guest_bytes(caller.memory(), arg(args, 2), arg(args, 3));
  if (!key || !value) return host_errno::kFault;
  return state_error(ctx, ctx.state->set(*key, *value), "state_set");
}

int32_t state_delete_fn(HostContext& ctx, wasm::Caller& caller, const Value* args) {
  auto key = hostapi::guest_bytes(caller.memory(), arg(args, 0), arg(args, 1));
  if (!key) return host_errno::kFault;
  return state_error(ctx, ctx.state->remove(*key), "state_delete");
}

struct Entry {
  HostFunctionSpec spec;
  hostapi::HostImpl impl;
};

const std::vector<Entry>& entries() {
  static const std::vector<Entry> kEntries = [] {
    std::vector<Entry> v;
    v.push_back({{"log", {sig(3, false), sig(3, true)}, {}}, log_fn});
    v.push_back({{"send_midi", {sig(2, true)}, caps({Capability::Midi})}, send_midi_fn});
    v.push_back({{"config_get", {sig(4, true)}, {}}, config_get_fn});
    v.push_back({{"state_get", {sig(4, true)}, {}}, state_get_fn});
    v.push_back({{"state_set", {sig(4, true)}, {}}, state_set_fn});
    v.push_back({{"state_delete", {sig(2, true)}, {}}, state_delete_fn});
    v.push_back({{"http_request", {sig(4, true)}, caps({Capability::Network}), /*blocks=*/true},
                 hostapi::http_request});
    v.push_back({{"run_process", {sig(4, true)}, caps({Capability::Subprocess}), /*blocks=*/true},
                 hostapi::run_process});
    v.push_back({{"request_action", {sig(2, true)}, caps({Capability::SystemControl, Capability::Audio})},
                 hostapi::request_action});
    return v;
  }();
  return kEntries;
}

}  // namespace

const std::vector<HostFunctionSpec>& host_functions() {
  static const std::vector<HostFunctionSpec> kSpecs = [] {
    std::vector<HostFunctionSpec> v;
    for (const Entry& e : entries()) v.push_back(e.spec);
    return v;
  }();
  return kSpecs;
}

const HostFunctionSpec* find_host_function(std::string_view name) {
  for (const HostFunctionSpec& s : host_functions()) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

bool HostContext::granted(Capability c) const { return plugin->grants().has(c); }

bool HostContext::log(LogLevel level, std::string_view text) {
  const LogLimiter::Decision d = limiter->admit();
  if (!d.allowed) return false;
  if (d.dropped_before > 0) {
    services->log(name, LogLevel::Warn,
                  "log rate limit: " + std::to_string(d.dropped_before) + " line" +
                      (d.dropped_before == 1 ? " was" : "s were") + " dropped");
  }
  services->log(name, level, text);
  return true;
}

int32_t HostContext::deny(std::string_view function, Capability capability) {
  log(LogLevel::Warn, std::string(function) + " denied: capability \"" +
                          std::string(capability_name(capability)) + "\" is not granted");
  return host_errno::kNotCapable;
}

void define_host_function(wasm::Linker& linker, wasm::Store& store, const HostFunctionSpec& spec,
                          const wasm::FuncType& type, HostContext* context) {
  hostapi::HostImpl impl = nullptr;
  for (const Entry& e : entries()) {
    if (e.spec.name == spec.name) impl = e.impl;
  }
  const bool has_result = !type.results.empty();
  linker.define_func(store, std::string(kHostModule), std::string(spec.name), type,
                     [context, impl, has_result](wasm::Caller& caller, const Value* args, Value* results) {
                       const int32_t r = impl(*context, caller, args);
                       if (has_result) results[0] = Value::from_i32(static_cast<uint32_t>(r));
                       return wasm::Trap();
                     },
                     spec.blocks ? wasm::HostBlocking::MayBlock : wasm::HostBlocking::No);
}

std::string check_midi_messages(std::span<const uint8_t> b) {
  if (b.empty()) return "no bytes";
  if (b.size() > kMaxMidiBytes) {
    return std::to_string(b.size()) + " bytes, more than the " + std::to_string(kMaxMidiBytes) + " allowed";
  }
  auto at = [](size_t i) { return " at byte " + std::to_string(i); };
  size_t i = 0;
  while (i < b.size()) {
    const uint8_t status = b[i];
    if (status < 0x80) return "data byte without a status byte (running status is not allowed)" + at(i);
    size_t len = 0;
    if (status < 0xF0) {
      const uint8_t kind = status & 0xF0;
      len = (kind == 0xC0 || kind == 0xD0) ? 2 : 3;
    } else if (status == 0xF0) {
      size_t end = i + 1;
      while (end < b.size() && b[end] < 0x80) ++end;
      if (end == b.size() || b[end] != 0xF7) return "SysEx started" + at(i) + " does not end with F7";
      i = end + 1;
      continue;
    } else if (status == 0xF1 || status == 0xF3) {
      len = 2;
    } else if (status == 0xF2) {
      len = 3;
    } else if (status == 0xF6 || status == 0xF8 || status == 0xFA || status == 0xFB ||
               status == 0xFC || status == 0xFE || status == 0xFF) {
      len = 1;
    } else {
      return "undefined or stray status byte" + at(i);
    }
    if (b.size() - i < len) return "incomplete message" + at(i);
    for (size_t k = 1; k < len; ++k) {
      if (b[i + k] >= 0x80) return "status byte where a data byte belongs" + at(i + k);
    }
    i += len;
  }
  return {};
}

}  // namespace midimon::plugin
