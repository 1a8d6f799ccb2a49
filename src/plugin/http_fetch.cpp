#include "plugin/http_fetch.h"

#include <curl/curl.h>

#include <algorithm>
#include <array>
#include <memory>
#include <mutex>

#include "plugin/url_check.h"

namespace midimon::plugin {

namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t kMaxHeaderCount = 64;
constexpr size_t kMaxHeaderBytes = 8192;           // one request header, name + value
constexpr size_t kMaxResponseHeaderBytes = 65536;  // all response headers of one hop

// curl_global_init is not safe to race; every fetch passes through here first.
CURLcode global_init() {
  static std::once_flag once;
  static CURLcode rc = CURLE_OK;
  std::call_once(once, [] { rc = curl_global_init(CURL_GLOBAL_DEFAULT); });
  return rc;
}

char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = ascii_lower(c);
  return out;
}

// RFC 9110 token characters (header names).
bool is_tchar(char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// Headers curl (or the transport) owns: a plugin setting them could desynchronize framing
// or pretend to be another virtual host.
bool is_reserved_header(std::string_view lower_name) {
  constexpr std::array<std::string_view, 10> kReserved = {
      "host", "content-length", "transfer-encoding", "connection", "keep-alive",
      "upgrade", "te", "trailer", "expect", "proxy-authorization"};
  return std::find(kReserved.begin(), kReserved.end(), lower_name) != kReserved.end();
}

// Empty string when the header is acceptable; otherwise why not.
std::string check_header(const std::pair<std::string, std::string>& h) {
  const auto& [name, value] = h;
  if (name.empty()) return "a request header has an empty name";
  if (name.size() + value.size() > kMaxHeaderBytes) {
    return "request header '" + name.substr(0, 64) + "' is longer than " + std::to_string(kMaxHeaderBytes) + " bytes";
  }
  for (char c : name) {
    if (!is_tchar(c)) return "request header name '" + name.substr(0, 64) + "' contains a character not allowed in a header name";
  }
  for (char c : value) {
    if (c == '\r' || c == '\n' || c == '\0') {
      return "request header '" + name + "' contains CR, LF or NUL in its value (header injection)";
    }
  }
  if (is_reserved_header(lower(name))) return "request header '" + name + "' is set by the host and may not be given";
  return {};
}

struct Method {
  std::string name;  // upper case
  bool ok = false;
};
Method check_method(std::string_view method) {
  std::string upper(method);
  for (char& c : upper) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  constexpr std::array<std::string_view, 6> kMethods = {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD"};
  const bool ok = std::find(kMethods.begin(), kMethods.end(), upper) != kMethods.end();
  return {upper, ok};
}

// Collects one hop's response; the callbacks below refuse to grow it past its bounds.
struct Sink {
  size_t max_body = 0;
  bool head = false;  // a HEAD response's Content-Length describes a body that never comes
  std::string body;
  bool body_too_large = false;
  std::vector<std::pair<std::string, std::string>> headers;
  size_t header_bytes = 0;
  bool headers_too_large = false;
};

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<Sink*>(user);
  const size_t len = size * count;
  if (len > sink->max_body - sink->body.size()) {
    sink->body_too_large = true;
    return 0;  // aborts the transfer with CURLE_WRITE_ERROR
  }
  sink->body.append(data, len);
  return len;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<Sink*>(user);
  const size_t len = size * count;
  std::string_view line(data, len);
  if (line.substr(0, 5) == "HTTP/") {
    // A new status line: an interim 1xx response ended, only the final one's headers count.
    sink->headers.clear();
    sink->header_bytes = 0;
  }
  sink->header_bytes += len;
  if (sink->header_bytes > kMaxResponseHeaderBytes) {
    sink->headers_too_large = true;
    return 0;
  }
  const size_t colon = line.find(':');
  if (line.substr(0, 5) == "HTTP/" || colon == std::string_view::npos) return len;
  auto trim = [](std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) s.remove_suffix(1);
    return s;
  };
  sink->headers.emplace_back(lower(trim(line.substr(0, colon))), std::string(trim(line.substr(colon + 1))));
  // A declared length over the cap ends the transfer before any body byte is read.
  if (!sink->head && sink->headers.back().first == "content-length") {
    const std::string& v = sink->headers.back().second;
    if (v.size() > 19 || (!v.empty() && std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
                          std::stoull(v) > sink->max_body)) {
      sink->body_too_large = true;
      return 0;
    }
  }
  return len;
}

struct EasyDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

struct HopRequest {
  std::string method;
  std::string url;  // checked and normalized
  const std::vector<std::pair<std::string, std::string>>* headers;
  const std::string* body;
  size_t max_body;
  Clock::duration remaining;
};

