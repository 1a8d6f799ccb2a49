// Hostile modules against the engine's limits: infinite loops (with and without calls),
// memory.grow bombs, unbounded recursion (direct and call_indirect), fuel burners and
// out-of-bounds accesses. Each test asserts the exact trap, then that the same store
// (after refuelling / with a new deadline) and a fresh store both still run code.
#include <thread>

#include "tests/hostile/hostile_util.h"

namespace midimon::hostile {
namespace {

// Every module exports "ok" () -> i32 = 42.
const char* kLoops = R"(
  (module
    (global $g (mut i32) (i32.const 0))
    (func $nop)
    (func (export "ok") (result i32) (i32.const 42))
    (func (export "spin") (loop $l (br $l)))
    (func (export "spin_calls") (loop $l (call $nop) (br $l)))
    (func (export "count") (loop $l (global.set $g (i32.add (global.get $g) (i32.const 1))) (br $l)))
    (func (export "counter") (result i32) (global.get $g))
    (func (export "reset") (global.set $g (i32.const 0)))
    ;; A finite loop: 1000 iterations.
    (func (export "finite") (result i32) (local $i i32)
      (loop $l
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get $i) (i32.const 1000))))
      (local.get $i)))
)";

Trap run_with_timeout(Store& store, Instance* inst, const char* name, std::chrono::milliseconds t) {
  EXPECT_TRUE(store.set_timeout(t).ok());
  return call0(store, inst, name);
}

TEST(HostileDeadline, InfiniteLoopWithoutCalls) {
  Engine engine(limits_config(false, true));
  Store store(engine);
  Instance* inst = instantiate(store, compile(engine, kLoops));
  ASSERT_NE(inst, nullptr);
  const auto start = std::chrono::steady_clock::now();
  Trap t = run_with_timeout(store, inst, "spin", 50ms);
  const double took = ms_since(start);
  EXPECT_EQ(t.kind, TrapKind::DeadlineExceeded);
  EXPECT_EQ(t.message(), "deadline exceeded");
  EXPECT_GE(took, 49.0);
  EXPECT_LT(took, 250.0);
  // The same store with a new deadline: the flag was reset, short calls finish.
  expect_store_works(store, inst);
  int32_t r = 0;
  EXPECT_TRUE(call_i32(store, inst, "finite", {}, &r).ok());
  EXPECT_EQ(r, 1000);
  // And it traps again on the next hostile call.
  EXPECT_EQ(run_with_timeout(store, inst, "spin", 20ms).kind, TrapKind::DeadlineExceeded);
  Store fresh(engine);
  expect_store_works(fresh, instantiate(fresh, compile(engine, kLoops)));
}

TEST(HostileDeadline, InfiniteLoopWithCallsInTheBody) {
  Engine engine(limits_config(false, true));
  Store store(engine);
  Instance* inst = instantiate(store, compile(engine, kLoops));
  ASSERT_NE(inst, nullptr);
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(run_with_timeout(store, inst, "spin_calls", 50ms).kind, TrapKind::DeadlineExceeded);
  EXPECT_LT(ms_since(start), 250.0);
  expect_store_works(store, inst);
  // The call stack unwound: deep calls are possible again.
  EXPECT_EQ(store.exec().depth, 0u);
}

TEST(HostileDeadline, InfiniteLoopCallingTheHost) {
  Engine engine(limits_config(false, true));
  Store store(engine);
  auto module = compile(engine, R"(
    (module (import "h" "tick" (func $tick))
      (func (export "ok") (result i32) (i32.const 42))
      (func (export "spin") (loop $l (call $tick) (br $l))))
  )");
  int ticks = 0;
  Extern tick = Extern::func(store.create_host_func(FuncType{{}, {}}, [&](Caller&, const Value*, Value*) {
    ++ticks;
    return Trap();
  }));
  auto inst = store.instantiate(module, {&tick, 1});
  ASSERT_TRUE(inst.ok());
  EXPECT_EQ(run_with_timeout(store, *inst, "spin", 30ms).kind, TrapKind::DeadlineExceeded);
  EXPECT_GT(ticks, 0);
  expect_store_works(store, *inst);
}

