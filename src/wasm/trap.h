// Traps are values: an interpreter run returns a Trap, kind None on success.
#pragma once

#include <cstdint>
#include <memory>
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

// Every call returns one (Store::call, the interpreter, host functions), so success must
// be cheap to make, move and destroy: the detail text lives behind a pointer that is null
// for success and for traps without detail.
struct [[nodiscard]] Trap {
  TrapKind kind = TrapKind::None;
  int32_t exit_code = 0;  // TrapKind::Exit

  Trap() = default;
  explicit Trap(TrapKind k) : kind(k) {}
  Trap(const Trap& o) : kind(o.kind), exit_code(o.exit_code) {
    if (o.detail_) detail_ = std::make_unique<std::string>(*o.detail_);
  }
  Trap& operator=(const Trap& o) {
    if (this != &o) *this = Trap(o);
    return *this;
  }
  Trap(Trap&&) noexcept = default;
  Trap& operator=(Trap&&) noexcept = default;

  static Trap host(std::string message) { Trap t(TrapKind::Host); t.set_detail(std::move(message)); return t; }
  static Trap exit(int32_t code) { Trap t(TrapKind::Exit); t.exit_code = code; return t; }

  bool ok() const { return kind == TrapKind::None; }
  explicit operator bool() const { return kind != TrapKind::None; }  // true = trapped
  std::string message() const;  // the kind's message, plus detail when present

  // TrapKind::Host: the host's message; otherwise optional context. Empty when none.
  const std::string& detail() const;
  void set_detail(std::string text) { detail_ = std::make_unique<std::string>(std::move(text)); }

 private:
  std::unique_ptr<std::string> detail_;
};

}  // namespace midimon::wasm
