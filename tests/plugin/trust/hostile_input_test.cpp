// Malformed and hostile files: every one is a clear error, never a crash or a hang.
#include <gtest/gtest.h>

#include "plugin/grant_store.h"
#include "plugin/manifest.h"
#include "plugin/plugin_verify.h"
#include "plugin/signature.h"
#include "plugin/trust_store.h"
#include "temp_dir.h"

namespace midimon::plugin {
namespace {

using test::TempDir;
using test::write_file;

const char* kManifest = R"([plugin]
name = "p"
version = "1"
description = "d"
author = "a"
license = "MIT"
binary = "p.wasm"
sha256 = "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789"
[plugin.capabilities]
midi = true
[plugin.network]
hosts = ["a.example"]
[plugin.limits]
fuel = 10
[plugin.config]
x = { y = [1, 2, { z = "w" }] }
)";

TEST(HostileInput, EveryPrefixOfAManifestParsesOrFailsWithAPosition) {
  std::string text = kManifest;
  int failures = 0;
  for (size_t n = 0; n < text.size(); ++n) {
    auto m = parse_manifest(std::string_view(text).substr(0, n), "/h/plugin.toml");
    if (!m.ok()) {
      ++failures;
      EXPECT_EQ(m.error().rfind("/h/plugin.toml:", 0), 0u) << "prefix " << n << ": " << m.error();
    }
  }
  EXPECT_GT(failures, 0);
  EXPECT_TRUE(parse_manifest(text, "/h/plugin.toml").ok());
}

TEST(HostileInput, InvalidUtf8AndNulInAManifest) {
  auto bad_utf8 = parse_manifest("[plugin]\nname = \"\xff\xfe\"\n", "/h/plugin.toml");
  ASSERT_FALSE(bad_utf8.ok());
  EXPECT_EQ(bad_utf8.error().rfind("/h/plugin.toml:2:", 0), 0u) << bad_utf8.error();
  auto nul = parse_manifest(std::string("[plugin]\nname = \"a\0b\"\n", 22), "/h/plugin.toml");
  ASSERT_FALSE(nul.ok());
  EXPECT_EQ(nul.error().rfind("/h/plugin.toml:2:", 0), 0u) << nul.error();
}

TEST(HostileInput, DeeplyNestedConfigIsRefusedByTheParser) {
  std::string text = std::string(kManifest) + "deep = " + std::string(5000, '[') + std::string(5000, ']') + "\n";
  auto m = parse_manifest(text, "/h/plugin.toml");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().rfind("/h/plugin.toml:17:", 0), 0u) << m.error();
}

TEST(HostileInput, OversizedManifestIsNotRead) {
  TempDir dir;
  write_file(dir / "plugin.toml", std::string(kManifest) + "# " + std::string(2 << 20, 'x') + "\n");
  auto m = load_manifest(dir / "plugin.toml");
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error(), (dir / "plugin.toml").string() + ": larger than 1048576 bytes; refusing to read it");
}

TEST(HostileInput, SignatureFilesThatAreNotSignatures) {
  TempDir dir;
  auto bin = dir / "p.wasm";
  write_file(bin, test::tiny_wasm());
  TrustStore trust;
  auto reason = [&](std::string content) {
    write_file(signature_path_for(bin), content);
    LoadCheck c = check_before_load(bin, std::nullopt, SignaturePolicy{}, trust);
    EXPECT_FALSE(c.allowed);
    EXPECT_EQ(c.signature.state, SignatureStatus::State::Invalid);
    return c.signature.reason;
  };
  std::string sig = signature_path_for(bin).string();
  EXPECT_EQ(reason(""), sig + ": not valid JSON (at byte 1)");
  EXPECT_EQ(reason("[1, 2]"), sig + ": a signature file must be a JSON object");
  EXPECT_EQ(reason("{}"), sig + ": missing field \"version\"");
  EXPECT_EQ(reason("{\"version\": \"1\"}"), sig + ": field \"version\" must be an integer");
  EXPECT_EQ(reason("{\"version\": 1}"), sig + ": missing field \"algorithm\"");
  EXPECT_EQ(reason(std::string(200000, '[')), sig + ": not valid JSON (at byte 200001)");
  EXPECT_EQ(reason(std::string(2 << 20, ' ')),
            sig + ": larger than 1048576 bytes; refusing to read it");
  EXPECT_EQ(reason("{\"version\": 1, \"algorithm\": \"Ed25519\", \"plugin_size\": 8, \"plugin_hash\": \"\","
                   " \"public_key\": \"\", \"signature\": \"\", \"signed_at\": \"\", \"developer\": \"me\"}"),
            sig + ": field \"developer\" must be an object");
}

TEST(HostileInput, ASignatureThatIsADirectoryIsInvalidNotACrash) {
  TempDir dir;
  auto bin = dir / "p.wasm";
  write_file(bin, test::tiny_wasm());
  std::filesystem::create_directories(signature_path_for(bin));
  TrustStore trust;
  LoadCheck c = check_before_load(bin, std::nullopt, SignaturePolicy{}, trust);
  EXPECT_FALSE(c.allowed);
  EXPECT_EQ(c.signature.state, SignatureStatus::State::Invalid);
  EXPECT_NE(c.signature.reason.find(signature_path_for(bin).string()), std::string::npos)
      << c.signature.reason;
}

TEST(HostileInput, MissingBinaryIsARefusalNotACrash) {
  TempDir dir;
  TrustStore trust;
  LoadCheck c = check_before_load(dir / "gone.wasm", std::nullopt, SignaturePolicy{}, trust);
  EXPECT_FALSE(c.allowed);
  EXPECT_EQ(c.refusal.rfind((dir / "gone.wasm").string() + ": cannot open for reading", 0), 0u) << c.refusal;
}

}  // namespace
}  // namespace midimon::plugin
