// Test helpers for the plugin core: a HostServices that records everything, the probe
// plugin (plugins/probe.c), WAT plugins built from a template, and requests.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "plugin/wasm_plugin.h"
#include "tests/unit/wat_util.h"

namespace midimon::plugin::test {

class Recorder final : public HostServices {
 public:
  struct Line {
    std::string plugin;
    LogLevel level;
    std::string text;
  };
  void log(std::string_view plugin, LogLevel level, std::string_view text) override {
    std::lock_guard<std::mutex> lock(m_);
    logs.push_back({std::string(plugin), level, std::string(text)});
  }
  void output(std::string_view plugin, OutputStream s, std::string_view text) override {
    std::lock_guard<std::mutex> lock(m_);
    (s == OutputStream::Stdout ? out : err).append(text);
    output_plugin = plugin;
  }
  int32_t send_midi(std::string_view, std::span<const uint8_t> bytes) override {
    std::lock_guard<std::mutex> lock(m_);
    midi.emplace_back(bytes.begin(), bytes.end());
    return 0;
  }
  int32_t request_action(std::string_view, std::string_view json) override {
    std::lock_guard<std::mutex> lock(m_);
    actions.emplace_back(json);
    return 0;
  }
  // Number of log lines containing every one of `parts`.
  size_t count_logs(std::initializer_list<std::string_view> parts) const {
    size_t n = 0;
    for (const Line& l : logs) {
      bool all = true;
      for (std::string_view p : parts) all = all && l.text.find(p) != std::string::npos;
      n += all;
    }
    return n;
  }
  std::string all_logs() const {
    std::string s;
    for (const Line& l : logs) s += "[" + l.plugin + "] " + l.text + "\n";
    return s;
  }

  std::vector<Line> logs;
  std::string out, err, output_plugin;
  std::vector<std::vector<uint8_t>> midi;
  std::vector<std::string> actions;

 private:
  std::mutex m_;
};

inline std::vector<uint8_t> read_file(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

inline std::vector<uint8_t> probe_bytes() {
  static const std::vector<uint8_t> bytes = read_file(std::string(PLUGIN_CORE_GUEST_DIR) + "/probe.wasm");
  return bytes;
}

inline WasmPluginOptions options_for(Recorder& rec) {
  WasmPluginOptions o;
  o.services = &rec;
  return o;
}

// Loads and initialises; fails the test (and returns null) on error.
inline std::unique_ptr<WasmPlugin> load_init(const std::vector<uint8_t>& bytes, WasmPluginOptions o) {
  auto p = load_wasm_plugin(bytes, std::move(o));
  EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error());
  if (!p.ok()) return nullptr;
  auto r = (*p)->init();
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error());
  if (!r.ok()) return nullptr;
  return std::move(*p);
}

inline std::unique_ptr<WasmPlugin> load_probe(Recorder& rec, WasmPluginOptions o = {}) {
  o.services = &rec;
  return load_init(probe_bytes(), std::move(o));
}

inline ActionRequest action(std::string name, std::string params = "{}") {
  ActionRequest r;
  r.action = std::move(name);
  r.params_json = std::move(params);
  r.context.timestamp_ms = 1'700'000'000'000ull;
  return r;
}

inline std::string describe(const CallResult& r) {
  return std::string(call_status_name(r.status)) + " code=" + std::to_string(r.code) + " " + r.message;
}

// A freestanding ABI v1 plugin in WAT with one page of memory and valid metadata at
// address 1024. Pieces can be replaced to make it hostile.
struct WatPlugin {
  std::string imports;
  std::string metadata = R"({"name":"wat","version":"0.1.0","description":"d","author":"a","license":"MIT","type":"action"})";
  std::string init = "";       // empty: returns the metadata's location
  std::string alloc = "(func (export \"alloc\") (param i32) (result i32) (i32.const 4096))";
  std::string execute = "(func (export \"execute\") (param i32 i32) (result i32) (i32.const 0))";
  std::string extra;
  std::string memory = "(memory (export \"memory\") 1)";

  std::string wat() const {
    std::string escaped;
    for (unsigned char c : metadata) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\%02x", c);
      escaped += buf;
    }
    std::string init_fn = init.empty()
        ? "(func (export \"init\") (result i64) (i64.or (i64.shl (i64.const 1024) (i64.const 32)) (i64.const " +
              std::to_string(metadata.size()) + ")))"
        : init;
    return "(module " + imports + memory + "(data (i32.const 1024) \"" + escaped + "\")" + init_fn +
           alloc + execute + extra + ")";
  }
  std::vector<uint8_t> bytes() const { return midimon::test::wat2wasm(wat()); }
};

}  // namespace midimon::plugin::test
