// SIMD through the engine's plumbing: a v128 is two slots (value.h), and every place
// that moves values -- drop, select, locals, block results, branches with values,
// br_table, calls, host calls, globals, the constant pool and its overflow, Store::call
// -- must keep both halves together. The lane semantics themselves are the spec suite's
// job (simd_*.wast); here each case is built so that losing or swapping a half, or
// mistaking a v128 for one slot, changes the result. Also: fuel and deadlines apply to
// SIMD code as to scalar code, and out-of-bounds SIMD memory accesses trap cleanly.
#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <string>
#include <vector>

#include "instance_util.h"

namespace midimon::wasm {
namespace {

// i32x4 lanes (1, 2, 3, 4) as the two slots Store::call uses.
constexpr uint64_t kLo = 0x0000000200000001ull, kHi = 0x0000000400000003ull;

const char* kModule = R"((module
  (import "host" "swap" (func $swap (param i32 v128 i64) (result v128 i32)))
  (memory (export "mem") 1)
  (global $g (export "g") (mut v128) (v128.const i32x4 10 20 30 40))
  (global (export "k") v128 (v128.const i64x2 -1 7))
  (table 1 funcref)
  (elem (i32.const 0) $sum)
  (type $sum_t (func (param v128 i32) (result i32)))

  ;; lanes summed, plus an i32 after the v128 (so a one-slot v128 would misplace it)
  (func $sum (param v128 i32) (result i32)
    (i32.add (local.get 1)
      (i32.add (i32.add (i32x4.extract_lane 0 (local.get 0)) (i32x4.extract_lane 1 (local.get 0)))
               (i32.add (i32x4.extract_lane 2 (local.get 0)) (i32x4.extract_lane 3 (local.get 0))))))
  (func (export "identity") (param i32 v128 i64) (result v128 i32 i64)
    (local.get 1) (local.get 0) (local.get 2))
  (func (export "drop_v128") (result i32)
    (i32.const 5) (v128.const i32x4 1 2 3 4) (drop))
  (func (export "select") (param v128 v128 i32) (result v128)
    (select (local.get 0) (local.get 1) (local.get 2)))
  (func (export "select_t") (param v128 v128 i32) (result v128)
    (select (result v128) (local.get 0) (local.get 1) (local.get 2)))
  ;; locals after a v128 local: the i32 local's slot must not overlap the v128's
  (func (export "locals") (param v128) (result i32) (local v128 i32 v128)
    (local.set 2 (i32.const 100))
    (local.set 1 (i32x4.add (local.get 0) (local.get 0)))    ;; straight into the local
    (local.set 3 (local.tee 1 (i32x4.add (local.get 1) (local.get 0))))  ;; 3 * p
    (call $sum (local.get 3) (local.get 2)))
  ;; swap two v128 locals through the stack: both halves of both must be materialised
  (func (export "swap") (param v128 v128) (result v128)
    (local.get 0) (local.get 1) (local.set 0) (local.set 1)
    (i32x4.sub (local.get 0) (local.get 1)))
  ;; v128 results out of blocks, br, br_if, br_table and a loop with a v128 parameter
  (func (export "branches") (param v128 i32) (result v128)
    (block $b3 (result v128)
      (block $b2 (result v128)
        (block $b1 (result v128)
          (br_table $b1 $b2 $b3 (local.get 0) (local.get 1)))
        (br $b3 (i32x4.add (v128.const i32x4 100 100 100 100))))
      (br_if $b3 (i32x4.mul (v128.const i32x4 2 2 2 2)) (i32.const 1))
      (drop) (v128.const i32x4 0 0 0 0)))
  (func (export "loop") (param v128 i32) (result v128)
    (local.get 0)
    (loop $l (param v128) (result v128)
      (i32x4.add (v128.const i32x4 1 1 1 1))
      (local.tee 1 (i32.sub (local.get 1) (i32.const 1)))
      (br_if $l)))
  (func (export "indirect") (param v128) (result i32)
    (call_indirect (type $sum_t) (local.get 0) (i32.const 1000) (i32.const 0)))
  (func (export "host") (param v128) (result i32)
    (call $swap (i32.const 1) (local.get 0) (i64.const 2)) (drop)
    (call $sum (i32.const 0)))
  (func (export "global_rw") (param v128) (result v128)
    (global.get $g) (global.set $g (local.get 0)))
  (func (export "memory") (param i32 v128) (result v128)
    (v128.store offset=1 (local.get 0) (local.get 1))
    (v128.load offset=1 (local.get 0)))
  (func (export "fuel") (result i32)
    (i32x4.extract_lane 3 (i32x4.add (v128.const i32x4 1 2 3 4) (v128.const i32x4 5 6 7 8))))
  (func (export "spin") (param v128) (result v128)
    (loop $l (local.set 0 (i32x4.add (local.get 0) (local.get 0))) (br $l))
    (local.get 0))
))";

