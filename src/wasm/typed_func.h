// TypedFunc: a checked, natively typed handle on a function, so embedders call
// `fib.call(store, &result, 30)` instead of filling Value spans by hand. The signature is
// checked once, when binding; a mismatch is a Usage error naming both types.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <type_traits>

#include "result.h"
#include "runtime.h"
#include "store.h"
#include "value.h"

namespace midimon::wasm {

template <class T>
struct NativeValType;  // the WebAssembly type a native type stands for
template <> struct NativeValType<int32_t> { static constexpr ValType type = ValType::I32; };
template <> struct NativeValType<uint32_t> { static constexpr ValType type = ValType::I32; };
template <> struct NativeValType<int64_t> { static constexpr ValType type = ValType::I64; };
template <> struct NativeValType<uint64_t> { static constexpr ValType type = ValType::I64; };
template <> struct NativeValType<float> { static constexpr ValType type = ValType::F32; };
template <> struct NativeValType<double> { static constexpr ValType type = ValType::F64; };

namespace detail {
template <class T>
Value to_value(T v) {
  if constexpr (sizeof(T) == 4 && std::is_integral_v<T>) return Value::from_i32(static_cast<uint32_t>(v));
  else if constexpr (std::is_integral_v<T>) return Value::from_i64(static_cast<uint64_t>(v));
  else if constexpr (std::is_same_v<T, float>) return Value::from_f32(v);
  else return Value::from_f64(v);
}
template <class T>
T from_value(Value v) {
  if constexpr (sizeof(T) == 4 && std::is_integral_v<T>) return static_cast<T>(v.i32);
  else if constexpr (std::is_integral_v<T>) return static_cast<T>(v.i64);
  else if constexpr (std::is_same_v<T, float>) return v.f32;
  else return v.f64;
}
}  // namespace detail

template <class Signature>
class TypedFunc;

// R is void or one of int32_t, uint32_t, int64_t, uint64_t, float, double.
template <class R, class... Args>
class TypedFunc<R(Args...)> {
 public:
  static Result<TypedFunc> bind(FuncInst* func) {
    FuncType want;
    want.params = {NativeValType<Args>::type...};
    if constexpr (!std::is_void_v<R>) want.results = {NativeValType<R>::type};
    if (func == nullptr) return Error{ErrorKind::Usage, "no such function", 0, ""};
    if (!(*func->type == want)) {
      return Error{ErrorKind::Usage,
                   "function type is " + func->type->to_string() + ", not " + want.to_string(), 0, ""};
    }
    return TypedFunc(func);
  }

  // For functions with a result: writes it to *result on success.
  template <class Out = R>
    requires(!std::is_void_v<Out>)
  Trap call(Store& store, Out* result, Args... args) const {
    std::array<Value, sizeof...(Args)> in{detail::to_value(args)...};
    Value out{};
    Trap trap = store.call(func_, in, {&out, 1});
    if (trap.ok()) *result = detail::from_value<Out>(out);
    return trap;
  }

  // For functions without results.
  template <class Out = R>
    requires std::is_void_v<Out>
  Trap call(Store& store, Args... args) const {
    std::array<Value, sizeof...(Args)> in{detail::to_value(args)...};
    return store.call(func_, in, {});
  }

  FuncInst* func() const { return func_; }

 private:
  explicit TypedFunc(FuncInst* f) : func_(f) {}
  FuncInst* func_;
};

}  // namespace midimon::wasm
