// libFuzzer target: compile, instantiate with stub imports and call every exported
// function with zero arguments, under fuel (100k units per call), a call depth of 200
// and 16 MiB per memory. Traps are expected outcomes; crashes, sanitizer reports, hangs
// (libFuzzer -timeout) and a trap kind outside the spec's set are findings.
//
// Until the engine meters fuel (checked once at start-up with a 100k-iteration loop and
// 1000 units of fuel), wabt's interpreter stands in as the termination oracle when it is
// available: it runs the module first with a step budget, and only the start function and
// exports that finished there are run in our engine.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>

#include "engine_harness.h"
#include "wasm/module.h"
#ifdef MIDIMON_FUZZ_HAVE_WABT
#include "wabt_runner.h"
#endif

using namespace midimon::wasm;
using namespace midimon::fuzz;

namespace {

// (func (export "f") (local i32) (loop ... (br_if 0 (i32.ne (local.get 0) (i32.const 100000)))))
const uint8_t kFuelProbe[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60, 0x00,
    0x00, 0x03, 0x02, 0x01, 0x00, 0x07, 0x05, 0x01, 0x01, 0x66, 0x00, 0x00, 0x0a,
    0x19, 0x01, 0x17, 0x01, 0x01, 0x7f, 0x03, 0x40, 0x20, 0x00, 0x41, 0x01, 0x6a,
    0x21, 0x00, 0x20, 0x00, 0x41, 0xa0, 0x8d, 0x06, 0x47, 0x0d, 0x00, 0x0b, 0x0b};

bool engine_meters_fuel(Engine& engine) {
  auto module = Module::compile(engine, kFuelProbe);
  if (!module.ok()) return false;
  HarnessLimits l;
  l.fuel_per_call = 1000;
  EngineHarness h(engine, l);
  if (h.instantiate(*module)) return false;
  return h.call(h.instance()->get_func("f")).trap == TrapKind::FuelExhausted;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const HarnessLimits limits;
  static Engine engine(fuzz_engine_config(limits));
  static const bool fuel_works = [] {
    const bool ok = engine_meters_fuel(engine);
    std::fprintf(stderr, "fuzz_instantiate_run: fuel metering %s\n",
                 ok ? "works" : "is not in effect: wabt bounds the runs");
    return ok;
  }();

  auto module = Module::compile(engine, std::span<const uint8_t>(data, size));
  if (!module.ok()) return 0;
  if (EngineHarness::exceeds_caps((*module)->info(), limits)) return 0;

  // How many exported functions may run (all of them when fuel bounds the calls).
  size_t runnable = SIZE_MAX;
  if (!fuel_works) {
#ifdef MIDIMON_FUZZ_HAVE_WABT
    WabtRunner wabt;
    std::string error;
    if (!wabt.load(std::span<const uint8_t>(data, size), &error)) return 0;
    constexpr int kSteps = 200'000;
    if (wabt.instantiate(limits.memory_cap_pages, limits.table_cap, kSteps).status ==
        WabtCall::Status::Exhausted) {
      return 0;
    }
    runnable = 0;
    for (size_t i = 0; i < wabt.exports().size(); ++i) {
      if (wabt.exports()[i].kind != 0) continue;
      if (wabt.call_export(i, kSteps).status == WabtCall::Status::Exhausted) break;
      ++runnable;
    }
#else
    return 0;  // nothing bounds the calls
#endif
  }

  EngineHarness h(engine, limits);
  if (h.instantiate(*module)) return 0;  // link/instantiation errors are fine

  size_t ran = 0;
  for (const auto& [name, ext] : h.instance()->exports()) {
    FuncInst* f = ext.as_func();
    if (f == nullptr) continue;
    if (ran++ >= runnable) break;
    CallOutcome out = h.call(f);
    // Host traps come only from host functions, and the stubs never trap; an Exit
    // needs WASI. Either one here means the engine invented it.
    if (out.trap == TrapKind::Host || out.trap == TrapKind::Exit) {
      std::fprintf(stderr, "export \"%s\": unexpected trap kind: %s\n", name.c_str(),
                   out.trap_message.c_str());
      std::abort();
    }
  }
  return 0;
}
