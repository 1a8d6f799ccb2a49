// The PDK's request-JSON reader (include/midimon/pdk/json.h), compiled natively: paths,
// kinds, integers, string unescaping, snprintf-style truncation, the member walk and the
// one-pass request reader, and hostile input (it must never read past `len` -- ASan
// checks that -- nor recurse on deep nesting).
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
                        R"( "c": 9223372036854775808, "d": 1.5, "e": 1e3, "f": -, "g": -9223372036854775809,)"
                        R"( "h": 92233720368547758070, "i": 12abc, "zero": -0})";
  int64_t v = 0;
  ASSERT_TRUE(midimon_json_get_int(j.data(), len(j), "a", &v));
  EXPECT_EQ(v, INT64_MAX);
  ASSERT_TRUE(midimon_json_get_int(j.data(), len(j), "b", &v));
  EXPECT_EQ(v, INT64_MIN);
  ASSERT_TRUE(midimon_json_get_int(j.data(), len(j), "zero", &v));
  EXPECT_EQ(v, 0);
  for (const char* path : {"c", "d", "e", "f", "g", "h", "i"}) {
    EXPECT_FALSE(midimon_json_get_int(j.data(), len(j), path, &v)) << path;
  }
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

// --- value functions, the member walk ------------------------------------------------

TEST(PdkJsonReader, ValueEqualsHandlesEscapesAndNeverReadsPastTheText) {
  const std::string j = R"({"a": "gr\u0065et", "b": "greet", "z": "ab\u0000", "q": "x\"y"})";
  midimon_json_value a = midimon_json_find(j.data(), len(j), "a");
  midimon_json_value b = midimon_json_find(j.data(), len(j), "b");
  EXPECT_TRUE(midimon_json_value_equals(a, "greet"));
  EXPECT_TRUE(midimon_json_value_equals(b, "greet"));
  EXPECT_FALSE(midimon_json_value_equals(b, "gree"));
  EXPECT_FALSE(midimon_json_value_equals(b, "greets"));
  EXPECT_FALSE(midimon_json_value_equals(b, ""));
  EXPECT_TRUE(midimon_json_value_equals(midimon_json_find(j.data(), len(j), "q"), "x\"y"));
  // A decoded NUL inside the JSON string does not make the comparison run past "ab"'s end
  // (ASan would see it: the text lives in a heap block of exactly three bytes).
  std::unique_ptr<char[]> ab(new char[3]{'a', 'b', '\0'});
  EXPECT_FALSE(midimon_json_value_equals(midimon_json_find(j.data(), len(j), "z"), ab.get()));
  EXPECT_FALSE(midimon_json_value_equals(midimon_json_find(j.data(), len(j), "missing"), ""));
  EXPECT_FALSE(midimon_json_value_equals(midimon_json_find(kRequest.data(), len(kRequest), "context"), "x"));
}

TEST(PdkJsonReader, MemberWalkVisitsEachMemberOnceInOrder) {
  midimon_json_value params = midimon_json_find(kRequest.data(), len(kRequest), "params");
  midimon_json_members m = midimon_json_members_of(params);
  midimon_json_value key, value;
  std::string seen;
  while (midimon_json_next(&m, &key, &value)) {
    seen += std::string(key.ptr, static_cast<size_t>(key.len)) + "=" + std::to_string(value.kind) + ";";
  }
  EXPECT_FALSE(m.failed);
  EXPECT_EQ(seen, "url=4;list=6;on=2;nested=5;snow=4;clef=4;");

  const std::string empty = "{ }";
  m = midimon_json_members_of(midimon_json_find(empty.data(), len(empty), ""));
  EXPECT_FALSE(midimon_json_next(&m, &key, &value));
  EXPECT_FALSE(m.failed);

  m = midimon_json_members_of(midimon_json_find(kRequest.data(), len(kRequest), "action"));  // a string
  EXPECT_FALSE(midimon_json_next(&m, &key, &value));
  EXPECT_TRUE(m.failed);
}

TEST(PdkJsonReader, MemberWalkStopsAtMalformedInput) {
  for (const char* text : {R"({"a":1,})", R"({"a":1 "b":2})", R"({"a" 1})", R"({1:2})", R"({"a":})",
                           R"({"a":1)"}) {
    const std::string j = text;
    midimon_json_value object = {MIDIMON_JSON_OBJECT, j.data(), len(j)};
    midimon_json_members m = midimon_json_members_of(object);
    midimon_json_value key, value;
    while (midimon_json_next(&m, &key, &value)) {
    }
    EXPECT_TRUE(m.failed) << text;
  }
}

// --- midimon_request_read: the whole request in one pass --------------------------------

TEST(PdkRequestReader, ReadsEveryFieldOfTheRequest) {
  midimon_request r;
  ASSERT_TRUE(midimon_request_read(kRequest.data(), len(kRequest), &r));
  EXPECT_TRUE(midimon_json_value_equals(r.action, "greet"));
  EXPECT_EQ(r.velocity, 100);
  EXPECT_EQ(r.note, MIDIMON_ABSENT);  // null
  EXPECT_EQ(r.cc, 7);
  EXPECT_EQ(r.value, MIDIMON_ABSENT);  // absent
  EXPECT_EQ(r.current_mode, -3);
  EXPECT_EQ(r.timestamp, 1700000000123);
  ASSERT_EQ(r.metadata.kind, MIDIMON_JSON_OBJECT);
  EXPECT_EQ(std::string(r.metadata.ptr, static_cast<size_t>(r.metadata.len)),
            R"({"name": "Ada \"L\"", "empty": ""})");
  ASSERT_EQ(r.params.kind, MIDIMON_JSON_OBJECT);
  char url[64];
  EXPECT_EQ(midimon_json_get_string(r.params.ptr, r.params.len, "url", url, sizeof url), 26);
  EXPECT_STREQ(url, "http://127.0.0.1:8080/hook");
  EXPECT_EQ(r.parameters.kind, MIDIMON_JSON_MISSING);
}

