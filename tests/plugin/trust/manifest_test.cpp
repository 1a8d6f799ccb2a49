#include "plugin/manifest.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "temp_dir.h"

namespace midimon::plugin {
namespace {

const char* kFull = R"(# a full manifest
[plugin]
name = "webhook"
version = "1.2.0"
description = "Posts to a webhook"
author = "Ada"
license = "MIT"
homepage = "https://example.org"
type = "trigger"
binary = "./bin/webhook.wasm"
sha256 = "ABCDEF0123456789abcdef0123456789ABCDEF0123456789abcdef0123456789"

[plugin.capabilities]
network = true
system_control = true
midi = false

[plugin.network]
hosts = ["API.example.com", "localhost:8080", "[::1]:9000"]

[plugin.limits]
max_memory_mb = 64
timeout_ms = 3000
fuel = 5000000

[plugin.config]
url = "https://api.example.com/hook"
retries = 3
ratio = 0.5
tags = ["a", "b"]
nested = { on = true }
)";

// The manifest with one line replaced, to test errors at known positions.
std::string minimal_with(std::string_view extra) {
  return std::string("[plugin]\nname = \"p\"\nversion = \"1\"\ndescription = \"d\"\nauthor = \"a\"\n"
                     "license = \"MIT\"\nbinary = \"p.wasm\"\n") +
         std::string(extra);
}

std::string error_of(std::string_view text) {
  auto m = parse_manifest(text, "/x/plugin.toml");
  EXPECT_FALSE(m.ok()) << "expected an error for:\n" << text;
  return m.ok() ? std::string() : m.error();
}

TEST(Manifest, FullManifestParses) {
  auto m = parse_manifest(kFull, "/plugins/webhook/plugin.toml");
  ASSERT_TRUE(m.ok()) << m.error();
  EXPECT_EQ(m->name, "webhook");
  EXPECT_EQ(m->version, "1.2.0");
  EXPECT_EQ(m->description, "Posts to a webhook");
  EXPECT_EQ(m->author, "Ada");
  EXPECT_EQ(m->license, "MIT");
  EXPECT_EQ(m->homepage, "https://example.org");
  EXPECT_EQ(m->type, "trigger");
  EXPECT_EQ(m->binary, std::filesystem::path("bin/webhook.wasm"));
  EXPECT_EQ(m->dir, std::filesystem::path("/plugins/webhook"));
  EXPECT_EQ(m->file, std::filesystem::path("/plugins/webhook/plugin.toml"));
  EXPECT_EQ(m->binary_path(), std::filesystem::path("/plugins/webhook/bin/webhook.wasm"));
  ASSERT_TRUE(m->sha256.has_value());
  EXPECT_EQ(*m->sha256, "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789");
  EXPECT_TRUE(m->capabilities.has(Capability::Network));
  EXPECT_TRUE(m->capabilities.has(Capability::SystemControl));
  EXPECT_FALSE(m->capabilities.has(Capability::Midi));
  EXPECT_EQ(m->capabilities.list().size(), 2u);
  EXPECT_EQ(m->network_hosts,
            (std::vector<std::string>{"api.example.com", "localhost:8080", "[::1]:9000"}));
  EXPECT_EQ(m->limits.max_memory_bytes, 64ull << 20);
  EXPECT_EQ(m->limits.timeout, std::chrono::milliseconds(3000));
  EXPECT_EQ(m->limits.fuel, 5000000u);
  auto config = nlohmann::json::parse(m->config_json);
  EXPECT_EQ(config["url"], "https://api.example.com/hook");
  EXPECT_EQ(config["retries"], 3);
  EXPECT_DOUBLE_EQ(config["ratio"].get<double>(), 0.5);
  EXPECT_EQ(config["tags"], nlohmann::json::array({"a", "b"}));
  EXPECT_EQ(config["nested"]["on"], true);
}

TEST(Manifest, MinimalManifestGetsDefaults) {
  auto m = parse_manifest(minimal_with(""), "/d/plugin.toml");
  ASSERT_TRUE(m.ok()) << m.error();
  EXPECT_EQ(m->type, "action");
  EXPECT_EQ(m->homepage, "");
  EXPECT_TRUE(m->capabilities.empty());
  EXPECT_FALSE(m->sha256.has_value());
  EXPECT_TRUE(m->network_hosts.empty());
  EXPECT_EQ(m->config_json, "{}");
  PluginLimits fallback;
  fallback.fuel = 7;
  PluginLimits limits = m->limits.over(fallback);
  EXPECT_EQ(limits.fuel, 7u);
  EXPECT_EQ(limits.max_memory_bytes, 128ull << 20);
  EXPECT_EQ(limits.timeout, std::chrono::milliseconds(5000));
}

TEST(Manifest, ManifestLimitsOverrideFallback) {
  auto m = parse_manifest(minimal_with("[plugin.limits]\nmax_memory_bytes = 131072\n"), "/d/plugin.toml");
  ASSERT_TRUE(m.ok()) << m.error();
  PluginLimits limits = m->limits.over(PluginLimits{});
  EXPECT_EQ(limits.max_memory_bytes, 131072u);
  EXPECT_EQ(limits.fuel, 100'000'000u);
}

TEST(Manifest, MidimonSchemaExampleParses) {
  // plugin-abi.md's example, verbatim apart from the placeholder description.
  const char* text = R"([plugin]
name = "example"          # required
version = "0.1.0"         # required
description = "..."       # required
author = "..."            # required
license = "MIT"           # required
homepage = "..."          # optional
type = "action"           # or "trigger"
binary = "example.wasm"   # path relative to the plugin's directory
[plugin.capabilities]     # booleans, default false
network = false
filesystem = false
audio = false
midi = false
subprocess = false
system_control = false
)";
  auto m = parse_manifest(text, "/p/example/plugin.toml");
  ASSERT_TRUE(m.ok()) << m.error();
  EXPECT_EQ(m->name, "example");
  EXPECT_TRUE(m->capabilities.empty());
}

