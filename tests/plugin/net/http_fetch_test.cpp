// http_fetch against the loopback server: round trips, the allow-list on the first URL and
// on every redirect hop, schemes, bounds (body size, time, deadline) and header injection.
#include "plugin/http_fetch.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "loopback_http_server.h"

namespace midimon::plugin {
namespace {

using test::LoopbackHttpServer;
using Response = LoopbackHttpServer::Response;
using namespace std::chrono_literals;

HttpPolicy allow(std::vector<std::string> hosts) {
  HttpPolicy p;
  p.allowed_hosts = std::move(hosts);
  p.timeout = 5000ms;
  return p;
}

HttpRequest get(std::string url) {
  HttpRequest r;
  r.url = std::move(url);
  return r;
}

std::string header_of(const HttpResponse& r, std::string_view name) {
  for (const auto& [n, v] : r.headers) {
    if (n == name) return v;
  }
  return "<absent>";
}

#define EXPECT_ERROR(result, expected)                                                                   \
  EXPECT_EQ(http_error_name((result).error), std::string(http_error_name(expected))) << (result).message

TEST(HttpFetch, GetReturnsStatusHeadersAndBody) {
  LoopbackHttpServer server([](const LoopbackHttpServer::Request& r) {
    Response resp = Response::text(200, "hello " + r.target);
    resp.headers.emplace_back("X-Custom-Header", "Value One");
    return resp;
  });
  HttpResult r = http_fetch(get(server.url("/greet?x=1")), allow({"127.0.0.1"}));
  EXPECT_ERROR(r, HttpError::None);
  EXPECT_EQ(r.response.status, 200);
  EXPECT_EQ(r.response.body, "hello /greet?x=1");
  EXPECT_EQ(header_of(r.response, "x-custom-header"), "Value One");  // names lower-cased
  ASSERT_EQ(server.request_count(), 1u);
  EXPECT_EQ(server.requests()[0].method, "GET");
}

TEST(HttpFetch, PostSendsHeadersAndBodyExactly) {
  LoopbackHttpServer server([](const LoopbackHttpServer::Request&) { return Response::text(201, "created"); });
  HttpRequest req;
  req.method = "post";  // case-insensitive
  req.url = server.url("/hook");
  req.headers = {{"Content-Type", "application/json"}, {"X-Token", "abc 123"}, {"X-Empty", ""}};
  req.body = R"({"note": 60, "velocity": 100})";
  HttpResult r = http_fetch(req, allow({"127.0.0.1"}));
  EXPECT_ERROR(r, HttpError::None);
  EXPECT_EQ(r.response.status, 201);
  ASSERT_EQ(server.request_count(), 1u);
  const auto got = server.requests()[0];
  EXPECT_EQ(got.method, "POST");
  EXPECT_EQ(got.target, "/hook");
  EXPECT_EQ(got.body, req.body);
  EXPECT_EQ(got.header("content-type"), "application/json");
  EXPECT_EQ(got.header("x-token"), "abc 123");
  EXPECT_TRUE(got.has_header("x-empty"));
  EXPECT_FALSE(got.has_header("expect"));  // no 100-continue dance
}

TEST(HttpFetch, PostWithoutContentTypeSendsNone) {
  LoopbackHttpServer server([](const LoopbackHttpServer::Request&) { return Response::text(200, ""); });
  HttpRequest req;
  req.method = "POST";
  req.url = server.url("/");
  req.body = "raw";
  EXPECT_ERROR(http_fetch(req, allow({"127.0.0.1"})), HttpError::None);
  ASSERT_EQ(server.request_count(), 1u);
  EXPECT_FALSE(server.requests()[0].has_header("content-type"));
  EXPECT_EQ(server.requests()[0].body, "raw");
}

TEST(HttpFetch, PutPatchDeleteHeadUseTheirMethod) {
  LoopbackHttpServer server([](const LoopbackHttpServer::Request& r) { return Response::text(200, r.method); });
  for (std::string m : {"PUT", "PATCH", "DELETE", "HEAD"}) {
    HttpRequest req;
    req.method = m;
    req.url = server.url("/m");
    if (m == "PUT" || m == "PATCH") req.body = "payload-" + m;
    HttpResult r = http_fetch(req, allow({"127.0.0.1"}));
    EXPECT_ERROR(r, HttpError::None);
    EXPECT_EQ(r.response.body, m == "HEAD" ? "" : m) << m;
  }
  const auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 4u);
  EXPECT_EQ(reqs[0].method, "PUT");
  EXPECT_EQ(reqs[0].body, "payload-PUT");
  EXPECT_EQ(reqs[1].method, "PATCH");
  EXPECT_EQ(reqs[1].body, "payload-PATCH");
  EXPECT_EQ(reqs[2].method, "DELETE");
  EXPECT_EQ(reqs[3].method, "HEAD");
}

TEST(HttpFetch, BinaryBodyArrivesByteForByte) {
  std::string binary;
  for (int i = 0; i < 1024; ++i) binary.push_back(static_cast<char>(i * 7 % 256));
  LoopbackHttpServer server([&](const LoopbackHttpServer::Request&) { return Response::text(200, binary); });
  HttpResult r = http_fetch(get(server.url("/bin")), allow({"127.0.0.1"}));
  EXPECT_ERROR(r, HttpError::None);
  EXPECT_EQ(r.response.body, binary);
}

TEST(HttpFetch, ErrorStatusIsAResponseNotAnError) {
  LoopbackHttpServer server([](const LoopbackHttpServer::Request&) { return Response::text(404, "nope"); });
  HttpResult r = http_fetch(get(server.url("/missing")), allow({"127.0.0.1"}));
  EXPECT_ERROR(r, HttpError::None);
  EXPECT_EQ(r.response.status, 404);
  EXPECT_EQ(r.response.body, "nope");
}

TEST(HttpFetch, HostNotOnTheListIsNotAllowedAndNeverContacted) {
  LoopbackHttpServer server([](const LoopbackHttpServer::Request&) { return Response::text(200, "x"); });
  HttpResult r = http_fetch(get(server.url("/")), allow({"example.com"}));
  EXPECT_ERROR(r, HttpError::NotAllowed);
  EXPECT_NE(r.message.find("'127.0.0.1'"), std::string::npos) << r.message;
  EXPECT_EQ(server.request_count(), 0u);
  // An empty list allows nothing.
  EXPECT_ERROR(http_fetch(get(server.url("/")), allow({})), HttpError::NotAllowed);
}

TEST(HttpFetch, PortInTheEntryRestrictsThePort) {
  LoopbackHttpServer server([](const LoopbackHttpServer::Request&) { return Response::text(200, "x"); });
  EXPECT_ERROR(http_fetch(get(server.url("/")), allow({server.authority()})), HttpError::None);
  const int other = server.port() == 65535 ? 1 : server.port() + 1;
  HttpResult r = http_fetch(get(server.url("/")), allow({"127.0.0.1:" + std::to_string(other)}));
  EXPECT_ERROR(r, HttpError::NotAllowed);
  EXPECT_EQ(server.request_count(), 1u);
}

TEST(HttpFetch, RedirectOnTheListIsFollowed) {
  LoopbackHttpServer server([](const LoopbackHttpServer::Request& r) {
    if (r.target == "/start") return Response::redirect(302, "/next?hop=1");  // relative
    if (r.target == "/next?hop=1") return Response::redirect(307, "../final");
    return Response::text(200, "arrived at " + r.target);
  });
  HttpResult r = http_fetch(get(server.url("/start")), allow({"127.0.0.1"}));
  EXPECT_ERROR(r, HttpError::None);
  EXPECT_EQ(r.response.status, 200);
  EXPECT_EQ(r.response.body, "arrived at /final");
  EXPECT_EQ(server.request_count(), 3u);
}

TEST(HttpFetch, RedirectOffTheListIsNotAllowedNamingTheHop) {
  LoopbackHttpServer server([](const LoopbackHttpServer::Request& r) {
    if (r.target == "/start") return Response::redirect(302, "/second");
    return Response::text(200, "should not be fetched");
  });
  // Same server, other name: "localhost" is not on the list.
  LoopbackHttpServer bouncer([&](const LoopbackHttpServer::Request&) {
    return Response::redirect(302, "http://localhost:" + std::to_string(server.port()) + "/secret");
  });
  HttpResult r = http_fetch(get(bouncer.url("/")), allow({"127.0.0.1"}));
  EXPECT_ERROR(r, HttpError::NotAllowed);
  EXPECT_NE(r.message.find("redirect hop 1"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("'localhost'"), std::string::npos) << r.message;
  EXPECT_EQ(server.request_count(), 0u);
}

TEST(HttpFetch, RedirectToAnotherSchemeIsBadRequest) {
  LoopbackHttpServer server([](const LoopbackHttpServer::Request&) { return Response::redirect(301, "file:///etc/passwd"); });
  HttpResult r = http_fetch(get(server.url("/")), allow({"127.0.0.1"}));
  EXPECT_ERROR(r, HttpError::BadRequest);
  EXPECT_NE(r.message.find("redirect hop 1"), std::string::npos) << r.message;
  EXPECT_NE(r.message.find("file"), std::string::npos) << r.message;
}

TEST(HttpFetch, RedirectLoopStopsAtMaxRedirects) {
  LoopbackHttpServer server([](const LoopbackHttpServer::Request& r) {
    return Response::redirect(302, r.target == "/a" ? "/b" : "/a");
  });
  HttpPolicy policy = allow({"127.0.0.1"});
  policy.max_redirects = 3;
  HttpResult r = http_fetch(get(server.url("/a")), policy);
  EXPECT_ERROR(r, HttpError::Failed);
  EXPECT_NE(r.message.find("more than 3 redirects"), std::string::npos) << r.message;
  EXPECT_EQ(server.request_count(), 4u);  // the first request and three hops
}

TEST(HttpFetch, SeeOtherTurnsPostIntoGetWithoutBody) {
  LoopbackHttpServer server([](const LoopbackHttpServer::Request& r) {
    if (r.target == "/form") return Response::redirect(303, "/result");
    return Response::text(200, r.method + ":" + r.body);
  });
  HttpRequest req;
  req.method = "POST";
  req.url = server.url("/form");
  req.body = "data";
  HttpResult r = http_fetch(req, allow({"127.0.0.1"}));
  EXPECT_ERROR(r, HttpError::None);
  EXPECT_EQ(r.response.body, "GET:");
}

TEST(HttpFetch, TemporaryRedirectRepeatsMethodAndBody) {
  LoopbackHttpServer server([](const LoopbackHttpServer::Request& r) {
    if (r.target == "/old") return Response::redirect(308, "/new");
    return Response::text(200, r.method + ":" + r.body);
  });
  HttpRequest req;
  req.method = "PUT";
  req.url = server.url("/old");
  req.body = "data";
  HttpResult r = http_fetch(req, allow({"127.0.0.1"}));
  EXPECT_ERROR(r, HttpError::None);
  EXPECT_EQ(r.response.body, "PUT:data");
}

TEST(HttpFetch, AuthorizationIsDroppedWhenARedirectChangesOrigin) {
  LoopbackHttpServer target([](const LoopbackHttpServer::Request&) { return Response::text(200, "ok"); });
  LoopbackHttpServer source([&](const LoopbackHttpServer::Request& r) {
    if (r.target == "/same") return Response::redirect(302, "/same2");
    if (r.target == "/same2") return Response::redirect(302, target.url("/other"));
    return Response::text(500, "unexpected");
  });
  HttpRequest req = get(source.url("/same"));
  req.headers = {{"Authorization", "Bearer secret"}, {"X-Other", "kept"}};
  HttpResult r = http_fetch(req, allow({"127.0.0.1"}));
  EXPECT_ERROR(r, HttpError::None);
  ASSERT_EQ(source.request_count(), 2u);
  EXPECT_EQ(source.requests()[1].header("authorization"), "Bearer secret");  // same origin
  ASSERT_EQ(target.request_count(), 1u);
  EXPECT_FALSE(target.requests()[0].has_header("authorization"));  // other port = other origin
  EXPECT_EQ(target.requests()[0].header("x-other"), "kept");
}

TEST(HttpFetch, OnlyHttpAndHttpsSchemes) {
  for (const char* url : {"file:///etc/passwd", "ftp://127.0.0.1/x", "gopher://127.0.0.1/", "data:text/plain,hi",
                          "127.0.0.1/x", "//127.0.0.1/", "dict://127.0.0.1/", "ws://127.0.0.1/", ""}) {
    HttpResult r = http_fetch(get(url), allow({"127.0.0.1"}));
    EXPECT_ERROR(r, HttpError::BadRequest) << " for " << url;
    EXPECT_FALSE(r.message.empty());
  }
}

TEST(HttpFetch, BadMethodsAreRefused) {
  for (const char* method : {"CONNECT", "TRACE", "OPTIONS", "", "GET /x HTTP/1.1\r\nHost: evil"}) {
    HttpRequest req = get("http://127.0.0.1/");
    req.method = method;
    EXPECT_ERROR(http_fetch(req, allow({"127.0.0.1"})), HttpError::BadRequest) << " for " << method;
  }
  HttpRequest with_body = get("http://127.0.0.1/");
  with_body.body = "x";
  EXPECT_ERROR(http_fetch(with_body, allow({"127.0.0.1"})), HttpError::BadRequest);
}

TEST(HttpFetch, HeaderInjectionIsRefusedBeforeAnyConnection) {
  LoopbackHttpServer server([](const LoopbackHttpServer::Request&) { return Response::text(200, "x"); });
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"X-A", "v\r\nX-Injected: 1"}, {"X-A", "v\nX-Injected: 1"}, {"X-A", "v\rx"},
      {"X-A\r\nX-Injected", "1"}, {"X A", "1"}, {"X:A", "1"}, {"", "1"}, {"X-A", std::string("a\0b", 3)},
      {"Host", "evil.example"}, {"content-length", "0"}, {"Transfer-Encoding", "chunked"}};
  for (const auto& h : bad) {
    HttpRequest req = get(server.url("/"));
    req.headers = {h};
    HttpResult r = http_fetch(req, allow({"127.0.0.1"}));
    EXPECT_ERROR(r, HttpError::BadRequest) << " for header " << h.first;
  }
  EXPECT_EQ(server.request_count(), 0u);
}

