// Internal helpers shared by the host-function files: guest memory access with the
// host API's error codes, output buffers, base64.
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "plugin/host_errno.h"
#include "wasm/runtime.h"

namespace midimon::plugin::hostapi {

// A guest (ptr, len) as host bytes, or nullopt when any of it is outside memory.
inline std::optional<std::string_view> guest_bytes(wasm::MemoryInst* mem, uint32_t ptr, uint32_t len) {
  if (mem == nullptr) return std::nullopt;
  const uint8_t* p = mem->view(ptr, len);
  if (p == nullptr) return std::nullopt;
  return std::string_view(reinterpret_cast<const char*>(p), len);
}

inline bool guest_range_ok(wasm::MemoryInst* mem, uint32_t ptr, uint32_t len) {
  return mem != nullptr && mem->view(ptr, len) != nullptr;
}

// snprintf style: returns the full length; writes only when it fits.
inline int32_t write_if_fits(wasm::MemoryInst* mem, uint32_t out_ptr, uint32_t out_cap,
                             std::string_view value) {
  if (value.size() > INT32_MAX) return host_errno::kNoSpace;
  if (value.size() <= out_cap) std::memcpy(mem->view(out_ptr, out_cap), value.data(), value.size());
  return static_cast<int32_t>(value.size());
}

// All or nothing: -51 when it does not fit.
inline int32_t write_all(wasm::MemoryInst* mem, uint32_t out_ptr, uint32_t out_cap,
                         std::string_view value) {
  if (value.size() > out_cap || value.size() > INT32_MAX) return host_errno::kNoSpace;
  std::memcpy(mem->view(out_ptr, out_cap), value.data(), value.size());
  return static_cast<int32_t>(value.size());
}

std::string base64_encode(std::string_view bytes);
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace midimon::plugin::hostapi

#include "plugin/host_api.h"

namespace midimon::plugin::hostapi {

// One host function's body: reads its i32 arguments, returns the host-API code.
using HostImpl = int32_t (*)(HostContext& ctx, wasm::Caller& caller, const wasm::Value* args);

// host_api_effects.cpp: the functions that reach outside the sandbox through a capability.
int32_t request_action(HostContext& ctx, wasm::Caller& caller, const wasm::Value* args);
int32_t http_request(HostContext& ctx, wasm::Caller& caller, const wasm::Value* args);
int32_t run_process(HostContext& ctx, wasm::Caller& caller, const wasm::Value* args);

}  // namespace midimon::plugin::hostapi
