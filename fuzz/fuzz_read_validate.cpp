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
  // Eager: the compiler must see every function of every valid input, called or not.
  static Engine engine([] {
    EngineConfig c;
    c.lazy_compilation = false;
    return c;
  }());
  std::span<const uint8_t> bytes(data, size);

  auto info = read_module(bytes);
  bool valid = false;
  Error staged;  // the error of read_module + validate_module, if any
  if (!info.ok()) {
    staged = info.error();
    // Error offsets must point into (or just past) the input.
    if (info.error().offset > size) {
      std::fprintf(stderr, "reader error offset %zu beyond input size %zu: %s\n",
                   info.error().offset, size, info.error().to_string().c_str());
      std::abort();
    }
  } else {
    auto v = validate_module(*info);
    valid = v.ok();
    if (!valid) staged = v.error();
  }

  // Module::validate decodes each body once (BodyDecoding::Deferred) and must still give
  // exactly the error the staged pipeline gives: same kind, message, offset and place.
  auto once = Module::validate(bytes);
  const Error& e = once.error();
  if (once.ok() != valid ||
      (!valid && (e.kind != staged.kind || e.message != staged.message ||
                  e.offset != staged.offset || e.where != staged.where))) {
    std::fprintf(stderr, "read+validate says %s but Module::validate says %s\n",
                 valid ? "valid" : staged.to_string().c_str(),
                 once.ok() ? "valid" : e.to_string().c_str());
    std::abort();
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