TEST(HttpFetch, BodyOverTheCapIsTooLargeWithContentLength) {
  LoopbackHttpServer server([](const LoopbackHttpServer::Request&) {
    Response r;
    r.generated_body_bytes = 64u << 20;
    return r;
  });
  HttpPolicy policy = allow({"127.0.0.1"});
  policy.max_body_bytes = 1 << 20;
  HttpResult r = http_fetch(get(server.url("/huge")), policy);
  EXPECT_ERROR(r, HttpError::TooLarge);
  EXPECT_TRUE(r.response.body.empty());
  EXPECT_LT(server.bytes_sent(), 64u << 20);
}

TEST(HttpFetch, BodyOverTheCapIsTooLargeWithoutContentLength) {
  LoopbackHttpServer server([](const LoopbackHttpServer::Request&) {
    Response r;
    r.generated_body_bytes = 256u << 20;
    r.send_content_length = false;  // ends at close: only counting can stop it
    return r;
  });
  HttpPolicy policy = allow({"127.0.0.1"});
  policy.max_body_bytes = 100000;
  HttpResult r = http_fetch(get(server.url("/stream")), policy);
  EXPECT_ERROR(r, HttpError::TooLarge);
  EXPECT_NE(r.message.find("100000 bytes"), std::string::npos) << r.message;
  // The transfer stopped early: the server could push at most its socket buffers more.
  EXPECT_LT(server.bytes_sent(), 64u << 20);
}

