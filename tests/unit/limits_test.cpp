// Store limits: memory bytes (per memory and per store), table elements, object counts,
// the fuel and timeout API, and the watchdog. Fuel and deadline *enforcement* inside
// running code is covered by tests/hostile.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "wat_util.h"
#include "wasm/engine.h"
#include "wasm/module.h"
#include "wasm/store.h"
#include "wasm/watchdog.h"

namespace midimon::wasm {
namespace {

using namespace std::chrono_literals;

std::shared_ptr<const Module> compile(Engine& engine, const std::string& wat) {
  const auto bytes = test::wat2wasm(wat);
  auto m = Module::compile(engine, bytes);
  EXPECT_TRUE(m.ok()) << (m.ok() ? "" : m.error().to_string());
  return m.ok() ? *m : nullptr;
}

MemoryType mem_type(uint32_t min, std::optional<uint32_t> max = std::nullopt) {
  MemoryType t;
  t.limits = Limits{min, max};
  return t;
}

TableType table_type(uint32_t min, std::optional<uint32_t> max = std::nullopt) {
  TableType t;
  t.elem = ValType::FuncRef;
  t.limits = Limits{min, max};
  return t;
}

// --- memory bytes per memory -------------------------------------------------

TEST(StoreLimits, MemoryMinimumOverPerMemoryLimitIsALimitError) {
  Engine engine;
  StoreLimits limits;
  limits.max_memory_bytes = 1048576;  // 16 pages
  Store store(engine, limits);
  auto m = store.create_memory(mem_type(20));
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().kind, ErrorKind::Limit);
  EXPECT_EQ(m.error().message,
            "memory minimum of 20 pages (1310720 bytes) exceeds the store's limit of 1048576 bytes "
            "per memory");
  EXPECT_EQ(store.memory_bytes(), 0u);
}

TEST(StoreLimits, MemoryGrowStopsAtPerMemoryLimit) {
  Engine engine;
  StoreLimits limits;
  limits.max_memory_bytes = 4 * kPageSize;
  Store store(engine, limits);
  auto m = store.create_memory(mem_type(1));  // no declared max
  ASSERT_TRUE(m.ok());
  EXPECT_EQ((*m)->grow(3), 1);
  EXPECT_EQ((*m)->grow(1), -1);  // 5 pages > 4
  EXPECT_EQ((*m)->pages(), 4u);
  EXPECT_EQ((*m)->grow(0), 4);   // growing by zero at the limit still succeeds
}

TEST(StoreLimits, PerMemoryLimitRoundsDownToWholePages) {
  Engine engine;
  StoreLimits limits;
  limits.max_memory_bytes = 2 * kPageSize + 100;
  Store store(engine, limits);
  auto m = store.create_memory(mem_type(0));
  ASSERT_TRUE(m.ok());
  EXPECT_EQ((*m)->grow(2), 0);
  EXPECT_EQ((*m)->grow(1), -1);
}

TEST(StoreLimits, InstantiationWithTooLargeMinimumFailsAndLeavesStoreUnchanged) {
  Engine engine;
  StoreLimits limits;
  limits.max_memory_bytes = 1048576;
  Store store(engine, limits);
  auto module = compile(engine, "(module (memory 20))");
  auto inst = store.instantiate(module, {});
  ASSERT_FALSE(inst.ok());
  EXPECT_EQ(inst.error().kind, ErrorKind::Limit);
  EXPECT_EQ(inst.error().message,
            "memory minimum of 20 pages (1310720 bytes) exceeds the store's limit of 1048576 bytes "
            "per memory");
  EXPECT_EQ(inst.error().where, "memory 0");
  EXPECT_EQ(store.memory_bytes(), 0u);
  // The store is still usable for a module within the limit.
  auto ok = store.instantiate(compile(engine, "(module (memory 16))"), {});
  ASSERT_TRUE(ok.ok()) << ok.error().to_string();
  EXPECT_EQ(store.memory_bytes(), 1048576u);
}

TEST(StoreLimits, MemoryGrowInstructionReturnsMinusOneAtLimit) {
  Engine engine;
  StoreLimits limits;
  limits.max_memory_bytes = 3 * kPageSize;
  Store store(engine, limits);
  auto inst = store.instantiate(compile(engine, R"(
    (module (memory 1)
      (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
      (func (export "size") (result i32) (memory.size)))
  )"), {});
  ASSERT_TRUE(inst.ok());
  Value arg = Value::from_i32(2), res{};
  ASSERT_TRUE(store.call((*inst)->get_func("grow"), {&arg, 1}, {&res, 1}).ok());
  EXPECT_EQ(res.i32, 1u);
  arg = Value::from_i32(1);
  ASSERT_TRUE(store.call((*inst)->get_func("grow"), {&arg, 1}, {&res, 1}).ok());
  EXPECT_EQ(static_cast<int32_t>(res.i32), -1);
  ASSERT_TRUE(store.call((*inst)->get_func("size"), {}, {&res, 1}).ok());
  EXPECT_EQ(res.i32, 3u);
}

// --- memory bytes per store ----------------------------------------------------

TEST(StoreLimits, StoreWideMemoryBudgetIsSharedAndRefusesGrowth) {
  Engine engine;
  StoreLimits limits;
  limits.max_store_memory_bytes = 5 * kPageSize;
  Store store(engine, limits);
  auto a = store.create_memory(mem_type(2));
  auto b = store.create_memory(mem_type(2));
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(store.memory_bytes(), 4 * kPageSize);
  EXPECT_EQ((*a)->grow(2), -1);  // 6 pages in the store
  EXPECT_EQ((*a)->grow(1), 2);
  EXPECT_EQ((*b)->grow(1), -1);
  auto c = store.create_memory(mem_type(1));
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().kind, ErrorKind::Limit);
  EXPECT_EQ(c.error().message,
            "memory minimum of 1 page (65536 bytes) exceeds the 0 bytes left of the store's limit of "
            "327680 bytes for all memories");
  EXPECT_TRUE(store.create_memory(mem_type(0)).ok());
}

TEST(StoreLimits, StoreWideBudgetCountsMemoriesAlreadyInTheStore) {
  Engine engine;
  StoreLimits limits;
  limits.max_store_memory_bytes = 3 * kPageSize;
  Store store(engine, limits);
  ASSERT_TRUE(store.create_memory(mem_type(2)).ok());
  auto inst = store.instantiate(compile(engine, "(module (memory 2))"), {});
  ASSERT_FALSE(inst.ok());
  EXPECT_EQ(inst.error().kind, ErrorKind::Limit);
  EXPECT_EQ(inst.error().message,
            "memory minimum of 2 pages (131072 bytes) exceeds the 65536 bytes left of the store's "
            "limit of 196608 bytes for all memories");
  EXPECT_EQ(inst.error().where, "memory 0");
  EXPECT_EQ(store.memory_bytes(), 2 * kPageSize);
  EXPECT_TRUE(store.instantiate(compile(engine, "(module (memory 1))"), {}).ok());
}

TEST(StoreLimits, BudgetIsPerStore) {
  Engine engine;
  StoreLimits limits;
  limits.max_store_memory_bytes = 2 * kPageSize;
  Store a(engine, limits), b(engine, limits);
  ASSERT_TRUE(a.create_memory(mem_type(2)).ok());
  ASSERT_TRUE(b.create_memory(mem_type(2)).ok());  // a's use does not count for b
}

// --- tables --------------------------------------------------------------------

TEST(StoreLimits, TableMinimumOverLimitAndGrowthRefused) {
  Engine engine;
  StoreLimits limits;
  limits.max_table_elements = 100;
  Store store(engine, limits);
  auto big = store.create_table(table_type(101));
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.error().kind, ErrorKind::Limit);
  EXPECT_EQ(big.error().message,
            "table minimum of 101 elements exceeds the store's limit of 100 elements per table");
  auto t = store.create_table(table_type(10));
  ASSERT_TRUE(t.ok());
  EXPECT_EQ((*t)->grow(90, kNullRef), 10);
  EXPECT_EQ((*t)->grow(1, kNullRef), -1);
  EXPECT_EQ((*t)->elems.size(), 100u);
}

TEST(StoreLimits, TableGrowInstructionReturnsMinusOne) {
  Engine engine;
  StoreLimits limits;
  limits.max_table_elements = 8;
  Store store(engine, limits);
  auto inst = store.instantiate(compile(engine, R"(
    (module (table 4 funcref)
      (func (export "grow") (param i32) (result i32) (table.grow 0 (ref.null func) (local.get 0))))
  )"), {});
  ASSERT_TRUE(inst.ok());
  Value arg = Value::from_i32(5), res{};
  ASSERT_TRUE(store.call((*inst)->get_func("grow"), {&arg, 1}, {&res, 1}).ok());
  EXPECT_EQ(static_cast<int32_t>(res.i32), -1);
  arg = Value::from_i32(4);
  ASSERT_TRUE(store.call((*inst)->get_func("grow"), {&arg, 1}, {&res, 1}).ok());
  EXPECT_EQ(res.i32, 4u);
}

TEST(StoreLimits, InstantiationWithTooLargeTable) {
  Engine engine;
  StoreLimits limits;
  limits.max_table_elements = 100;
  Store store(engine, limits);
  auto inst = store.instantiate(compile(engine, "(module (table 1000 funcref))"), {});
  ASSERT_FALSE(inst.ok());
  EXPECT_EQ(inst.error().kind, ErrorKind::Limit);
  EXPECT_EQ(inst.error().message,
            "table minimum of 1000 elements exceeds the store's limit of 100 elements per table");
}

// --- counts --------------------------------------------------------------------

TEST(StoreLimits, MaxInstances) {
  Engine engine;
  StoreLimits limits;
  limits.max_instances = 2;
  Store store(engine, limits);
  auto module = compile(engine, "(module)");
  ASSERT_TRUE(store.instantiate(module, {}).ok());
  ASSERT_TRUE(store.instantiate(module, {}).ok());
  auto third = store.instantiate(module, {});
  ASSERT_FALSE(third.ok());
  EXPECT_EQ(third.error().kind, ErrorKind::Limit);
  EXPECT_EQ(third.error().message, "the store's limit of 2 instances is reached");
  Store other(engine, limits);
  EXPECT_TRUE(other.instantiate(module, {}).ok());
}

TEST(StoreLimits, MaxMemoriesAndTables) {
  Engine engine;
  StoreLimits limits;
  limits.max_memories = 1;
  limits.max_tables = 1;
  Store store(engine, limits);
  ASSERT_TRUE(store.create_memory(mem_type(0)).ok());
  auto m = store.create_memory(mem_type(0));
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().message, "the store's limit of 1 memories is reached");
  ASSERT_TRUE(store.create_table(table_type(0)).ok());
  auto t = store.create_table(table_type(0));
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().message, "the store's limit of 1 tables is reached");
  auto inst = store.instantiate(compile(engine, "(module (memory 0))"), {});
  ASSERT_FALSE(inst.ok());
  EXPECT_EQ(inst.error().kind, ErrorKind::Limit);
  EXPECT_EQ(inst.error().message,
            "the module defines 1 memories, over the store's limit of 1 memories (1 in use)");
  // Imported memories do not count: they were created elsewhere.
  Store fresh(engine, limits);
  auto mem = fresh.create_memory(mem_type(1));
  ASSERT_TRUE(mem.ok());
  Extern imp = Extern::memory(*mem);
  auto importer = fresh.instantiate(compile(engine, R"((module (import "m" "mem" (memory 1))))"),
                                    {&imp, 1});
  EXPECT_TRUE(importer.ok()) << importer.error().to_string();
}