TEST(HostileDeadline, BlockingHostFunctionBoundedByStoreDeadline) {
  Engine engine(limits_config(false, true));
  Store store(engine);
  auto module = compile(engine, R"(
    (module (import "h" "block" (func $block))
      (func (export "ok") (result i32) (i32.const 42))
      (func (export "once") (call $block)))
  )");
  // A host function that would wait 10 s but honours the store's deadline the way WASI's
  // poll_oneoff does: it wakes at the deadline and interrupts the store itself. (Waking
  // at the deadline and leaving the interrupt to the watchdog thread was a race: on a
  // starved machine the watchdog had not run yet when the poll after the call looked.)
  Extern block = Extern::func(store.create_host_func(FuncType{{}, {}}, [](Caller& c, const Value*, Value*) {
    auto until = std::chrono::steady_clock::now() + 10s;
    const auto d = c.store.deadline();
    if (d && *d < until) until = *d;
    std::this_thread::sleep_until(until);
    if (d && std::chrono::steady_clock::now() >= *d) c.store.interrupt();
    return Trap();
  }));
  auto inst = store.instantiate(module, {&block, 1});
  ASSERT_TRUE(inst.ok());
  const auto start = std::chrono::steady_clock::now();
  // The store is interrupted at the deadline (by the host function, or the watchdog if it
  // runs first); the poll after the host call traps even though "once" has no loop and
  // returns right after.
  EXPECT_EQ(run_with_timeout(store, *inst, "once", 40ms).kind, TrapKind::DeadlineExceeded);
  EXPECT_LT(ms_since(start), 500.0);
  expect_store_works(store, *inst);
}

TEST(HostileDeadline, OtherStoresUnaffected) {
  Engine engine(limits_config(false, true));
  auto module = compile(engine, kLoops);
  Store hostile(engine), good(engine);
  Instance* h = instantiate(hostile, module);
  Instance* g = instantiate(good, module);
  std::thread spinner([&] {
    EXPECT_EQ(run_with_timeout(hostile, h, "spin", 100ms).kind, TrapKind::DeadlineExceeded);
  });
  // Meanwhile the other store, with no deadline at all, runs normally.
  for (int i = 0; i < 200; ++i) {
    int32_t r = 0;
    ASSERT_TRUE(call_i32(good, g, "finite", {}, &r).ok());
    ASSERT_EQ(r, 1000);
  }
  spinner.join();
  expect_store_works(good, g);
  expect_store_works(hostile, h);
}

TEST(HostileDeadline, ZeroTimeoutMeansNone) {
  Engine engine(limits_config(false, true));
  Store store(engine);
  Instance* inst = instantiate(store, compile(engine, kLoops));
  ASSERT_TRUE(store.set_timeout(0ms).ok());
  int32_t r = 0;
  EXPECT_TRUE(call_i32(store, inst, "finite", {}, &r).ok());
  EXPECT_FALSE(store.deadline().has_value());
}

// --- fuel ------------------------------------------------------------------------------

