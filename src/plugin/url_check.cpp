#include "plugin/url_check.h"

#include <arpa/inet.h>
#include <curl/curl.h>

#include <memory>

namespace midimon::plugin {

namespace {

constexpr size_t kMaxUrlBytes = 8192;

struct UrlDeleter {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};
using UrlHandle = std::unique_ptr<CURLU, UrlDeleter>;

// One part of a parsed URL; nullopt when curl says the part is absent.
std::optional<std::string> get_part(CURLU* u, CURLUPart part, unsigned flags = 0) {
  char* text = nullptr;
  if (curl_url_get(u, part, &text, flags) != CURLUE_OK || text == nullptr) return std::nullopt;
  std::string out(text);
  curl_free(text);
  return out;
}

bool has_control_bytes(std::string_view s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) return true;
  }
  return false;
}

// curl's host text -> our normal form; nullopt and *error when it is not one we accept.
std::optional<std::string> normalize_host(std::string host, std::string* error) {
  if (host.empty()) {
    *error = "it has no host";
    return std::nullopt;
  }
  if (host.front() == '[') {
    // IPv6 literal: compare as an address, so "[0:0::1]" and "[::1]" are the same.
    std::string inner = host.substr(1, host.size() >= 2 ? host.size() - 2 : 0);
    in6_addr addr{};
    char text[INET6_ADDRSTRLEN] = {};
    if (host.back() != ']' || inet_pton(AF_INET6, inner.c_str(), &addr) != 1 ||
        inet_ntop(AF_INET6, &addr, text, sizeof text) == nullptr) {
      *error = "'" + host + "' is not an IPv6 address";
      return std::nullopt;
    }
    return std::string(text);
  }
  for (char& c : host) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x80) {
      // IDN: curl would convert it to punycode; make the plugin write that form itself so
      // the allow-list compares what is actually looked up.
      *error = "host '" + host + "' is not ASCII (write internationalized names in punycode, xn--...)";
      return std::nullopt;
    }
    if (u >= 'A' && u <= 'Z') c = static_cast<char>(u - 'A' + 'a');
  }
  if (host.find('*') != std::string::npos) {
    *error = "host '" + host + "' contains '*' (wildcards are not supported)";
    return std::nullopt;
  }
  // "example.com." is the same DNS name as "example.com".
  if (host.size() > 1 && host.back() == '.') host.pop_back();
  if (host.empty() || host == ".") {
    *error = "it has no host";
    return std::nullopt;
  }
  return host;
}

std::optional<int> parse_port(const std::optional<std::string>& text, std::string* error) {
  if (!text) return std::nullopt;
  int value = 0;
  for (char c : *text) {
    if (c < '0' || c > '9' || value > 65535) {
      value = -1;
      break;
    }
    value = value * 10 + (c - '0');
  }
  if (value < 1 || value > 65535) {
    *error = "port " + *text + " is not in 1-65535";
    return std::optional<int>(-1);
  }
  return value;
}

}  // namespace

std::optional<HostEntry> parse_host_entry(std::string_view entry, std::string* error) {
  std::string dummy;
  if (error == nullptr) error = &dummy;
  const std::string quoted = "network host entry '" + std::string(entry) + "'";
  if (entry.empty() || entry.size() > 300 || has_control_bytes(entry) ||
      entry.find_first_of("/@?#\\ ") != std::string_view::npos) {
    *error = quoted + " is not a host name, an IP address or host:port";
    return std::nullopt;
  }
  std::string authority(entry);
  // A bare IPv6 address ("::1") has more than one colon; give it its brackets.
  if (authority.front() != '[' && authority.find(':') != authority.rfind(':')) {
    authority = "[" + authority + "]";
  }
  UrlHandle u(curl_url());
  if (!u) {
    *error = "out of memory";
    return std::nullopt;
  }
  const std::string url = "http://" + authority + "/";
  if (CURLUcode rc = curl_url_set(u.get(), CURLUPART_URL, url.c_str(), 0); rc != CURLUE_OK) {
    *error = quoted + ": " + curl_url_strerror(rc);
    return std::nullopt;
  }
  std::string why;
  auto host = get_part(u.get(), CURLUPART_HOST);
  auto normalized = normalize_host(host.value_or(""), &why);
  if (!normalized) {
    *error = quoted + ": " + why;
    return std::nullopt;
  }
  if (get_part(u.get(), CURLUPART_ZONEID)) {
    *error = quoted + ": IPv6 zone ids are not supported";
    return std::nullopt;
  }
  auto port = parse_port(get_part(u.get(), CURLUPART_PORT), &why);
  if (port && *port < 0) {
    *error = quoted + ": " + why;
    return std::nullopt;
  }
  return HostEntry{*normalized, port};
}