struct HopResult {
  HttpError error = HttpError::None;
  std::string message;
  HttpResponse response;
};

long to_ms(Clock::duration d) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
  return static_cast<long>(std::max<long long>(1, ms));  // 0 would mean "no limit" to curl
}

HopResult perform_hop(const HopRequest& hop) {
  HopResult out;
  std::unique_ptr<CURL, EasyDeleter> easy(curl_easy_init());
  if (!easy) return {HttpError::Failed, "could not create a libcurl handle", {}};
  CURL* c = easy.get();

  std::unique_ptr<curl_slist, SlistDeleter> list;
  auto append = [&](const std::string& line) {
    curl_slist* grown = curl_slist_append(list.get(), line.c_str());
    if (grown != nullptr) {
      (void)list.release();
      list.reset(grown);
    }
    return grown != nullptr;
  };
  bool content_type_given = false;
  bool appended = append("Expect:");  // no 100-continue round trip for bodies
  for (const auto& [name, value] : *hop.headers) {
    if (lower(name) == "content-type") content_type_given = true;
    // "Name:" would make curl drop the header; "Name;" sends it with an empty value.
    appended = appended && append(value.empty() ? name + ";" : name + ": " + value);
  }
  // No implicit application/x-www-form-urlencoded: a body is sent as the plugin declared it.
  if (!content_type_given) appended = appended && append("Content-Type:");
  if (!appended) return {HttpError::Failed, "out of memory building request headers", {}};

  Sink sink;
  sink.max_body = hop.max_body;
  sink.head = hop.method == "HEAD";
  char curl_error[CURL_ERROR_SIZE] = {};
  const long ms = to_ms(hop.remaining);

  bool set_ok = true;
  auto set = [&](CURLcode rc) { set_ok = set_ok && rc == CURLE_OK; };
  set(curl_easy_setopt(c, CURLOPT_URL, hop.url.c_str()));
  set(curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https"));
  set(curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https"));
  set(curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L));  // hops are followed (and checked) here
  set(curl_easy_setopt(c, CURLOPT_PROXY, ""));           // never a proxy from the environment
  set(curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L));
  set(curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, ms));
  set(curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, ms));
  if (!sink.head) set(curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(hop.max_body)));
  set(curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body));
  set(curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink));
  set(curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header));
  set(curl_easy_setopt(c, CURLOPT_HEADERDATA, &sink));
  set(curl_easy_setopt(c, CURLOPT_HTTPHEADER, list.get()));
  set(curl_easy_setopt(c, CURLOPT_ERRORBUFFER, curl_error));
  set(curl_easy_setopt(c, CURLOPT_USERAGENT, "midimon-plugin"));
  if (hop.method == "HEAD") {
    set(curl_easy_setopt(c, CURLOPT_NOBODY, 1L));
  } else if (hop.method != "GET") {
    set(curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, hop.method.c_str()));
    if (hop.method != "DELETE" || !hop.body->empty()) {
      set(curl_easy_setopt(c, CURLOPT_POSTFIELDS, hop.body->data()));
      set(curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(hop.body->size())));
    }
  }
  if (!set_ok) return {HttpError::Failed, "libcurl refused an option (is libcurl older than 7.85?)", {}};

  const CURLcode rc = curl_easy_perform(c);
  if (sink.body_too_large || rc == CURLE_FILESIZE_EXCEEDED) {
    return {HttpError::TooLarge, "the response body of " + hop.url + " is larger than " +
                                     std::to_string(hop.max_body) + " bytes", {}};
  }
  if (sink.headers_too_large) {
    return {HttpError::TooLarge, "the response headers of " + hop.url + " are larger than " +
                                     std::to_string(kMaxResponseHeaderBytes) + " bytes", {}};
  }
  if (rc == CURLE_OPERATION_TIMEDOUT) {
    return {HttpError::TimedOut, "request to " + hop.url + " timed out after " + std::to_string(ms) + " ms", {}};
  }
  if (rc == CURLE_UNSUPPORTED_PROTOCOL) {
    return {HttpError::BadRequest, "request to " + hop.url + ": " + curl_easy_strerror(rc), {}};
  }
  if (rc != CURLE_OK) {
    std::string detail = curl_error[0] != '\0' ? curl_error : curl_easy_strerror(rc);
    return {HttpError::Failed, "request to " + hop.url + " failed: " + detail, {}};
  }
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  out.response.status = static_cast<int>(status);
  out.response.headers = std::move(sink.headers);
  out.response.body = std::move(sink.body);
  return out;
}

