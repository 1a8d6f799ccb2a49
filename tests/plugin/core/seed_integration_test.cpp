// The seed's eight integration tests (MIDIMon's names), with real assertions.
#include "tests/plugin/core/core_util.h"

namespace midimon::plugin::test {
namespace {

TEST(SeedIntegration, test_load_wasm_plugin) {
  Recorder rec;
  auto p = load_wasm_plugin(probe_bytes(), options_for(rec));
  ASSERT_TRUE(p.ok()) << p.error();
  EXPECT_EQ((*p)->kind(), PluginKind::Wasm);
  EXPECT_TRUE((*p)->has_instance());  // instantiated at load
  // The imports are listed with what they need (what `plugin info` shows).
  bool saw_send_midi = false;
  for (const ImportInfo& i : (*p)->imports()) {
    if (i.module == "midimon" && i.name == "send_midi") {
      saw_send_midi = true;
      EXPECT_EQ(i.type, "func (i32, i32) -> (i32)");
      EXPECT_TRUE(i.needs.has(Capability::Midi));
    }
  }
  EXPECT_TRUE(saw_send_midi);
  EXPECT_TRUE((*p)->requested_capabilities().has(Capability::Network));
  // And a file that is not WebAssembly is refused with the reason.
  const std::vector<uint8_t> junk = {'n', 'o', 't', ' ', 'w', 'a', 's', 'm'};
  auto bad = load_wasm_plugin(junk, options_for(rec));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().find("invalid WebAssembly module"), std::string::npos) << bad.error();
}

TEST(SeedIntegration, test_wasm_plugin_init) {
  Recorder rec;
  auto p = load_wasm_plugin(probe_bytes(), options_for(rec));
  ASSERT_TRUE(p.ok()) << p.error();
  auto r = (*p)->init();
  ASSERT_TRUE(r.ok()) << r.error();
  EXPECT_EQ((*p)->metadata().name, "probe");
  EXPECT_EQ((*p)->metadata().version, "1.2.3");
  EXPECT_EQ((*p)->metadata().description, "exercises the host API");
  EXPECT_EQ((*p)->name(), "probe");  // the log tag once the name is known
}

TEST(SeedIntegration, test_wasm_plugin_execute) {
  Recorder rec;
  auto p = load_probe(rec);
  ASSERT_TRUE(p);
  CallResult ok = p->execute(action("ok"));
  EXPECT_EQ(ok.status, CallResult::Status::Ok) << describe(ok);
  EXPECT_EQ(ok.code, 0);
  EXPECT_GT(ok.fuel_used, 0u);
  EXPECT_GT(ok.duration.count(), 0);
  CallResult fail = p->execute(action("fail"));
  EXPECT_EQ(fail.status, CallResult::Status::Failed) << describe(fail);
  EXPECT_EQ(fail.code, 7);
  // WASI stdout reaches HostServices::output tagged with the plugin's name.
  CallResult hello = p->execute(action("hello"));
  EXPECT_TRUE(hello.ok()) << describe(hello);
  EXPECT_EQ(rec.out, "hello from probe\n");
  EXPECT_EQ(rec.output_plugin, "probe");
}

TEST(SeedIntegration, test_wasm_plugin_with_capabilities) {
  Recorder rec;
  WasmPluginOptions o;
  o.limits.max_memory_bytes = 64ull << 20;
  o.limits.timeout = std::chrono::milliseconds(3000);
  o.grants.add(Capability::Network);
  auto p = load_probe(rec, o);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->limits().max_memory_bytes, 64ull << 20);
  EXPECT_EQ(p->limits().timeout, std::chrono::milliseconds(3000));
  EXPECT_TRUE(p->grants().has(Capability::Network));
  EXPECT_FALSE(p->grants().has(Capability::Midi));
  // The 64 MiB cap holds: growing by 64 MiB on top of the initial memory is refused.
  CallResult grow = p->execute(action("grow", R"({"pages":1024})"));
  EXPECT_EQ(grow.code, 2) << "memory.grow past the cap must fail: " << describe(grow);
  // network is granted, so http_request passes the capability check and reaches the
  // host list (empty here): refused as not allowed, not as not capable of network.
  CallResult http = p->execute(action("http", R"({"url":"http://example.invalid/"})"));
  EXPECT_EQ(http.code, -76) << describe(http);
  EXPECT_EQ(rec.count_logs({"capability \"network\" is not granted"}), 0u) << rec.all_logs();
  EXPECT_EQ(rec.count_logs({"http_request denied", "example.invalid", "network.hosts"}), 1u) << rec.all_logs();
}

// A plugin that never returns is stopped at its 1 ms deadline, and the plugin works again.
TEST(SeedIntegration, test_wasm_plugin_execution_timeout) {
  Recorder rec;
  auto p = load_probe(rec);  // loading and init under the defaults (wasi-libc's start-up
  ASSERT_TRUE(p);            // is not a 1 ms job on a loaded sanitizer build)
  PluginLimits one_ms;
  one_ms.timeout = std::chrono::milliseconds(1);
  one_ms.fuel = UINT64_MAX / 2;  // the deadline, not fuel, must stop it
  p->set_limits(one_ms);
  CallResult r = p->execute(action("loop"));
  EXPECT_EQ(r.status, CallResult::Status::Trapped) << describe(r);
  EXPECT_NE(r.message.find("deadline exceeded"), std::string::npos) << r.message;
  EXPECT_FALSE(p->has_instance());  // discarded after the trap
  // The next call runs on a fresh instance. (The limit is raised for it: 1 ms is not a
  // promise a loaded CI machine can keep for re-instantiation plus a call.)
  p->set_limits(PluginLimits{});
  CallResult next = p->execute(action("ok"));
  EXPECT_EQ(next.status, CallResult::Status::Ok) << describe(next);
  EXPECT_EQ(p->instantiations(), 2u);
}

TEST(SeedIntegration, test_wasm_plugin_with_velocity_context) {
  Recorder rec;
  WasmPluginOptions o;
  o.grants.add(Capability::Midi);
  auto p = load_probe(rec, o);
  ASSERT_TRUE(p);
  for (uint8_t v : {uint8_t{1}, uint8_t{64}, uint8_t{127}}) {
    ActionRequest req = action("velocity");
    req.context.velocity = v;
    CallResult r = p->execute(req);
    // The probe returns the velocity it parsed and sends it back as a note-on.
    EXPECT_EQ(r.code, v) << describe(r);
    ASSERT_FALSE(rec.midi.empty());
    EXPECT_EQ(rec.midi.back(), (std::vector<uint8_t>{0x90, 60, v}));
  }
  EXPECT_EQ(rec.midi.size(), 3u);
}

TEST(SeedIntegration, test_wasm_plugin_metadata_retrieval) {
  Recorder rec;
  auto p = load_wasm_plugin(probe_bytes(), options_for(rec));
  ASSERT_TRUE(p.ok()) << p.error();
  // None before init: loading runs no plugin function.
  EXPECT_FALSE((*p)->initialized());
  EXPECT_TRUE((*p)->metadata().name.empty());
  EXPECT_TRUE((*p)->metadata().version.empty());
  ASSERT_TRUE((*p)->init().ok());
  const PluginMetadata& m = (*p)->metadata();
  EXPECT_TRUE((*p)->initialized());
  EXPECT_EQ(m.name, "probe");
  EXPECT_EQ(m.author, "midimon tests");
  EXPECT_EQ(m.license, "MIT");
  EXPECT_EQ(m.type, "action");
  EXPECT_TRUE(m.capabilities.has(Capability::Midi));
  EXPECT_TRUE(m.capabilities.has(Capability::Network));
  EXPECT_FALSE(m.capabilities.has(Capability::Filesystem));
  // What the plugin asks for is not a grant.
  EXPECT_TRUE((*p)->grants().empty());
}

TEST(SeedIntegration, test_wasm_config_defaults) {
  const PluginLimits d;
  EXPECT_EQ(d.max_memory_bytes, 128ull * 1024 * 1024);
  EXPECT_EQ(d.timeout, std::chrono::seconds(5));
  EXPECT_EQ(d.fuel, 100'000'000u);
  const WasmPluginOptions o;
  EXPECT_TRUE(o.grants.empty());
  Recorder rec;
  auto p = load_probe(rec);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->limits().max_memory_bytes, 128ull << 20);
  EXPECT_EQ(p->limits().timeout, std::chrono::milliseconds(5000));
  EXPECT_EQ(p->limits().fuel, 100'000'000u);
  EXPECT_TRUE(p->grants().empty());
  EXPECT_EQ(p->grants().to_string(), "none");
}

}  // namespace
}  // namespace midimon::plugin::test
