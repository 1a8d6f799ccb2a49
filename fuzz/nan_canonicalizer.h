// Rewrites a valid module so that every float operation whose NaN result the spec leaves
// open (nans_N: the sign of any NaN, and the payload of a NaN made from a NaN operand
// that is not canonical) returns the positive canonical NaN instead. x86 and wabt's
// interpreter pick different members of that set, both correctly; once such a NaN is
// stored and read back as an integer, any of its bits can surface anywhere. Running the
// rewritten module on both sides makes them agree bit for bit, so the differential
// harness can compare memories, integers and globals exactly (wasmtime's fuzzers use an
// engine option, cranelift_nan_canonicalization, for the same reason).
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "wasm/module_info.h"

namespace midimon::fuzz {

// True if some body has an operation whose NaN result is open (the ones rewritten).
bool has_open_nan_results(const midimon::wasm::ModuleInfo& info);

// The module's bytes with `(select x canonical (x == x))` after every such operation
// (bitselect with a lane-wise compare for f32x4/f64x2), through up to three new locals
// per body. Only the code section changes. nullopt when a body cannot be re-read.
std::optional<std::vector<uint8_t>> canonicalize_nans(const midimon::wasm::ModuleInfo& info);

}  // namespace midimon::fuzz