bool is_redirect(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

const std::string* find_header(const HttpResponse& r, std::string_view lower_name) {
  for (const auto& [name, value] : r.headers) {
    if (name == lower_name) return &value;
  }
  return nullptr;
}

std::string hop_prefix(int hop) {
  return hop == 0 ? std::string() : "redirect hop " + std::to_string(hop) + ": ";
}

}  // namespace

const char* http_error_name(HttpError e) {
  switch (e) {
    case HttpError::None: return "None";
    case HttpError::NotAllowed: return "NotAllowed";
    case HttpError::BadRequest: return "BadRequest";
    case HttpError::TimedOut: return "TimedOut";
    case HttpError::TooLarge: return "TooLarge";
    case HttpError::Failed: return "Failed";
  }
  return "?";
}

HttpResult http_fetch(const HttpRequest& request, const HttpPolicy& policy) {
  auto fail = [](HttpError e, std::string message) {
    HttpResult r;
    r.error = e;
    r.message = std::move(message);
    return r;
  };
  // The end of the whole request (every hop): the smaller of its own timeout and the call's
  // deadline. Fixed once, so redirects cannot extend it.
  const Clock::time_point start = Clock::now();
  Clock::time_point end = start + std::max(policy.timeout, std::chrono::milliseconds(0));
  if (policy.deadline && *policy.deadline < end) end = *policy.deadline;

  Method method = check_method(request.method);
  if (!method.ok) {
    return fail(HttpError::BadRequest, "method '" + request.method.substr(0, 32) +
                                           "' is not one of GET, POST, PUT, DELETE, PATCH, HEAD");
  }
  if ((method.name == "GET" || method.name == "HEAD") && !request.body.empty()) {
    return fail(HttpError::BadRequest, "a " + method.name + " request cannot carry a body");
  }
  if (request.headers.size() > kMaxHeaderCount) {
    return fail(HttpError::BadRequest, "more than " + std::to_string(kMaxHeaderCount) + " request headers");
  }
  for (const auto& h : request.headers) {
    if (std::string why = check_header(h); !why.empty()) return fail(HttpError::BadRequest, why);
  }
  if (global_init() != CURLE_OK) return fail(HttpError::Failed, "libcurl could not be initialized");

  std::string url = request.url;
  std::string body = request.body;
  std::vector<std::pair<std::string, std::string>> headers = request.headers;
  std::string previous_origin;
  for (int hop = 0;; ++hop) {
    UrlCheck check = check_url(url, policy.allowed_hosts);
    if (check.verdict == UrlVerdict::BadRequest) return fail(HttpError::BadRequest, hop_prefix(hop) + check.message);
    if (check.verdict == UrlVerdict::NotAllowed) return fail(HttpError::NotAllowed, hop_prefix(hop) + check.message);

    // Credentials never follow a redirect to another origin (as browsers and curl do).
    const std::string origin = check.url.scheme + "://" + check.url.host + ":" + std::to_string(check.url.port);
    if (hop > 0 && origin != previous_origin) {
      std::erase_if(headers, [](const auto& h) {
        const std::string n = lower(h.first);
        return n == "authorization" || n == "cookie";
      });
    }
    previous_origin = origin;

    const Clock::duration remaining = end - Clock::now();
    if (remaining <= Clock::duration::zero()) {
      return fail(HttpError::TimedOut, hop_prefix(hop) + "no time left for " + check.url.url +
                                           " (the request's time bound or the call's deadline has passed)");
    }
    HopResult result = perform_hop({method.name, check.url.url, &headers, &body, policy.max_body_bytes, remaining});
    if (result.error != HttpError::None) return fail(result.error, hop_prefix(hop) + result.message);

    const std::string* location = find_header(result.response, "location");
    if (!is_redirect(result.response.status) || location == nullptr) {
      HttpResult done;
      done.response = std::move(result.response);
      return done;
    }
    if (hop >= policy.max_redirects) {
      return fail(HttpError::Failed, "more than " + std::to_string(policy.max_redirects) +
                                         " redirects (last to '" + location->substr(0, 200) + "')");
    }
    std::string why;
    auto next = resolve_location(check.url.url, *location, &why);
    if (!next) return fail(HttpError::BadRequest, hop_prefix(hop + 1) + why);
    url = *next;
    // 303 always, and 301/302 after a POST, continue as a GET without the body (what every
    // client does); 307/308 repeat the method and body.
    const int status = result.response.status;
    if ((status == 303 && method.name != "HEAD") || ((status == 301 || status == 302) && method.name == "POST")) {
      method.name = "GET";
      body.clear();
      std::erase_if(headers, [](const auto& h) { return lower(h.first) == "content-type"; });
    }
  }
}

}  // namespace midimon::plugin
