// Load benchmarks (Google Benchmark): how fast a module goes from bytes to a callable
// instance (issue 11 item 2; docs/performance.md, "Loading").
//
//   BM_Decode/<module>       baseline: one InstrReader pass over every function body (the
//                            least any loader must do); code_rate = bytes of code section/s
//   BM_Validate/<module>     Module::validate: read + validate
//   BM_Load/<module>         Module::compile as engines do by default: read + validate,
//                            each function compiled on its first call (target: code_rate
//                            >= 50 MB/s on large modules)
//   BM_LoadEager/<module>    Module::compile with EngineConfig::lazy_compilation off:
//                            read + validate + compile every function, plain engine
//   BM_LoadEagerSandboxed/.. the same on an engine with fuel metering and deadline checks
//   BM_LoadEagerJit/<module> every function compiled to machine code at load (the
//                            baseline compiler, EngineConfig::jit; functions it does not
//                            cover compiled for the interpreter)
//   BM_LoadEagerJitSandboxed/.. the same with fuel and deadlines: the plugin engine's
//                            configuration (which compiles lazily; this is the whole bill)
//   BM_Instantiate/<module>  a new Store, the WASI functions it imports defined, host stubs for
//                            the module's other imports, Linker::instantiate (target for a
//                            small plugin: <= 50 us)
//
// Modules: bench/load's generated large C program (big.wasm, ~460 KB of code), the
// example plugins `template` and `minimal`, and every `--module=FILE` given (e.g. the real
// programs in /work/cache/realprog). Times are CPU time (rates too), so a busy machine
// slows the figures less than wall time would.
#include <benchmark/benchmark.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "wasi/wasi.h"
#include "wasm/binary_reader.h"
#include "wasm/instr_reader.h"
#include "wasm/linker.h"
#include "wasm/module.h"
#include "wasm/store.h"

namespace {

using namespace midimon::wasm;

struct Input {
  std::string name;
  std::vector<uint8_t> bytes;
  size_t code_bytes = 0;  // payload of the code section
};

std::vector<uint8_t> read_bytes(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

EngineConfig sandboxed_config() {
  EngineConfig c;
  c.fuel_metering = true;
  c.deadline_checks = true;
  return c;
}

EngineConfig jit(EngineConfig c) {
  c.jit = true;
  return c;
}

EngineConfig eager(EngineConfig c) {
  c.lazy_compilation = false;
  return c;
}

void set_code_rate(benchmark::State& state, const Input& in) {
  state.counters["code_rate"] = benchmark::Counter(static_cast<double>(in.code_bytes),
                                                   benchmark::Counter::kIsIterationInvariantRate);
}

void BM_Decode(benchmark::State& state, const Input& in) {
  auto info = read_module(in.bytes);
  if (!info) return state.SkipWithError(info.error().to_string().c_str());
  for (auto _ : state) {
    size_t count = 0;
    for (const FuncBody& body : info->bodies) {
      InstrReader r(info->bytes, body.code_offset, body.code_end);
      Instr instr;
      while (!r.at_end()) {
        if (!r.next(instr).ok()) return state.SkipWithError("decode failed");
        ++count;
      }
    }
    benchmark::DoNotOptimize(count);
  }
  set_code_rate(state, in);
}

void BM_Validate(benchmark::State& state, const Input& in) {
  for (auto _ : state) {
    auto r = Module::validate(in.bytes);
    if (!r) return state.SkipWithError(r.error().to_string().c_str());
  }
  set_code_rate(state, in);
}

void BM_Compile(benchmark::State& state, const Input& in, EngineConfig config) {
  Engine engine(config);
  for (auto _ : state) {
    auto m = Module::compile(engine, in.bytes);
    if (!m) return state.SkipWithError(m.error().to_string().c_str());
    benchmark::DoNotOptimize(m->get());
  }
  set_code_rate(state, in);
}

// What a plugin host does to get an instance of an already compiled module: a store, the
// WASI host, stubs for the other imports (the plugin host defines its `midimon` functions
// the same way), and instantiation.
void BM_Instantiate(benchmark::State& state, const Input& in) {
  Engine& engine = *new Engine(sandboxed_config());  // outlives every store below
  auto module = Module::compile(engine, in.bytes);
  if (!module) return state.SkipWithError(module.error().to_string().c_str());
  for (auto _ : state) {
    Store store(engine);
    auto wasi = midimon::wasi::WasiHost::create({});
    if (!wasi) return state.SkipWithError(wasi.error().to_string().c_str());
    Linker linker;
    (*wasi)->define_imports(linker, store, (*module)->info());
    for (const Import& im : (*module)->info().imports) {
      if (im.kind != ExternKind::Func || im.module == "wasi_snapshot_preview1") continue;
      linker.define_func(store, im.module, im.name, (*module)->info().types[im.func_type],
                         [](Caller&, const Value*, Value*) { return Trap(); });
    }
    auto inst = linker.instantiate(store, *module);
    if (!inst) return state.SkipWithError(inst.error().to_string().c_str());
    benchmark::DoNotOptimize(*inst);
  }
}

size_t code_section_bytes(const std::vector<uint8_t>& bytes) {
  auto info = read_module(bytes);
  if (!info) return 0;
  for (const SectionInfo& s : info->sections) {
    if (s.id == 10) return s.size;
  }
  return 0;
}

void add_input(std::vector<Input>& inputs, const std::filesystem::path& file) {
  Input in;
  in.name = file.stem().string();
  in.bytes = read_bytes(file);
  if (in.bytes.empty()) {
    std::fprintf(stderr, "load_bench: cannot read %s\n", file.c_str());
    std::exit(2);
  }
  in.code_bytes = code_section_bytes(in.bytes);
  inputs.push_back(std::move(in));
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<Input>* inputs = new std::vector<Input>;  // referenced by the registrations
  add_input(*inputs, MIDIMON_LOAD_BENCH_BIG);
  add_input(*inputs, std::filesystem::path(MIDIMON_BENCH_PLUGINS_DIR) / "template" / "template.wasm");
  add_input(*inputs, std::filesystem::path(MIDIMON_BENCH_PLUGINS_DIR) / "minimal" / "minimal.wasm");
  // --module=FILE (ours) is taken out before Google Benchmark sees the arguments.
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--module=", 9) == 0) {
      add_input(*inputs, argv[i] + 9);
    } else {
      argv[kept++] = argv[i];
    }
  }
  argc = kept;

  for (const Input& in : *inputs) {
    benchmark::RegisterBenchmark(("BM_Decode/" + in.name).c_str(), BM_Decode, in)
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("BM_Validate/" + in.name).c_str(), BM_Validate, in)
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("BM_Load/" + in.name).c_str(), BM_Compile, in, EngineConfig{})
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("BM_LoadEager/" + in.name).c_str(), BM_Compile, in,
                                 eager(EngineConfig{}))
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("BM_LoadEagerSandboxed/" + in.name).c_str(), BM_Compile, in,
                                 eager(sandboxed_config()))
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("BM_LoadEagerJit/" + in.name).c_str(), BM_Compile, in,
                                 eager(jit(EngineConfig{})))
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("BM_LoadEagerJitSandboxed/" + in.name).c_str(), BM_Compile, in,
                                 eager(jit(sandboxed_config())))
        ->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("BM_Instantiate/" + in.name).c_str(), BM_Instantiate, in)
        ->Unit(benchmark::kMicrosecond);
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