TEST(PdkRequestReader, ReadsTheHostsExactRequestAndMidimonsPositionalParameters) {
  // The shape request_json() writes (compact, fixed key order), plus MIDIMon's list.
  const std::string j =
      R"({"action":"hello","context":{"velocity":100,"note":60,"cc":null,"value":null,)"
      R"("current_mode":1,"timestamp":1764000000000,"metadata":{"name":"Ada"}},)"
      R"("params":{"name":"Ada"},"parameters":["a","b,c"]})";
  midimon_request r;
  ASSERT_TRUE(midimon_request_read(j.data(), len(j), &r));
  EXPECT_TRUE(midimon_json_value_equals(r.action, "hello"));
  EXPECT_EQ(r.velocity, 100);
  EXPECT_EQ(r.note, 60);
  EXPECT_EQ(r.cc, MIDIMON_ABSENT);
  EXPECT_EQ(r.value, MIDIMON_ABSENT);
  EXPECT_EQ(r.current_mode, 1);
  EXPECT_EQ(r.timestamp, 1764000000000);
  ASSERT_EQ(r.parameters.kind, MIDIMON_JSON_ARRAY);
  EXPECT_EQ(std::string(r.parameters.ptr, static_cast<size_t>(r.parameters.len)), R"(["a","b,c"])");
}

TEST(PdkRequestReader, WhitespaceAnywhereReadsTheSame) {
  const std::string j = "\n{ \"action\" :\t\"hello\" ,\r\n \"context\" : { \"velocity\" : 5 ,"
                        " \"metadata\" : { } } , \"params\" : { } }\n";
  midimon_request r;
  ASSERT_TRUE(midimon_request_read(j.data(), len(j), &r));
  EXPECT_TRUE(midimon_json_value_equals(r.action, "hello"));
  EXPECT_EQ(r.velocity, 5);
  EXPECT_EQ(std::string(r.metadata.ptr, static_cast<size_t>(r.metadata.len)), "{ }");
  EXPECT_EQ(std::string(r.params.ptr, static_cast<size_t>(r.params.len)), "{ }");
}

TEST(PdkRequestReader, FieldsOfTheWrongTypeAreAbsentAndTheRestIsStillRead) {
  const std::string j =
      R"({"action": "x", "context": {"velocity": "1,2}", "note": 1.5, "cc": 1e3, "value": true,)"
      R"( "current_mode": {"a": [1, "]"]}, "timestamp": [1, 2], "metadata": 5, "extra": null},)"
      R"( "params": [], "parameters": {}, "unknown": {"action": "no"}})";
  midimon_request r;
  ASSERT_TRUE(midimon_request_read(j.data(), len(j), &r));
  EXPECT_TRUE(midimon_json_value_equals(r.action, "x"));
  for (int64_t field : {r.velocity, r.note, r.cc, r.value, r.current_mode, r.timestamp}) {
    EXPECT_EQ(field, MIDIMON_ABSENT);
  }
  EXPECT_EQ(r.metadata.kind, MIDIMON_JSON_MISSING);
  EXPECT_EQ(r.params.kind, MIDIMON_JSON_MISSING);
  EXPECT_EQ(r.parameters.kind, MIDIMON_JSON_MISSING);
}

TEST(PdkRequestReader, RefusesWhatIsNotARequest) {
  for (const char* text : {"", "[]", "\"hello\"", "{}", R"({"action": 1})", R"({"action": null})",
                           R"({"action": "a", "context": 5})", R"({"action": "a", "context": {"velocity": }})",
                           R"({"action": "a", "context": {"velocity": 1,}})", R"({"action": "a",})",
                           R"({"action": "a" "params": {}})", R"({"action": "a", "params": {"x": "})"}) {
    const std::string j = text;
    midimon_request r;
    EXPECT_FALSE(midimon_request_read(j.data(), len(j), &r)) << text;
  }
  midimon_request r;
  EXPECT_FALSE(midimon_request_read(nullptr, 0, &r));
  EXPECT_FALSE(midimon_request_read(kRequest.data(), 0, &r));
}

// Every prefix of the request: refused (the object never closes) and never read past its
// end, each prefix in a heap block of exactly its size for ASan.
TEST(PdkRequestReader, TruncatedRequestsAreRefusedWithoutReadingPastTheEnd) {
  for (size_t cut = 0; cut < kRequest.size(); ++cut) {
    std::unique_ptr<char[]> exact(new char[cut == 0 ? 1 : cut]);
    std::memcpy(exact.get(), kRequest.data(), cut);
    midimon_request r;
    EXPECT_FALSE(midimon_request_read(exact.get(), static_cast<int32_t>(cut), &r)) << "cut at " << cut;
  }
}

TEST(PdkRequestReader, DeepNestingInParamsIsSkippedWithoutRecursion) {
  const std::string j = R"({"action": "a", "params": {"x": )" + std::string(200000, '[') +
                        std::string(200000, ']') + R"(}, "context": {"note": 9}})";
  midimon_request r;
  ASSERT_TRUE(midimon_request_read(j.data(), len(j), &r));
  EXPECT_EQ(r.note, 9);
}

}  // namespace