TEST(HttpFetch, HeadOfALargeResourceIsNotTooLarge) {
  LoopbackHttpServer server([](const LoopbackHttpServer::Request&) {
    Response r;
    r.generated_body_bytes = 64u << 20;  // only its Content-Length is sent to a HEAD
    return r;
  });
  HttpPolicy policy = allow({"127.0.0.1"});
  policy.max_body_bytes = 1000;
  HttpRequest req = get(server.url("/big"));
  req.method = "HEAD";
  HttpResult r = http_fetch(req, policy);
  EXPECT_ERROR(r, HttpError::None);
  EXPECT_EQ(header_of(r.response, "content-length"), std::to_string(64u << 20));
  EXPECT_TRUE(r.response.body.empty());
}

TEST(HttpFetch, BodyExactlyAtTheCapIsAccepted) {
  LoopbackHttpServer server([](const LoopbackHttpServer::Request&) {
    Response r;
    r.generated_body_bytes = 4096;
    r.send_content_length = false;
    return r;
  });
  HttpPolicy policy = allow({"127.0.0.1"});
  policy.max_body_bytes = 4096;
  HttpResult r = http_fetch(get(server.url("/")), policy);
  EXPECT_ERROR(r, HttpError::None);
  EXPECT_EQ(r.response.body.size(), 4096u);
}

