// The always-allowed host functions through a real plugin: config_get, state_*, log.
#include "tests/plugin/core/core_util.h"

namespace midimon::plugin::test {
namespace {

TEST(HostApi, ConfigGet) {
  Recorder rec;
  WasmPluginOptions o;
  o.config_json = R"({"greeting":"hi","n":3})";
  auto p = load_probe(rec, o);
  ASSERT_TRUE(p);
  CallResult r = p->execute(action("config", R"({"key":"greeting"})"));
  EXPECT_EQ(r.code, 4) << describe(r);  // the length of "hi" as JSON text
  EXPECT_EQ(rec.out, "\"hi\"");
  rec.out.clear();
  const std::string whole = R"({"greeting":"hi","n":3})";
  EXPECT_EQ(p->execute(action("config", R"({"key":""})")).code, static_cast<int32_t>(whole.size()));
  EXPECT_EQ(rec.out, whole);
  EXPECT_EQ(p->execute(action("config", R"({"key":"nope"})")).code, -44);
  // snprintf style: the full length comes back even when out_cap is too small.
  EXPECT_EQ(p->execute(action("config_small")).code, static_cast<int32_t>(whole.size()));
}

TEST(HostApi, StateSurvivesCallsAndRestarts) {
  char tmpl[] = "/tmp/midimon-plugin-state-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::filesystem::path dir = std::filesystem::path(tmpl) / "probe";
  {
    Recorder rec;
    WasmPluginOptions o;
    o.state_dir = dir;
    auto p = load_probe(rec, o);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->execute(action("state_get", R"({"key":"k"})")).code, -44);
    EXPECT_EQ(p->execute(action("state_set", R"({"key":"k","value":"v1"})")).code, 0);
    EXPECT_EQ(p->execute(action("state_get", R"({"key":"k"})")).code, 2);
    EXPECT_EQ(rec.out, "v1");
    EXPECT_EQ(p->execute(action("state_set", R"({"key":"gone","value":"x"})")).code, 0);
    EXPECT_EQ(p->execute(action("state_delete", R"({"key":"gone"})")).code, 0);
    EXPECT_EQ(p->execute(action("state_delete", R"({"key":"gone"})")).code, -44);
    EXPECT_EQ(p->execute(action("state_set", R"({"key":"","value":"x"})")).code, -28);
  }
  EXPECT_TRUE(std::filesystem::exists(dir / "state.json"));
  EXPECT_FALSE(std::filesystem::exists(dir / "state.json.tmp"));
  {
    Recorder rec;  // a new plugin object: as after a daemon restart
    WasmPluginOptions o;
    o.state_dir = dir;
    auto p = load_probe(rec, o);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->execute(action("state_get", R"({"key":"k"})")).code, 2);
    EXPECT_EQ(rec.out, "v1");
    EXPECT_EQ(p->execute(action("state_get", R"({"key":"gone"})")).code, -44);
  }
  std::filesystem::remove_all(tmpl);
}

TEST(HostApi, StateBoundsHold) {
  Recorder rec;
  WasmPluginOptions o;
  o.state_bounds.max_keys = 2;
  auto p = load_probe(rec, o);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->execute(action("state_set", R"({"key":"a","value":"1"})")).code, 0);
  EXPECT_EQ(p->execute(action("state_set", R"({"key":"b","value":"2"})")).code, 0);
  EXPECT_EQ(p->execute(action("state_set", R"({"key":"c","value":"3"})")).code, -51);
  EXPECT_EQ(p->execute(action("state_set", R"({"key":"a","value":"replaced"})")).code, 0) << "replacing is fine";
}

TEST(HostApi, LogGoesToTheDaemonTaggedAndLevelled) {
  Recorder rec;
  auto p = load_probe(rec);
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->execute(action("log")).ok());
  ASSERT_EQ(rec.logs.size(), 1u);
  EXPECT_EQ(rec.logs[0].plugin, "probe");
  EXPECT_EQ(rec.logs[0].level, LogLevel::Info);
  EXPECT_EQ(rec.logs[0].text, "probe says hi");
}

TEST(HostApi, FunctionTableMatchesTheDocumentedSignatures) {
  // docs/plugins/host-api.md is the contract; a change here is a change there.
  const std::map<std::string, std::string> want = {
      {"log", "(i32, i32, i32) -> ()"},
      {"send_midi", "(i32, i32) -> (i32)"},
      {"config_get", "(i32, i32, i32, i32) -> (i32)"},
      {"state_get", "(i32, i32, i32, i32) -> (i32)"},
      {"state_set", "(i32, i32, i32, i32) -> (i32)"},
      {"state_delete", "(i32, i32) -> (i32)"},
      {"http_request", "(i32, i32, i32, i32) -> (i32)"},
      {"run_process", "(i32, i32, i32, i32) -> (i32)"},
      {"request_action", "(i32, i32) -> (i32)"},
  };
  ASSERT_EQ(host_functions().size(), want.size());
  for (const HostFunctionSpec& s : host_functions()) {
    ASSERT_TRUE(want.count(std::string(s.name))) << s.name;
    EXPECT_EQ(s.signatures.front().to_string(), want.at(std::string(s.name))) << s.name;
  }
  EXPECT_EQ(find_host_function("log")->signatures.size(), 2u);
  EXPECT_EQ(find_host_function("log")->signatures[1].to_string(), "(i32, i32, i32) -> (i32)");
}

}  // namespace
}  // namespace midimon::plugin::test
