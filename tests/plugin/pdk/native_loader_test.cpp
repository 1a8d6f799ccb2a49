// The native plugin loader (src/plugin/native_plugin.h) against .so fixtures built from
// fixtures/native_fixture.c with one defect each, and the example plugin native-hello:
// every defect is a load error naming the file and the problem; the host table checks
// the grants like the WASM host functions do.
#include "plugin/native_plugin.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "recording_host_services.h"

namespace {

namespace fs = std::filesystem;
using midimon::plugin::ActionRequest;
using midimon::plugin::CallResult;
using midimon::plugin::Capability;
using midimon::plugin::CapabilitySet;
using midimon::plugin::LogLevel;
using midimon::plugin::load_native_plugin;
using midimon::plugin::test::RecordingHostServices;

const fs::path kFixtures = MIDIMON_NATIVE_FIXTURE_DIR;
const fs::path kPlugins = MIDIMON_EXAMPLE_PLUGINS_DIR;

fs::path fixture(const std::string& name) { return kFixtures / ("libnative_fixture_" + name + ".so"); }

CapabilitySet grants(std::initializer_list<Capability> caps) {
  CapabilitySet s;
  for (Capability c : caps) s.add(c);
  return s;
}

ActionRequest action(const std::string& name) {
  ActionRequest r;
  r.action = name;
  return r;
}

// The load error for `name`; fails the test if it loaded.
std::string load_error(const std::string& name) {
  RecordingHostServices host;
  auto loaded = load_native_plugin(fixture(name), &host, {});
  EXPECT_FALSE(loaded.ok()) << name << " loaded";
  return loaded.ok() ? std::string() : loaded.error();
}

TEST(PdkNativeLoader, GoodFixtureLoadsWithItsMetadata) {
  RecordingHostServices host;
  auto loaded = load_native_plugin(fixture("good"), &host, {});
  ASSERT_TRUE(loaded.ok()) << loaded.error();
  auto& plugin = **loaded;
  EXPECT_EQ(plugin.kind(), midimon::plugin::PluginKind::Native);
  EXPECT_EQ(plugin.metadata().name, "fixture");
  EXPECT_EQ(plugin.metadata().version, "1.2.3");
  EXPECT_EQ(plugin.metadata().license, "MIT");
  EXPECT_TRUE(plugin.metadata().capabilities.has(Capability::Midi));
  EXPECT_EQ(plugin.execute(action("unknown")).code, 3);
}

TEST(PdkNativeLoader, ShutdownRunsWhenThePluginIsDestroyed) {
  RecordingHostServices host;
  {
    auto loaded = load_native_plugin(fixture("good"), &host, {});
    ASSERT_TRUE(loaded.ok()) << loaded.error();
    EXPECT_FALSE(host.logged("shutdown"));
  }
  EXPECT_TRUE(host.logged("shutdown"));
}

TEST(PdkNativeLoader, MissingFileNamesTheFileAndDlerror) {
  RecordingHostServices host;
  auto loaded = load_native_plugin(kFixtures / "no-such-plugin.so", &host, {});
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.error().find("no-such-plugin.so"), std::string::npos) << loaded.error();
  EXPECT_NE(loaded.error().find("cannot be loaded"), std::string::npos) << loaded.error();
  EXPECT_NE(loaded.error().find("No such file"), std::string::npos) << loaded.error();
}

TEST(PdkNativeLoader, NotASharedLibraryIsALoadError) {
  RecordingHostServices host;
  auto loaded = load_native_plugin(kPlugins / "minimal" / "minimal.wasm", &host, {});
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.error().find("minimal.wasm: cannot be loaded"), std::string::npos) << loaded.error();
}

TEST(PdkNativeLoader, MissingEntrySymbol) {
  const std::string e = load_error("no_entry");
  EXPECT_NE(e.find("libnative_fixture_no_entry.so"), std::string::npos) << e;
  EXPECT_NE(e.find("has no entry point midimon_native_plugin_entry"), std::string::npos) << e;
  EXPECT_NE(e.find("undefined symbol"), std::string::npos) << e;  // dlerror's text
}

