// `plugin new` (src/plugin/scaffold.h): the C and Rust scaffolds build with their one
// command and the result loads in the WASM plugin host and answers `hello`; bad names and
// occupied directories are refused; the embedded PDK headers are this tree's headers.
#include "plugin/scaffold.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "plugin/manifest.h"
#include "plugin/scaffold_templates.h"
#include "plugin/wasm_plugin.h"
#include "recording_host_services.h"

namespace {

namespace fs = std::filesystem;
using midimon::plugin::ActionRequest;
using midimon::plugin::CallResult;
using midimon::plugin::load_manifest;
using midimon::plugin::load_wasm_plugin;
using midimon::plugin::scaffold_name_problem;
using midimon::plugin::scaffold_plugin;
using midimon::plugin::ScaffoldLang;
using midimon::plugin::WasmPluginOptions;
using midimon::plugin::test::RecordingHostServices;

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class TempDir {
 public:
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "midimon-scaffold-XXXXXX").string();
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

// Runs `command` through the shell; returns its exit status and appends its output to *log.
int run(const std::string& command, std::string* log) {
  const std::string full = command + " 2>&1";
  FILE* pipe = popen(full.c_str(), "r");
  if (pipe == nullptr) return -1;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) log->append(buf, n);
  const int status = pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Builds the scaffold in `dir` with its build.sh and calls `hello` with velocity 100.
void build_and_say_hello(const fs::path& dir, const std::string& name, const std::string& env) {
  std::string log;
  ASSERT_EQ(run(env + " " + (dir / "build.sh").string(), &log), 0) << log;

  auto manifest = load_manifest(dir / "plugin.toml");
  ASSERT_TRUE(manifest.ok()) << manifest.error();
  EXPECT_EQ(manifest->name, name);
  const fs::path binary = manifest->binary_path();
  ASSERT_TRUE(fs::is_regular_file(binary)) << binary;

  std::ifstream in(binary, std::ios::binary);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  RecordingHostServices host;
  WasmPluginOptions options;
  options.services = &host;
  auto plugin = load_wasm_plugin(bytes, options);
  ASSERT_TRUE(plugin.ok()) << plugin.error();
  auto init = (*plugin)->init();
  ASSERT_TRUE(init.ok()) << init.error();
  EXPECT_EQ((*plugin)->metadata().name, name);

  ActionRequest hello;
  hello.action = "hello";
  hello.context.velocity = 100;
  CallResult r = (*plugin)->execute(hello);
  EXPECT_TRUE(r.ok()) << "code " << r.code << " " << r.message << " stderr: " << host.err;
  EXPECT_EQ(host.out, "hello from " + name + " (velocity 100)\n");

  ActionRequest other;
  other.action = "other";
  EXPECT_EQ((*plugin)->execute(other).code, 3);
}

TEST(PdkScaffold, CPluginBuildsWithOneCommandAndSaysHello) {
  TempDir tmp;
  const fs::path dir = tmp.path() / "my-plugin";
  auto written = scaffold_plugin(dir, "my-plugin", ScaffoldLang::C);
  ASSERT_TRUE(written.ok()) << written.error();
  EXPECT_TRUE(fs::is_regular_file(dir / "include" / "midimon" / "pdk" / "plugin.h"));
  EXPECT_TRUE(fs::is_regular_file(dir / "README.md"));
  build_and_say_hello(dir, "my-plugin", std::string("CLANG=") + MIDIMON_CLANG_WASM);
}

TEST(PdkScaffold, RustPluginBuildsOfflineWithDebianCargoAndSaysHello) {
  if (!fs::exists("/usr/bin/cargo") || !fs::exists("/usr/share/cargo/registry/serde-1.0.152")) {
    // A required package (scripts/setup installs it): missing is a failure, never a skip.
    FAIL() << "Debian's cargo or librust-serde-dev is not installed; run scripts/setup";
  }
  TempDir tmp;
  const fs::path dir = tmp.path() / "rusty_one";
  auto written = scaffold_plugin(dir, "rusty_one", ScaffoldLang::Rust);
  ASSERT_TRUE(written.ok()) << written.error();
  EXPECT_TRUE(fs::is_regular_file(dir / ".cargo" / "config.toml"));
  // The build tree's cargo home and target dir: serde is compiled once, not per run.
  build_and_say_hello(dir, "rusty_one",
                      std::string("CARGO_HOME=") + MIDIMON_CARGO_HOME +
                          " CARGO_TARGET_DIR=" + MIDIMON_CARGO_SCAFFOLD_TARGET);
}

TEST(PdkScaffold, EmbeddedHeadersAreThisTreesPdk) {
  EXPECT_EQ(midimon::plugin::kPdkPluginH, read_text(fs::path(MIDIMON_PDK_INCLUDE) / "midimon/pdk/plugin.h"));
  EXPECT_EQ(midimon::plugin::kPdkJsonH, read_text(fs::path(MIDIMON_PDK_INCLUDE) / "midimon/pdk/json.h"));
}

TEST(PdkScaffold, RefusesANonEmptyDirectory) {
  TempDir tmp;
  std::ofstream(tmp.path() / "keep.txt") << "mine";
  auto written = scaffold_plugin(tmp.path(), "x", ScaffoldLang::C);
  ASSERT_FALSE(written.ok());
  EXPECT_NE(written.error().find("is not empty"), std::string::npos) << written.error();
  EXPECT_EQ(read_text(tmp.path() / "keep.txt"), "mine");
  EXPECT_FALSE(fs::exists(tmp.path() / "plugin.toml"));
}

TEST(PdkScaffold, RefusesNamesThatCannotBeAFileACStringAndACrate) {
  EXPECT_EQ(scaffold_name_problem("good-name_2"), "");
  EXPECT_NE(scaffold_name_problem(""), "");
  EXPECT_NE(scaffold_name_problem("2fast"), "");
  EXPECT_NE(scaffold_name_problem("-x"), "");
  EXPECT_NE(scaffold_name_problem(std::string(65, 'a')), "");
  EXPECT_NE(scaffold_name_problem("a\"b").find("'\"' at position 2"), std::string::npos);
  EXPECT_NE(scaffold_name_problem("../up"), "");
  EXPECT_NE(scaffold_name_problem("a b"), "");
  TempDir tmp;
  auto written = scaffold_plugin(tmp.path() / "p", "bad name", ScaffoldLang::Rust);
  EXPECT_FALSE(written.ok());
  EXPECT_FALSE(fs::exists(tmp.path() / "p"));
}

TEST(PdkScaffold, ParsesTheLanguage) {
  EXPECT_EQ(midimon::plugin::parse_scaffold_lang("c"), ScaffoldLang::C);
  EXPECT_EQ(midimon::plugin::parse_scaffold_lang("rust"), ScaffoldLang::Rust);
  EXPECT_FALSE(midimon::plugin::parse_scaffold_lang("go").has_value());
}

}  // namespace
