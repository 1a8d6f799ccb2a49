// Trap messages: the spec suite's wording, prefix-matched by assert_trap.
#include "trap.h"

namespace midimon::wasm {

const char* trap_kind_message(TrapKind kind) {
  switch (kind) {
    case TrapKind::None: return "no trap";
    case TrapKind::Unreachable: return "unreachable";
    case TrapKind::IntegerDivideByZero: return "integer divide by zero";
    case TrapKind::IntegerOverflow: return "integer overflow";
    case TrapKind::InvalidConversionToInteger: return "invalid conversion to integer";
    case TrapKind::OutOfBoundsMemoryAccess: return "out of bounds memory access";
    case TrapKind::OutOfBoundsTableAccess: return "out of bounds table access";
    case TrapKind::UndefinedElement: return "undefined element";
    case TrapKind::UninitializedElement: return "uninitialized element";
    case TrapKind::IndirectCallTypeMismatch: return "indirect call type mismatch";
    case TrapKind::CallStackExhausted: return "call stack exhausted";
    case TrapKind::FuelExhausted: return "fuel exhausted";
    case TrapKind::DeadlineExceeded: return "deadline exceeded";
    case TrapKind::Host: return "host trap";
    case TrapKind::Exit: return "exit";
  }
  return "unknown trap";
}

const std::string& Trap::detail() const {
  static const std::string kNone;
  return detail_ ? *detail_ : kNone;
}

std::string Trap::message() const {
  // A host trap is the host's own words; "host trap" only when it gave none.
  const std::string& d = detail();
  if (kind == TrapKind::Host && !d.empty()) return d;
  std::string m = trap_kind_message(kind);
  if (kind == TrapKind::Exit) m += " with code " + std::to_string(exit_code);
  if (!d.empty()) m += ": " + d;
  return m;
}

}  // namespace midimon::wasm
