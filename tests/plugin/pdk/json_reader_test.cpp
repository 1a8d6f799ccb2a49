// The PDK's request-JSON reader (include/midimon/pdk/json.h), compiled natively: paths,
// kinds, integers, string unescaping, snprintf-style truncation, and hostile input (it
// must never read past `len` -- ASan checks that -- nor recurse on deep nesting).
#include <midimon/pdk/json.h>

#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <string>

namespace {

const std::string kRequest =
    R"({"action": "greet", "context": {"velocity": 100, "note": null, "cc": 7,)"
    R"( "current_mode": -3, "timestamp": 1700000000123,)"
    R"( "metadata": {"name": "Ada \"L\"", "empty": ""}},)"
    R"( "params": {"url": "http:\/\/127.0.0.1:8080\/hook", "list": [1, {"x": "}"}], "on": true,)"
    R"( "nested": {"deep": {"er": 42}}, "snow": "\u2603", "clef": "\ud834\udd1e"}})";

int32_t len(const std::string& s) { return static_cast<int32_t>(s.size()); }

std::string get_string(const std::string& json, const char* path, int32_t* rc = nullptr) {
  char buf[256];
  const int32_t n = midimon_json_get_string(json.data(), len(json), path, buf, sizeof buf);
  if (rc != nullptr) *rc = n;
  return n >= 0 && n < static_cast<int32_t>(sizeof buf) ? std::string(buf, static_cast<size_t>(n)) : "<none>";
}

TEST(PdkJsonReader, FindsStringsByPath) {
  EXPECT_EQ(get_string(kRequest, "action"), "greet");
  EXPECT_EQ(get_string(kRequest, "context.metadata.name"), "Ada \"L\"");
  EXPECT_EQ(get_string(kRequest, "context.metadata.empty"), "");
  EXPECT_EQ(get_string(kRequest, "params.url"), "http://127.0.0.1:8080/hook");
}

TEST(PdkJsonReader, DecodesUnicodeEscapesToUtf8) {
  EXPECT_EQ(get_string(kRequest, "params.snow"), "\xe2\x98\x83");
  EXPECT_EQ(get_string(kRequest, "params.clef"), "\xf0\x9d\x84\x9e");  // a surrogate pair
}

TEST(PdkJsonReader, ReadsIntegersAndTellsNullAndMissingApart) {
  int64_t v = 0;
  ASSERT_TRUE(midimon_json_get_int(kRequest.data(), len(kRequest), "context.velocity", &v));
  EXPECT_EQ(v, 100);
  ASSERT_TRUE(midimon_json_get_int(kRequest.data(), len(kRequest), "context.current_mode", &v));
  EXPECT_EQ(v, -3);
  ASSERT_TRUE(midimon_json_get_int(kRequest.data(), len(kRequest), "context.timestamp", &v));
  EXPECT_EQ(v, 1700000000123);
  ASSERT_TRUE(midimon_json_get_int(kRequest.data(), len(kRequest), "params.nested.deep.er", &v));
  EXPECT_EQ(v, 42);
  EXPECT_FALSE(midimon_json_get_int(kRequest.data(), len(kRequest), "context.note", &v));
  EXPECT_EQ(midimon_json_find(kRequest.data(), len(kRequest), "context.note").kind, MIDIMON_JSON_NULL);
  EXPECT_EQ(midimon_json_find(kRequest.data(), len(kRequest), "context.value").kind, MIDIMON_JSON_MISSING);
  EXPECT_FALSE(midimon_json_get_int(kRequest.data(), len(kRequest), "action", &v));  // a string
}

TEST(PdkJsonReader, RejectsIntegersThatDoNotFit) {
  const std::string j = R"({"a": 9223372036854775807, "b": -9223372036854775808,)"
                        R"( "c": 9223372036854775808, "d": 1.5, "e": 1e3, "f": -})";
  int64_t v = 0;
  ASSERT_TRUE(midimon_json_get_int(j.data(), len(j), "a", &v));
  EXPECT_EQ(v, INT64_MAX);
  ASSERT_TRUE(midimon_json_get_int(j.data(), len(j), "b", &v));
  EXPECT_EQ(v, INT64_MIN);
  EXPECT_FALSE(midimon_json_get_int(j.data(), len(j), "c", &v));
  EXPECT_FALSE(midimon_json_get_int(j.data(), len(j), "d", &v));
  EXPECT_FALSE(midimon_json_get_int(j.data(), len(j), "e", &v));
  EXPECT_FALSE(midimon_json_get_int(j.data(), len(j), "f", &v));
}

