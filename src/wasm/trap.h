// Traps are values: an interpreter run returns a Trap, kind None on success.
#pragma once

#include <cstdint>
#include <string>

namespace midimon::wasm {

enum class TrapKind : uint8_t {
  None = 0,
  Unreachable,                 // "unreachable"
  IntegerDivideByZero,         // "integer divide by zero"
  IntegerOverflow,             // "integer overflow"
  InvalidConversionToInteger,  // "invalid conversion to integer"
  OutOfBoundsMemoryAccess,     // "out of bounds memory access"
  OutOfBoundsTableAccess,      // "out of bounds table access"
  UndefinedElement,            // "undefined element"
  UninitializedElement,        // "uninitialized element"
  IndirectCallTypeMismatch,    // "indirect call type mismatch"
  CallStackExhausted,          // "call stack exhausted"
  FuelExhausted,               // "fuel exhausted"
  DeadlineExceeded,            // "deadline exceeded"
  Host,                        // a host function trapped; see Trap::message
  Exit,                        // the guest asked to exit (WASI proc_exit); see exit_code
};

// The spec suite's message for each kind (prefix-matched by assert_trap).
const char* trap_kind_message(TrapKind kind);

struct [[nodiscard]] Trap {
  TrapKind kind = TrapKind::None;
  int32_t exit_code = 0;  // TrapKind::Exit
  std::string detail;     // TrapKind::Host: the host's message; otherwise optional context

  Trap() = default;
  explicit Trap(TrapKind k) : kind(k) {}
  static Trap host(std::string message) { Trap t(TrapKind::Host); t.detail = std::move(message); return t; }
  static Trap exit(int32_t code) { Trap t(TrapKind::Exit); t.exit_code = code; return t; }

  bool ok() const { return kind == TrapKind::None; }
  explicit operator bool() const { return kind != TrapKind::None; }  // true = trapped
  std::string message() const;  // the kind's message, plus detail when present
};

}  // namespace midimon::wasm
