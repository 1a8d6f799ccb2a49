// The interpreter keeps the fuel in a 32-bit local while it runs and the rest in
// ExecState::fuel (interpreter.cpp, CHARGE): a charge that does not fit the local takes
// the rare path, which refills it from the rest. Only a run that burns more than 2^32
// units between two host calls goes there; it must count as exactly as the common path.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine_configs.h"
#include "instance_util.h"
#include "wasm/engine.h"
#include "wasm/linker.h"
#include "wasm/module.h"
#include "wasm/store.h"

namespace midimon::wasm {
namespace {

// One turn of the loop costs kNops + 5 units ({nop * kNops, get, const, sub, tee, br_if})
// in two dispatches or so, so 2^32 units take a fraction of a second.
constexpr int64_t kNops = 65536;
constexpr int64_t kTurn = kNops + 5;
// entry {loop} 1 with the header falling in, a turn per count, the exit {end, end} 2.
constexpr int64_t total_for(int64_t n) { return 1 + kTurn * n + 2; }

std::string burn_module() {
  std::string nops;
  nops.reserve(kNops * 4);
  for (int64_t i = 0; i < kNops; ++i) nops += "nop ";
  return "(module (func (export \"burn\") (param i32) (loop $l " + nops +
         "(br_if $l (local.tee 0 (i32.sub (local.get 0) (i32.const 1)))))))";
}

class FuelRefill : public ::testing::TestWithParam<int> {
 protected:
  void SetUp() override {
    engine = std::make_unique<Engine>(test::fuel_config(GetParam()));
    store = std::make_unique<Store>(*engine);
    Instance* inst = test::instantiate_wat(*engine, *store, linker, burn_module(), &module);
    ASSERT_NE(inst, nullptr);
    burn = inst->get_func("burn");
    ASSERT_NE(burn, nullptr);
  }
  std::string run(int64_t n) {
    std::vector<Value> none;
    Trap t = store->call(burn, std::vector<Value>{Value::from_i32(static_cast<uint32_t>(n))}, none);
    return t.ok() ? "" : t.message();
  }
  int64_t& fuel() { return store->exec().fuel; }

  std::unique_ptr<Engine> engine;
  std::unique_ptr<Store> store;
  Linker linker;
  std::shared_ptr<const Module> module;
  FuncInst* burn = nullptr;
};

constexpr int64_t k32 = int64_t{1} << 32;
// Enough turns to burn past 2^32 units in one call.
constexpr int64_t kTurns = k32 / kTurn + 2;
static_assert(total_for(kTurns) > k32);

TEST_P(FuelRefill, ARunPast32BitsOfUnitsCountsExactly) {
  const int64_t total = total_for(kTurns);
  for (const int64_t start : {int64_t{1} << 33, total + 1, total, (int64_t{1} << 40) + 7}) {
    fuel() = start;
    EXPECT_EQ(run(kTurns), "") << start;
    EXPECT_EQ(fuel(), start - total) << start;
  }
}

// It stops at the first charge that does not fit, past the refill as before it, and the
// store keeps what was left: the entry's charge and as many turns as fit are taken.
TEST_P(FuelRefill, ARunPast32BitsStopsWhereTheFuelEnds) {
  const int64_t total = total_for(kTurns);
  for (const int64_t start : {k32 - 1, k32, k32 + 10, k32 + kTurn + 3, total - 1}) {
    fuel() = start;
    EXPECT_EQ(run(kTurns), "fuel exhausted") << start;
    const int64_t after_entry = start - 1;
    const int64_t turns = std::min(after_entry / kTurn, kTurns);
    const int64_t left = after_entry - turns * kTurn;
    EXPECT_EQ(fuel(), left) << start;
  }
}

INSTANTIATE_TEST_SUITE_P(Configs, FuelRefill, ::testing::Values(0, 1, 2, 3), test::fuel_config_name);

}  // namespace
}  // namespace midimon::wasm
