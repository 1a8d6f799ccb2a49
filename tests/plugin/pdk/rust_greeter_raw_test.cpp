// rust-greeter's serde contract, driven below the plugin host (the host always sends
// `timestamp` and `metadata`, so only a raw call can leave them out): like MIDIMon's
// template plugin it refuses a request without either with return code 2, and a request
// that is not UTF-8 with 1. The module is run on the engine and WASI host directly.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "wasi/wasi.h"
#include "wasm/engine.h"
#include "wasm/linker.h"
#include "wasm/module.h"
#include "wasm/store.h"

namespace {

namespace fs = std::filesystem;
using namespace midimon::wasm;
using midimon::wasi::WasiConfig;
using midimon::wasi::WasiHost;

struct RawRun {
  int32_t code = -1;
  std::string out, err;
};

// Instantiates rust_greeter.wasm with WASI, copies `request` into memory from `alloc` and
// returns what `execute` returned and printed.
RawRun run_raw(const std::string& request) {
  RawRun run;
  const fs::path file = fs::path(MIDIMON_EXAMPLE_PLUGINS_DIR) / "rust-greeter" / "rust_greeter.wasm";
  std::ifstream in(file, std::ios::binary);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Engine engine;
  auto module = Module::compile(engine, bytes);
  EXPECT_TRUE(module.ok()) << (module.ok() ? "" : module.error().to_string());
  if (!module.ok()) return run;
  Store store(engine);
  Linker linker;
  WasiConfig config;
  config.stdout_cb = [&run](std::string_view s) { run.out.append(s); };
  config.stderr_cb = [&run](std::string_view s) { run.err.append(s); };
  auto wasi = WasiHost::create(std::move(config));
  EXPECT_TRUE(wasi.ok());
  if (!wasi.ok()) return run;
  (*wasi)->define(linker, store);
  auto instance = linker.instantiate(store, *module);
  EXPECT_TRUE(instance.ok()) << (instance.ok() ? "" : instance.error().to_string());
  if (!instance.ok()) return run;

  FuncInst* alloc = (*instance)->get_func("alloc");
  FuncInst* execute = (*instance)->get_func("execute");
  MemoryInst* memory = (*instance)->get_memory("memory");
  EXPECT_TRUE(alloc && execute && memory);
  if (!alloc || !execute || !memory) return run;

  Value len = Value::from_i32(static_cast<uint32_t>(request.size()));
  Value ptr;
  Trap t = store.call(alloc, std::span<const Value>(&len, 1), std::span<Value>(&ptr, 1));
  EXPECT_TRUE(t.ok()) << t.message();
  uint8_t* dest = memory->view(ptr.i32, request.size());
  EXPECT_NE(dest, nullptr);
  if (!t.ok() || dest == nullptr) return run;
  std::memcpy(dest, request.data(), request.size());
  Value args[2] = {ptr, len};
  Value result;
  t = store.call(execute, args, std::span<Value>(&result, 1));
  EXPECT_TRUE(t.ok()) << t.message();
  run.code = static_cast<int32_t>(result.i32);
  return run;
}

TEST(PdkRustGreeterRaw, AFullRequestSucceeds) {
  RawRun r = run_raw(R"({"action":"greet","context":{"velocity":5,"note":null,"cc":null,)"
                     R"("value":null,"current_mode":null,"timestamp":1,"metadata":{"name":"Bo"}}})");
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "Hello, Bo!\n");
}

TEST(PdkRustGreeterRaw, MissingMetadataIsBadJson) {
  RawRun r = run_raw(R"({"action":"hello","context":{"velocity":5,"timestamp":1}})");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("missing field `metadata`"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
}

TEST(PdkRustGreeterRaw, MissingTimestampIsBadJson) {
  RawRun r = run_raw(R"({"action":"hello","context":{"metadata":{}}})");
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("missing field `timestamp`"), std::string::npos) << r.err;
}

TEST(PdkRustGreeterRaw, NotJsonAtAllIsBadJson) {
  EXPECT_EQ(run_raw("hello?").code, 2);
}

TEST(PdkRustGreeterRaw, NotUtf8IsAMemoryError) {
  EXPECT_EQ(run_raw(std::string("{\"action\":\"\xff\"}")).code, 1);
}

}  // namespace