TEST(StoreLimits, DefaultsAreUnlimitedAndResolved) {
  EngineConfig config;
  config.max_call_depth = 123;
  Engine engine(config);
  Store store(engine);
  EXPECT_EQ(store.limits().max_call_depth, 123u);
  EXPECT_EQ(store.limits().max_memory_bytes, 0u);
  EXPECT_TRUE(store.create_memory(mem_type(1000)).ok());
}

// --- fuel and timeout API ------------------------------------------------------------

TEST(StoreFuel, UsageErrorWithoutFuelMetering) {
  Engine engine;
  Store store(engine);
  auto r = store.set_fuel(100);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::Usage);
  EXPECT_EQ(r.error().message,
            "fuel metering is off: create the Engine with EngineConfig::fuel_metering = true");
}

TEST(StoreFuel, SetAndRemaining) {
  EngineConfig config;
  config.fuel_metering = true;
  Engine engine(config);
  Store store(engine);
  EXPECT_EQ(store.fuel_remaining(), 0u);
  ASSERT_TRUE(store.set_fuel(1000).ok());
  EXPECT_EQ(store.fuel_remaining(), 1000u);
  EXPECT_EQ(store.exec().fuel, 1000);
  ASSERT_TRUE(store.set_fuel(UINT64_MAX).ok());  // clamped, not negative
  EXPECT_EQ(store.fuel_remaining(), static_cast<uint64_t>(INT64_MAX));
  store.exec().fuel = -5;  // what a trap leaves behind
  EXPECT_EQ(store.fuel_remaining(), 0u);
}