TEST(HostileFuel, FuelBurnerTrapsAndRefuellingWorks) {
  Engine engine(limits_config(true, false));
  Store store(engine);
  Instance* inst = instantiate(store, compile(engine, kLoops));
  ASSERT_NE(inst, nullptr);
  ASSERT_TRUE(store.set_fuel(1'000'000).ok());
  Trap t = call0(store, inst, "spin");
  EXPECT_EQ(t.kind, TrapKind::FuelExhausted);
  EXPECT_EQ(t.message(), "fuel exhausted");
  EXPECT_EQ(store.fuel_remaining(), 0u);
  // No fuel: even "ok" traps.
  int32_t r = 0;
  EXPECT_EQ(call_i32(store, inst, "ok", {}, &r).kind, TrapKind::FuelExhausted);
  ASSERT_TRUE(store.set_fuel(1'000'000).ok());
  expect_store_works(store, inst);
  EXPECT_LT(store.fuel_remaining(), 1'000'000u);
  EXPECT_EQ(call0(store, inst, "spin_calls").kind, TrapKind::FuelExhausted);
  ASSERT_TRUE(store.set_fuel(100'000).ok());
  EXPECT_TRUE(call_i32(store, inst, "finite", {}, &r).ok());
  EXPECT_EQ(r, 1000);
  Store fresh(engine);
  Instance* f = instantiate(fresh, compile(engine, kLoops));
  ASSERT_TRUE(fresh.set_fuel(100).ok());
  expect_store_works(fresh, f);
}

TEST(HostileFuel, MeteringIsDeterministic) {
  Engine engine(limits_config(true, false));
  auto module = compile(engine, kLoops);
  int32_t counts[2] = {0, 0};
  uint64_t used[2] = {0, 0};
  for (int run = 0; run < 2; ++run) {
    Store store(engine);
    Instance* inst = instantiate(store, module);
    ASSERT_TRUE(store.set_fuel(123'457).ok());
    EXPECT_EQ(call0(store, inst, "count").kind, TrapKind::FuelExhausted);
    ASSERT_TRUE(store.set_fuel(1000).ok());
    ASSERT_TRUE(call_i32(store, inst, "counter", {}, &counts[run]).ok());
    // A finite function consumes the same fuel every time.
    ASSERT_TRUE(store.set_fuel(1'000'000).ok());
    int32_t r = 0;
    ASSERT_TRUE(call_i32(store, inst, "finite", {}, &r).ok());
    used[run] = 1'000'000 - store.fuel_remaining();
  }
  EXPECT_GT(counts[0], 1000);  // the loop did run for a while
  EXPECT_EQ(counts[0], counts[1]);
  EXPECT_EQ(used[0], used[1]);
  // About one unit per instruction: the loop body has 7 instructions, 1000 iterations.
  EXPECT_GE(used[0], 5000u);
  EXPECT_LE(used[0], 12000u);
}

TEST(HostileFuel, FuelAndDeadlineTogether) {
  Engine engine(limits_config(true, true));
  Store store(engine);
  Instance* inst = instantiate(store, compile(engine, kLoops));
  ASSERT_TRUE(store.set_fuel(UINT64_MAX).ok());
  EXPECT_EQ(run_with_timeout(store, inst, "spin", 30ms).kind, TrapKind::DeadlineExceeded);
  ASSERT_TRUE(store.set_fuel(10'000).ok());
  EXPECT_EQ(run_with_timeout(store, inst, "spin", 10s).kind, TrapKind::FuelExhausted);
}

// --- memory.grow bomb ----------------------------------------------------------------------

const char* kBomb = R"(
  (module (memory 1)
    (func (export "ok") (result i32) (i32.const 42))
    ;; Grows one page at a time until refused; returns the pages it got.
    (func (export "bomb") (result i32) (local $n i32)
      (block $done (loop $l
        (br_if $done (i32.eq (memory.grow (i32.const 1)) (i32.const -1)))
        (local.set $n (i32.add (local.get $n) (i32.const 1)))
        (br $l)))
      (local.get $n))
    (func (export "big") (result i32) (memory.grow (i32.const 65535)))
    (func (export "size") (result i32) (memory.size))
    (func (export "touch_last") (result i32)
      (i32.store8 (i32.sub (i32.mul (memory.size) (i32.const 65536)) (i32.const 1)) (i32.const 7))
      (i32.load8_u (i32.sub (i32.mul (memory.size) (i32.const 65536)) (i32.const 1)))))
)";

TEST(HostileMemory, GrowBombStopsAtMaxMemory) {
  Engine engine;
  StoreLimits limits;
  limits.max_memory_bytes = 1 << 20;  // 16 pages
  Store store(engine, limits);
  Instance* inst = instantiate(store, compile(engine, kBomb));
  ASSERT_NE(inst, nullptr);
  int32_t r = 0;
  EXPECT_TRUE(call_i32(store, inst, "big", {}, &r).ok());
  EXPECT_EQ(r, -1);
  EXPECT_TRUE(call_i32(store, inst, "bomb", {}, &r).ok());
  EXPECT_EQ(r, 15);
  EXPECT_TRUE(call_i32(store, inst, "size", {}, &r).ok());
  EXPECT_EQ(r, 16);
  EXPECT_EQ(store.memory_bytes(), 1u << 20);
  EXPECT_TRUE(call_i32(store, inst, "touch_last", {}, &r).ok());  // all granted pages usable
  EXPECT_EQ(r, 7);
  expect_store_works(store, inst);
  Store fresh(engine, limits);
  Instance* f = instantiate(fresh, compile(engine, kBomb));
  EXPECT_TRUE(call_i32(fresh, f, "bomb", {}, &r).ok());
  EXPECT_EQ(r, 15);
}

TEST(HostileMemory, GrowBombAgainstStoreWideLimitAcrossInstances) {
  Engine engine;
  StoreLimits limits;
  limits.max_store_memory_bytes = 10 * kPageSize;
  Store store(engine, limits);
  auto module = compile(engine, kBomb);
  Instance* a = instantiate(store, module);
  Instance* b = instantiate(store, module);
  int32_t ra = 0, rb = 0;
  EXPECT_TRUE(call_i32(store, a, "bomb", {}, &ra).ok());
  EXPECT_TRUE(call_i32(store, b, "bomb", {}, &rb).ok());
  EXPECT_EQ(ra, 8);  // 10 - 2 initial pages
  EXPECT_EQ(rb, 0);
  EXPECT_EQ(store.memory_bytes(), 10 * kPageSize);
}

// --- unbounded recursion ------------------------------------------------------------------

const char* kRecursion = R"(
  (module
    (type $t (func (param i32) (result i32)))
    (table funcref (elem $indirect))
    (func (export "ok") (result i32) (i32.const 42))
    (func $direct (export "direct") (param i32) (result i32)
      (i32.add (call $direct (i32.add (local.get 0) (i32.const 1))) (i32.const 1)))
    (func $indirect (export "indirect") (param i32) (result i32)
      (i32.add (call_indirect (type $t) (i32.add (local.get 0) (i32.const 1)) (i32.const 0))
               (i32.const 1)))
    ;; Deep but bounded: recurses n times.
    (func $deep (export "deep") (param i32) (result i32)
      (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
        (else (i32.add (call $deep (i32.sub (local.get 0) (i32.const 1))) (i32.const 1))))))
)";

TEST(HostileRecursion, DirectAndIndirect) {
  Engine engine;
  StoreLimits limits;
  limits.max_call_depth = 5000;
  Store store(engine, limits);
  Instance* inst = instantiate(store, compile(engine, kRecursion));
  ASSERT_NE(inst, nullptr);
  Value zero = Value::from_i32(0);
  int32_t r = 0;
  for (const char* name : {"direct", "indirect", "direct"}) {
    Trap t = call_i32(store, inst, name, {&zero, 1}, &r);
    EXPECT_EQ(t.kind, TrapKind::CallStackExhausted) << name;
    EXPECT_EQ(t.message(), "call stack exhausted");
    EXPECT_EQ(store.exec().depth, 0u);
    expect_store_works(store, inst);
  }
  // The depth is available again in full after the traps.
  Value n = Value::from_i32(4000);
  EXPECT_TRUE(call_i32(store, inst, "deep", {&n, 1}, &r).ok());
  EXPECT_EQ(r, 4000);
  Store fresh(engine, limits);
  expect_store_works(fresh, instantiate(fresh, compile(engine, kRecursion)));
}

TEST(HostileRecursion, PerStoreDepthLimit) {
  Engine engine;
  StoreLimits small;
  small.max_call_depth = 100;
  Store a(engine, small), b(engine);
  auto module = compile(engine, kRecursion);
  Instance* ia = instantiate(a, module);
  Instance* ib = instantiate(b, module);
  Value n = Value::from_i32(500);
  int32_t r = 0;
  EXPECT_EQ(call_i32(a, ia, "deep", {&n, 1}, &r).kind, TrapKind::CallStackExhausted);
  EXPECT_TRUE(call_i32(b, ib, "deep", {&n, 1}, &r).ok());  // default limit is 10000
  EXPECT_EQ(r, 500);
}

TEST(HostileRecursion, ValueStackLimit) {
  Engine engine;
  StoreLimits limits;
  limits.max_value_stack_slots = 4096;
  Store store(engine, limits);
  // Each frame holds 100 locals: the value stack runs out long before the depth limit.
  Instance* inst = instantiate(store, compile(engine, R"(
    (module
      (func (export "ok") (result i32) (i32.const 42))
      (func $f (export "f") (param i32) (local i64 i64 i64 i64 i64 i64 i64 i64 i64 i64
        i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64
        i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64
        i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64
        i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64 i64)
        (call $f (local.get 0))))
  )"));
  Value zero = Value::from_i32(0);
  Trap t = store.call(inst->get_func("f"), {&zero, 1}, {});
  EXPECT_EQ(t.kind, TrapKind::CallStackExhausted);
  expect_store_works(store, inst);
}

// --- out of bounds ------------------------------------------------------------------------

TEST(HostileMemory, OutOfBoundsLoadAndStoreChangeNothing) {
  Engine engine;
  Store store(engine);
  Instance* inst = instantiate(store, compile(engine, R"(
    (module (memory 1)
      (func (export "ok") (result i32) (i32.const 42))
      (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
      (func (export "store64") (param i32) (i64.store (local.get 0) (i64.const -1)))
      (func (export "load_offset") (param i32) (result i32) (i32.load offset=0xffffffff (local.get 0)))
      (func (export "byte") (param i32) (result i32) (i32.load8_u (local.get 0))))
  )"));
  ASSERT_NE(inst, nullptr);
  int32_t r = 0;
  for (uint32_t addr : {65536u, 65533u, 0xffffffffu, 0x80000000u}) {
    Value a = Value::from_i32(addr);
    EXPECT_EQ(call_i32(store, inst, "load", {&a, 1}, &r).kind, TrapKind::OutOfBoundsMemoryAccess) << addr;
  }
  Value one = Value::from_i32(1);
  EXPECT_EQ(call_i32(store, inst, "load_offset", {&one, 1}, &r).kind, TrapKind::OutOfBoundsMemoryAccess);
  // An 8-byte store straddling the end traps without writing its in-bounds part.
  Value straddle = Value::from_i32(65532);
  Trap t = store.call(inst->get_func("store64"), {&straddle, 1}, {});
  EXPECT_EQ(t.kind, TrapKind::OutOfBoundsMemoryAccess);
  EXPECT_EQ(t.message(), "out of bounds memory access");
  for (uint32_t addr = 65532; addr < 65536; ++addr) {
    Value a = Value::from_i32(addr);
    ASSERT_TRUE(call_i32(store, inst, "byte", {&a, 1}, &r).ok());
    EXPECT_EQ(r, 0) << addr;
  }
  expect_store_works(store, inst);
  Store fresh(engine);
  expect_store_works(fresh, instantiate(fresh, compile(engine, "(module (memory 1) (func (export \"ok\") (result i32) (i32.const 42)))")));
}

}  // namespace
}  // namespace midimon::hostile