TEST(HttpFetch, NeverAnsweringServerTimesOutAtTheTimeout) {
  LoopbackHttpServer server([](const LoopbackHttpServer::Request&) {
    Response r;
    r.never_answer = true;
    return r;
  });
  HttpPolicy policy = allow({"127.0.0.1"});
  policy.timeout = 300ms;
  const auto start = std::chrono::steady_clock::now();
  HttpResult r = http_fetch(get(server.url("/")), policy);
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_ERROR(r, HttpError::TimedOut);
  EXPECT_GE(took, 250ms);
  EXPECT_LT(took, 300ms + 3s);  // the bound, with room for a loaded CI machine
}

TEST(HttpFetch, DeadlineShorterThanTimeoutWins) {
  LoopbackHttpServer server([](const LoopbackHttpServer::Request&) {
    Response r;
    r.never_answer = true;
    return r;
  });
  HttpPolicy policy = allow({"127.0.0.1"});
  policy.timeout = 60s;
  policy.deadline = std::chrono::steady_clock::now() + 300ms;
  const auto start = std::chrono::steady_clock::now();
  HttpResult r = http_fetch(get(server.url("/")), policy);
  EXPECT_ERROR(r, HttpError::TimedOut);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 300ms + 3s);
}

TEST(HttpFetch, DeadlineInThePastFailsWithoutConnecting) {
  LoopbackHttpServer server([](const LoopbackHttpServer::Request&) { return Response::text(200, "x"); });
  HttpPolicy policy = allow({"127.0.0.1"});
  policy.deadline = std::chrono::steady_clock::now() - 1ms;
  HttpResult r = http_fetch(get(server.url("/")), policy);
  EXPECT_ERROR(r, HttpError::TimedOut);
  EXPECT_EQ(server.request_count(), 0u);
  policy.deadline.reset();
  policy.timeout = 0ms;
  EXPECT_ERROR(http_fetch(get(server.url("/")), policy), HttpError::TimedOut);
  EXPECT_EQ(server.request_count(), 0u);
}

