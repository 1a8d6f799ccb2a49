// The baseline compiler: translates a validated function body straight to x86-64
// machine code (jit_x64.cpp), one wasm instruction at a time, so that a call runs
// without the interpreter's dispatch. Operands live in the same kind of frame as the
// interpreter's (8-byte slots in the store's value stack, one static slot per operand
// stack position); constants and local reads stay in the instruction until a value must
// be in its slot. Calls between translated functions are native calls; anything else
// (host functions, functions left to the interpreter) goes through jit_runtime.cpp.
//
// Used when EngineConfig::jit is set, on x86-64. With fuel metering the code charges
// blocks in advance and checks at entries and loop headers (docs/limits.md, "Fuel");
// with deadline checks its entries compare with call_limit, a loop's first certain
// access with mem_limit, and loops with neither such an access nor a call on every turn
// poll the interrupt flag.
// A function the translator does not cover (SIMD, v128 values) stays interpreted.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "trap.h"
#include "value.h"

namespace midimon::wasm {

struct EngineConfig;
struct ModuleInfo;
class DecodedBody;
class Instance;
class Store;
struct FuncInst;

// One function's machine code and the side tables it reads.
struct JitCode;
struct JitCodeDeleter {
  void operator()(JitCode* c) const;
};
using JitCodePtr = std::unique_ptr<JitCode, JitCodeDeleter>;

// Is machine code used with this configuration (EngineConfig::jit, on x86-64)?
bool jit_enabled(const EngineConfig& config);

// Translates function `func_index` (a defined function; `decoded` validated). Returns
// null and says why in `why` when the function uses something the translator does not
// cover; the function is then interpreted.
JitCodePtr jit_compile(const ModuleInfo& module, uint32_t func_index, const DecodedBody& decoded,
                       const EngineConfig& config, std::string* why);

// The native entry of translated code. It follows the compiler's own convention
// (jit_x64.cpp), not the C one: the host enters it only through jit_detail::enter.
using JitEntry = const void*;
JitEntry jit_entry(const JitCode& code);

// Runs a translated function (func->code->jit set) from the host: the counterpart of
// interpret() (Store::call picks one).
Trap jit_invoke(Store& store, FuncInst* func, const Value* args, Value* results);

// Runs translated code `fn` of instance `inst` on the frame at `fp`: its arguments are
// there, its results are written there, and its frame grows up from there (so whatever
// the caller keeps above the arguments must be saved around the call). ExecState's sp
// and depth are the caller's to set. A run that ends with the fuel overdrawn (a charge
// after the last check) traps "fuel exhausted". The interpreter's way into a translated
// function (IOp::EnterJit, code.h) and jit_invoke's core.
Trap jit_run_on_frame(Store& store, JitEntry fn, Value* fp, Instance* inst);

}  // namespace midimon::wasm
