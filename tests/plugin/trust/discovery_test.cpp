#include "plugin/discovery.h"

#include <gtest/gtest.h>

#include "plugin/binary_kind.h"
#include "temp_dir.h"

namespace midimon::plugin {
namespace {

using test::TempDir;
using test::write_file;

std::string manifest(std::string_view name, std::string_view binary) {
  return "[plugin]\nname = \"" + std::string(name) +
         "\"\nversion = \"1\"\ndescription = \"d\"\nauthor = \"a\"\nlicense = \"MIT\"\nbinary = \"" +
         std::string(binary) + "\"\n";
}

void make_plugin(const std::filesystem::path& dir, std::string_view name,
                 std::string_view binary = "p.wasm", std::string content = test::tiny_wasm()) {
  write_file(dir / "plugin.toml", manifest(name, binary));
  write_file(dir / binary, content);
}

bool has_problem(const DiscoveryReport& r, std::string_view text) {
  for (const auto& p : r.problems) {
    if (p.message.find(text) != std::string::npos) return true;
  }
  return false;
}

std::string problems(const DiscoveryReport& r) {
  std::string out;
  for (const auto& p : r.problems) out += p.message + "\n";
  return out;
}

TEST(BinaryKind, MagicBytesDecide) {
  const uint8_t wasm[] = {0, 'a', 's', 'm', 1, 0, 0, 0};
  const uint8_t elf[] = {0x7f, 'E', 'L', 'F', 2};
  const uint8_t text[] = {'{', '\n'};
  EXPECT_EQ(classify_magic(wasm), BinaryKind::Wasm);
  EXPECT_EQ(classify_magic(elf), BinaryKind::Native);
  EXPECT_EQ(classify_magic(text), BinaryKind::Unknown);
  EXPECT_EQ(classify_magic(std::span<const uint8_t>(wasm, 3)), BinaryKind::Unknown);
}

TEST(BinaryKind, TheExtensionDoesNotMatter) {
  TempDir dir;
  write_file(dir / "looks-native.so", test::tiny_wasm());
  write_file(dir / "looks-wasm.wasm", std::string("\x7f" "ELF\x02\x01\x01", 7));
  auto a = detect_binary_kind(dir / "looks-native.so");
  auto b = detect_binary_kind(dir / "looks-wasm.wasm");
  ASSERT_TRUE(a.ok()) << a.error();
  ASSERT_TRUE(b.ok()) << b.error();
  EXPECT_EQ(*a, PluginKind::Wasm);
  EXPECT_EQ(*b, PluginKind::Native);
}

TEST(BinaryKind, UnknownNamesFileAndFirstBytes) {
  TempDir dir;
  write_file(dir / "x.wasm", "{\n  \"a\"");
  auto k = detect_binary_kind(dir / "x.wasm");
  ASSERT_FALSE(k.ok());
  EXPECT_EQ(k.error(), (dir / "x.wasm").string() +
                           ": not a plugin binary: it starts with 7b 0a 20 20, expected 00 61 73 6d "
                           "(WebAssembly) or 7f 45 4c 46 (ELF)");
  write_file(dir / "empty.wasm", "");
  auto e = detect_binary_kind(dir / "empty.wasm");
  ASSERT_FALSE(e.ok());
  EXPECT_NE(e.error().find("empty.wasm: not a plugin binary: it is empty"), std::string::npos) << e.error();
  auto missing = detect_binary_kind(dir / "missing.wasm");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().find("missing.wasm: cannot open"), std::string::npos);
}

TEST(Discovery, FindsPluginsInNameOrder) {
  TempDir dir;
  make_plugin(dir / "plugins/b", "beta");
  make_plugin(dir / "plugins/a", "alpha", "lib/alpha.so", std::string("\x7f" "ELF", 4));
  std::filesystem::create_directories(dir / "plugins/not-a-plugin");  // no plugin.toml: ignored
  write_file(dir / "plugins/stray.txt", "x");                          // a file: ignored
  auto r = discover_plugins({{dir / "plugins", false}});
  EXPECT_TRUE(r.problems.empty()) << problems(r);
  ASSERT_EQ(r.plugins.size(), 2u);
  EXPECT_EQ(r.plugins[0].name, "alpha");
  EXPECT_EQ(r.plugins[0].kind, PluginKind::Native);
  EXPECT_EQ(r.plugins[0].binary, dir / "plugins/a/lib/alpha.so");
  ASSERT_TRUE(r.plugins[0].manifest.has_value());
  EXPECT_EQ(r.plugins[1].name, "beta");
  EXPECT_EQ(r.plugins[1].kind, PluginKind::Wasm);
  ASSERT_NE(r.find("beta"), nullptr);
  EXPECT_EQ(r.find("gamma"), nullptr);
}

TEST(Discovery, BrokenManifestMissingBinaryAndDuplicateAreReportedAndTheScanGoesOn) {
  TempDir dir;
  make_plugin(dir / "user/a-good", "good");
  write_file(dir / "user/b-broken/plugin.toml", "[plugin]\nname = \"broken\nversion = \"1\"\n");
  write_file(dir / "user/c-nobinary/plugin.toml", manifest("nobinary", "gone.wasm"));
  make_plugin(dir / "user/d-dup", "good");  // same name in the same directory
  make_plugin(dir / "user/e-text", "text", "p.wasm", "not wasm");
  make_plugin(dir / "system/good", "good");  // same name in a later directory
  make_plugin(dir / "system/other", "other");
  auto r = discover_plugins({{dir / "user", false}, {dir / "system", false}});

  ASSERT_EQ(r.plugins.size(), 2u) << problems(r);
  EXPECT_EQ(r.plugins[0].name, "good");
  EXPECT_EQ(r.plugins[0].binary, dir / "user/a-good/p.wasm");  // the first one wins
  EXPECT_EQ(r.plugins[1].name, "other");
  ASSERT_EQ(r.problems.size(), 5u) << problems(r);

  std::string broken = (dir / "user/b-broken/plugin.toml").string();
  EXPECT_EQ(r.problems[0].file, dir / "user/b-broken/plugin.toml");
  EXPECT_EQ(r.problems[0].message.rfind(broken + ":2:", 0), 0u) << r.problems[0].message;

  std::string nobin = (dir / "user/c-nobinary/plugin.toml").string();
  EXPECT_EQ(r.problems[1].message,
            nobin + ":7:10: binary \"gone.wasm\" does not exist (looked for " +
                (dir / "user/c-nobinary/gone.wasm").string() + "); skipped");

  std::string first = (dir / "user/a-good/plugin.toml").string();
  EXPECT_EQ(r.problems[2].message,
            (dir / "user/d-dup/plugin.toml").string() +
                ":2:8: duplicate plugin name \"good\": already found at " + first +
                ":2:8; the first one wins, this one is skipped");
  EXPECT_NE(r.problems[3].message.find("p.wasm: not a plugin binary: it starts with 6e 6f 74 20"),
            std::string::npos)
      << r.problems[3].message;
  EXPECT_EQ(r.problems[3].message.rfind((dir / "user/e-text/plugin.toml").string() + ":7:10: ", 0), 0u);
  EXPECT_EQ(r.problems[4].message,
            (dir / "system/good/plugin.toml").string() +
                ":2:8: duplicate plugin name \"good\": already found at " + first +
                ":2:8; the first one wins, this one is skipped");
}

TEST(Discovery, MissingDirectories) {
  TempDir dir;
  auto r = discover_plugins({{dir / "optional", true}, {dir / "named", false}});
  EXPECT_TRUE(r.plugins.empty());
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].message, (dir / "named").string() + ": plugin directory does not exist");
}

