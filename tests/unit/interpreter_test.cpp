// Compiler + interpreter: arithmetic, control flow, the compiler's lazy operand
// references, calls, traps and the bounds on recursion.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine_configs.h"
#include "handler_count_util.h"
#include "wat_util.h"
#include "wasm/engine.h"
#include "wasm/linker.h"
#include "wasm/module.h"
#include "wasm/store.h"

namespace midimon::wasm {
namespace {

// One module instantiated in its own store, with an optional host-function setup hook.
struct Fixture {
  Engine engine;
  Store store;
  Linker linker;
  Instance* inst = nullptr;

  explicit Fixture(StoreLimits limits = {}) : store(engine, limits) {}

  void load(const std::string& wat) {
    auto m = Module::compile(engine, test::wat2wasm(wat));
    ASSERT_TRUE(m.ok()) << m.error().to_string();
    auto r = linker.instantiate(store, *m);
    ASSERT_TRUE(r.ok()) << r.error().to_string();
    inst = *r;
  }

  // Calls export `name`; returns the trap message ("" on success) and fills `out`.
  std::string call(const std::string& name, std::vector<Value> args, std::vector<Value>* out = nullptr) {
    FuncInst* f = inst->get_func(name);
    if (!f) return "no export " + name;
    std::vector<Value> results(f->type->results.size());
    Trap t = store.call(f, args, results);
    if (out) *out = results;
    return t.ok() ? "" : t.message();
  }

