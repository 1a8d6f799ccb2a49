// The example plugins run through the WASM plugin host (src/plugin/wasm_plugin.h) with a
// recording HostServices: what each prints, sends, stores and writes, with and without
// the capability it needs.
#include "plugin/wasm_plugin.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "recording_host_services.h"
#ifdef MIDIMON_HAVE_LOOPBACK_HTTP_SERVER
#include "loopback_http_server.h"
#endif

namespace {

namespace fs = std::filesystem;
using midimon::plugin::ActionRequest;
using midimon::plugin::CallResult;
using midimon::plugin::Capability;
using midimon::plugin::CapabilitySet;
using midimon::plugin::load_wasm_plugin;
using midimon::plugin::WasmPlugin;
using midimon::plugin::WasmPluginOptions;
using midimon::plugin::test::RecordingHostServices;

const fs::path kPlugins = MIDIMON_EXAMPLE_PLUGINS_DIR;

std::vector<uint8_t> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// A fresh directory under the system temp dir, removed with the fixture.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "midimon-pdk-XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

CapabilitySet grants(std::initializer_list<Capability> caps) {
  CapabilitySet s;
  for (Capability c : caps) s.add(c);
  return s;
}

std::unique_ptr<WasmPlugin> load(const std::string& dir, const std::string& file,
                                 WasmPluginOptions options) {
  auto loaded = load_wasm_plugin(read_file(kPlugins / dir / file), std::move(options));
  EXPECT_TRUE(loaded.ok()) << dir << ": " << (loaded.ok() ? "" : loaded.error());
  if (!loaded.ok()) return nullptr;
  auto init = (*loaded)->init();
  EXPECT_TRUE(init.ok()) << dir << ": " << (init.ok() ? "" : init.error());
  return std::move(*loaded);
}

WasmPluginOptions with_host(RecordingHostServices& host, CapabilitySet caps = {}) {
  WasmPluginOptions o;
  o.services = &host;
  o.grants = caps;
  return o;
}

ActionRequest request(const std::string& action) {
  ActionRequest r;
  r.action = action;
  r.context.timestamp_ms = 1700000000000;
  return r;
}

std::string describe(const CallResult& r) {
  return std::string(midimon::plugin::call_status_name(r.status)) + " code " +
         std::to_string(r.code) + " " + r.message;
}

TEST(PdkExamplesRun, MinimalSucceedsWithoutInput) {
  RecordingHostServices host;
  auto plugin = load("minimal", "minimal.wasm", with_host(host));
  ASSERT_TRUE(plugin);
  EXPECT_EQ(plugin->metadata().name, "minimal");
  CallResult r = plugin->execute(request("anything"));
  EXPECT_TRUE(r.ok()) << describe(r);
}

TEST(PdkExamplesRun, TemplatePrintsActionContextAndParams) {
  RecordingHostServices host;
  auto plugin = load("template", "template.wasm", with_host(host));
  ASSERT_TRUE(plugin);
  EXPECT_EQ(plugin->metadata().name, "template");

  ActionRequest hello = request("hello");
  hello.context.velocity = 100;
  hello.context.note = 60;
  hello.context.current_mode = 2;
  CallResult r = plugin->execute(hello);
  EXPECT_TRUE(r.ok()) << describe(r);
  EXPECT_EQ(host.out, "hello from template: velocity=100 note=60 mode=2\n");

  host.out.clear();
  ActionRequest greet = request("greet");
  greet.params_json = R"({"name": "Grace"})";
  EXPECT_TRUE(plugin->execute(greet).ok());
  greet.params_json = "{}";
  greet.context.metadata["name"] = "Ada";
  EXPECT_TRUE(plugin->execute(greet).ok());
  EXPECT_EQ(host.out, "hello, Grace\nhello, Ada\n");

  host.out.clear();
  ActionRequest describe_req = request("describe");
  describe_req.context.velocity = 1;
  describe_req.params_json = R"({"k":"v"})";
  EXPECT_TRUE(plugin->execute(describe_req).ok());
  EXPECT_EQ(host.out, "action=describe velocity=1 note=-1 mode=-1 params={\"k\":\"v\"}\n");

  EXPECT_EQ(plugin->execute(request("greet")).code, 3);  // no name anywhere
  CallResult unknown = plugin->execute(request("nope"));
  EXPECT_EQ(unknown.status, CallResult::Status::Failed);
  EXPECT_EQ(unknown.code, 3);
  EXPECT_EQ(host.err, "template: unknown action 'nope'\n");
}

TEST(PdkExamplesRun, TemplatePrintsItsConfiguration) {
  RecordingHostServices host;
  WasmPluginOptions options = with_host(host);
  options.config_json = R"({"greeting":"hi","n":[1,2]})";
  auto plugin = load("template", "template.wasm", options);
  ASSERT_TRUE(plugin);
  CallResult r = plugin->execute(request("config"));
  EXPECT_TRUE(r.ok()) << describe(r);
  EXPECT_EQ(host.out, "{\"greeting\":\"hi\",\"n\":[1,2]}\n");
}

TEST(PdkExamplesRun, MidiEchoSendsANoteOnOnlyWhenGranted) {
  RecordingHostServices host;
  auto plugin = load("midi-echo", "midi-echo.wasm", with_host(host));
  ASSERT_TRUE(plugin);
  ActionRequest r = request("echo");
  r.context.note = 60;
  r.context.velocity = 100;
  EXPECT_EQ(plugin->execute(r).code, 3);
  EXPECT_TRUE(host.midi.empty());
  EXPECT_TRUE(host.logged("send_midi returned -76")) << "the plugin logs the host's answer";

  plugin->set_grants(grants({Capability::Midi}));
  CallResult ok = plugin->execute(r);
  EXPECT_TRUE(ok.ok()) << describe(ok);
  r.params_json = R"({"channel": 10, "velocity": 7})";
  EXPECT_TRUE(plugin->execute(r).ok());
  ASSERT_EQ(host.midi.size(), 2u);
  EXPECT_EQ(host.midi[0], (std::vector<uint8_t>{0x90, 60, 100}));
  EXPECT_EQ(host.midi[1], (std::vector<uint8_t>{0x99, 60, 7}));

  r.context.note.reset();
  r.params_json = "{}";
  EXPECT_EQ(plugin->execute(r).code, 2);  // no note anywhere
  EXPECT_EQ(host.midi.size(), 2u);
}

TEST(PdkExamplesRun, CounterPersistsAcrossCallsAndRestarts) {
  TempDir state;
  RecordingHostServices host;
  {
    WasmPluginOptions o = with_host(host);
    o.state_dir = state.path();
    auto plugin = load("counter", "counter.wasm", o);
    ASSERT_TRUE(plugin);
    for (int i = 0; i < 3; ++i) EXPECT_TRUE(plugin->execute(request("increment")).ok());
    ActionRequest step = request("increment");
    step.params_json = R"({"step": 10})";
    EXPECT_TRUE(plugin->execute(step).ok());
  }
  EXPECT_TRUE(host.logged("counter: 3"));
  EXPECT_TRUE(host.logged("counter: 13"));
  {
    WasmPluginOptions o = with_host(host);
    o.state_dir = state.path();
    auto plugin = load("counter", "counter.wasm", o);  // a "restart": a new plugin object
    ASSERT_TRUE(plugin);
    EXPECT_TRUE(plugin->execute(request("increment")).ok());
    EXPECT_TRUE(host.logged("counter: 14"));
    EXPECT_TRUE(plugin->execute(request("reset")).ok());
    EXPECT_TRUE(plugin->execute(request("increment")).ok());
  }
  EXPECT_EQ(host.logs.back().text, "counter: 1");
}

TEST(PdkExamplesRun, NotesToFileAppendsToDataOnlyWithFilesystem) {
  TempDir data;
  RecordingHostServices host;
  WasmPluginOptions o = with_host(host);
  o.data_dir = data.path() / "notes-to-file";
  {
    auto denied = load("notes-to-file", "notes-to-file.wasm", o);
    ASSERT_TRUE(denied);
    EXPECT_EQ(denied->execute(request("note")).code, 3);
    EXPECT_TRUE(host.logged("no /data"));
    EXPECT_FALSE(fs::exists(o.data_dir / "notes.txt"));
  }
  o.grants = grants({Capability::Filesystem});
  auto plugin = load("notes-to-file", "notes-to-file.wasm", o);
  ASSERT_TRUE(plugin);
  ActionRequest r = request("note");
  r.context.note = 64;
  r.context.velocity = 90;
  CallResult first = plugin->execute(r);
  EXPECT_TRUE(first.ok()) << describe(first);
  r.params_json = R"({"text": "remember the milk"})";
  EXPECT_TRUE(plugin->execute(r).ok());
  EXPECT_EQ(read_text(o.data_dir / "notes.txt"),
            "action=note note=64 velocity=90 timestamp=1700000000000\nremember the milk\n");
}

TEST(PdkExamplesRun, RustGreeterReceivesActionVelocityAndParams) {
  RecordingHostServices host;
  auto plugin = load("rust-greeter", "rust_greeter.wasm", with_host(host));
  ASSERT_TRUE(plugin);
  EXPECT_EQ(plugin->metadata().name, "rust-greeter");
  ActionRequest hello = request("hello");
  hello.context.velocity = 64;
  CallResult r = plugin->execute(hello);
  EXPECT_TRUE(r.ok()) << describe(r) << " stderr: " << host.err;
  ActionRequest greet = request("greet");
  greet.context.metadata["name"] = "Ada";
  EXPECT_TRUE(plugin->execute(greet).ok());
  ActionRequest echo = request("echo");
  echo.context.velocity = 127;
  echo.params_json = R"({"url":"http://example.com/"})";
  EXPECT_TRUE(plugin->execute(echo).ok());
  EXPECT_EQ(host.out,
            "Hello from rust-greeter! velocity=64 note=none mode=none\n"
            "Hello, Ada!\n"
            "action=echo velocity=127 params={\"url\":\"http://example.com/\"}\n");
  EXPECT_EQ(plugin->execute(request("nope")).code, 3);
  EXPECT_NE(host.err.find("unknown action 'nope'"), std::string::npos) << host.err;
}

#ifdef MIDIMON_HAVE_LOOPBACK_HTTP_SERVER
using midimon::test::LoopbackHttpServer;

TEST(PdkExamplesRun, WebhookPostsTheEventToAnAllowedHost) {
  LoopbackHttpServer server([](const LoopbackHttpServer::Request&) {
    return LoopbackHttpServer::Response::text(204, "");
  });
  RecordingHostServices host;
  WasmPluginOptions o = with_host(host);
  o.allowed_hosts = {server.authority()};
  auto plugin = load("webhook", "webhook.wasm", o);
  ASSERT_TRUE(plugin);
  ActionRequest r = request("post");
  r.context.velocity = 42;
  r.params_json = R"({"url": ")" + server.url("/hook") + R"("})";

  EXPECT_EQ(plugin->execute(r).code, 3);  // network not granted
  EXPECT_EQ(server.request_count(), 0u);
  EXPECT_TRUE(host.logged("http_request returned -76"));

  plugin->set_grants(grants({Capability::Network}));
  CallResult ok = plugin->execute(r);
  EXPECT_TRUE(ok.ok()) << describe(ok) << " log: " << (host.logs.empty() ? "" : host.logs.back().text);
  ASSERT_EQ(server.request_count(), 1u);
  const auto sent = server.requests()[0];
  EXPECT_EQ(sent.method, "POST");
  EXPECT_EQ(sent.target, "/hook");
  EXPECT_EQ(sent.header("content-type"), "application/json");
  EXPECT_NE(sent.body.find(R"("velocity":42)"), std::string::npos) << sent.body;
  EXPECT_EQ(host.out, "webhook: POST " + server.url("/hook") + " -> 204\n");

  r.params_json = R"({"url": "http://localhost:1/elsewhere"})";  // not on the list
  EXPECT_EQ(plugin->execute(r).code, 3);
  EXPECT_EQ(server.request_count(), 1u);

  r.params_json = "{}";
  EXPECT_EQ(plugin->execute(r).code, 2);
}
#endif

}  // namespace