struct Fixture {
  Engine engine;
  Store store;
  Linker linker;
  Instance* inst = nullptr;
  std::vector<Value> host_args;

  explicit Fixture(EngineConfig cfg = {}) : engine(cfg), store(engine) {
    FuncType swap{{ValType::I32, ValType::V128, ValType::I64}, {ValType::V128, ValType::I32}};
    linker.define_func(store, "host", "swap", swap, [this](Caller&, const Value* a, Value* r) {
      host_args.assign(a, a + 4);  // i32, v128 (two slots), i64
      r[0] = a[1];                 // the v128 back
      r[1] = a[2];
      r[2] = a[0];                 // then the i32
      return Trap();
    });
    inst = test::instantiate_wat(engine, store, linker, kModule, &module);
  }
  std::shared_ptr<const Module> module;

  // Calls with slots in, slots out; "" or the trap message.
  std::string call(const std::string& name, std::vector<Value> args, std::vector<Value>* out) {
    FuncInst* f = inst ? inst->get_func(name) : nullptr;
    if (!f) return "no export " + name;
    out->assign(slot_count(f->type->results), Value::from_i64(0));
    Trap t = store.call(f, args, *out);
    return t.ok() ? "" : t.message();
  }
};

Value v64(uint64_t x) { return Value::from_i64(x); }
Value v32(uint32_t x) { return Value::from_i32(x); }

TEST(Simd, StoreCallPassesV128AsTwoSlots) {
  Fixture f;
  std::vector<Value> r;
  ASSERT_EQ(f.call("identity", {v32(7), v64(kLo), v64(kHi), v64(9)}, &r), "");
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r[0].bits, kLo);
  EXPECT_EQ(r[1].bits, kHi);
  EXPECT_EQ(r[2].i32, 7u);
  EXPECT_EQ(r[3].i64, 9u);
  // Counting values instead of slots is a usage error, not a misread.
  FuncInst* fn = f.inst->get_func("identity");
  std::vector<Value> three(3), out(4);
  Trap t = f.store.call(fn, three, out);
  EXPECT_EQ(t.kind, TrapKind::Host);
  EXPECT_EQ(t.message(),
            "function of type (i32, v128, i64) -> (v128, i32, i64) called with 3 argument slots "
            "and 4 result slots");
}

TEST(Simd, DropAndSelectTakeBothHalves) {
  Fixture f;
  std::vector<Value> r;
  ASSERT_EQ(f.call("drop_v128", {}, &r), "");
  EXPECT_EQ(r[0].i32, 5u);
  for (const char* name : {"select", "select_t"}) {
    ASSERT_EQ(f.call(name, {v64(kLo), v64(kHi), v64(~kLo), v64(~kHi), v32(1)}, &r), "");
    EXPECT_EQ(r[0].bits, kLo) << name;
    EXPECT_EQ(r[1].bits, kHi) << name;
    ASSERT_EQ(f.call(name, {v64(kLo), v64(kHi), v64(~kLo), v64(~kHi), v32(0)}, &r), "");
    EXPECT_EQ(r[0].bits, ~kLo) << name;
    EXPECT_EQ(r[1].bits, ~kHi) << name;
  }
}

TEST(Simd, LocalsAfterAV128KeepTheirOwnSlots) {
  Fixture f;
  std::vector<Value> r;
  ASSERT_EQ(f.call("locals", {v64(kLo), v64(kHi)}, &r), "");
  EXPECT_EQ(r[0].i32, 3u * (1 + 2 + 3 + 4) + 100);
}

