// The example plugins as built by plugins/CMakeLists.txt: each is a valid module for
// midimon's own engine with exactly the imports and exports its source implies (so a new
// import -- and the capability it needs -- cannot sneak in), and `minimal` stays within
// its 400-byte budget.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include "wasm/engine.h"
#include "wasm/module.h"

namespace {

namespace fs = std::filesystem;
using midimon::wasm::Engine;
using midimon::wasm::ExternKind;
using midimon::wasm::Module;

const fs::path kPlugins = MIDIMON_EXAMPLE_PLUGINS_DIR;

std::vector<uint8_t> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// "module.name: (params) -> (results)" for every function import; "name" for exports.
struct Shape {
  std::set<std::string> imports;
  std::set<std::string> exports;
};

Shape shape_of(const fs::path& wasm) {
  const std::vector<uint8_t> bytes = read_file(wasm);
  EXPECT_FALSE(bytes.empty()) << wasm << " is missing or empty";
  Engine engine;
  auto module = Module::compile(engine, bytes);
  EXPECT_TRUE(module.ok()) << wasm << ": " << (module.ok() ? "" : module.error().to_string());
  Shape s;
  if (!module.ok()) return s;
  const auto& info = (*module)->info();
  for (const auto& imp : info.imports) {
    std::string entry = imp.module + "." + imp.name;
    if (imp.kind == ExternKind::Func) entry += ": " + info.types[imp.func_type].to_string();
    else entry += ": non-function";
    s.imports.insert(entry);
  }
  for (const auto& exp : info.exports) s.exports.insert(exp.name);
  return s;
}

const std::set<std::string> kAbiExports = {"memory", "init", "alloc", "execute", "dealloc"};
// What wasi-libc's stdio brings in (printf/fflush on stdout and stderr).
const std::set<std::string> kStdio = {
    "wasi_snapshot_preview1.fd_close: (i32) -> (i32)",
    "wasi_snapshot_preview1.fd_fdstat_get: (i32, i32) -> (i32)",
    "wasi_snapshot_preview1.fd_seek: (i32, i64, i32, i32) -> (i32)",
    "wasi_snapshot_preview1.fd_write: (i32, i32, i32, i32) -> (i32)"};
// The `midimon` imports with host-api.md's signatures.
const std::string kLog = "midimon.log: (i32, i32, i32) -> ()";

std::set<std::string> with(std::set<std::string> base, std::initializer_list<std::string> more) {
  base.insert(more.begin(), more.end());
  return base;
}

TEST(PdkExamples, MinimalIsAtMost400Bytes) {
  const auto size = fs::file_size(kPlugins / "minimal" / "minimal.wasm");
  EXPECT_LE(size, 400u) << "plugins/minimal grew to " << size << " bytes";
  RecordProperty("minimal_wasm_bytes", static_cast<int>(size));
}

TEST(PdkExamples, MinimalImportsNothingAndExportsTheAbiWithoutDealloc) {
  Shape s = shape_of(kPlugins / "minimal" / "minimal.wasm");
  EXPECT_TRUE(s.imports.empty());
  EXPECT_EQ(s.exports, (std::set<std::string>{"memory", "init", "alloc", "execute"}));
}

// write() needs only fd_write: the template has no stdio (printf) in it.
TEST(PdkExamples, TemplateImportsFdWriteAndConfigGet) {
  Shape s = shape_of(kPlugins / "template" / "template.wasm");
  EXPECT_EQ(s.imports, (std::set<std::string>{"wasi_snapshot_preview1.fd_write: (i32, i32, i32, i32) -> (i32)",
                                              "midimon.config_get: (i32, i32, i32, i32) -> (i32)"}));
  EXPECT_EQ(s.exports, kAbiExports);
}

TEST(PdkExamples, MidiEchoImportsSendMidiAndLog) {
  Shape s = shape_of(kPlugins / "midi-echo" / "midi-echo.wasm");
  EXPECT_EQ(s.imports, (std::set<std::string>{kLog, "midimon.send_midi: (i32, i32) -> (i32)"}));
  EXPECT_EQ(s.exports, kAbiExports);
}

TEST(PdkExamples, WebhookImportsHttpRequest) {
  Shape s = shape_of(kPlugins / "webhook" / "webhook.wasm");
  EXPECT_EQ(s.imports,
            with(kStdio, {kLog, "midimon.http_request: (i32, i32, i32, i32) -> (i32)"}));
  EXPECT_EQ(s.exports, kAbiExports);
}

TEST(PdkExamples, NotesToFileImportsWasiFilesAndLog) {
  Shape s = shape_of(kPlugins / "notes-to-file" / "notes-to-file.wasm");
  EXPECT_EQ(s.imports,
            (std::set<std::string>{
                kLog, "wasi_snapshot_preview1.fd_close: (i32) -> (i32)",
                "wasi_snapshot_preview1.fd_prestat_get: (i32, i32) -> (i32)",
                "wasi_snapshot_preview1.fd_prestat_dir_name: (i32, i32, i32) -> (i32)",
                "wasi_snapshot_preview1.fd_seek: (i32, i64, i32, i32) -> (i32)",
                "wasi_snapshot_preview1.fd_write: (i32, i32, i32, i32) -> (i32)",
                "wasi_snapshot_preview1.path_open: (i32, i32, i32, i32, i32, i64, i64, i32, i32) -> (i32)"}));
  EXPECT_EQ(s.exports, kAbiExports);
}

TEST(PdkExamples, CounterImportsTheStateStore) {
  Shape s = shape_of(kPlugins / "counter" / "counter.wasm");
  EXPECT_EQ(s.imports, (std::set<std::string>{
                           kLog, "midimon.state_get: (i32, i32, i32, i32) -> (i32)",
                           "midimon.state_set: (i32, i32, i32, i32) -> (i32)",
                           "midimon.state_delete: (i32, i32) -> (i32)"}));
  EXPECT_EQ(s.exports, kAbiExports);
}

TEST(PdkExamples, RustGreeterImportsWasiOnly) {
  Shape s = shape_of(kPlugins / "rust-greeter" / "rust_greeter.wasm");
  EXPECT_EQ(s.imports, (std::set<std::string>{
                           "wasi_snapshot_preview1.environ_get: (i32, i32) -> (i32)",
                           "wasi_snapshot_preview1.environ_sizes_get: (i32, i32) -> (i32)",
                           "wasi_snapshot_preview1.fd_write: (i32, i32, i32, i32) -> (i32)",
                           "wasi_snapshot_preview1.proc_exit: (i32) -> ()",
                           "wasi_snapshot_preview1.random_get: (i32, i32) -> (i32)"}));
  // rustc 1.63's cdylib also exports the linker's __heap_base and __data_end globals.
  EXPECT_EQ(s.exports, with(kAbiExports, {"__heap_base", "__data_end"}));
}

TEST(PdkExamples, EveryPluginDirectoryHasItsManifestAndBinary) {
  const std::vector<std::pair<std::string, std::string>> dirs = {
      {"minimal", "minimal.wasm"},         {"template", "template.wasm"},
      {"midi-echo", "midi-echo.wasm"},     {"webhook", "webhook.wasm"},
      {"notes-to-file", "notes-to-file.wasm"}, {"counter", "counter.wasm"},
      {"native-hello", "libnative-hello.so"},  {"rust-greeter", "rust_greeter.wasm"}};
  for (const auto& [dir, binary] : dirs) {
    EXPECT_TRUE(fs::is_regular_file(kPlugins / dir / "plugin.toml")) << dir;
    EXPECT_TRUE(fs::is_regular_file(kPlugins / dir / binary)) << dir << "/" << binary;
  }
}

}  // namespace