  uint32_t i32(const std::string& name, std::vector<Value> args = {}) {
    std::vector<Value> out;
    std::string t = call(name, std::move(args), &out);
    EXPECT_EQ(t, "") << name;
    return out.empty() ? 0xdeadbeef : out[0].i32;
  }
};

Value I(uint32_t v) { return Value::from_i32(v); }
Value L(uint64_t v) { return Value::from_i64(v); }

TEST(Interpreter, IntegerArithmeticAndTraps) {
  Fixture f;
  f.load(R"((module
    (func (export "div_s") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
    (func (export "rem_s") (param i32 i32) (result i32) (i32.rem_s (local.get 0) (local.get 1)))
    (func (export "div_u64") (param i64 i64) (result i64) (i64.div_u (local.get 0) (local.get 1)))
    (func (export "shl") (param i32 i32) (result i32) (i32.shl (local.get 0) (local.get 1)))
    (func (export "clz") (param i32) (result i32) (i32.clz (local.get 0)))
    (func (export "trunc") (param f32) (result i32) (i32.trunc_f32_s (local.get 0)))
  ))");
  EXPECT_EQ(f.i32("div_s", {I(static_cast<uint32_t>(-7)), I(2)}), static_cast<uint32_t>(-3));
  EXPECT_EQ(f.call("div_s", {I(1), I(0)}), "integer divide by zero");
  EXPECT_EQ(f.call("div_s", {I(0x80000000u), I(0xffffffffu)}), "integer overflow");
  EXPECT_EQ(f.i32("rem_s", {I(0x80000000u), I(0xffffffffu)}), 0u);
  EXPECT_EQ(f.call("rem_s", {I(5), I(0)}), "integer divide by zero");
  std::vector<Value> out;
  EXPECT_EQ(f.call("div_u64", {L(~0ull), L(2)}, &out), "");
  EXPECT_EQ(out[0].i64, 0x7fffffffffffffffull);
  EXPECT_EQ(f.i32("shl", {I(1), I(33)}), 2u);  // count is masked
  EXPECT_EQ(f.i32("clz", {I(0)}), 32u);
  EXPECT_EQ(f.call("trunc", {Value::from_f32(2147483648.0f)}), "integer overflow");
  EXPECT_EQ(f.call("trunc", {Value::from_f32_bits(0x7fc00000)}), "invalid conversion to integer");
  EXPECT_EQ(f.i32("trunc", {Value::from_f32(-2147483648.0f)}), 0x80000000u);
}

TEST(Interpreter, LazyLocalReferencesSeeTheOldValue) {
  Fixture f;
  f.load(R"((module
    ;; the pushed local.get must keep the value from before the local.set
    (func (export "straight") (param i32) (result i32)
      (local.get 0) (local.set 0 (i32.const 100)) (local.get 0) (i32.sub))
    ;; same across a block entry (the set happens inside the block)
    (func (export "block") (param i32) (result i32)
      (local.get 0) (block (local.set 0 (i32.const 100))) (local.get 0) (i32.sub))
    ;; a loop that overwrites the local each iteration
    (func (export "loop") (param i32) (result i32) (local i32)
      (local.get 0)
      (loop
        (local.set 0 (i32.add (local.get 0) (i32.const 1)))
        (local.set 1 (i32.add (local.get 1) (i32.const 1)))
        (br_if 0 (i32.lt_u (local.get 1) (i32.const 3))))
      (local.get 0) (i32.sub))
    ;; tee: the result of an op goes straight into the local and stays on the stack
    (func (export "tee") (param i32) (result i32)
      (local.get 0) (local.tee 0 (i32.mul (local.get 0) (i32.const 3))) (i32.add))
    ;; only one branch of an if overwrites the local
    (func (export "if") (param i32 i32) (result i32)
      (local.get 0)
      (if (local.get 1) (then (local.set 0 (i32.const 1000))))
      (local.get 0) (i32.sub))
  ))");
  EXPECT_EQ(f.i32("straight", {I(7)}), static_cast<uint32_t>(7 - 100));
  EXPECT_EQ(f.i32("block", {I(7)}), static_cast<uint32_t>(7 - 100));
  EXPECT_EQ(f.i32("loop", {I(10)}), static_cast<uint32_t>(10 - 13));
  EXPECT_EQ(f.i32("tee", {I(5)}), 20u);
  EXPECT_EQ(f.i32("if", {I(7), I(0)}), 0u);
  EXPECT_EQ(f.i32("if", {I(7), I(1)}), static_cast<uint32_t>(7 - 1000));
}

TEST(Interpreter, ControlFlowWithValues) {
  Fixture f;
  f.load(R"((module
    (func (export "br_table") (param i32) (result i32)
      (block (result i32)
        (block (result i32)
          (block (result i32)
            (br_table 0 1 2 (i32.const 10) (local.get 0)))
          (i32.add (i32.const 1)))
        (i32.add (i32.const 2))))
    ;; loop with a parameter: sum 1..n
    (func (export "loop_param") (param i32) (result i32)
      (i32.const 0)
      (loop (param i32) (result i32)
        (i32.add (local.get 0))
        (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
        (br_if 0 (local.get 0))))
    ;; multi-value return of swapped locals (parallel move)
    (func $swap (param i32 i32) (result i32 i32) (local.get 1) (local.get 0))
    (func (export "swap") (param i32 i32) (result i32)
      (call $swap (local.get 0) (local.get 1)) (i32.const 10) (i32.mul) (i32.add))
    ;; if with block params and else
    (func (export "if_params") (param i32) (result i32)
      (i32.const 5) (i32.const 6)
      (if (param i32 i32) (result i32) (local.get 0)
        (then (i32.add)) (else (i32.sub))))
    ;; br_if carrying a value out of a block
    (func (export "br_if_value") (param i32) (result i32)
      (block (result i32) (br_if 0 (i32.const 42) (local.get 0)) (drop) (i32.const 7)))
    (func (export "select") (param i32) (result i64)
      (select (i64.const 1) (i64.const 2) (local.get 0)))
  ))");
  EXPECT_EQ(f.i32("br_table", {I(0)}), 13u);
  EXPECT_EQ(f.i32("br_table", {I(1)}), 12u);
  EXPECT_EQ(f.i32("br_table", {I(2)}), 10u);
  EXPECT_EQ(f.i32("br_table", {I(99)}), 10u);
  EXPECT_EQ(f.i32("loop_param", {I(10)}), 55u);
  EXPECT_EQ(f.i32("swap", {I(1), I(2)}), 2u + 10u);
  EXPECT_EQ(f.i32("if_params", {I(1)}), 11u);
  EXPECT_EQ(f.i32("if_params", {I(0)}), static_cast<uint32_t>(-1));
  EXPECT_EQ(f.i32("br_if_value", {I(1)}), 42u);
  EXPECT_EQ(f.i32("br_if_value", {I(0)}), 7u);
  std::vector<Value> out;
  EXPECT_EQ(f.call("select", {I(0)}, &out), "");
  EXPECT_EQ(out[0].i64, 2u);
}

TEST(Interpreter, RecursionAndIndirectCalls) {
  Fixture f;
  f.load(R"((module
    (type $t (func (param i32) (result i32)))
    (table 3 funcref)
    (elem (i32.const 0) $fib $other)
    (func $fib (export "fib") (type $t)
      (if (result i32) (i32.lt_s (local.get 0) (i32.const 2))
        (then (local.get 0))
        (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                       (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
    (func $other (param i64) (result i64) (local.get 0))
    (func (export "ind") (param i32 i32) (result i32)
      (call_indirect (type $t) (local.get 0) (local.get 1)))
  ))");
  EXPECT_EQ(f.i32("fib", {I(20)}), 6765u);
  EXPECT_EQ(f.i32("ind", {I(10), I(0)}), 55u);
  EXPECT_EQ(f.call("ind", {I(1), I(1)}), "indirect call type mismatch");
  EXPECT_EQ(f.call("ind", {I(1), I(2)}), "uninitialized element");
  EXPECT_EQ(f.call("ind", {I(1), I(3)}), "undefined element");
}

TEST(Interpreter, UnboundedRecursionTrapsAndStoreStaysUsable) {
  Fixture f(StoreLimits{500, 0});
  f.load(R"((module
    (type $v (func))
    (table 1 funcref)
    (elem (i32.const 0) $ind)
    (func $direct (export "direct") (call $direct))
    (func $ind (export "indirect") (call_indirect (type $v) (i32.const 0)))
    (func (export "ok") (result i32) (i32.const 1))
  ))");
  EXPECT_EQ(f.call("direct", {}), "call stack exhausted");
  EXPECT_EQ(f.store.exec().depth, 0u);
  EXPECT_EQ(f.call("indirect", {}), "call stack exhausted");
  EXPECT_EQ(f.i32("ok"), 1u);
}

TEST(Interpreter, ValueStackLimitTraps) {
  // Few slots but a generous depth: the slot check must fire first.
  Fixture f(StoreLimits{100000, 4096});
  f.load(R"((module
    (func $r (export "r") (param i64) (result i64) (local i64 i64 i64 i64)
      (call $r (i64.add (local.get 0) (i64.const 1))))
    (func (export "ok") (result i32) (i32.const 1))
  ))");
  EXPECT_EQ(f.call("r", {L(0)}), "call stack exhausted");
  EXPECT_EQ(f.i32("ok"), 1u);
}

TEST(Interpreter, HostCallbackRecursionIsBounded) {
  Fixture f(StoreLimits{200, 0});
  int host_calls = 0;
  f.linker.define_func(f.store, "env", "back", FuncType{{ValType::I32}, {ValType::I32}},
                       [&](Caller& c, const Value* args, Value* results) -> Trap {
                         ++host_calls;
                         FuncInst* g = c.instance->get_func("rec");
                         Value r{};
                         Trap t = c.store.call(g, std::span<const Value>(args, 1), std::span<Value>(&r, 1));
                         if (!t.ok()) return t;
                         results[0] = Value::from_i32(r.i32 + 1);
                         return {};
                       });
  f.load(R"((module
    (import "env" "back" (func $back (param i32) (result i32)))
    (func (export "rec") (param i32) (result i32)
      (if (result i32) (i32.eqz (local.get 0))
        (then (i32.const 0))
        (else (call $back (i32.sub (local.get 0) (i32.const 1))))))
  ))");
  EXPECT_EQ(f.i32("rec", {I(50)}), 50u);  // host -> wasm -> host works
  EXPECT_EQ(f.call("rec", {I(100000)}), "call stack exhausted");
  EXPECT_GT(host_calls, 50);
  EXPECT_EQ(f.store.exec().depth, 0u);
  EXPECT_EQ(f.store.exec().reentry, 0u);
  EXPECT_EQ(f.i32("rec", {I(3)}), 3u);
}

TEST(Interpreter, HostTrapPropagates) {
  Fixture f;
  f.linker.define_func(f.store, "env", "fail", FuncType{{}, {}},
                       [](Caller&, const Value*, Value*) { return Trap::host("host said no"); });
  f.load(R"((module
    (import "env" "fail" (func $fail))
    (func (export "run") (result i32) (call $fail) (i32.const 1))
    (func (export "ok") (result i32) (i32.const 2))
  ))");
  EXPECT_EQ(f.call("run", {}), "host said no");
  EXPECT_EQ(f.i32("ok"), 2u);
}