namespace {

// writing-c.md's advice: a reactor build gets _initialize called, so fopen finds /data.
TEST(PdkExamplesRun, ReactorBuildCanFopenUnderData) {
  TempDir data;
  RecordingHostServices host;
  WasmPluginOptions o = with_host(host, grants({Capability::Filesystem}));
  o.data_dir = data.path() / "reactor";
  auto loaded = load_wasm_plugin(read_file(fs::path(MIDIMON_PDK_GUEST_DIR) / "reactor_fopen.wasm"), o);
  ASSERT_TRUE(loaded.ok()) << loaded.error();
  ActionRequest r = request("write");
  r.params_json = R"({"text": "first"})";
  CallResult first = (*loaded)->execute(r);
  EXPECT_TRUE(first.ok()) << describe(first);
  r.params_json = R"({"text": "second"})";
  EXPECT_TRUE((*loaded)->execute(r).ok());
  EXPECT_EQ(read_text(o.data_dir / "log.txt"), "first\nsecond\n");
}

}  // namespace

namespace {

// MIDIMON_PLUGIN_ALLOCATOR's buffer and wasi-libc's malloc both grow memory; requests of
// growing size make the PDK allocator grow between mallocs, and the guest checks that no
// earlier malloc block and no request byte was overwritten.
TEST(PdkExamplesRun, PdkAllocatorAndMallocNeverOverlap) {
  RecordingHostServices host;
  auto loaded = load_wasm_plugin(
      read_file(fs::path(MIDIMON_PDK_GUEST_DIR) / "alloc_with_malloc.wasm"), with_host(host));
  ASSERT_TRUE(loaded.ok()) << loaded.error();
  for (size_t size : {10u, 70000u, 20u, 300000u, 150000u, 1000000u, 5u}) {
    ActionRequest r = request("fill");
    r.params_json = R"({"fill": ")" + std::string(size, 'r') + R"("})";
    CallResult result = (*loaded)->execute(r);
    EXPECT_TRUE(result.ok()) << "request of " << size << " bytes: " << describe(result);
  }
}

}  // namespace

namespace {

// The PDK from C++ (freestanding, -fno-exceptions -fno-rtti).
TEST(PdkExamplesRun, CppPluginBuildsAndRuns) {
  RecordingHostServices host;
  auto loaded = load_wasm_plugin(read_file(fs::path(MIDIMON_PDK_GUEST_DIR) / "cpp_plugin.wasm"),
                                 with_host(host, grants({Capability::Midi})));
  ASSERT_TRUE(loaded.ok()) << loaded.error();
  ASSERT_TRUE((*loaded)->init().ok());
  EXPECT_EQ((*loaded)->metadata().name, "cpp-plugin");
  ActionRequest r = request("note");
  r.context.note = 61;
  r.context.velocity = 33;
  CallResult result = (*loaded)->execute(r);
  EXPECT_TRUE(result.ok()) << describe(result);
  ASSERT_EQ(host.midi.size(), 1u);
  EXPECT_EQ(host.midi[0], (std::vector<uint8_t>{0x90, 61, 33}));
  EXPECT_EQ((*loaded)->execute(request("note")).code, 2);
}

}  // namespace