TEST(HttpFetch, ServerThatStallsAfterHeadersTimesOut) {
  LoopbackHttpServer server([](const LoopbackHttpServer::Request&) {
    Response r = Response::text(200, "never sent");
    r.stall_after_headers = true;
    return r;
  });
  HttpPolicy policy = allow({"127.0.0.1"});
  policy.timeout = 300ms;
  const auto start = std::chrono::steady_clock::now();
  HttpResult r = http_fetch(get(server.url("/")), policy);
  EXPECT_ERROR(r, HttpError::TimedOut);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 300ms + 3s);
}

TEST(HttpFetch, SlowDripIsBoundedByTheTotalTime) {
  // Every byte arrives well within any per-read timeout; only a bound on the whole
  // transfer stops it.
  LoopbackHttpServer server([](const LoopbackHttpServer::Request&) {
    Response r = Response::text(200, std::string(1000, 'd'));
    r.drip_interval = 20ms;  // 20 s for the whole body
    return r;
  });
  HttpPolicy policy = allow({"127.0.0.1"});
  policy.timeout = 300ms;
  const auto start = std::chrono::steady_clock::now();
  HttpResult r = http_fetch(get(server.url("/")), policy);
  EXPECT_ERROR(r, HttpError::TimedOut);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 300ms + 3s);
}

