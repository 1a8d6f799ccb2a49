// The reference side of the differential target: wabt's interpreter (libwabt, linked
// into fuzz_differential only). This header keeps wabt's headers out of the target so
// the two engines' names never meet.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace midimon::fuzz {

struct WabtCall {
  enum class Status { Ok, Trap, Exhausted };  // Exhausted: step budget or stack limit
  Status status = Status::Ok;
  std::string trap_message;     // wabt's words
  std::vector<uint64_t> bits;   // results as raw bits (refs: 0 null, 1 non-null), a v128
                                // as two words (bytes 0..7, 8..15) like the engine's slots
};

struct WabtExport {
  std::string name;
  int kind = 0;  // 0 func, 1 table, 2 memory, 3 global
};

class WabtRunner {
 public:
  WabtRunner();
  ~WabtRunner();

  // Reads and validates with the 2.0 feature set (SIMD included). False: rejected, with
  // wabt's first error in `error`.
  bool load(std::span<const uint8_t> bytes, std::string* error);
  // wabt's other front end (ReadBinaryIr + ValidateModule, as `wasm-validate`), which is
  // stricter than the interpreter's reader in places (bytes after a body's final `end`).
  bool validate_ir(std::span<const uint8_t> bytes, std::string* error);

  // Instantiates with stub imports equal to EngineHarness's (zero-returning host
  // functions, zero globals, tables/memories with maxima clipped to the caps), with
  // the module's own memories and tables clipped the same way. The start function runs
  // under the step budget. Returns Ok (instantiated), Trap (instantiation failed; the
  // message in `out.trap_message`) or Exhausted.
  WabtCall instantiate(uint32_t memory_cap_pages, uint32_t table_cap, int step_budget);

  const std::vector<WabtExport>& exports() const;
  // Calls exported function `i` (index into exports()) with zero arguments.
  WabtCall call_export(size_t i, int step_budget);
  // Exported memory contents / global bits, for the final state comparison.
  std::vector<uint8_t> memory_bytes(size_t i) const;
  // A v128 global's bytes 0..7 (`hi`: its bytes 8..15).
  uint64_t global_bits(size_t i, uint64_t* hi = nullptr) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace midimon::fuzz