TEST(PdkNativeLoader, NullTableMeansTheHostVersionWasRefused) {
  const std::string e = load_error("null_table");
  EXPECT_NE(e.find("refused host ABI version 1"), std::string::npos) << e;
}

TEST(PdkNativeLoader, VersionMismatch) {
  const std::string e = load_error("abi_v2");
  EXPECT_NE(e.find("built for native ABI version 2, this midimon speaks version 1"), std::string::npos) << e;
}

TEST(PdkNativeLoader, TableSmallerThanTheAbiSays) {
  const std::string e = load_error("small_table");
  EXPECT_NE(e.find("plugin table is 8 bytes"), std::string::npos) << e;
}

TEST(PdkNativeLoader, MissingFunctionPointer) {
  const std::string e = load_error("missing_execute");
  EXPECT_NE(e.find("plugin table has no execute function"), std::string::npos) << e;
}

TEST(PdkNativeLoader, MetadataThatIsNotJson) {
  const std::string e = load_error("bad_metadata");
  EXPECT_NE(e.find("libnative_fixture_bad_metadata.so"), std::string::npos) << e;
  EXPECT_NE(e.find("metadata"), std::string::npos) << e;
}

TEST(PdkNativeLoader, MetadataMissingARequiredField) {
  const std::string e = load_error("metadata_no_license");
  EXPECT_NE(e.find("license"), std::string::npos) << e;
}

TEST(PdkNativeLoader, NullMetadata) {
  const std::string e = load_error("null_metadata");
  EXPECT_NE(e.find("metadata() returned a null pointer"), std::string::npos) << e;
}

TEST(PdkNativeLoader, InitFailure) {
  const std::string e = load_error("init_fails");
  EXPECT_NE(e.find("init() returned 7"), std::string::npos) << e;
}

TEST(PdkNativeLoader, SendMidiNeedsTheMidiGrant) {
  RecordingHostServices host;
  auto loaded = load_native_plugin(fixture("good"), &host, {});
  ASSERT_TRUE(loaded.ok()) << loaded.error();
  auto& plugin = **loaded;
  EXPECT_EQ(plugin.execute(action("note")).code, 76);  // -76: not capable
  EXPECT_TRUE(host.midi.empty());
  EXPECT_TRUE(host.logged("send_midi denied: capability \"midi\" is not granted"));

  plugin.set_grants(grants({Capability::Midi}));
  CallResult r = plugin.execute(action("note"));
  EXPECT_TRUE(r.ok()) << r.code;
  ASSERT_EQ(host.midi.size(), 1u);
  EXPECT_EQ(host.midi[0], (std::vector<uint8_t>{0x90, 0x3c, 0x64}));

  plugin.set_grants({});  // a revoke counts at the next call
  EXPECT_EQ(plugin.execute(action("note")).code, 76);
  EXPECT_EQ(host.midi.size(), 1u);
}

TEST(PdkNativeLoader, RunningStatusIsRefused) {
  RecordingHostServices host;
  auto loaded = load_native_plugin(fixture("good"), &host, grants({Capability::Midi}));
  ASSERT_TRUE(loaded.ok()) << loaded.error();
  EXPECT_EQ((*loaded)->execute(action("running")).code, 28);  // -28: malformed
  EXPECT_TRUE(host.midi.empty());
}

TEST(PdkNativeLoader, RequestActionNeedsSystemControlOrAudio) {
  RecordingHostServices host;
  auto loaded = load_native_plugin(fixture("good"), &host, {});
  ASSERT_TRUE(loaded.ok()) << loaded.error();
  auto& plugin = **loaded;
  EXPECT_EQ(plugin.execute(action("keystroke")).code, 76);
  EXPECT_EQ(plugin.execute(action("volume")).code, 76);
  EXPECT_TRUE(host.actions.empty());

  plugin.set_grants(grants({Capability::Audio}));
  EXPECT_EQ(plugin.execute(action("keystroke")).code, 76);
  EXPECT_TRUE(plugin.execute(action("volume")).ok());
  plugin.set_grants(grants({Capability::SystemControl}));
  EXPECT_TRUE(plugin.execute(action("keystroke")).ok());
  ASSERT_EQ(host.actions.size(), 2u);
  EXPECT_NE(host.actions[0].find("VolumeControl"), std::string::npos);
  EXPECT_NE(host.actions[1].find("Keystroke"), std::string::npos);

  // Not an action plugins may request, and not JSON: -28 whatever the grants.
  plugin.set_grants(grants({Capability::SystemControl, Capability::Audio}));
  EXPECT_EQ(plugin.execute(action("shell")).code, 28);
  EXPECT_EQ(plugin.execute(action("garbage")).code, 28);
  EXPECT_EQ(host.actions.size(), 2u);
}

