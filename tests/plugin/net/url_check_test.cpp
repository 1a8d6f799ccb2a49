// Table tests of the allow-list and URL checks: the forms a hostile plugin would try
// (user info, encodings, numeric IPs, IPv6 spellings, trailing dots, ports, schemes).
#include "plugin/url_check.h"

#include <gtest/gtest.h>

#include <random>

namespace midimon::plugin {
namespace {

const char* verdict_name(UrlVerdict v) {
  switch (v) {
    case UrlVerdict::Ok: return "Ok";
    case UrlVerdict::BadRequest: return "BadRequest";
    case UrlVerdict::NotAllowed: return "NotAllowed";
  }
  return "?";
}

struct Case {
  const char* url;
  std::vector<std::string> allowed;
  UrlVerdict expected;
};

TEST(UrlCheck, Table) {
  using V = UrlVerdict;
  const std::vector<Case> cases = {
      // plain names, case, trailing dots
      {"http://example.com/", {"example.com"}, V::Ok},
      {"https://example.com/x?y#frag", {"example.com"}, V::Ok},
      {"HTTP://EXAMPLE.COM/", {"example.com"}, V::Ok},
      {"http://example.com/", {"EXAMPLE.com"}, V::Ok},
      {"http://example.com./", {"example.com"}, V::Ok},
      {"http://example.com/", {"example.com."}, V::Ok},
      {"http://example.com../", {"example.com"}, V::NotAllowed},  // only one dot is dropped
      {"http://sub.example.com/", {"example.com"}, V::NotAllowed},
      {"http://example.com.evil.net/", {"example.com"}, V::NotAllowed},
      {"http://evilexample.com/", {"example.com"}, V::NotAllowed},
      {"http://example.co/", {"example.com"}, V::NotAllowed},
      {"http://example.com/", {"*.example.com"}, V::NotAllowed},
      {"http://a.example.com/", {"*.example.com"}, V::NotAllowed},  // no wildcards
      // user info: the host is what counts, and user info is refused even on the list
      {"http://example.com@evil.net/", {"example.com"}, V::NotAllowed},
      {"http://example.com:80@evil.net/", {"example.com"}, V::NotAllowed},
      {"http://example.com\\@evil.net/", {"example.com"}, V::NotAllowed},
      {"http://user:pw@example.com/", {"example.com"}, V::BadRequest},
      {"http://evil.net#@example.com/", {"example.com"}, V::NotAllowed},
      {"http://evil.net?@example.com/", {"example.com"}, V::NotAllowed},
      // percent-encoding in the host is decoded by curl before we compare
      {"http://ex%61mple.com/", {"example.com"}, V::Ok},
      {"http://%65vil.net/", {"example.com"}, V::NotAllowed},
      {"http://exa%00mple.com/", {"example.com"}, V::BadRequest},
      {"http://exa%0d%0ample.com/", {"example.com"}, V::BadRequest},
      // IPv4 in its other spellings is what curl would connect to: 127.0.0.1
      {"http://127.0.0.1/", {"127.0.0.1"}, V::Ok},
      {"http://2130706433/", {"127.0.0.1"}, V::Ok},
      {"http://0x7f.1/", {"127.0.0.1"}, V::Ok},
      {"http://127.1/", {"127.0.0.1"}, V::Ok},
      {"http://2130706433/", {"example.com"}, V::NotAllowed},
      {"http://127.0.0.1/", {"127.1"}, V::Ok},  // entries are normalized the same way
      {"http://127.0.0.2/", {"127.0.0.1"}, V::NotAllowed},
      {"http://localhost/", {"127.0.0.1"}, V::NotAllowed},  // the name as written
      // IPv6
      {"http://[::1]/", {"::1"}, V::Ok},
      {"http://[::1]/", {"[::1]"}, V::Ok},
      {"http://[0:0:0:0:0:0:0:1]/", {"::1"}, V::Ok},
      {"http://[::1]:8080/", {"[::1]:8080"}, V::Ok},
      {"http://[::1]:8081/", {"[::1]:8080"}, V::NotAllowed},
      {"http://[::FFFF:127.0.0.1]/", {"127.0.0.1"}, V::NotAllowed},
      {"http://[::ffff:127.0.0.1]/", {"::ffff:127.0.0.1"}, V::Ok},
      {"http://[::2]/", {"::1"}, V::NotAllowed},
      {"http://[fe80::1%25eth0]/", {"fe80::1"}, V::BadRequest},  // zone ids refused
      {"http://[::1/", {"::1"}, V::BadRequest},
      // ports
      {"http://example.com:8080/", {"example.com"}, V::Ok},  // no port in the entry: any port
      {"http://example.com:8080/", {"example.com:8080"}, V::Ok},
      {"http://example.com:8081/", {"example.com:8080"}, V::NotAllowed},
      {"http://example.com/", {"example.com:80"}, V::Ok},  // the default port counts
      {"https://example.com/", {"example.com:443"}, V::Ok},
      {"https://example.com/", {"example.com:80"}, V::NotAllowed},
      {"http://example.com:/", {"example.com:80"}, V::Ok},
      {"http://example.com:0/", {"example.com"}, V::BadRequest},
      {"http://example.com:65536/", {"example.com"}, V::BadRequest},
      {"http://example.com:-1/", {"example.com"}, V::BadRequest},
      {"http://example.com:0080/", {"example.com:80"}, V::Ok},
      // schemes and shapes
      {"file:///etc/passwd", {"example.com"}, V::BadRequest},
      {"file://example.com/etc/passwd", {"example.com"}, V::BadRequest},
      {"ftp://example.com/", {"example.com"}, V::BadRequest},
      {"gopher://example.com/", {"example.com"}, V::BadRequest},
      {"data:text/plain,hi", {"example.com"}, V::BadRequest},
      {"javascript:alert(1)", {"example.com"}, V::BadRequest},
      {"example.com/x", {"example.com"}, V::BadRequest},
      {"//example.com/x", {"example.com"}, V::BadRequest},
      {"/relative", {"example.com"}, V::BadRequest},
      {"", {"example.com"}, V::BadRequest},
      {"http://", {"example.com"}, V::BadRequest},
      {"http:///", {"example.com"}, V::BadRequest},
      {"http://exa mple.com/", {"example.com"}, V::BadRequest},
      {"http://example.com/\r\nHost: evil", {"example.com"}, V::BadRequest},
      {"http://example.com/\x7f", {"example.com"}, V::BadRequest},
      {"https://пример.com/", {"пример.com"}, V::BadRequest},  // write punycode
      {"https://xn--e1afmkfd.com/", {"xn--e1afmkfd.com"}, V::Ok},
  };
  for (const Case& c : cases) {
    UrlCheck check = check_url(c.url, c.allowed);
    EXPECT_STREQ(verdict_name(check.verdict), verdict_name(c.expected))
        << "url '" << c.url << "' allowed '" << c.allowed[0] << "': " << check.message;
    if (check.verdict != UrlVerdict::Ok) {
      EXPECT_FALSE(check.message.empty()) << c.url;
    }
  }
}

// Generated URLs from hostile pieces (fixed seed, so a failure reproduces). The property:
// whenever check_url says Ok, curl's own parse of the URL it hands on names a host on the
// list, and a host off the list is never Ok.
TEST(UrlCheck, GeneratedUrlsNeverReachAHostOffTheList) {
  const std::vector<std::string> schemes = {"http://", "https://", "HTTP://", "hTtPs://", "http:/", "http:///",
                                            "ftp://", "file://", "", "//", "http:\\\\"};
  const std::vector<std::string> userinfo = {"", "good.example@", "user:pw@", "good.example:80@", "@",
                                             "good.example%40", "a@b@"};
  const std::vector<std::string> hosts = {"good.example", "GOOD.EXAMPLE", "good.example.", "good.example..",
                                          "evil.example", "good.example.evil.example", "g%6Fod.example",
                                          "%67ood.example", "127.0.0.1", "2130706433", "0x7f000001",
                                          "127.0.0.2", "[::1]", "[::ffff:7f00:1]", "localhost", "good%2eexample",
                                          "good.example%00", "good.example%2f", "xn--gd-eka.example", "",
                                          "good.example#", "good.example?", "good.example\\"};
  const std::vector<std::string> ports = {"", ":80", ":443", ":8080", ":0", ":65536", ":", ":0x50", ":+80"};
  const std::vector<std::string> rests = {"/", "", "/p?q#f", "#@evil.example/", "?@evil.example", "/..%2f..",
                                          "\\@evil.example/", "/@evil.example"};
  const std::vector<std::string> allowed = {"good.example", "127.0.0.1", "::1"};
  std::mt19937 rng(20261129);
  auto pick = [&](const std::vector<std::string>& v) { return v[rng() % v.size()]; };
  int ok = 0;
  for (int i = 0; i < 20000; ++i) {
    const std::string url = pick(schemes) + pick(userinfo) + pick(hosts) + pick(ports) + pick(rests);
    UrlCheck c = check_url(url, allowed);
    if (c.verdict != UrlVerdict::Ok) {
      ASSERT_FALSE(c.message.empty()) << url;
      continue;
    }
    ++ok;
    ASSERT_TRUE(c.url.host == "good.example" || c.url.host == "127.0.0.1" || c.url.host == "::1")
        << url << " -> " << c.url.host;
    // Curl, parsing what we hand it, sees the same host.
    UrlCheck again = check_url(c.url.url, {c.url.host});
    ASSERT_EQ(again.verdict, UrlVerdict::Ok) << url << " -> " << c.url.url << ": " << again.message;
    ASSERT_EQ(again.url.host, c.url.host) << url;
    ASSERT_EQ(again.url.port, c.url.port) << url;
  }
  EXPECT_GT(ok, 100);  // the generator does produce allowed URLs, so the property is exercised
}

TEST(UrlCheck, OkResultIsNormalized) {
  UrlCheck c = check_url("HTTP://User@EXAMPLE.com./a#frag", {"example.com"});
  EXPECT_EQ(c.verdict, UrlVerdict::BadRequest);  // user info
  c = check_url("HTTP://EXAMPLE.com./a?b#frag", {"example.com"});
  ASSERT_EQ(c.verdict, UrlVerdict::Ok) << c.message;
  EXPECT_EQ(c.url.scheme, "http");
  EXPECT_EQ(c.url.host, "example.com");
  EXPECT_EQ(c.url.port, 80);
  EXPECT_EQ(c.url.url.find('#'), std::string::npos) << c.url.url;  // fragment dropped
  c = check_url("https://[::1]:8443/", {"::1"});
  ASSERT_EQ(c.verdict, UrlVerdict::Ok) << c.message;
  EXPECT_EQ(c.url.host, "::1");
  EXPECT_EQ(c.url.port, 8443);
}

TEST(UrlCheck, NotAllowedNamesTheHost) {
  UrlCheck c = check_url("http://allowed.example@evil.example:81/", {"allowed.example"});
  ASSERT_EQ(c.verdict, UrlVerdict::NotAllowed);
  EXPECT_NE(c.message.find("'evil.example'"), std::string::npos) << c.message;
  EXPECT_NE(c.message.find("81"), std::string::npos) << c.message;
}

TEST(UrlCheck, HostEntries) {
  std::string error;
  auto e = parse_host_entry("Example.COM.", &error);
  ASSERT_TRUE(e) << error;
  EXPECT_EQ(e->host, "example.com");
  EXPECT_FALSE(e->port);
  e = parse_host_entry("example.com:8080", &error);
  ASSERT_TRUE(e) << error;
  EXPECT_EQ(e->port, 8080);
  e = parse_host_entry("[::1]:99", &error);
  ASSERT_TRUE(e) << error;
  EXPECT_EQ(e->host, "::1");
  EXPECT_EQ(e->port, 99);
  e = parse_host_entry("0:0::1", &error);
  ASSERT_TRUE(e) << error;
  EXPECT_EQ(e->host, "::1");
  EXPECT_FALSE(e->port);
  for (const char* bad : {"", "http://example.com", "example.com/path", "user@example.com", "example.com:0",
                          "example.com:99999", "exa mple.com", "*.example.com", "[::1", "a?b", "a#b"}) {
    error.clear();
    EXPECT_FALSE(parse_host_entry(bad, &error)) << bad;
    EXPECT_NE(error.find("network host entry"), std::string::npos) << bad << ": " << error;
  }
}

TEST(UrlCheck, ResolveLocation) {
  std::string error;
  EXPECT_EQ(resolve_location("http://h:1/a/b?q", "/x", &error).value_or(error), "http://h:1/x");
  EXPECT_EQ(resolve_location("http://h:1/a/b?q", "c", &error).value_or(error), "http://h:1/a/c");
  EXPECT_EQ(resolve_location("http://h:1/a/b?q", "../c", &error).value_or(error), "http://h:1/c");
  EXPECT_EQ(resolve_location("http://h:1/a/b", "?z", &error).value_or(error), "http://h:1/a/b?z");
  EXPECT_EQ(resolve_location("http://h:1/a", "https://o/p", &error).value_or(error), "https://o/p");
  EXPECT_EQ(resolve_location("https://h/a", "//o:5/p", &error).value_or(error), "https://o:5/p");
  EXPECT_FALSE(resolve_location("http://h/", "", &error));
  EXPECT_FALSE(resolve_location("http://h/", "/a\r\nb", &error));
}

}  // namespace
}  // namespace midimon::plugin