TEST(Interpreter, MemoryBoundsGrowAndBulk) {
  Fixture f;
  f.load(R"((module
    (memory 1 3)
    (func (export "load") (param i32) (result i32) (i32.load offset=4 (local.get 0)))
    (func (export "store") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
    (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
    (func (export "size") (result i32) (memory.size))
    (func (export "fill") (param i32 i32 i32) (memory.fill (local.get 0) (local.get 1) (local.get 2)))
    (func (export "copy") (param i32 i32 i32) (memory.copy (local.get 0) (local.get 1) (local.get 2)))
  ))");
  EXPECT_EQ(f.i32("load", {I(65536 - 8)}), 0u);
  EXPECT_EQ(f.call("load", {I(65536 - 7)}), "out of bounds memory access");
  EXPECT_EQ(f.call("load", {I(0xfffffffc)}), "out of bounds memory access");  // no wraparound
  EXPECT_EQ(f.call("store", {I(65536 - 4), I(0x01020304)}), "");
  EXPECT_EQ(f.i32("load", {I(65536 - 8)}), 0x01020304u);
  EXPECT_EQ(f.i32("grow", {I(1)}), 1u);
  EXPECT_EQ(f.i32("size"), 2u);
  EXPECT_EQ(f.i32("load", {I(65536)}), 0u);  // now in bounds
  EXPECT_EQ(f.i32("grow", {I(5)}), 0xffffffffu);
  EXPECT_EQ(f.call("fill", {I(0), I(0xab), I(16)}), "");
  EXPECT_EQ(f.i32("load", {I(0)}), 0xababababu);
  EXPECT_EQ(f.call("fill", {I(2 * 65536), I(0), I(0)}), "");  // zero length at the end is fine
  EXPECT_EQ(f.call("fill", {I(2 * 65536 - 1), I(0), I(2)}), "out of bounds memory access");
  EXPECT_EQ(f.call("copy", {I(100), I(0), I(8)}), "");
  EXPECT_EQ(f.i32("load", {I(96)}), 0xababababu);
  EXPECT_EQ(f.call("copy", {I(0), I(2 * 65536 - 4), I(8)}), "out of bounds memory access");
}

TEST(Interpreter, CallIntoAnotherInstanceSwitchesMemory) {
  Fixture f;
  auto a = Module::compile(f.engine, test::wat2wasm(R"((module
    (memory (export "mem") 1)
    (data (i32.const 0) "\2a")
    (func (export "peek") (result i32) (i32.load8_u (i32.const 0)))
  ))"));
  ASSERT_TRUE(a.ok());
  auto ai = f.linker.instantiate(f.store, *a);
  ASSERT_TRUE(ai.ok());
  f.linker.define_instance("a", **ai);
  f.load(R"((module
    (import "a" "peek" (func $peek (result i32)))
    (memory 1)
    (data (i32.const 0) "\07")
    (func (export "run") (result i32)
      (i32.add (call $peek) (i32.mul (i32.load8_u (i32.const 0)) (i32.const 100))))
  ))");
  EXPECT_EQ(f.i32("run"), 42u + 700u);
}