TEST(PdkNativeLoader, OutputAndLogReachTheHostTaggedWithTheName) {
  RecordingHostServices host;
  auto loaded = load_native_plugin(fixture("good"), &host, {});
  ASSERT_TRUE(loaded.ok()) << loaded.error();
  EXPECT_TRUE((*loaded)->execute(action("print")).ok());
  EXPECT_EQ(host.out, "printed\n");
  EXPECT_EQ(host.err, "warned\n");
  ASSERT_FALSE(host.logs.empty());
  EXPECT_EQ(host.logs.back().plugin, "fixture");
  EXPECT_EQ(host.logs.back().level, LogLevel::Error);  // level 9 clamped
}

TEST(PdkNativeLoader, ExecuteReceivesTheSameRequestJsonAsWasm) {
  RecordingHostServices host;
  auto loaded = load_native_plugin(fixture("good"), &host, {});
  ASSERT_TRUE(loaded.ok()) << loaded.error();
  ActionRequest r = action("echo");
  r.context.velocity = 99;
  r.context.timestamp_ms = 1234;
  r.context.metadata["name"] = "Ada";
  r.params_json = R"({"url":"http://x/"})";
  EXPECT_TRUE((*loaded)->execute(r).ok());
  EXPECT_NE(host.out.find(R"("action":"echo")"), std::string::npos) << host.out;
  EXPECT_NE(host.out.find(R"("velocity":99)"), std::string::npos) << host.out;
  EXPECT_NE(host.out.find(R"("metadata":{"name":"Ada"})"), std::string::npos) << host.out;
  EXPECT_NE(host.out.find(R"("params":{"url":"http://x/"})"), std::string::npos) << host.out;
}

TEST(PdkNativeLoader, BadParamsAreAHostErrorNotACall) {
  RecordingHostServices host;
  auto loaded = load_native_plugin(fixture("good"), &host, {});
  ASSERT_TRUE(loaded.ok()) << loaded.error();
  ActionRequest r = action("echo");
  r.params_json = "[1, 2]";
  CallResult result = (*loaded)->execute(r);
  EXPECT_EQ(result.status, CallResult::Status::Error);
  EXPECT_TRUE(host.out.empty());
}

TEST(PdkNativeLoader, NativeHelloExampleGreetsAndSendsANote) {
  RecordingHostServices host;
  auto loaded = load_native_plugin(kPlugins / "native-hello" / "libnative-hello.so", &host,
                                   grants({Capability::Midi}));
  ASSERT_TRUE(loaded.ok()) << loaded.error();
  auto& plugin = **loaded;
  EXPECT_EQ(plugin.metadata().name, "native-hello");
  ActionRequest r = action("hello");
  r.context.velocity = 64;
  EXPECT_TRUE(plugin.execute(r).ok());
  EXPECT_TRUE(plugin.execute(r).ok());
  EXPECT_EQ(host.out,
            "hello from native-hello (velocity 64, call 1)\n"
            "hello from native-hello (velocity 64, call 2)\n");
  r.action = "note";
  r.context.note = 60;
  EXPECT_TRUE(plugin.execute(r).ok());
  ASSERT_EQ(host.midi.size(), 1u);
  EXPECT_EQ(host.midi[0], (std::vector<uint8_t>{0x90, 60, 64}));
  EXPECT_EQ(plugin.execute(action("nope")).code, 3);
}

}  // namespace
