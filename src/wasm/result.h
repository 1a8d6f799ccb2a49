// Errors as values: every load-time failure carries a message and the byte offset in
// the module where it was found. No exceptions anywhere in the engine.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

namespace midimon::wasm {

// What stage rejected the input; the spec suite's assert_* kinds map onto these.
enum class ErrorKind : uint8_t {
  Malformed,       // the binary does not decode
  Invalid,         // decodes, but fails validation
  Unlinkable,      // an import is missing or has the wrong type
  Uninstantiable,  // instantiation trapped (segment out of bounds, start function trap)
  Limit,           // an engine or store limit refused it
  Usage,           // the embedder called the API wrongly (wrong arity, wrong store, ...)
};

struct Error {
  ErrorKind kind = ErrorKind::Malformed;
  std::string message;       // complete sentence fragment, e.g. "unexpected end of section"
  size_t offset = 0;         // byte offset in the module binary
  std::string where;         // context: "section 'code'", "function 3", ...

  // "section 'type' at byte offset 0x1f: integer too large"
  std::string to_string() const;
};

// Two optionals rather than a variant: constructing, testing and destroying a success
// then compiles to a flag test inline (the variant's reset was an out-of-line call per
// decoded immediate).
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}        // NOLINT: implicit on purpose
  Result(Error error) : err_(std::move(error)) {}      // NOLINT
  bool ok() const { return value_.has_value(); }
  explicit operator bool() const { return ok(); }
  T& value() { return value_.value(); }
  const T& value() const { return value_.value(); }
  T& operator*() { return value(); }
  T* operator->() { return &value(); }
  const Error& error() const { return err_.value(); }
  Error take_error() { return std::move(err_.value()); }

 private:
  std::optional<T> value_;
  std::optional<Error> err_;
};

// Success is an empty optional: returning it initialises one flag, not an Error's two
// strings (the loader returns one of these per decoded instruction).
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : err_(std::move(error)) {}  // NOLINT
  bool ok() const { return !err_.has_value(); }
  explicit operator bool() const { return ok(); }
  // An empty Error when ok().
  const Error& error() const {
    static const Error kNone;
    return err_ ? *err_ : kNone;
  }
  Error take_error() { return err_ ? std::move(*err_) : Error{}; }

 private:
  std::optional<Error> err_;
};

// Propagate an error from an expression that yields a Result.
#define WASM_TRY(expr)                                \
  do {                                                \
    if (auto _r = (expr); !_r.ok()) return _r.take_error(); \
  } while (0)

}  // namespace midimon::wasm
