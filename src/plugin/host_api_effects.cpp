// The capability-gated effects beyond MIDI: request_action (systemcontrol / audio),
// http_request (network, through http_fetch) and run_process (subprocess, through
// run_process). Each checks its pointers, then the capability, then the request.
#include <sodium.h>

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>

#include "plugin/host_api_util.h"
#include "plugin/http_fetch.h"
#include "plugin/metadata_json.h"
#include "plugin/process_runner.h"

namespace midimon::plugin::hostapi {

using wasm::Value;

std::string base64_encode(std::string_view bytes) {
  std::string out(sodium_base64_ENCODED_LEN(bytes.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                    bytes.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(std::strlen(out.c_str()));
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  std::string out(text.size(), '\0');  // decoded is never longer than encoded
  size_t len = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), nullptr, &len, nullptr, sodium_base64_VARIANT_ORIGINAL) != 0) {
    return std::nullopt;
  }
  out.resize(len);
  return out;
}

namespace {

const auto kReplace = nlohmann::json::error_handler_t::replace;

std::optional<nlohmann::json> parse_object(std::string_view text) {
  auto j = nlohmann::json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return std::nullopt;
  return j;
}

int32_t bad_request(HostContext& ctx, std::string_view fn, std::string_view why) {
  ctx.log(LogLevel::Warn, std::string(fn) + ": malformed request: " + std::string(why));
  return host_errno::kInval;
}

// Text as a JSON string when it is UTF-8, else under `<key>_base64`.
void put_bytes(nlohmann::json& j, const std::string& key, const std::string& bytes) {
  if (invalid_utf8_offset(bytes)) j[key + "_base64"] = base64_encode(bytes);
  else j[key] = bytes;
}

// Time left until the running call's deadline (nullopt: the call has none).
std::optional<std::chrono::milliseconds> time_left(wasm::Caller& caller) {
  auto deadline = caller.store.deadline();
  if (!deadline) return std::nullopt;
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      *deadline - std::chrono::steady_clock::now());
  return std::max(left, std::chrono::milliseconds(0));
}

}  // namespace

int32_t request_action(HostContext& ctx, wasm::Caller& caller, const Value* args) {
  auto text = guest_bytes(caller.memory(), args[0].i32, args[1].i32);
  if (!text) return host_errno::kFault;
  auto j = parse_object(*text);
  if (!j) return bad_request(ctx, "request_action", "not a JSON object");
  auto type = j->find("type");
  if (type == j->end() || !type->is_string()) {
    return bad_request(ctx, "request_action", "no string field \"type\"");
  }
  const std::string t = type->get<std::string>();
  Capability needed;
  if (t == "Keystroke" || t == "Text" || t == "MouseClick" || t == "Launch") {
    needed = Capability::SystemControl;
  } else if (t == "VolumeControl") {
    needed = Capability::Audio;
  } else {
    return bad_request(ctx, "request_action", "type \"" + t + "\" is not an action plugins may request");
  }
  if (!ctx.granted(needed)) return ctx.deny("request_action(" + t + ")", needed);
  return ctx.services->request_action(ctx.name, j->dump(-1, ' ', false, kReplace));
}

