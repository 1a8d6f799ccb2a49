// Plugin host benchmarks (Google Benchmark): the costs a mapping pays per plugin action.
//
//   BM_NativeVirtualCall      baseline: an empty Plugin::execute behind the interface
//   BM_EngineCallMinimal      baseline: minimal's execute(0, 0) called straight on the engine
//                             (fuel set and deadline armed per call, as the plugin host does)
//   BM_RequestJson            the request JSON alone (template's request)
//   BM_ExecuteMinimal         WasmPlugin::execute on plugins/minimal (target <= 1 us median)
//   BM_ExecuteTemplate        WasmPlugin::execute on plugins/template "hello", which parses
//                             the request and printf's to a discarding callback (<= 10 us)
//   BM_ManagerCallMinimal     the same through PluginManager::call (lookup, locks, stats)
//   BM_LoadTemplate           read + validate + compile + instantiate + init (<= 2 ms)
//
// Run: build/release/bench/plugin_bench (repetitions and the median aggregate are built in).
#include <benchmark/benchmark.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "plugin_bench_request.h"
#include "plugin/manager.h"
#include "plugin/request_json.h"
#include "plugin/wasm_plugin.h"
#include "wasm/linker.h"
#include "wasm/module.h"
#include "wasm/store.h"
#include "wasm/typed_func.h"

namespace {

using namespace midimon;
using namespace midimon::plugin;

const std::filesystem::path kPlugins = MIDIMON_BENCH_PLUGINS_DIR;
constexpr int kRepetitions = 9;

std::vector<uint8_t> read_bytes(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

ActionRequest hello_request() { return midimon::bench::plugin_bench_request(); }

std::unique_ptr<WasmPlugin> load(const char* name, HostServices& services, benchmark::State& state) {
  WasmPluginOptions options;
  options.services = &services;
  auto plugin = load_wasm_plugin(read_bytes(kPlugins / name / (std::string(name) + ".wasm")), options);
  if (!plugin) {
    state.SkipWithError(plugin.error().c_str());
    return nullptr;
  }
  if (auto init = (*plugin)->init(); !init) {
    state.SkipWithError(init.error().c_str());
    return nullptr;
  }
  return std::move(plugin.value());
}

class EmptyPlugin final : public Plugin {
 public:
  EmptyPlugin() { metadata_.name = "empty"; }
  PluginKind kind() const override { return PluginKind::Native; }
  const PluginMetadata& metadata() const override { return metadata_; }
  CallResult execute(const ActionRequest&) override { return CallResult{}; }

 private:
  PluginMetadata metadata_;
};

void BM_NativeVirtualCall(benchmark::State& state) {
  std::unique_ptr<Plugin> plugin = std::make_unique<EmptyPlugin>();
  benchmark::DoNotOptimize(plugin.get());
  ActionRequest request = hello_request();
  for (auto _ : state) {
    CallResult r = plugin->execute(request);
    benchmark::DoNotOptimize(r);
  }
}

void BM_EngineCallMinimal(benchmark::State& state) {
  std::vector<uint8_t> bytes = read_bytes(kPlugins / "minimal" / "minimal.wasm");
  auto module = wasm::Module::compile(plugin_engine(), bytes);
  if (!module) return state.SkipWithError(module.error().to_string().c_str());
  wasm::Store store(plugin_engine(), wasm::StoreLimits{});
  wasm::Linker linker;
  auto instance = linker.instantiate(store, *module);
  if (!instance) return state.SkipWithError(instance.error().to_string().c_str());
  auto execute = wasm::TypedFunc<int32_t(int32_t, int32_t)>::bind((*instance)->get_func("execute"));
  if (!execute) return state.SkipWithError(execute.error().to_string().c_str());
  for (auto _ : state) {
    (void)store.set_fuel(100'000'000);
    (void)store.set_timeout(std::chrono::milliseconds(5000));
    int32_t rc = -1;
    wasm::Trap trap = execute->call(store, &rc, 0, 0);
    benchmark::DoNotOptimize(rc);
    benchmark::DoNotOptimize(trap);
  }
}

void BM_RequestJson(benchmark::State& state) {
  ActionRequest request = hello_request();
  for (auto _ : state) {
    auto json = request_json(request);
    benchmark::DoNotOptimize(json);
  }
}

void BM_ExecuteMinimal(benchmark::State& state) {
  NullHostServices services;
  auto plugin = load("minimal", services, state);
  if (!plugin) return;
  ActionRequest request = hello_request();
  for (auto _ : state) {
    CallResult r = plugin->execute(request);
    if (!r.ok()) return state.SkipWithError(r.message.c_str());
    benchmark::DoNotOptimize(r);
  }
}

void BM_ExecuteTemplate(benchmark::State& state) {
  NullHostServices services;  // template's printf lands in output(), which discards it
  auto plugin = load("template", services, state);
  if (!plugin) return;
  ActionRequest request = hello_request();
  for (auto _ : state) {
    CallResult r = plugin->execute(request);
    if (!r.ok()) return state.SkipWithError(r.message.c_str());
    benchmark::DoNotOptimize(r);
  }
}

void BM_ManagerCallMinimal(benchmark::State& state) {
  NullHostServices services;
  auto plugin = load("minimal", services, state);
  if (!plugin) return;
  PluginManager manager(services, nullptr);
  if (auto added = manager.add(std::move(plugin), "minimal"); !added) return state.SkipWithError(added.error().c_str());
  ActionRequest request = hello_request();
  for (auto _ : state) {
    CallResult r = manager.call("minimal", request);
    benchmark::DoNotOptimize(r);
  }
}

void BM_LoadTemplate(benchmark::State& state) {
  NullHostServices services;
  const auto file = kPlugins / "template" / "template.wasm";
  for (auto _ : state) {
    std::vector<uint8_t> bytes = read_bytes(file);
    WasmPluginOptions options;
    options.services = &services;
    auto plugin = load_wasm_plugin(bytes, options);
    if (!plugin) return state.SkipWithError(plugin.error().c_str());
    if (auto init = (*plugin)->init(); !init) return state.SkipWithError(init.error().c_str());
    benchmark::DoNotOptimize(plugin);
  }
}

#define MIDIMON_PLUGIN_BENCH(fn) \
  BENCHMARK(fn)->Repetitions(kRepetitions)->ReportAggregatesOnly(true)->DisplayAggregatesOnly(true)

MIDIMON_PLUGIN_BENCH(BM_NativeVirtualCall);
MIDIMON_PLUGIN_BENCH(BM_EngineCallMinimal);
MIDIMON_PLUGIN_BENCH(BM_RequestJson);
MIDIMON_PLUGIN_BENCH(BM_ExecuteMinimal);
MIDIMON_PLUGIN_BENCH(BM_ExecuteTemplate);
MIDIMON_PLUGIN_BENCH(BM_ManagerCallMinimal);
MIDIMON_PLUGIN_BENCH(BM_LoadTemplate)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
