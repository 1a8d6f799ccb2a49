// URL checks for the `network` capability: is this URL http(s), and is its host one the
// plugin may reach? Parsing is libcurl's URL API (curl_url), so the host checked here is
// the host curl will connect to (curl decodes %-escapes in host names and normalizes
// numeric IPv4 forms such as "2130706433" or "127.1" to "127.0.0.1" before we look).
//
// Matching (docs/plugins/capabilities.md, "network"):
// - an allow-list entry is "host", "host:port", "[ipv6]", "[ipv6]:port" or a bare IPv6
//   address; it is normalized the same way as a URL's host;
// - host names compare exactly, ASCII case-insensitively, with one trailing dot ignored
//   ("Example.COM." == "example.com"); no wildcards, no subdomains;
// - IP literals compare as addresses (IPv4 in curl's normal form, IPv6 via inet_pton);
// - an entry without a port allows every port of that host; "host:port" only that port
//   (a URL without a port has the scheme's default, 80 or 443);
// - what is checked is the name as written, not what it resolves to (see capabilities.md
//   on DNS rebinding).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace midimon::plugin {

// One parsed allow-list entry.
struct HostEntry {
  std::string host;  // normalized: lower-case, no trailing dot, IPv6 without brackets
  std::optional<int> port;
};

// Parses one `network.hosts` entry; nullopt and *error set when it is not a host.
std::optional<HostEntry> parse_host_entry(std::string_view entry, std::string* error);

// A URL that passed check_url.
struct CheckedUrl {
  std::string url;     // curl's normalized form of the URL (what is handed to curl)
  std::string scheme;  // "http" or "https"
  std::string host;    // normalized like HostEntry::host
  int port = 0;        // explicit or the scheme's default
};

enum class UrlVerdict { Ok, BadRequest, NotAllowed };

struct UrlCheck {
  UrlVerdict verdict = UrlVerdict::Ok;
  std::string message;  // names the URL or the host; empty when Ok
  CheckedUrl url;
};

// Parses `url` and checks scheme (http/https only), syntax (no user info, no IPv6 zone id,
// ASCII host, port 1-65535) and the host against `allowed_hosts`.
UrlCheck check_url(std::string_view url, const std::vector<std::string>& allowed_hosts);

// Resolves a redirect's Location (absolute or relative) against the absolute URL `base`
// with curl_url. nullopt and *error set when the result is not a URL.
std::optional<std::string> resolve_location(std::string_view base, std::string_view location,
                                            std::string* error);

}  // namespace midimon::plugin