int32_t http_request(HostContext& ctx, wasm::Caller& caller, const Value* args) {
  auto text = guest_bytes(caller.memory(), args[0].i32, args[1].i32);
  if (!text || !guest_range_ok(caller.memory(), args[2].i32, args[3].i32)) return host_errno::kFault;
  if (!ctx.granted(Capability::Network)) return ctx.deny("http_request", Capability::Network);
  auto j = parse_object(*text);
  if (!j) return bad_request(ctx, "http_request", "not a JSON object");

  HttpRequest req;
  auto url = j->find("url");
  if (url == j->end() || !url->is_string()) return bad_request(ctx, "http_request", "no string field \"url\"");
  req.url = url->get<std::string>();
  if (auto m = j->find("method"); m != j->end()) {
    if (!m->is_string()) return bad_request(ctx, "http_request", "\"method\" is not a string");
    req.method = m->get<std::string>();
  }
  if (auto h = j->find("headers"); h != j->end()) {
    if (!h->is_object()) return bad_request(ctx, "http_request", "\"headers\" is not an object");
    for (const auto& [k, v] : h->items()) {
      if (!v.is_string()) return bad_request(ctx, "http_request", "header \"" + k + "\" is not a string");
      req.headers.emplace_back(k, v.get<std::string>());
    }
  }
  if (auto b = j->find("body"); b != j->end()) {
    if (!b->is_string()) return bad_request(ctx, "http_request", "\"body\" is not a string");
    req.body = b->get<std::string>();
  }

  HttpPolicy policy;
  policy.allowed_hosts = ctx.allowed_hosts;
  policy.deadline = caller.store.deadline();
  HttpResult res = http_fetch(req, policy);
  switch (res.error) {
    case HttpError::None: break;
    case HttpError::NotAllowed:
      ctx.log(LogLevel::Warn, "http_request denied: " + res.message);
      return host_errno::kNotCapable;
    case HttpError::BadRequest: return bad_request(ctx, "http_request", res.message);
    case HttpError::TimedOut:
      ctx.log(LogLevel::Warn, "http_request timed out: " + res.message);
      return host_errno::kTimedOut;
    case HttpError::TooLarge:
    case HttpError::Failed:
      ctx.log(LogLevel::Warn, "http_request failed: " + res.message);
      return host_errno::kIo;
  }
  nlohmann::json out;
  out["status"] = res.response.status;
  nlohmann::json headers = nlohmann::json::object();
  for (const auto& [k, v] : res.response.headers) {
    // Repeated headers (Set-Cookie, ...) are joined as HTTP allows.
    if (headers.contains(k)) headers[k] = headers[k].get<std::string>() + ", " + v;
    else headers[k] = v;
  }
  out["headers"] = std::move(headers);
  put_bytes(out, "body", res.response.body);
  return write_all(caller.memory(), args[2].i32, args[3].i32, out.dump(-1, ' ', false, kReplace));
}

int32_t run_process(HostContext& ctx, wasm::Caller& caller, const Value* args) {
  auto text = guest_bytes(caller.memory(), args[0].i32, args[1].i32);
  if (!text || !guest_range_ok(caller.memory(), args[2].i32, args[3].i32)) return host_errno::kFault;
  if (!ctx.granted(Capability::Subprocess)) return ctx.deny("run_process", Capability::Subprocess);
  auto j = parse_object(*text);
  if (!j) return bad_request(ctx, "run_process", "not a JSON object");

  ProcessRequest req;
  auto argv = j->find("argv");
  if (argv == j->end() || !argv->is_array() || argv->empty()) {
    return bad_request(ctx, "run_process", "\"argv\" must be a non-empty array of strings");
  }
  for (const auto& a : *argv) {
    if (!a.is_string()) return bad_request(ctx, "run_process", "\"argv\" must be a non-empty array of strings");
    req.argv.push_back(a.get<std::string>());
  }
  if (auto s = j->find("stdin"); s != j->end()) {
    if (!s->is_string()) return bad_request(ctx, "run_process", "\"stdin\" is not a string");
    req.stdin_data = s->get<std::string>();
  }
  // Default and maximum: what is left of the call's deadline (10 s for a call without one).
  const std::chrono::milliseconds cap = time_left(caller).value_or(std::chrono::milliseconds(10000));
  req.timeout = cap;
  if (auto t = j->find("timeout_ms"); t != j->end()) {
    if (!t->is_number_unsigned()) return bad_request(ctx, "run_process", "\"timeout_ms\" is not a non-negative integer");
    req.timeout = std::min(cap, std::chrono::milliseconds(t->get<uint64_t>() > 86'400'000 ? 86'400'000 : t->get<uint64_t>()));
  }
  if (req.timeout.count() == 0) return host_errno::kTimedOut;

  ProcessResult res = plugin::run_process(req);
  switch (res.status) {
    case ProcessResult::Status::TimedOut:
      ctx.log(LogLevel::Warn, "run_process timed out: " + res.message);
      return host_errno::kTimedOut;
    case ProcessResult::Status::SpawnFailed:
      ctx.log(LogLevel::Warn, "run_process failed: " + res.message);
      return host_errno::kIo;
    case ProcessResult::Status::Exited:
    case ProcessResult::Status::Signaled: break;
  }
  nlohmann::json out;
  const bool signaled = res.status == ProcessResult::Status::Signaled;
  out["exit_code"] = signaled ? nlohmann::json(nullptr) : nlohmann::json(res.exit_code);
  out["signal"] = signaled ? nlohmann::json(res.signal) : nlohmann::json(nullptr);
  put_bytes(out, "stdout", res.out);
  put_bytes(out, "stderr", res.err);
  out["truncated"] = res.truncated;
  return write_all(caller.memory(), args[2].i32, args[3].i32, out.dump(-1, ' ', false, kReplace));
}

}  // namespace midimon::plugin::hostapi
