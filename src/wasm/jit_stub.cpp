// The internal code of a function the baseline compiler translated: one EnterJit op
// (code.h) that runs the machine code, instead of the interpreter's whole translation
// of the body. Calls from interpreted code (a function the translator does not cover,
// e.g. one with SIMD) still reach the function the interpreter's way, through this
// frame; everything else enters the machine code directly (CompiledFunc::jit). Compiling
// each such function once instead of twice made loading sqlite3 ~18 % cheaper
// (docs/performance.md). Small functions keep both (kJitStubMinInstrs).
#include "jit_stub.h"

#include <algorithm>
#include <cstring>

#include "code.h"
#include "types.h"

namespace midimon::wasm {
namespace {

void emit_handler(std::vector<uint32_t>& code, const uint64_t* handlers, IOp op) {
  const uint64_t h = handlers[static_cast<uint32_t>(op)];
  code.push_back(static_cast<uint32_t>(h));
  code.push_back(static_cast<uint32_t>(h >> 32));
}

}  // namespace

std::unique_ptr<CompiledFunc> jit_stub(const EngineConfig& config, const FuncType& type,
                                       JitCodePtr jit_code) {
  auto f = std::make_unique<CompiledFunc>();
  f->jit = jit_entry(*jit_code);
  f->jit_code = std::move(jit_code);
  f->num_params = slot_count(type.params);
  f->num_locals = f->num_params;
  f->num_results = slot_count(type.results);
  // The return info above both the arguments and the results (code.h, frame layout);
  // no locals to zero, no constants.
  f->ctl_slot = std::max(f->num_params, f->num_results);
  f->frame_size = f->ctl_slot + kCtlSlots;
  f->zero_end = f->num_params;
  f->small_init = true;

  const uint64_t* handlers = interp_handler_addresses(config.deadline_checks);
  // With fuel on, a function's code starts with a Fuel op, which Call_F skips after
  // charging entry_fuel: both are 0, as the machine code charges its own entry.
  if (config.fuel_metering) {
    emit_handler(f->code, handlers, IOp::Fuel);
    f->code.push_back(0);
  }
  emit_handler(f->code, handlers, IOp::EnterJit);
  uint32_t fn[2];
  static_assert(sizeof fn == sizeof f->jit);
  std::memcpy(fn, &f->jit, sizeof fn);
  f->code.insert(f->code.end(), {fn[0], fn[1], f->ctl_slot});
  f->entry = f->code.data();
  return f;
}

}  // namespace midimon::wasm
