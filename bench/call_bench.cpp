// Call costs (Google Benchmark): host -> wasm and wasm -> host (issue 11 item 3;
// docs/performance.md, "Calls"). The module is bench/load/calls.wat.
//
//   BM_StoreCallNop/<engine>     Store::call of an exported function with no work and no
//                                parameters (target: <= 50 ns median)
//   BM_TypedCallNop/<engine>     the same through TypedFunc<void()>
//   BM_TypedCallAdd/<engine>     TypedFunc<int32_t(int32_t, int32_t)> of i32.add
//   BM_HostCall/<engine>         a wasm loop calling a host function (i32) -> i32, per call
//                                (target: <= 20 ns)
//   BM_WasmCall/<engine>         the same loop calling a wasm function: a baseline
//   BM_LoopOnly/<engine>         the same loop without a call: the loop's own share
//
// <engine>: plain (no instrumentation), sandboxed (fuel metering and deadline checks, as
// the plugin engine; fuel set once), sandboxed_timeout (the same with a 5 s timeout, so
// every outermost call arms and disarms the deadline watchdog as a plugin call does);
// jit, jit_sandboxed_timeout: plain and sandboxed_timeout with the baseline compiler's
// machine code (EngineConfig::jit), the latter the plugin engine's configuration.
// Loop benchmarks report time per call (counter ns_per_call, CPU time).
#include <benchmark/benchmark.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "wasm/linker.h"
#include "wasm/module.h"
#include "wasm/store.h"
#include "wasm/typed_func.h"

namespace {

using namespace midimon::wasm;

enum class Mode { Plain, Sandboxed, SandboxedTimeout, Jit, JitSandboxedTimeout };
bool sandboxed(Mode m) { return m != Mode::Plain && m != Mode::Jit; }
bool timeout(Mode m) { return m == Mode::SandboxedTimeout || m == Mode::JitSandboxedTimeout; }

constexpr int32_t kLoopCalls = 10000;

// One engine, store and instance of calls.wasm per benchmark run.
struct Fixture {
  std::unique_ptr<Engine> engine;
  std::unique_ptr<Store> store;
  Instance* instance = nullptr;
  std::string error;

  explicit Fixture(Mode mode) {
    EngineConfig config;
    config.fuel_metering = config.deadline_checks = sandboxed(mode);
    config.jit = mode == Mode::Jit || mode == Mode::JitSandboxedTimeout;
    engine = std::make_unique<Engine>(config);
    std::ifstream in(MIDIMON_CALL_BENCH_WASM, std::ios::binary);
    const std::vector<uint8_t> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    auto module = Module::compile(*engine, bytes);
    if (!module) {
      error = module.error().to_string();
      return;
    }
    store = std::make_unique<Store>(*engine);
    if (sandboxed(mode)) (void)store->set_fuel(UINT64_MAX);
    if (timeout(mode)) (void)store->set_timeout(std::chrono::seconds(5));
    Linker linker;
    linker.define_func(*store, "bench", "inc", FuncType{{ValType::I32}, {ValType::I32}},
                       [](Caller&, const Value* args, Value* results) {
                         results[0] = Value::from_i32(args[0].i32 + 1);
                         return Trap();
                       });
    auto inst = linker.instantiate(*store, *module);
    if (!inst) {
      error = inst.error().to_string();
      return;
    }
    instance = *inst;
  }
};

void BM_StoreCallNop(benchmark::State& state, Mode mode) {
  Fixture f(mode);
  if (!f.error.empty()) return state.SkipWithError(f.error.c_str());
  FuncInst* nop = f.instance->get_func("nop");
  for (auto _ : state) {
    Trap t = f.store->call(nop, {}, {});
    if (t) return state.SkipWithError(t.message().c_str());
  }
}

void BM_TypedCallNop(benchmark::State& state, Mode mode) {
  Fixture f(mode);
  if (!f.error.empty()) return state.SkipWithError(f.error.c_str());
  auto nop = TypedFunc<void()>::bind(f.instance->get_func("nop"));
  if (!nop) return state.SkipWithError(nop.error().to_string().c_str());
  for (auto _ : state) {
    Trap t = nop->call(*f.store);
    if (t) return state.SkipWithError(t.message().c_str());
  }
}

void BM_TypedCallAdd(benchmark::State& state, Mode mode) {
  Fixture f(mode);
  if (!f.error.empty()) return state.SkipWithError(f.error.c_str());
  auto add = TypedFunc<int32_t(int32_t, int32_t)>::bind(f.instance->get_func("add"));
  if (!add) return state.SkipWithError(add.error().to_string().c_str());
  int32_t x = 0;
  for (auto _ : state) {
    int32_t r = 0;
    Trap t = add->call(*f.store, &r, x, 1);
    if (t) return state.SkipWithError(t.message().c_str());
    x = r;
  }
  benchmark::DoNotOptimize(x);
}

void BM_Loop(benchmark::State& state, Mode mode, const char* export_name) {
  Fixture f(mode);
  if (!f.error.empty()) return state.SkipWithError(f.error.c_str());
  auto loop = TypedFunc<int32_t(int32_t)>::bind(f.instance->get_func(export_name));
  if (!loop) return state.SkipWithError(loop.error().to_string().c_str());
  for (auto _ : state) {
    int32_t r = 0;
    Trap t = loop->call(*f.store, &r, kLoopCalls);
    if (t) return state.SkipWithError(t.message().c_str());
    if (r != kLoopCalls) return state.SkipWithError("the loop made the wrong number of calls");
  }
  state.counters["ns_per_call"] = benchmark::Counter(
      kLoopCalls * 1e-9, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

void register_all() {
  const std::pair<Mode, const char*> modes[] = {
      {Mode::Plain, "plain"}, {Mode::Sandboxed, "sandboxed"}, {Mode::SandboxedTimeout, "sandboxed_timeout"},
      {Mode::Jit, "jit"}, {Mode::JitSandboxedTimeout, "jit_sandboxed_timeout"}};
  for (auto [mode, name] : modes) {
    const std::string suffix = std::string("/") + name;
    benchmark::RegisterBenchmark(("BM_StoreCallNop" + suffix).c_str(), BM_StoreCallNop, mode);
    benchmark::RegisterBenchmark(("BM_TypedCallNop" + suffix).c_str(), BM_TypedCallNop, mode);
    benchmark::RegisterBenchmark(("BM_TypedCallAdd" + suffix).c_str(), BM_TypedCallAdd, mode);
    benchmark::RegisterBenchmark(("BM_HostCall" + suffix).c_str(), BM_Loop, mode, "call_host")
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("BM_WasmCall" + suffix).c_str(), BM_Loop, mode, "call_wasm")
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("BM_LoopOnly" + suffix).c_str(), BM_Loop, mode, "loop_only")
        ->Unit(benchmark::kMicrosecond);
  }
}

}  // namespace

int main(int argc, char** argv) {
  register_all();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