TEST(PdkJsonReader, SkipsNestedContainersAndBracesInsideStrings) {
  midimon_json_value list = midimon_json_find(kRequest.data(), len(kRequest), "params.list");
  ASSERT_EQ(list.kind, MIDIMON_JSON_ARRAY);
  EXPECT_EQ(std::string(list.ptr, static_cast<size_t>(list.len)), R"([1, {"x": "}"}])");
  int flag = 0;
  ASSERT_TRUE(midimon_json_get_bool(kRequest.data(), len(kRequest), "params.on", &flag));
  EXPECT_EQ(flag, 1);
  midimon_json_value params = midimon_json_find(kRequest.data(), len(kRequest), "params");
  EXPECT_EQ(params.kind, MIDIMON_JSON_OBJECT);
  EXPECT_EQ(params.ptr[params.len - 1], '}');
}

TEST(PdkJsonReader, TruncatesLikeSnprintfAndReportsTheFullLength) {
  char small[4];
  const int32_t n = midimon_json_get_string(kRequest.data(), len(kRequest), "context.metadata.name",
                                            small, sizeof small);
  EXPECT_EQ(n, 7);  // Ada "L"
  EXPECT_STREQ(small, "Ada");
  EXPECT_EQ(midimon_json_get_string(kRequest.data(), len(kRequest), "action", nullptr, 0), 5);
}

TEST(PdkJsonReader, StringEqualsComparesUnescapedText) {
  EXPECT_TRUE(midimon_json_string_equals(kRequest.data(), len(kRequest), "action", "greet"));
  EXPECT_FALSE(midimon_json_string_equals(kRequest.data(), len(kRequest), "action", "gree"));
  EXPECT_FALSE(midimon_json_string_equals(kRequest.data(), len(kRequest), "action", "greeting"));
  EXPECT_TRUE(midimon_json_string_equals(kRequest.data(), len(kRequest), "params.url",
                                         "http://127.0.0.1:8080/hook"));
}

TEST(PdkJsonReader, BadEscapesAreReportedNotDecoded) {
  const std::string j = R"({"a": "\x", "b": "\u12", "c": "\udc00", "d": "\ud800\u0041"})";
  int32_t rc = 0;
  for (const char* path : {"a", "b", "c", "d"}) {
    get_string(j, path, &rc);
    EXPECT_EQ(rc, -2) << path;
  }
}

// Every prefix of a valid request is read without touching a byte past its end: each
// prefix lives in a heap block of exactly its size, so ASan flags any overread.
TEST(PdkJsonReader, TruncatedInputNeverReadsPastItsLength) {
  for (size_t cut = 0; cut <= kRequest.size(); ++cut) {
    std::unique_ptr<char[]> exact(new char[cut == 0 ? 1 : cut]);
    std::memcpy(exact.get(), kRequest.data(), cut);
    const int32_t n = static_cast<int32_t>(cut);
    char buf[64];
    int64_t v = 0;
    (void)midimon_json_get_string(exact.get(), n, "params.url", buf, sizeof buf);
    (void)midimon_json_get_int(exact.get(), n, "params.nested.deep.er", &v);
    (void)midimon_json_find(exact.get(), n, "params.list");
    // params is complete once its own closing brace is in (the root's last byte may be cut).
    const bool whole = cut >= kRequest.size() - 1;
    EXPECT_EQ(midimon_json_find(exact.get(), n, "params").kind != MIDIMON_JSON_MISSING, whole)
        << "cut at " << cut;
  }
}

TEST(PdkJsonReader, DeepNestingIsSkippedWithoutRecursion) {
  std::string deep = R"({"a": )" + std::string(200000, '[') + std::string(200000, ']') + R"(, "b": 7})";
  int64_t v = 0;
  ASSERT_TRUE(midimon_json_get_int(deep.data(), len(deep), "b", &v));
  EXPECT_EQ(v, 7);
  std::string unbalanced = R"({"a": )" + std::string(1000, '[') + R"(, "b": 7})";
  EXPECT_FALSE(midimon_json_get_int(unbalanced.data(), len(unbalanced), "b", &v));
}

TEST(PdkJsonReader, MalformedDocumentsAreMissingNotCrashes) {
  for (const char* text : {"", "{", "}", "[]", "{\"a\"", "{\"a\":", "{\"a\" 1}", "{\"a\":1,}",
                           "{,\"a\":1}", "\"a\"", "{\"a\":\"unterminated}", "nul"}) {
    const std::string j = text;
    EXPECT_EQ(midimon_json_find(j.data(), len(j), "a.b").kind, MIDIMON_JSON_MISSING) << text;
  }
  EXPECT_EQ(midimon_json_find(nullptr, 0, "a").kind, MIDIMON_JSON_MISSING);
  EXPECT_EQ(midimon_json_find(kRequest.data(), -1, "a").kind, MIDIMON_JSON_MISSING);
}

}  // namespace
