// http_fetch: one bounded HTTP(S) request on behalf of a plugin (the `network` capability's
// transport behind the `http_request` host function). libcurl's easy API; thread-safe, so
// calls for different plugins may run in parallel.
//
// What is enforced (docs/plugins/capabilities.md says the same for plugin authors):
// - only http and https, for the first URL and every redirect hop;
// - the host of every hop must be in `allowed_hosts` (see url_check.h for the matching
//   rules); redirects are followed here, by hand, never by curl;
// - the response body is capped at `max_body_bytes` (the transfer aborts, nothing more is
//   buffered), the whole request at min(timeout, deadline - now);
// - no proxy from the environment, no signals, no cookies, no auth, no other protocols.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace midimon::plugin {

struct HttpRequest {
  std::string method = "GET";  // GET, POST, PUT, DELETE, PATCH or HEAD
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

struct HttpPolicy {
  std::vector<std::string> allowed_hosts;  // "host" or "host:port"; exact, case-insensitive
  size_t max_body_bytes = 1 << 20;
  std::chrono::milliseconds timeout{10000};
  // The plugin call's deadline, if any: the request gets min(timeout, deadline - now).
  std::optional<std::chrono::steady_clock::time_point> deadline;
  int max_redirects = 5;
};

struct HttpResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased, in order
  std::string body;
};

enum class HttpError {
  None,        // a response arrived (any status, 4xx/5xx included)
  NotAllowed,  // a host (first URL or a redirect hop) is not in allowed_hosts
  BadRequest,  // bad URL, scheme other than http/https, bad method, CR/LF in a header
  TimedOut,    // the time bound (or the deadline) ran out
  TooLarge,    // the response body exceeded max_body_bytes
  Failed,      // anything else on the host side (DNS, connection refused, TLS, too many redirects)
};

struct HttpResult {
  HttpError error = HttpError::None;
  std::string message;  // empty on success; otherwise one sentence naming the URL/host
  HttpResponse response;
};

// Never throws; every failure is an HttpResult with a message.
HttpResult http_fetch(const HttpRequest& request, const HttpPolicy& policy);

// "None", "NotAllowed", ... (for logs and test messages).
const char* http_error_name(HttpError e);

}  // namespace midimon::plugin
