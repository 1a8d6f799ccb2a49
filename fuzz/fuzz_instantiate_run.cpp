// libFuzzer target: compile, instantiate with stub imports and call every exported
// function with zero arguments, under fuel (100k units per call), a call depth of 200
// and 16 MiB per memory. Traps are expected outcomes; crashes, sanitizer reports, hangs
// (libFuzzer -timeout) and a trap kind outside the spec's set are findings.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>

#include "engine_harness.h"
#include "wasm/module.h"

using namespace midimon::wasm;
using namespace midimon::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const HarnessLimits limits;
  static Engine engine(fuzz_engine_config(limits));

  auto module = Module::compile(engine, std::span<const uint8_t>(data, size));
  if (!module.ok()) return 0;
  if (EngineHarness::exceeds_caps((*module)->info(), limits)) return 0;

  EngineHarness h(engine, limits);
  if (h.instantiate(*module)) return 0;  // link/instantiation errors are fine

  for (const auto& [name, ext] : h.instance()->exports()) {
    FuncInst* f = ext.as_func();
    if (f == nullptr) continue;
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