TEST(Simd, SwappingV128LocalsThroughTheStack) {
  Fixture f;
  std::vector<Value> r;
  // a = (1,2,3,4), b = (10,20,30,40): after the swap, local 0 - local 1 = b - a.
  const uint64_t b_lo = 0x000000140000000aull, b_hi = 0x000000280000001eull;
  ASSERT_EQ(f.call("swap", {v64(kLo), v64(kHi), v64(b_lo), v64(b_hi)}, &r), "");
  EXPECT_EQ(r[0].bits, 0x0000001200000009ull);  // 18, 9
  EXPECT_EQ(r[1].bits, 0x000000240000001bull);  // 36, 27
}

TEST(Simd, BranchesCarryV128Values) {
  Fixture f;
  std::vector<Value> r;
  // br_table to $b1: +100, then exits $b3 with it.
  ASSERT_EQ(f.call("branches", {v64(kLo), v64(kHi), v32(0)}, &r), "");
  EXPECT_EQ(r[0].bits, 0x0000006600000065ull);  // 102, 101
  EXPECT_EQ(r[1].bits, 0x0000006800000067ull);  // 104, 103
  // to $b2: * 2 via br_if.
  ASSERT_EQ(f.call("branches", {v64(kLo), v64(kHi), v32(1)}, &r), "");
  EXPECT_EQ(r[0].bits, 0x0000000400000002ull);
  EXPECT_EQ(r[1].bits, 0x0000000800000006ull);
  // to $b3 directly (also the default).
  for (uint32_t i : {2u, 99u}) {
    ASSERT_EQ(f.call("branches", {v64(kLo), v64(kHi), v32(i)}, &r), "");
    EXPECT_EQ(r[0].bits, kLo);
    EXPECT_EQ(r[1].bits, kHi);
  }
  ASSERT_EQ(f.call("loop", {v64(kLo), v64(kHi), v32(3)}, &r), "");
  EXPECT_EQ(r[0].bits, 0x0000000500000004ull);
  EXPECT_EQ(r[1].bits, 0x0000000700000006ull);
}

TEST(Simd, CallsPassV128ArgumentsAndResults) {
  Fixture f;
  std::vector<Value> r;
  ASSERT_EQ(f.call("indirect", {v64(kLo), v64(kHi)}, &r), "");
  EXPECT_EQ(r[0].i32, 1000u + 10);
  // Host function: arguments and results in slots, the v128 in the middle.
  ASSERT_EQ(f.call("host", {v64(kLo), v64(kHi)}, &r), "");
  ASSERT_EQ(f.host_args.size(), 4u);
  EXPECT_EQ(f.host_args[0].i32, 1u);
  EXPECT_EQ(f.host_args[1].bits, kLo);
  EXPECT_EQ(f.host_args[2].bits, kHi);
  EXPECT_EQ(f.host_args[3].i64, 2u);
  EXPECT_EQ(r[0].i32, 10u);  // the v128 came back whole: 1 + 2 + 3 + 4
}

TEST(Simd, V128GlobalsKeepBothHalves) {
  Fixture f;
  GlobalInst* g = f.inst->get_global("g");
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(g->value.bits, 0x000000140000000aull);
  EXPECT_EQ(g->hi.bits, 0x000000280000001eull);
  GlobalInst* k = f.inst->get_global("k");
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(k->value.bits, ~0ull);
  EXPECT_EQ(k->hi.bits, 7u);
  std::vector<Value> r;
  ASSERT_EQ(f.call("global_rw", {v64(kLo), v64(kHi)}, &r), "");
  EXPECT_EQ(r[0].bits, 0x000000140000000aull);  // the old value
  EXPECT_EQ(r[1].bits, 0x000000280000001eull);
  EXPECT_EQ(g->value.bits, kLo);
  EXPECT_EQ(g->hi.bits, kHi);

  // An imported v128 global initialises another module's global (constant expression).
  Linker l2;
  l2.define_instance("a", *f.inst);
  std::shared_ptr<const Module> m2;
  Instance* i2 = test::instantiate_wat(f.engine, f.store, l2, R"((module
    (import "a" "k" (global v128))
    (global (export "copy") v128 (global.get 0))
    (func (export "get") (result v128) (global.get 0))))", &m2);
  ASSERT_NE(i2, nullptr);
  EXPECT_EQ(i2->get_global("copy")->hi.bits, 7u);
  FuncInst* get = i2->get_func("get");
  Value out[2];
  ASSERT_TRUE(f.store.call(get, {}, out).ok());
  EXPECT_EQ(out[0].bits, ~0ull);
  EXPECT_EQ(out[1].bits, 7u);
}