UrlCheck check_url(std::string_view url, const std::vector<std::string>& allowed_hosts) {
  UrlCheck out;
  auto bad = [&](UrlVerdict verdict, std::string message) {
    out.verdict = verdict;
    out.message = std::move(message);
    return out;
  };
  // Quote at most a screenful of the URL in messages.
  std::string shown(url.substr(0, 200));
  if (url.size() > 200) shown += "...";
  const std::string quoted = "URL '" + shown + "'";
  if (url.size() > kMaxUrlBytes) {
    return bad(UrlVerdict::BadRequest, quoted + " is longer than " + std::to_string(kMaxUrlBytes) + " bytes");
  }
  if (has_control_bytes(url)) {
    return bad(UrlVerdict::BadRequest, quoted + " contains control characters");
  }
  UrlHandle u(curl_url());
  if (!u) return bad(UrlVerdict::BadRequest, "out of memory");
  const std::string text(url);
  if (CURLUcode rc = curl_url_set(u.get(), CURLUPART_URL, text.c_str(), 0); rc != CURLUE_OK) {
    return bad(UrlVerdict::BadRequest, quoted + " is not a valid URL: " + curl_url_strerror(rc) +
                                           " (only absolute http:// and https:// URLs are allowed)");
  }
  auto scheme = get_part(u.get(), CURLUPART_SCHEME).value_or("");
  for (char& c : scheme) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  if (scheme != "http" && scheme != "https") {
    return bad(UrlVerdict::BadRequest,
               quoted + " has scheme '" + scheme + "': only http and https are allowed");
  }
  std::string why;
  auto host = normalize_host(get_part(u.get(), CURLUPART_HOST).value_or(""), &why);
  if (!host) return bad(UrlVerdict::BadRequest, quoted + " is refused: " + why);
  if (get_part(u.get(), CURLUPART_ZONEID)) {
    return bad(UrlVerdict::BadRequest, quoted + " has an IPv6 zone id (not supported)");
  }
  auto explicit_port = parse_port(get_part(u.get(), CURLUPART_PORT), &why);
  if (explicit_port && *explicit_port < 0) return bad(UrlVerdict::BadRequest, quoted + ": " + why);
  const int port = explicit_port.value_or(scheme == "https" ? 443 : 80);

  bool allowed = false;
  for (const std::string& entry_text : allowed_hosts) {
    auto entry = parse_host_entry(entry_text, nullptr);
    if (entry && entry->host == *host && (!entry->port || *entry->port == port)) {
      allowed = true;
      break;
    }
  }
  if (!allowed) {
    return bad(UrlVerdict::NotAllowed, "host '" + *host + "' (port " + std::to_string(port) +
                                           ") of " + quoted + " is not in the plugin's network.hosts");
  }
  // Credentials in the URL would be sent as Basic auth, possibly to a redirect target the
  // plugin did not name; a plugin that needs auth sets an Authorization header.
  if (get_part(u.get(), CURLUPART_USER) || get_part(u.get(), CURLUPART_PASSWORD) ||
      get_part(u.get(), CURLUPART_OPTIONS)) {
    return bad(UrlVerdict::BadRequest,
               quoted + " contains user info (user@host); use an Authorization header instead");
  }
  // The fragment is never sent; drop it so messages and curl see the same URL.
  curl_url_set(u.get(), CURLUPART_FRAGMENT, nullptr, 0);
  auto normalized = get_part(u.get(), CURLUPART_URL);
  if (!normalized) return bad(UrlVerdict::BadRequest, quoted + " could not be normalized");
  out.url = CheckedUrl{*normalized, scheme, *host, port};
  return out;
}

std::optional<std::string> resolve_location(std::string_view base, std::string_view location,
                                            std::string* error) {
  std::string dummy;
  if (error == nullptr) error = &dummy;
  if (location.empty() || location.size() > kMaxUrlBytes || has_control_bytes(location)) {
    *error = "redirect Location is empty, too long or contains control characters";
    return std::nullopt;
  }
  UrlHandle u(curl_url());
  if (!u) {
    *error = "out of memory";
    return std::nullopt;
  }
  const std::string base_text(base), location_text(location);
  if (CURLUcode rc = curl_url_set(u.get(), CURLUPART_URL, base_text.c_str(), 0); rc != CURLUE_OK) {
    *error = std::string("base URL is not valid: ") + curl_url_strerror(rc);
    return std::nullopt;
  }
  // With a URL already in the handle, curl resolves a relative one against it (RFC 3986).
  if (CURLUcode rc = curl_url_set(u.get(), CURLUPART_URL, location_text.c_str(), 0); rc != CURLUE_OK) {
    *error = "redirect Location '" + std::string(location.substr(0, 200)) +
             "' is not a URL: " + curl_url_strerror(rc);
    return std::nullopt;
  }
  auto resolved = get_part(u.get(), CURLUPART_URL);
  if (!resolved) *error = "redirect Location could not be resolved";
  return resolved;
}

}  // namespace midimon::plugin
