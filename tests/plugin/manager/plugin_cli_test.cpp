// `midimon plugin ...` end to end: the built binary on the example plugins, with exit
// codes, stdout and stderr checked. HOME and the XDG dirs are a temporary directory.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <filesystem>

#include "plugin_cli_fixture.h"

namespace midimon::plugin {
namespace {

namespace fs = std::filesystem;
using testing::CliResult;
using testing::contains;

const fs::path kPlugins = testing::kExamplePlugins;

struct PluginCli : testing::PluginCliTest {};

// --- ABI v1 plugins written as MIDIMon's were: freestanding C with no imports ------------

TEST_F(PluginCli, ForeignAbiV1FreestandingCInfoReportsMetadata) {
  CliResult r = midimon({"plugin", "info", plugin("minimal")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "name: minimal\n")) << r.out;
  EXPECT_TRUE(contains(r.out, "version: 0.1.0\n")) << r.out;
  EXPECT_TRUE(contains(r.out, "license: MIT\n")) << r.out;
  EXPECT_TRUE(contains(r.out, "kind: wasm\n")) << r.out;
  EXPECT_TRUE(contains(r.out, "imports: none\n")) << r.out;
  EXPECT_TRUE(contains(r.out, "grants: none\n")) << r.out;
  EXPECT_TRUE(contains(r.out, "signature: unsigned")) << r.out;
  EXPECT_TRUE(contains(r.out, "limits: memory 128 MiB, timeout 5000 ms, fuel 100000000\n")) << r.out;
}

TEST_F(PluginCli, ForeignAbiV1FreestandingCCallSucceedsWithoutInput) {
  CliResult r = midimon({"plugin", "call", plugin("minimal"), "anything", "--velocity", "64"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "");
}

// --- ... and Rust with serde and WASI stdout ---------------------------------------------

TEST_F(PluginCli, ForeignAbiV1RustSerdeInfoReportsMetadataAndWasiImports) {
  CliResult r = midimon({"plugin", "info", plugin("rust-greeter")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(contains(r.out, "name: rust-greeter\n")) << r.out;
  EXPECT_TRUE(contains(r.out, "kind: wasm\n")) << r.out;
  EXPECT_TRUE(contains(r.out, "wasi_snapshot_preview1.fd_write: func (i32, i32, i32, i32) -> (i32), always allowed"))
      << r.out;
}

TEST_F(PluginCli, ForeignAbiV1RustSerdeReceivesActionVelocityAndParams) {
  CliResult r = midimon({"plugin", "call", plugin("rust-greeter"), "echo", "--velocity", "99", "--params",
                         R"({"name":"Ada","n":3})"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "action=echo velocity=99 params={\"n\":3,\"name\":\"Ada\"}\n");
}

TEST_F(PluginCli, ForeignAbiV1RustSerdeReadsMetadataFromParams) {
  CliResult r = midimon({"plugin", "call", plugin("rust-greeter"), "greet", "--params", R"({"name":"Ada"})"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "Hello, Ada!\n");
}

TEST_F(PluginCli, ForeignAbiV1RustSerdeStderrAndReturnCodeOnUnknownAction) {
  CliResult r = midimon({"plugin", "call", plugin("rust-greeter"), "dance"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_TRUE(contains(r.err, "rust-greeter: unknown action 'dance'")) << r.err;
  EXPECT_TRUE(contains(r.err, "plugin returned 3\n")) << r.err;
}

// --- call: context, effects, limits -----------------------------------------------------

TEST_F(PluginCli, CallTemplatePrintsContextItReceived) {
  CliResult r = midimon({"plugin", "call", plugin("template"), "describe", "--velocity", "127", "--note", "60",
                         "--mode", "2", "--params", R"({"k":"v"})"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "action=describe velocity=127 note=60 mode=2 params={\"k\":\"v\"}\n");
}

TEST_F(PluginCli, SendMidiIsPrintedInHexWhenGranted) {
  CliResult r = midimon({"plugin", "call", plugin("midi-echo"), "echo", "--note", "60", "--velocity", "100",
                         "--grant", "midi"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "send_midi: 90 3c 64\n");
}

TEST_F(PluginCli, SendMidiWithoutGrantIsDeniedAndLogged) {
  CliResult r = midimon({"plugin", "call", plugin("midi-echo"), "echo", "--note", "60"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_TRUE(contains(r.err, "[midi-echo]")) << r.err;
  EXPECT_TRUE(contains(r.err, "send_midi")) << r.err;
  EXPECT_TRUE(contains(r.err, "-76")) << r.err;
  EXPECT_TRUE(contains(r.err, "plugin returned 3\n")) << r.err;
}

TEST_F(PluginCli, FuelLimitTrapsWithExitOne) {
  // --fuel is the call's budget: loading and init ran under the default one.
  CliResult r = midimon({"plugin", "call", plugin("template"), "hello", "--fuel", "10"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_TRUE(r.err.rfind("trap: ") != std::string::npos && contains(r.err, "fuel exhausted\n")) << r.err;
  CliResult enough = midimon({"plugin", "call", plugin("template"), "hello", "--fuel", "1000000"});
  EXPECT_EQ(enough.exit_code, 0) << enough.err;
}

TEST_F(PluginCli, BadUsageIsExitTwoWithTheReason) {
  CliResult params = midimon({"plugin", "call", plugin("template"), "hello", "--params", "[1]"});
  EXPECT_EQ(params.exit_code, 2);
  EXPECT_TRUE(contains(params.err, "--params must be a JSON object")) << params.err;

  CliResult grant = midimon({"plugin", "call", plugin("template"), "hello", "--grant", "root"});
  EXPECT_EQ(grant.exit_code, 2);
  EXPECT_TRUE(contains(grant.err, "root")) << grant.err;

  CliResult missing = midimon({"plugin", "call", "no-such-plugin", "hello"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_TRUE(contains(missing.err, "no installed plugin named 'no-such-plugin'")) << missing.err;

  CliResult velocity = midimon({"plugin", "call", plugin("template"), "hello", "--velocity", "200"});
  EXPECT_EQ(velocity.exit_code, 2);
}

TEST_F(PluginCli, NotAPluginBinaryIsRefusedByItsMagicBytes) {
  const fs::path fake = midimon.home() / "fake.wasm";
  std::ofstream(fake) << "{ \"not\": \"wasm\" }";
  CliResult r = midimon({"plugin", "info", fake.string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "not a plugin binary")) << r.err;
}

// --- install, list, grants, enable/disable, remove --------------------------------------

TEST_F(PluginCli, InstallListGrantCallByNameAndRemove) {
  CliResult install = midimon({"plugin", "install", plugin("midi-echo")});
  ASSERT_EQ(install.exit_code, 0) << install.err;
  EXPECT_TRUE(fs::exists(midimon.data_home() / "midimon" / "plugins" / "midi-echo" / "plugin.toml"));
  CliResult again = midimon({"plugin", "install", plugin("midi-echo")});
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_TRUE(contains(again.err, "already installed")) << again.err;

  CliResult list = midimon({"plugin", "list"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_TRUE(contains(list.out, "midi-echo 0.1.0 [wasm] enabled, grants: none")) << list.out;

  EXPECT_EQ(midimon({"plugin", "call", "midi-echo", "x", "--note", "1"}).exit_code, 1);  // denied
  CliResult grant = midimon({"plugin", "grant", "midi-echo", "midi"});
  ASSERT_EQ(grant.exit_code, 0) << grant.err;
  EXPECT_EQ(grant.out, "midi-echo: grants: midi\n");
  CliResult call = midimon({"plugin", "call", "midi-echo", "x", "--note", "1", "--velocity", "2"});
  EXPECT_EQ(call.exit_code, 0) << call.err;
  EXPECT_EQ(call.out, "send_midi: 90 01 02\n");
  EXPECT_TRUE(contains(midimon({"plugin", "info", "midi-echo"}).out, "send_midi: func (i32, i32) -> (i32), needs midi (granted)"));

  ASSERT_EQ(midimon({"plugin", "revoke", "midi-echo", "all"}).exit_code, 0);
  EXPECT_EQ(midimon({"plugin", "call", "midi-echo", "x", "--note", "1"}).exit_code, 1);  // denied again

  ASSERT_EQ(midimon({"plugin", "disable", "midi-echo"}).exit_code, 0);
  EXPECT_TRUE(contains(midimon({"plugin", "list"}).out, "midi-echo 0.1.0 [wasm] disabled")) << midimon({"plugin", "list"}).out;
  ASSERT_EQ(midimon({"plugin", "enable", "midi-echo"}).exit_code, 0);
  EXPECT_TRUE(contains(midimon({"plugin", "list"}).out, "midi-echo 0.1.0 [wasm] enabled"));

  CliResult remove = midimon({"plugin", "remove", "midi-echo"});
  ASSERT_EQ(remove.exit_code, 0) << remove.err;
  EXPECT_FALSE(fs::exists(midimon.data_home() / "midimon" / "plugins" / "midi-echo"));
  EXPECT_EQ(midimon({"plugin", "remove", "midi-echo"}).exit_code, 2);
}

TEST_F(PluginCli, GrantOfAnUnknownCapabilityIsRefused) {
  CliResult r = midimon({"plugin", "grant", "x", "root"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "root")) << r.err;
}

// --- keygen, sign, verify, trust ----------------------------------------------------------

TEST_F(PluginCli, SigningRoundTripUntrustedTrustedTampered) {
  const fs::path dir = midimon.home() / "signed";
  fs::create_directories(dir);
  fs::copy_file(kPlugins / "template" / "template.wasm", dir / "template.wasm");
  const std::string key = (midimon.home() / "dev.key").string();
  CliResult keygen = midimon({"plugin", "keygen", key, "--name", "Ada", "--email", "ada@example.org"});
  ASSERT_EQ(keygen.exit_code, 0) << keygen.err;
  struct stat st {};
  ASSERT_EQ(::stat(key.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  const std::string binary = (dir / "template.wasm").string();
  CliResult sign = midimon({"plugin", "sign", binary, "--key", key});
  ASSERT_EQ(sign.exit_code, 0) << sign.err;
  EXPECT_TRUE(fs::exists(binary + ".sig"));

  CliResult untrusted = midimon({"plugin", "verify", binary});
  EXPECT_EQ(untrusted.exit_code, 1) << untrusted.out;
  EXPECT_EQ(midimon({"plugin", "info", binary}).exit_code, 2);  // refused at load too

  CliResult trust = midimon({"plugin", "trust", "add", key + ".pub", "--name", "Ada"});
  ASSERT_EQ(trust.exit_code, 0) << trust.err;
  EXPECT_TRUE(contains(midimon({"plugin", "trust", "list"}).out, "Ada")) ;
  CliResult ok = midimon({"plugin", "verify", binary});
  EXPECT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  CliResult info = midimon({"plugin", "info", binary});
  EXPECT_EQ(info.exit_code, 0) << info.err;
  EXPECT_TRUE(contains(info.out, "signature: valid")) << info.out;

  std::ofstream(binary, std::ios::app) << "x";  // tamper
  CliResult tampered = midimon({"plugin", "verify", binary});
  EXPECT_EQ(tampered.exit_code, 1);
  EXPECT_EQ(midimon({"plugin", "call", binary, "hello"}).exit_code, 2);

  CliResult untrust = midimon({"plugin", "trust", "remove", "Ada"});
  EXPECT_EQ(untrust.exit_code, 0) << untrust.err;
}

TEST_F(PluginCli, WorldReadablePrivateKeyIsRefused) {
  const std::string key = (midimon.home() / "k.key").string();
  ASSERT_EQ(midimon({"plugin", "keygen", key}).exit_code, 0);
  ::chmod(key.c_str(), 0644);
  CliResult r = midimon({"plugin", "sign", (kPlugins / "minimal" / "minimal.wasm").string(), "--key", key});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, key)) << r.err;
}

TEST_F(PluginCli, UnsignedPluginVerifiesOnlyWhenNotRequired) {
  const std::string binary = (kPlugins / "minimal" / "minimal.wasm").string();
  EXPECT_EQ(midimon({"plugin", "verify", binary}).exit_code, 0);
  EXPECT_EQ(midimon({"plugin", "verify", "--require", binary}).exit_code, 1);
}

// --- plugin new ---------------------------------------------------------------------------

// The C scaffold builds with its one command and passes `plugin call` out of the box (the
// Rust scaffold's build is tested by tests/plugin/pdk; it costs half a minute of CPU).
TEST_F(PluginCli, NewCPluginBuildsAndAnswersHello) {
  const fs::path dir = midimon.home() / "work" / "my-plugin";
  CliResult made = midimon({"plugin", "new", "my-plugin", "--dir", dir.string()});
  ASSERT_EQ(made.exit_code, 0) << made.err;
  CliResult build = testing::run_program({(dir / "build.sh").string()}, {"PATH=/usr/bin:/bin"}, midimon.home() / "scratch");
  ASSERT_EQ(build.exit_code, 0) << build.out << build.err;
  CliResult call = midimon({"plugin", "call", dir.string(), "hello", "--velocity", "7"});
  EXPECT_EQ(call.exit_code, 0) << call.err;
  EXPECT_TRUE(contains(call.out, "hello from my-plugin")) << call.out;
  CliResult info = midimon({"plugin", "info", dir.string()});
  EXPECT_EQ(info.exit_code, 0) << info.err;
  EXPECT_TRUE(contains(info.out, "name: my-plugin\n")) << info.out;
}

TEST_F(PluginCli, NewRefusesABadNameOrLanguageOrAnExistingDirectory) {
  EXPECT_EQ(midimon({"plugin", "new", "1bad", "--dir", (midimon.home() / "a").string()}).exit_code, 2);
  EXPECT_EQ(midimon({"plugin", "new", "ok", "--lang", "cobol"}).exit_code, 2);
  const fs::path dir = midimon.home() / "taken";
  fs::create_directories(dir);
  std::ofstream(dir / "keep.txt") << "mine";
  CliResult r = midimon({"plugin", "new", "taken", "--dir", dir.string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(testing::slurp(dir / "keep.txt"), "mine");
}

}  // namespace
}  // namespace midimon::plugin