TEST(Simd, MoreV128ConstantsThanConstantSlots) {
  // 140 distinct v128 constants (280 slots) exceed the per-function pool (256 slots):
  // the rest are materialised in place. The sum of lane 0 over all must come out.
  std::string body = "(v128.const i32x4 0 0 0 0)";
  uint32_t expect = 0;
  for (uint32_t i = 1; i <= 140; ++i) {
    body = "(i32x4.add " + body + " (v128.const i32x4 " + std::to_string(i) + " 0 0 " +
           std::to_string(i * 3) + "))";
    expect += i;
  }
  Engine engine;
  Store store(engine);
  Linker linker;
  std::shared_ptr<const Module> m;
  Instance* inst = test::instantiate_wat(engine, store, linker,
                                         "(module (func (export \"f\") (result i32 i32) "
                                         "(i32x4.extract_lane 0 " + body + ") "
                                         "(i32x4.extract_lane 3 " + body + ")))", &m);
  ASSERT_NE(inst, nullptr);
  Value out[2];
  ASSERT_TRUE(store.call(inst->get_func("f"), {}, out).ok());
  EXPECT_EQ(out[0].i32, expect);
  EXPECT_EQ(out[1].i32, expect * 3);
}

TEST(Simd, MemoryAccessesTrapOutOfBoundsAndWriteNothing) {
  Fixture f;
  std::vector<Value> r;
  ASSERT_EQ(f.call("memory", {v32(65536 - 17), v64(kLo), v64(kHi)}, &r), "");  // last 16 bytes
  EXPECT_EQ(r[0].bits, kLo);
  EXPECT_EQ(r[1].bits, kHi);
  MemoryInst* mem = f.inst->get_memory("mem");
  ASSERT_NE(mem, nullptr);
  std::memset(mem->base + 65536 - 16, 0xAB, 16);
  // One byte past the end: traps, and none of the 15 bytes in bounds is written.
  EXPECT_EQ(f.call("memory", {v32(65536 - 16), v64(kLo), v64(kHi)}, &r),
            "out of bounds memory access");
  for (int i = 0; i < 16; ++i) EXPECT_EQ(mem->base[65536 - 16 + i], 0xAB) << i;
  // An address near 2^32 does not wrap around.
  EXPECT_EQ(f.call("memory", {v32(0xFFFFFFF8u), v64(kLo), v64(kHi)}, &r),
            "out of bounds memory access");
}

TEST(Simd, FuelCountsEachSimdInstructionOnce) {
  EngineConfig c;
  c.fuel_metering = true;
  Fixture f(c);
  std::vector<Value> r;
  // v128.const, v128.const, i32x4.add, i32x4.extract_lane, end
  f.store.exec().fuel = 5;
  ASSERT_EQ(f.call("fuel", {}, &r), "");
  EXPECT_EQ(r[0].i32, 12u);
  EXPECT_EQ(f.store.exec().fuel, 0);
  f.store.exec().fuel = 4;
  EXPECT_EQ(f.call("fuel", {}, &r), "fuel exhausted");
  EXPECT_EQ(f.store.exec().fuel, 4);
  // A SIMD loop stops at the same point for the same fuel.
  f.store.exec().fuel = 10001;
  EXPECT_EQ(f.call("spin", {v64(1), v64(1)}, &r), "fuel exhausted");
  const int64_t left = f.store.exec().fuel;
  f.store.exec().fuel = 10001;
  EXPECT_EQ(f.call("spin", {v64(1), v64(1)}, &r), "fuel exhausted");
  EXPECT_EQ(f.store.exec().fuel, left);
}

TEST(Simd, DeadlineStopsASimdLoop) {
  EngineConfig c;
  c.deadline_checks = true;
  Fixture f(c);
  ASSERT_TRUE(f.store.set_timeout(std::chrono::milliseconds(20)).ok());
  std::vector<Value> r;
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(f.call("spin", {v64(1), v64(1)}, &r), "deadline exceeded");
  // Generous: only that the loop polls, not how fast the watchdog is.
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(30));
}

}  // namespace
}  // namespace midimon::wasm