TEST(Manifest, SyntaxErrorHasLineAndColumn) {
  std::string e = error_of("[plugin]\nname = \"p\nversion = 1\n");
  EXPECT_EQ(e.rfind("/x/plugin.toml:2:", 0), 0u) << e;
}

TEST(Manifest, MissingPluginTable) {
  EXPECT_EQ(error_of("# nothing\n"), "/x/plugin.toml:1:1: the manifest has no [plugin] table");
}

TEST(Manifest, PluginMustBeATable) {
  EXPECT_EQ(error_of("plugin = 3\n"), "/x/plugin.toml:1:10: plugin must be a table, not an integer");
}

TEST(Manifest, UnknownTopLevelKey) {
  EXPECT_EQ(error_of(minimal_with("") + "[other]\nx = 1\n"),
            "/x/plugin.toml:8:2: unknown top-level key \"other\"; a manifest has only the [plugin] table");
}

TEST(Manifest, UnknownKeyInPlugin) {
  std::string e = error_of(minimal_with("colour = \"red\"\n"));
  EXPECT_EQ(e.rfind("/x/plugin.toml:8:1: unknown key \"colour\" in [plugin]; expected one of: name,", 0), 0u) << e;
}

TEST(Manifest, MissingRequiredKeyPointsAtTheTable) {
  EXPECT_EQ(error_of("\n[plugin]\nname = \"p\"\nversion = \"1\"\ndescription = \"d\"\nauthor = \"a\"\n"
                     "binary = \"p.wasm\"\n"),
            "/x/plugin.toml:2:1: [plugin] is missing the required key \"license\"");
  EXPECT_EQ(error_of("[plugin]\nname = \"p\"\nversion = \"1\"\ndescription = \"d\"\nauthor = \"a\"\n"
                     "license = \"MIT\"\n"),
            "/x/plugin.toml:1:1: [plugin] is missing the required key \"binary\"");
}

TEST(Manifest, WrongTypeOfRequiredKey) {
  EXPECT_EQ(error_of("[plugin]\nname = \"p\"\nversion = 1\n"),
            "/x/plugin.toml:3:11: version must be a string, not an integer");
}

TEST(Manifest, EmptyRequiredString) {
  EXPECT_EQ(error_of("[plugin]\nname = \"p\"\nversion = \"\"\n"),
            "/x/plugin.toml:3:11: version must not be empty");
}