TEST(StoreDeadline, UsageErrorWithoutDeadlineChecks) {
  Engine engine;
  Store store(engine);
  auto r = store.set_timeout(10ms);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::Usage);
  EXPECT_EQ(r.error().message,
            "deadline checks are off: create the Engine with EngineConfig::deadline_checks = true");
  EXPECT_TRUE(store.set_timeout(0ms).ok());  // "none" is always allowed
}

TEST(StoreDeadline, DeadlineVisibleOnlyDuringTheCall) {
  EngineConfig config;
  config.deadline_checks = true;
  Engine engine(config);
  Store store(engine);
  ASSERT_TRUE(store.set_timeout(5s).ok());
  EXPECT_FALSE(store.deadline().has_value());
  std::optional<std::chrono::steady_clock::time_point> seen;
  FuncInst* f = store.create_host_func(FuncType{{}, {}}, [&](Caller& c, const Value*, Value*) {
    seen = c.store.deadline();
    return Trap();
  });
  const auto before = std::chrono::steady_clock::now();
  ASSERT_TRUE(store.call(f, {}, {}).ok());
  ASSERT_TRUE(seen.has_value());
  EXPECT_GE(*seen, before + 5s);
  EXPECT_LE(*seen, std::chrono::steady_clock::now() + 5s);
  EXPECT_FALSE(store.deadline().has_value());
  EXPECT_EQ(Watchdog::instance().armed(), 0u);
}