// A frame's return info holds the caller's Instance (interpreter.cpp, do_frame): every
// return, direct or indirect, one level or several deep, through the entry frame or a
// host call, must come back to the caller's memory and globals, under each engine
// configuration (the fuel and deadline variants of the call ops).
TEST(Interpreter, ReturnsRestoreTheCallersInstance) {
  for (const test::NamedConfig& c : test::kAllConfigs) {
    SCOPED_TRACE(c.name);
    Engine engine(c.engine());
    Store store(engine);
    Linker linker;
    if (c.fuel) {
      ASSERT_TRUE(store.set_fuel(uint64_t{1} << 40).ok());
    }
    auto a = Module::compile(engine, test::wat2wasm(R"((module
      (memory (export "mem") 1)
      (global $g (export "g") (mut i32) (i32.const 1000))
      (data (i32.const 0) "\2a")
      (table (export "tab") 2 funcref)
      (elem (i32.const 0) $peek $deep)
      (func $peek (export "peek") (result i32) (i32.load8_u (i32.const 0)))
      ;; a's own calls: the returns inside a keep a's memory and global
      (func $deep (export "deep") (param $n i32) (result i32)
        (if (result i32) (i32.eqz (local.get $n))
          (then (i32.add (call $peek) (global.get $g)))
          (else (i32.add (call $deep (i32.sub (local.get $n) (i32.const 1)))
                         (i32.load8_u (i32.const 0))))))
    ))"));
    ASSERT_TRUE(a.ok());
    auto ai = linker.instantiate(store, *a);
    ASSERT_TRUE(ai.ok());
    linker.define_instance("a", **ai);
    auto b = Module::compile(engine, test::wat2wasm(R"((module
      (import "a" "peek" (func $peek (result i32)))
      (import "a" "deep" (func $deep (param i32) (result i32)))
      (import "a" "tab" (table 2 funcref))
      (type $t0 (func (result i32)))
      (type $t1 (func (param i32) (result i32)))
      (memory 1)
      (global $g (mut i32) (i32.const 5))
      (data (i32.const 0) "\07")
      (func $here (result i32) (i32.add (i32.load8_u (i32.const 0)) (global.get $g)))
      ;; after each call into a: b's memory (7) and global (5) again
      (func (export "run") (param $n i32) (result i32)
        (i32.add
          (i32.add (call $peek) (call $here))
          (i32.add
            (i32.mul (call $deep (local.get $n)) (call $here))
            (i32.add (call_indirect (type $t0) (i32.const 0))
                     (i32.add (call_indirect (type $t1) (local.get $n) (i32.const 1))
                              (call $here))))))
    ))"));
    ASSERT_TRUE(b.ok());
    auto bi = linker.instantiate(store, *b);
    ASSERT_TRUE(bi.ok());
    FuncInst* run = (*bi)->get_func("run");
    ASSERT_NE(run, nullptr);
    for (uint32_t n : {0u, 1u, 5u}) {
      const std::vector<Value> args{I(n)};
      std::vector<Value> res(1);
      ASSERT_TRUE(store.call(run, args, res).ok());
      // deep(n) = 42 + 1000 + 42 * n; b's $here = 7 + 5 = 12
      const uint32_t deep = 42 + 1000 + 42 * n;
      EXPECT_EQ(res[0].i32, (42 + 12) + (deep * 12 + (42 + (deep + 12)))) << n;
    }
    // Straight into a (the entry frame's return info is a's instance).
    FuncInst* deep = (*ai)->get_func("deep");
    const std::vector<Value> args{I(3)};
    std::vector<Value> res(1);
    ASSERT_TRUE(store.call(deep, args, res).ok());
    EXPECT_EQ(res[0].i32, 42u + 1000u + 3u * 42u);
    // With fuel, deep's call of itself is a Call_S, which switches no instance (the
    // callee is the caller): the results above ran it, entered from b and from the host.
    ASSERT_NE(deep->code, nullptr);
    EXPECT_EQ(test::count_handler(deep->code->code, IOp::Call_S), c.fuel ? 1 : 0);
    // b's calls of its imports (peek, deep) are the ones that test for an instance to
    // switch to (CallImport); its call of its own $here is a Call, which tests none.
    ASSERT_NE(run->code, nullptr);
    const IOp import_call = c.fuel ? IOp::CallImport_F : IOp::CallImport;
    const IOp own_call = c.fuel ? IOp::Call_F : IOp::Call;
    EXPECT_EQ(test::count_handler(run->code->code, import_call), 2);
    EXPECT_EQ(test::count_handler(run->code->code, own_call), 3);
  }
}

}  // namespace
}  // namespace midimon::wasm