TEST(HttpFetch, DeadlineCoversTheWholeRedirectChain) {
  // Each hop answers at once except the last, which never does: the bound is one for the
  // whole chain, not one per hop.
  LoopbackHttpServer server([](const LoopbackHttpServer::Request& r) {
    if (r.target == "/1") return Response::redirect(302, "/2");
    if (r.target == "/2") return Response::redirect(302, "/3");
    Response stall;
    stall.never_answer = true;
    return stall;
  });
  HttpPolicy policy = allow({"127.0.0.1"});
  policy.timeout = 400ms;
  const auto start = std::chrono::steady_clock::now();
  HttpResult r = http_fetch(get(server.url("/1")), policy);
  EXPECT_ERROR(r, HttpError::TimedOut);
  EXPECT_NE(r.message.find("redirect hop 2"), std::string::npos) << r.message;
  EXPECT_LT(std::chrono::steady_clock::now() - start, 400ms + 3s);
}

TEST(HttpFetch, HugeResponseHeadersAreTooLarge) {
  LoopbackHttpServer server([](const LoopbackHttpServer::Request&) {
    Response r = Response::text(200, "x");
    for (int i = 0; i < 200; ++i) r.headers.emplace_back("X-Filler-" + std::to_string(i), std::string(1000, 'h'));
    return r;
  });
  HttpResult r = http_fetch(get(server.url("/")), allow({"127.0.0.1"}));
  EXPECT_ERROR(r, HttpError::TooLarge);
  EXPECT_NE(r.message.find("headers"), std::string::npos) << r.message;
}

TEST(HttpFetch, InterimResponseHeadersAreNotReported) {
  LoopbackHttpServer server([](const LoopbackHttpServer::Request&) {
    Response r = Response::text(200, "final");
    r.interim_continue = true;
    r.headers.emplace_back("X-Final", "yes");
    return r;
  });
  HttpResult r = http_fetch(get(server.url("/")), allow({"127.0.0.1"}));
  EXPECT_ERROR(r, HttpError::None);
  EXPECT_EQ(r.response.status, 200);
  EXPECT_EQ(r.response.body, "final");
  EXPECT_EQ(header_of(r.response, "x-final"), "yes");
  EXPECT_EQ(header_of(r.response, "x-interim"), "<absent>");
}

TEST(HttpFetch, RepeatedHeadersKeepTheirOrder) {
  LoopbackHttpServer server([](const LoopbackHttpServer::Request&) {
    Response r = Response::text(200, "");
    r.headers = {{"Set-Cookie", "a=1"}, {"SET-COOKIE", "b=2"}};
    return r;
  });
  HttpResult r = http_fetch(get(server.url("/")), allow({"127.0.0.1"}));
  EXPECT_ERROR(r, HttpError::None);
  std::vector<std::string> cookies;
  for (const auto& [n, v] : r.response.headers) {
    if (n == "set-cookie") cookies.push_back(v);
  }
  EXPECT_EQ(cookies, (std::vector<std::string>{"a=1", "b=2"}));
}

TEST(HttpFetch, RedirectWithoutLocationIsTheResponse) {
  LoopbackHttpServer server([](const LoopbackHttpServer::Request&) { return Response::text(302, "no location"); });
  HttpResult r = http_fetch(get(server.url("/")), allow({"127.0.0.1"}));
  EXPECT_ERROR(r, HttpError::None);
  EXPECT_EQ(r.response.status, 302);
  EXPECT_EQ(r.response.body, "no location");
}

TEST(HttpFetch, ZeroMaxRedirectsRefusesTheFirstHop) {
  LoopbackHttpServer server([](const LoopbackHttpServer::Request&) { return Response::redirect(302, "/elsewhere"); });
  HttpPolicy policy = allow({"127.0.0.1"});
  policy.max_redirects = 0;
  HttpResult r = http_fetch(get(server.url("/")), policy);
  EXPECT_ERROR(r, HttpError::Failed);
  EXPECT_EQ(server.request_count(), 1u);
}

TEST(HttpFetch, ProtocolRelativeRedirectOffTheListIsNotAllowed) {
  LoopbackHttpServer server([](const LoopbackHttpServer::Request&) { return Response::redirect(302, "//localhost:1/"); });
  HttpResult r = http_fetch(get(server.url("/")), allow({"127.0.0.1"}));
  EXPECT_ERROR(r, HttpError::NotAllowed);
  EXPECT_NE(r.message.find("'localhost'"), std::string::npos) << r.message;
}