TEST(Manifest, InvalidName) {
  std::string e = error_of("[plugin]\nname = \"../evil\"\nversion = \"1\"\ndescription = \"d\"\n"
                           "author = \"a\"\nlicense = \"MIT\"\nbinary = \"p.wasm\"\n");
  EXPECT_EQ(e.rfind("/x/plugin.toml:2:8: name \"../evil\" is not a valid plugin name", 0), 0u) << e;
}

TEST(Manifest, BadType) {
  EXPECT_EQ(error_of(minimal_with("type = \"filter\"\n")),
            "/x/plugin.toml:8:8: type must be \"action\" or \"trigger\", not \"filter\"");
}

TEST(Manifest, BinaryMayNotEscapeTheDirectory) {
  auto with_binary = [](std::string_view b) {
    return "[plugin]\nname = \"p\"\nversion = \"1\"\ndescription = \"d\"\nauthor = \"a\"\n"
           "license = \"MIT\"\nbinary = \"" + std::string(b) + "\"\n";
  };
  EXPECT_EQ(error_of(with_binary("../other/p.wasm")),
            "/x/plugin.toml:7:10: binary \"../other/p.wasm\" contains \"..\"; it must stay inside "
            "the plugin's directory");
  EXPECT_EQ(error_of(with_binary("bin/../../p.wasm")),
            "/x/plugin.toml:7:10: binary \"bin/../../p.wasm\" contains \"..\"; it must stay inside "
            "the plugin's directory");
  EXPECT_EQ(error_of(with_binary("/usr/lib/evil.so")),
            "/x/plugin.toml:7:10: binary \"/usr/lib/evil.so\" is an absolute path; it must be "
            "relative to the plugin's directory");
  EXPECT_EQ(error_of(with_binary("./")), "/x/plugin.toml:7:10: binary \"./\" does not name a file");
  EXPECT_EQ(error_of(with_binary("")), "/x/plugin.toml:7:10: binary must not be empty");
}

TEST(Manifest, Sha256MustBeHex) {
  EXPECT_EQ(error_of(minimal_with("sha256 = \"abc\"\n")),
            "/x/plugin.toml:8:10: sha256 must be 64 hexadecimal digits (the SHA-256 of the binary), "
            "got \"abc\"");
  EXPECT_EQ(error_of(minimal_with("sha256 = 12\n")),
            "/x/plugin.toml:8:10: sha256 must be a string, not an integer");
}

TEST(Manifest, UnknownCapability) {
  std::string e = error_of(minimal_with("[plugin.capabilities]\nteleport = true\n"));
  EXPECT_EQ(e.rfind("/x/plugin.toml:9:1: unknown capability \"teleport\" in [plugin.capabilities]", 0), 0u) << e;
}

TEST(Manifest, CapabilityMustBeBoolean) {
  EXPECT_EQ(error_of(minimal_with("[plugin.capabilities]\nmidi = \"yes\"\n")),
            "/x/plugin.toml:9:8: midi must be a boolean, not a string");
}

TEST(Manifest, CapabilitiesMustBeATable) {
  EXPECT_EQ(error_of(minimal_with("capabilities = [\"midi\"]\n")),
            "/x/plugin.toml:8:16: plugin.capabilities must be a table, not an array");
}

TEST(Manifest, NetworkHosts) {
  EXPECT_EQ(error_of(minimal_with("[plugin.network]\nhosts = \"a.com\"\n")),
            "/x/plugin.toml:9:9: hosts must be an array of strings, not a string");
  EXPECT_EQ(error_of(minimal_with("[plugin.network]\nhosts = [\"a.com\", 7]\n")),
            "/x/plugin.toml:9:19: each entry of hosts must be a string, not an integer");
  std::string e = error_of(minimal_with("[plugin.network]\nhosts = [\"https://a.com/x\"]\n"));
  EXPECT_EQ(e.rfind("/x/plugin.toml:9:10: \"https://a.com/x\" is not a host name", 0), 0u) << e;
  e = error_of(minimal_with("[plugin.network]\nhosts = [\"a.com:99999\"]\n"));
  EXPECT_EQ(e.rfind("/x/plugin.toml:9:10: \"a.com:99999\" is not a host name", 0), 0u) << e;
  e = error_of(minimal_with("[plugin.network]\nhosts = [\"*.a.com\"]\n"));
  EXPECT_EQ(e.rfind("/x/plugin.toml:9:10: \"*.a.com\" is not a host name", 0), 0u) << e;
  e = error_of(minimal_with("[plugin.network]\nallow = []\n"));
  EXPECT_EQ(e, "/x/plugin.toml:9:1: unknown key \"allow\" in [plugin.network]; expected one of: hosts");
}

