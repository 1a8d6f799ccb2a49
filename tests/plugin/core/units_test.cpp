// The plugin core's pieces on their own: request JSON, metadata, MIDI checks, the log
// limiter (with an injected clock) and the state store's file.
#include <fstream>
#include <nlohmann/json.hpp>

#include "plugin/host_api.h"
#include "plugin/log_limiter.h"
#include "plugin/metadata_json.h"
#include "plugin/request_json.h"
#include "plugin/state_store.h"
#include "tests/plugin/core/core_util.h"

namespace midimon::plugin::test {
namespace {

TEST(RequestJson, AbsentFieldsAreNullAndMetadataIsAlwaysThere) {
  ActionRequest r;
  r.action = "hello";
  auto j = request_json(r);
  ASSERT_TRUE(j.ok());
  EXPECT_EQ(*j, R"({"action":"hello","context":{"velocity":null,"note":null,"cc":null,"value":null,)"
                R"("current_mode":null,"timestamp":0,"metadata":{}},"params":{}})");
}

TEST(RequestJson, ParamsMustBeAnObject) {
  ActionRequest r;
  r.params_json = "{";
  auto j = request_json(r);
  ASSERT_FALSE(j.ok());
  EXPECT_NE(j.error().find("must be a JSON object"), std::string::npos) << j.error();
  r.params_json = "[1]";
  EXPECT_FALSE(request_json(r).ok());
  r.params_json = " {\"a\": [1, {\"b\": null}]}\n";
  EXPECT_TRUE(request_json(r).ok());
}

TEST(RequestJson, StringsAreEscapedAndAlwaysValid) {
  ActionRequest r;
  r.action = "say \"hi\"\n\x01\\";
  r.context.metadata = {{"k\xff", "v\xc3\xa9"}};
  r.parameters = std::vector<std::string>{"\t"};
  auto j = request_json(r);
  ASSERT_TRUE(j.ok());
  auto parsed = nlohmann::json::parse(*j);  // throws (fails the test) if not valid JSON
  EXPECT_EQ(parsed["action"], "say \"hi\"\n\x01\\");
  EXPECT_EQ(parsed["context"]["metadata"]["k\xef\xbf\xbd"], "v\xc3\xa9");
  EXPECT_EQ(parsed["parameters"][0], "\t");
}

TEST(MetadataJson, Valid) {
  auto m = parse_metadata(R"({"name":"n","version":"1","description":"d","author":"a","license":"MIT",)"
                          R"("type":"trigger","homepage":"h","capabilities":["midi","system_control"],"x":1})");
  ASSERT_TRUE(m.ok()) << m.error();
  EXPECT_EQ(m->type, "trigger");
  EXPECT_EQ(m->homepage, "h");
  EXPECT_EQ(m->capabilities.to_string(), "midi, systemcontrol");
}

TEST(MetadataJson, Errors) {
  const std::string base = R"("version":"1","description":"d","author":"a","license":"MIT")";
  struct { std::string text, error; } cases[] = {
      {"[]", "metadata: expected a JSON object, got array"},
      {"{" + base + R"(,"type":"action"})", "metadata: missing required field \"name\""},
      {R"({"name":5,)" + base + R"(,"type":"action"})", "metadata: field \"name\" must be a string, got number"},
      {R"({"name":"n",)" + base + R"(,"type":"filter"})", "metadata: field \"type\" must be \"action\" or \"trigger\", got \"filter\""},
      {R"({"name":"n",)" + base + R"(,"type":"action","capabilities":["root"]})", "metadata: capabilities[0]: unknown capability \"root\""},
      {R"({"name":"n",)" + base + R"(,"type":"action","capabilities":"midi"})", "metadata: field \"capabilities\" must be an array of names"},
      {"{\"name\":\"\xc0\xaf\"}", "metadata is not valid UTF-8 at byte 9"},
      {"{\"name\":", "metadata is not valid JSON at byte 8 (of 8)"},
  };
  for (const auto& c : cases) {
    auto m = parse_metadata(c.text);
    ASSERT_FALSE(m.ok()) << c.text;
    EXPECT_EQ(m.error(), c.error) << c.text;
  }
}

TEST(Utf8, Offsets) {
  EXPECT_FALSE(invalid_utf8_offset(std::string_view("h\xc3\xa9llo \xf0\x9f\x8e\xb9")));
  EXPECT_EQ(invalid_utf8_offset(std::string_view("ab\xed\xa0\x80")), 2u);  // surrogate
  EXPECT_EQ(invalid_utf8_offset(std::string_view("abc\xe2\x82")), 3u);     // truncated
  EXPECT_EQ(invalid_utf8_offset(std::string_view("\xf4\x90\x80\x80")), 0u);  // > U+10FFFF
}

TEST(MidiCheck, CompleteMessagesOnly) {
  auto check = [](std::vector<uint8_t> b) { return check_midi_messages(b); };
  EXPECT_EQ(check({0x90, 0x3c, 0x64}), "");
  EXPECT_EQ(check({0xC0, 0x05, 0xF8, 0xB0, 0x07, 0x7f}), "");
  EXPECT_EQ(check({0xF0, 0x01, 0x02, 0xF7, 0xFE}), "");
  EXPECT_EQ(check({}), "no bytes");
  EXPECT_EQ(check({0x3c, 0x64}), "data byte without a status byte (running status is not allowed) at byte 0");
  EXPECT_EQ(check({0x90, 0x3c}), "incomplete message at byte 0");
  EXPECT_EQ(check({0x90, 0x3c, 0x90}), "status byte where a data byte belongs at byte 2");
  EXPECT_EQ(check({0xF0, 0x01, 0x02}), "SysEx started at byte 0 does not end with F7");
  EXPECT_EQ(check({0xF7}), "undefined or stray status byte at byte 0");
  EXPECT_EQ(check({0xF4}), "undefined or stray status byte at byte 0");
  std::vector<uint8_t> big(kMaxMidiBytes + 1, 0xF8);
  EXPECT_NE(check(big).find("more than the 65536 allowed"), std::string::npos);
}

TEST(LogLimiter, BurstThenRate) {
  auto now = std::chrono::steady_clock::time_point{} + std::chrono::hours(1);
  LogLimiter l({10, 5}, [&now] { return now; });
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(l.admit().allowed) << i;
  EXPECT_FALSE(l.admit().allowed);
  EXPECT_FALSE(l.admit().allowed);
  now += std::chrono::milliseconds(200);  // one token back
  auto d = l.admit();
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.dropped_before, 2u);
  EXPECT_FALSE(l.admit().allowed);
  now += std::chrono::hours(1);  // refills to the burst, not beyond
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(l.admit().allowed) << i;
  EXPECT_FALSE(l.admit().allowed);
  EXPECT_EQ(l.dropped_total(), 4u);
}

TEST(StateStore, BoundsAndCorruptFile) {
  char tmpl[] = "/tmp/midimon-state-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::filesystem::path dir(tmpl);
  StateBounds b;
  b.max_value_bytes = 8;
  b.max_total_bytes = 20;
  b.max_key_bytes = 4;
  StateStore s(dir, b);
  EXPECT_EQ(s.set("k", std::string("\0\xff", 2)), 0);  // any bytes
  std::string v;
  EXPECT_EQ(s.get("k", &v), 0);
  EXPECT_EQ(v, std::string("\0\xff", 2));
  EXPECT_EQ(s.set("k2", "123456789"), -51);  // value over 8
  EXPECT_EQ(s.set("toolong", "1"), -28);     // key over 4
  EXPECT_EQ(s.set("k2", "12345678"), 0);
  EXPECT_EQ(s.set("k3", "12345678"), -51);   // total over 20
  EXPECT_EQ(s.total_bytes(), 3u + 10u);
  // A corrupt file is reported, left alone and never overwritten.
  { std::ofstream(dir / "state.json") << "{garbage"; }
  StateStore t(dir, b);
  EXPECT_EQ(t.get("k", &v), -29);
  EXPECT_NE(t.last_error().find("is not a valid state file"), std::string::npos) << t.last_error();
  EXPECT_EQ(t.set("k", "x"), -29);
  std::ifstream f(dir / "state.json");
  std::string content((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  EXPECT_EQ(content, "{garbage");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace midimon::plugin::test