TEST(HttpFetch, RedirectToAMalformedUrlIsBadRequest) {
  LoopbackHttpServer server([](const LoopbackHttpServer::Request&) { return Response::redirect(302, "http://127.0.0.1:0/"); });
  HttpResult r = http_fetch(get(server.url("/")), allow({"127.0.0.1"}));
  EXPECT_ERROR(r, HttpError::BadRequest);
  EXPECT_NE(r.message.find("redirect hop 1"), std::string::npos) << r.message;
}

TEST(HttpFetch, NumericSpellingOfAnAllowedAddressIsThatAddress) {
  LoopbackHttpServer server([](const LoopbackHttpServer::Request& r) {
    if (r.target == "/") return Response::redirect(302, "/end");
    return Response::text(200, "ok");
  });
  // 2130706433 is 127.0.0.1 once curl has parsed it, and that is what is compared.
  HttpResult r = http_fetch(get("http://2130706433:" + std::to_string(server.port()) + "/"), allow({"127.0.0.1"}));
  EXPECT_ERROR(r, HttpError::None);
  EXPECT_EQ(r.response.body, "ok");
}

TEST(HttpFetch, UppercaseHostAndTrailingDotMatch) {
  LoopbackHttpServer server([](const LoopbackHttpServer::Request&) { return Response::text(200, "ok"); });
  HttpResult r = http_fetch(get("HTTP://LOCALHOST:" + std::to_string(server.port()) + "/"), allow({"localhost"}));
  EXPECT_ERROR(r, HttpError::None);
  r = http_fetch(get("http://localhost.:" + std::to_string(server.port()) + "/"), allow({"LocalHost"}));
  // Either reaches the server or fails to resolve "localhost." on this system; never NotAllowed.
  EXPECT_NE(r.error, HttpError::NotAllowed) << r.message;
}

TEST(HttpFetch, ProxyFromTheEnvironmentIsIgnored) {
  // A proxy would see (and could answer) every request; the daemon's environment must not
  // route plugin traffic anywhere but to the listed host.
  LoopbackHttpServer proxy([](const LoopbackHttpServer::Request&) { return Response::text(200, "via proxy"); });
  LoopbackHttpServer target([](const LoopbackHttpServer::Request&) { return Response::text(200, "direct"); });
  for (const char* var : {"http_proxy", "HTTPS_PROXY", "ALL_PROXY", "all_proxy"}) ::setenv(var, proxy.url("/").c_str(), 1);
  ::unsetenv("no_proxy");
  ::unsetenv("NO_PROXY");
  HttpResult r = http_fetch(get(target.url("/")), allow({"127.0.0.1"}));
  for (const char* var : {"http_proxy", "HTTPS_PROXY", "ALL_PROXY", "all_proxy"}) ::unsetenv(var);
  EXPECT_ERROR(r, HttpError::None);
  EXPECT_EQ(r.response.body, "direct");
  EXPECT_EQ(proxy.request_count(), 0u);
}

TEST(HttpFetch, ConnectionRefusedIsFailed) {
  uint16_t port = 0;
  {
    LoopbackHttpServer closed([](const LoopbackHttpServer::Request&) { return Response::text(200, ""); });
    port = closed.port();
  }  // the port is free again, and nothing listens on it
  HttpResult r = http_fetch(get("http://127.0.0.1:" + std::to_string(port) + "/"), allow({"127.0.0.1"}));
  EXPECT_ERROR(r, HttpError::Failed);
  EXPECT_FALSE(r.message.empty());
}

TEST(HttpFetch, ParallelCallsAreIndependent) {
  LoopbackHttpServer server([](const LoopbackHttpServer::Request& r) { return Response::text(200, r.target); });
  std::vector<std::thread> threads;
  std::vector<std::string> bodies(8);
  for (size_t i = 0; i < bodies.size(); ++i) {
    threads.emplace_back([&, i] {
      HttpResult r = http_fetch(get(server.url("/t" + std::to_string(i))), allow({"127.0.0.1"}));
      bodies[i] = r.error == HttpError::None ? r.response.body : r.message;
    });
  }
  for (auto& t : threads) t.join();
  for (size_t i = 0; i < bodies.size(); ++i) EXPECT_EQ(bodies[i], "/t" + std::to_string(i));
}

}  // namespace
}  // namespace midimon::plugin