TEST(Discovery, TheSameDirectoryTwiceIsScannedOnce) {
  TempDir dir;
  make_plugin(dir / "plugins/a", "alpha");
  auto r = discover_plugins({{dir / "plugins", false}, {dir / "plugins/../plugins", false}});
  EXPECT_EQ(r.plugins.size(), 1u);
  EXPECT_TRUE(r.problems.empty()) << problems(r);
}

TEST(Discovery, BinarySymlinkOutOfTheDirectoryIsRefused) {
  TempDir dir;
  write_file(dir / "outside.wasm", test::tiny_wasm());
  write_file(dir / "plugins/a/plugin.toml", manifest("alpha", "p.wasm"));
  std::filesystem::create_symlink(dir / "outside.wasm", dir / "plugins/a/p.wasm");
  auto r = discover_plugins({{dir / "plugins", false}});
  EXPECT_TRUE(r.plugins.empty());
  ASSERT_TRUE(has_problem(r, "resolves (through a symbolic link) to a file outside"))
      << problems(r);
}

TEST(Discovery, DefaultDirsComeFromXdg) {
  XdgDirs xdg{"/home/u/.local/share", "/home/u/.config", "/home/u/.local/state"};
  auto dirs = default_plugin_dirs(xdg);
  ASSERT_EQ(dirs.size(), 2u);
  EXPECT_EQ(dirs[0].path, std::filesystem::path("/home/u/.local/share/midimon/plugins"));
  EXPECT_EQ(dirs[1].path, std::filesystem::path("/usr/share/midimon/plugins"));
  EXPECT_TRUE(dirs[0].optional);
  EXPECT_TRUE(dirs[1].optional);
}

TEST(OpenPluginPath, DirectoryManifestOrBareBinary) {
  TempDir dir;
  make_plugin(dir / "p", "alpha");
  auto by_dir = open_plugin_path(dir / "p");
  ASSERT_TRUE(by_dir.ok()) << by_dir.error();
  EXPECT_EQ(by_dir->name, "alpha");
  auto by_manifest = open_plugin_path(dir / "p/plugin.toml");
  ASSERT_TRUE(by_manifest.ok()) << by_manifest.error();
  EXPECT_EQ(by_manifest->name, "alpha");

  write_file(dir / "bare/echo.wasm", test::tiny_wasm());
  auto bare = open_plugin_path(dir / "bare/echo.wasm");
  ASSERT_TRUE(bare.ok()) << bare.error();
  EXPECT_EQ(bare->name, "echo");
  EXPECT_EQ(bare->kind, PluginKind::Wasm);
  EXPECT_FALSE(bare->manifest.has_value());

  write_file(dir / "bare/libnative.so", std::string("\x7f" "ELF", 4));
  auto native = open_plugin_path(dir / "bare/libnative.so");
  ASSERT_TRUE(native.ok()) << native.error();
  EXPECT_EQ(native->kind, PluginKind::Native);

  auto empty_dir = open_plugin_path(dir / "bare");
  ASSERT_FALSE(empty_dir.ok());
  EXPECT_EQ(empty_dir.error(), (dir / "bare").string() + ": a directory without plugin.toml is not a plugin");
  auto missing = open_plugin_path(dir / "nothing.wasm");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error(), (dir / "nothing.wasm").string() + ": no such file or directory");
}

}  // namespace
}  // namespace midimon::plugin