TEST(StoreDeadline, HostFunctionCalledDirectlyTrapsWhenItOverruns) {
  EngineConfig config;
  config.deadline_checks = true;
  Engine engine(config);
  Store store(engine);
  ASSERT_TRUE(store.set_timeout(20ms).ok());
  // A host function that waits past the deadline is declared as one that may block: the
  // store then reads the clock when it returns, whether or not the watchdog thread has
  // run yet.
  FuncInst* slow = store.create_host_func(
      FuncType{{}, {}},
      [](Caller&, const Value*, Value*) {
        std::this_thread::sleep_for(60ms);
        return Trap();
      },
      HostBlocking::MayBlock);
  Trap t = store.call(slow, {}, {});
  EXPECT_EQ(t.kind, TrapKind::DeadlineExceeded);
  EXPECT_EQ(t.message(), "deadline exceeded");
  // The next call starts with a clear flag and a fresh deadline.
  FuncInst* quick = store.create_host_func(FuncType{{}, {}}, [](Caller&, const Value*, Value*) { return Trap(); });
  EXPECT_TRUE(store.call(quick, {}, {}).ok());
}

// --- watchdog ----------------------------------------------------------------------

// Waits until `flag` is set or `limit` passes; true if it was set.
bool wait_for_flag(const std::atomic<uint32_t>& flag, std::chrono::milliseconds limit) {
  const auto end = Watchdog::Clock::now() + limit;
  while (flag.load() == 0) {
    if (Watchdog::Clock::now() >= end) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

TEST(Watchdog, FiresInDeadlineOrderAndNeverEarly) {
  std::atomic<uint32_t> a{0}, b{0};
  Watchdog::Slot sa(&a), sb(&b);
  const auto now = Watchdog::Clock::now();
  const auto da = now + 20ms, db = now + 60ms;
  sb.arm(db);
  sa.arm(da);  // earlier than what the thread sleeps until: it must be woken for it
  ASSERT_TRUE(wait_for_flag(a, 10s));
  EXPECT_GE(Watchdog::Clock::now(), da);
  // b may fire only once its own deadline has passed.
  if (b.load() != 0) {
    EXPECT_GE(Watchdog::Clock::now(), db);
  }
  ASSERT_TRUE(wait_for_flag(b, 10s));
  EXPECT_GE(Watchdog::Clock::now(), db);
  sa.disarm();  // already fired: harmless
  sb.disarm();
  EXPECT_EQ(Watchdog::instance().armed(), 0u);
}

// A store's slot also lowers its call limit to 0 (store.h), before the flag is set.
TEST(Watchdog, FiringLowersTheCallLimit) {
  std::atomic<uint32_t> flag{0};
  std::atomic<uintptr_t> limit{12345};
  Watchdog::Slot slot(&flag, &limit);
  slot.arm(Watchdog::Clock::now() + 5ms);
  ASSERT_TRUE(wait_for_flag(flag, 10s));
  EXPECT_EQ(limit.load(), 0u);
  slot.disarm();
}

TEST(Watchdog, DisarmedSlotNeverFires) {
  std::atomic<uint32_t> flag{0};
  Watchdog::Slot slot(&flag);
  const auto deadline = Watchdog::Clock::now() + 30ms;
  slot.arm(deadline);
  EXPECT_EQ(Watchdog::instance().armed(), 1u);
  slot.disarm();
  EXPECT_EQ(Watchdog::instance().armed(), 0u);
  // A second slot due after the first one's deadline: once it has fired, the thread has
  // passed the first deadline with the first slot disarmed.
  std::atomic<uint32_t> later{0};
  Watchdog::Slot witness(&later);
  witness.arm(deadline + 20ms);
  ASSERT_TRUE(wait_for_flag(later, 10s));
  EXPECT_EQ(flag.load(), 0u);
}

TEST(Watchdog, ReArmedSlotFiresForItsNewDeadline) {
  std::atomic<uint32_t> flag{0};
  Watchdog::Slot slot(&flag);
  slot.arm(Watchdog::Clock::now() + 10s);
  slot.disarm();
  const auto soon = Watchdog::Clock::now() + 10ms;
  slot.arm(soon);
  ASSERT_TRUE(wait_for_flag(flag, 10s));
  EXPECT_GE(Watchdog::Clock::now(), soon);
  slot.disarm();
}

TEST(Watchdog, ManyThreadsArmAndDisarm) {
  std::vector<std::thread> threads;
  std::atomic<int> fired{0};
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&fired, i] {
      for (int k = 0; k < 200; ++k) {
        std::atomic<uint32_t> flag{0};
        // Half of them due at once (they may fire), half far away (they must not).
        const bool due = (k + i) % 2;
        {
          Watchdog::Slot slot(&flag);
          slot.arm(Watchdog::Clock::now() + (due ? 0ms : 10s));
          if (due) std::this_thread::yield();
          slot.disarm();
          if (!due) {
            EXPECT_EQ(flag.load(), 0u);
          }
          slot.arm(Watchdog::Clock::now() + 10s);  // the destructor must disarm this
        }  // after this the flag (a local) dies: must never be touched again
        if (flag.load()) ++fired;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(Watchdog::instance().armed(), 0u);
  EXPECT_LE(fired.load(), 800);
}

}  // namespace
}  // namespace midimon::wasm
