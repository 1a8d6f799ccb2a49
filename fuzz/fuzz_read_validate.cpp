// libFuzzer target: the binary reader, the validator and the compiler on arbitrary
// bytes. Any crash, sanitizer report or inconsistency between the stages is a finding.
#include <cstdint>
#include <cstdlib>
#include <cstdio>
#include <span>

#include "wasm/binary_reader.h"
#include "wasm/engine.h"
#include "wasm/module.h"
#include "wasm/validator.h"

using namespace midimon::wasm;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Engine engine;
  std::span<const uint8_t> bytes(data, size);

  auto info = read_module(bytes);
  bool valid = false;
  if (!info.ok()) {
    // Error offsets must point into (or just past) the input.
    if (info.error().offset > size) {
      std::fprintf(stderr, "reader error offset %zu beyond input size %zu: %s\n",
                   info.error().offset, size, info.error().to_string().c_str());
      std::abort();
    }
  } else {
    auto v = validate_module(*info);
    valid = v.ok();
  }

  // Module::compile runs the same stages plus the compiler; its verdict must agree.
  auto module = Module::compile(engine, bytes);
  if (module.ok() != valid) {
    std::fprintf(stderr, "read+validate says %s but Module::compile says %s%s\n",
                 valid ? "valid" : "invalid", module.ok() ? "ok" : "error: ",
                 module.ok() ? "" : module.error().to_string().c_str());
    std::abort();
  }
  return 0;
}