TEST(Manifest, Limits) {
  EXPECT_EQ(error_of(minimal_with("[plugin.limits]\ntimeout_ms = 0\n")),
            "/x/plugin.toml:9:14: timeout_ms = 0 is out of range; it must be between 1 and 600000");
  EXPECT_EQ(error_of(minimal_with("[plugin.limits]\nfuel = -5\n")),
            "/x/plugin.toml:9:8: fuel = -5 is out of range; it must be between 1 and 1125899906842624");
  EXPECT_EQ(error_of(minimal_with("[plugin.limits]\nmax_memory_mb = 8192\n")),
            "/x/plugin.toml:9:17: max_memory_mb = 8192 is out of range; it must be between 1 and 4096");
  EXPECT_EQ(error_of(minimal_with("[plugin.limits]\nmax_memory_mb = 1\nmax_memory_bytes = 65536\n")),
            "/x/plugin.toml:10:20: give max_memory_mb or max_memory_bytes, not both");
  EXPECT_EQ(error_of(minimal_with("[plugin.limits]\ntimeout_ms = 1.5\n")),
            "/x/plugin.toml:9:14: timeout_ms must be an integer, not a float");
  std::string e = error_of(minimal_with("[plugin.limits]\nstack = 1\n"));
  EXPECT_EQ(e, "/x/plugin.toml:9:1: unknown key \"stack\" in [plugin.limits]; expected one of: "
               "max_memory_mb, max_memory_bytes, timeout_ms, fuel");
}

TEST(Manifest, ConfigMustBeATable) {
  EXPECT_EQ(error_of(minimal_with("config = 3\n")),
            "/x/plugin.toml:8:10: plugin.config must be a table, not an integer");
}

TEST(Manifest, ConfigDatesBecomeStrings) {
  auto m = parse_manifest(minimal_with("[plugin.config]\nwhen = 1979-05-27T07:32:00Z\n"), "/d/plugin.toml");
  ASSERT_TRUE(m.ok()) << m.error();
  auto config = nlohmann::json::parse(m->config_json);
  ASSERT_TRUE(config["when"].is_string());
  EXPECT_EQ(config["when"].get<std::string>().substr(0, 10), "1979-05-27");
}

TEST(Manifest, LoadFromFileNamesTheFile) {
  test::TempDir dir;
  auto missing = load_manifest(dir / "nope/plugin.toml");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().find("nope/plugin.toml: cannot open"), std::string::npos) << missing.error();
  test::write_file(dir / "p/plugin.toml", minimal_with(""));
  auto m = load_manifest(dir / "p/plugin.toml");
  ASSERT_TRUE(m.ok()) << m.error();
  EXPECT_EQ(m->binary_path(), dir / "p/p.wasm");
}

}  // namespace
}  // namespace midimon::plugin

namespace midimon::plugin {
namespace {

// The example plugins' manifests (plugins/*/plugin.toml) follow the schema this parser
// enforces; a drift in either shows up here.
TEST(Manifest, TheRepositorysExampleManifestsParse) {
  std::filesystem::path root = MIDIMON_SOURCE_DIR "/plugins";
  ASSERT_TRUE(std::filesystem::exists(root)) << root << " does not exist in this checkout";
  int parsed = 0;
  for (const auto& entry : std::filesystem::directory_iterator(root)) {
    if (!std::filesystem::exists(entry.path() / "plugin.toml")) continue;
    auto m = load_manifest(entry.path() / "plugin.toml");
    EXPECT_TRUE(m.ok()) << m.error();
    ++parsed;
  }
  EXPECT_GT(parsed, 0) << "no plugins/*/plugin.toml in this checkout";
}

}  // namespace
}  // namespace midimon::plugin
