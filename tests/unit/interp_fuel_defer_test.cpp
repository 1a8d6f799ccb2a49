// Fuel for blocks paid at their exit (src/wasm/compiler_fuel.cpp): a block entered at a
// label that has no effect and cannot trap, ending with a conditional branch, adds its
// units to both charges of that branch, and the branches into it charge nothing. Every
// run must still pay the same total, stop with the same memory and globals for any fuel,
// and a loop made of such blocks must still run out.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "engine_configs.h"
#include "handler_count_util.h"
#include "instance_util.h"
#include "wasm/code.h"
#include "wasm/engine.h"
#include "wasm/linker.h"
#include "wasm/module.h"
#include "wasm/store.h"

namespace midimon::wasm {
namespace {

// `latch` and `twin` differ only in one instruction of the loop's latch (the block after
// `end $next`): `i32.mul` by 1 there, `i32.div_u` by 1 here. Same results, same units,
// but a division can trap, so the twin's latch is charged on entry as before.
// Per turn: the header {load, br_if} branches into the latch when mem[i] != 0, else
// writes 7 there (an effect) and falls into the latch; the latch bumps i and branches back.
// One latch function, NAME and OP filled in: ("latch", "i32.mul") and ("twin", "i32.div_u").
std::string latch_func(const std::string& name, const std::string& op) {
  return "(func (export \"" + name + R"(") (param $n i32) (result i32) (local $i i32) (local $c i32)
    (block $exit
      (br_if $exit (i32.eqz (local.get $n)))
      (loop $top
        (block $next
          (br_if $next (i32.load8_u (local.get $i)))
          (local.set $c (i32.add (local.get $c) (i32.const 1)))
          (i32.store8 (local.get $i) (i32.const 7)))
        (local.set $i (i32.add ()" + op + R"( (local.get $i) (i32.const 1)) (i32.const 1)))
        (br_if $top (i32.ne (local.get $i) (local.get $n)))))
    (local.get $c)))";
}

const std::string kModule = R"((module
  (memory (export "mem") 1)
  (global $g (export "g") (mut i32) (i32.const 0)))" +
                            latch_func("latch", "i32.mul") + latch_func("twin", "i32.div_u") + R"(
  ;; Never ends: the header counts its turns in $g; the latch (pure, paid at its exit,
  ;; entered by a branch or by falling in) branches back. Units per turn: header
  ;; {global.get, const, add, global.set, block, get, const, and, br_if} 9, the
  ;; fall-through {end} 1 on even turns, latch {get, const, add, set, const, br_if} 6.
  (func (export "spin") (local $i i32)
    (loop $top
      (global.set $g (i32.add (global.get $g) (i32.const 1)))
      (block $b
        (br_if $b (i32.and (local.get $i) (i32.const 1))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $top (i32.const 1))))
  ;; The same with an if/else whose arms end in pure blocks chained into each other.
  (func (export "spin_if") (local $i i32)
    (loop $top
      (global.set $g (i32.add (global.get $g) (i32.const 1)))
      (if (i32.and (local.get $i) (i32.const 1))
        (then (local.set $i (i32.add (local.get $i) (i32.const 3))))
        (else (local.set $i (i32.add (local.get $i) (i32.const 1)))))
      (block $b (br_if $b (i32.and (local.get $i) (i32.const 2))))
      (br_if $top (i32.const 1))))
))";

struct Instance1 {
  Engine engine;
  Store store;
  Linker linker;
  std::shared_ptr<const Module> module;
  Instance* inst;

  explicit Instance1(EngineConfig cfg)
      : engine(cfg), store(engine), inst(test::instantiate_wat(engine, store, linker, kModule, &module)) {}
  uint8_t* mem() { return inst->memories[0]->base; }
  // The trap message ("" when none); `*out` = the result.
  std::string call(const char* name, std::vector<Value> args, uint32_t* out) {
    FuncInst* f = inst->get_func(name);
    if (!f) return std::string("no export ") + name;
    std::vector<Value> results(out ? 1 : 0);
    Trap t = store.call(f, args, results);
    if (out) *out = results[0].i32;
    return t.ok() ? "" : t.message();
  }
  int64_t& fuel() { return store.exec().fuel; }
};

class FuelDefer : public ::testing::TestWithParam<int> {
 protected:
  EngineConfig config() const { return test::fuel_config(GetParam()); }
};

// The latch's own units: {get, const, mul|div_u, const, add, set, get, get, ne, br_if}.
constexpr int64_t kLatchUnits = 10;
constexpr uint32_t kN = 12;
// Which bytes are set before each run: the header branches into the latch on those.
void fill(uint8_t* mem) {
  std::memset(mem, 0, kN + 1);
  for (uint32_t i = 0; i < kN; i += 3) mem[i] = 1;
}

TEST_P(FuelDefer, SameTotalsAndStoppingPointsAsALatchPaidOnEntry) {
  Instance1 latch(config()), twin(config());
  // The whole run: the same result and units.
  fill(latch.mem());
  fill(twin.mem());
  latch.fuel() = twin.fuel() = 100000;
  uint32_t r1 = 0, r2 = 0;
  ASSERT_EQ(latch.call("latch", {Value::from_i32(kN)}, &r1), "");
  ASSERT_EQ(twin.call("twin", {Value::from_i32(kN)}, &r2), "");
  EXPECT_EQ(r1, r2);
  EXPECT_EQ(r1, kN - (kN + 2) / 3);
  const int64_t total = 100000 - latch.fuel();
  EXPECT_EQ(total, 100000 - twin.fuel());
  EXPECT_GT(total, static_cast<int64_t>(kN) * kLatchUnits);
  // Every amount of fuel up to the total: the same runs trap, and the stores are those
  // of the twin given the latch's units more. The block with the store falls into the
  // latch, so the twin pays both before the store, while here the latch is paid at its
  // branch, after it: the store needs that many units less, and nothing else moves.
  int traps = 0;
  for (int64_t f = 0; f <= total; ++f) {
    fill(latch.mem());
    latch.fuel() = f;
    const std::string t1 = latch.call("latch", {Value::from_i32(kN)}, &r1);
    fill(twin.mem());
    twin.fuel() = f;
    const std::string t2 = twin.call("twin", {Value::from_i32(kN)}, &r2);
    ASSERT_EQ(t1, t2) << "fuel " << f;
    fill(twin.mem());
    twin.fuel() = std::min(f + kLatchUnits, total);
    twin.call("twin", {Value::from_i32(kN)}, &r2);
    EXPECT_EQ(std::memcmp(latch.mem(), twin.mem(), kN + 1), 0) << "fuel " << f;
    if (t1.empty()) {
      EXPECT_EQ(f, total);  // the least fuel that completes is still the total
      EXPECT_EQ(latch.fuel(), 0);
    } else {
      ++traps;
      EXPECT_EQ(t1, "fuel exhausted");
      EXPECT_LE(latch.fuel(), f);
    }
  }
  EXPECT_EQ(traps, total);
}

TEST_P(FuelDefer, ALoopOfPureBlocksStillRunsOut) {
  for (const char* func : {"spin", "spin_if"}) {
    Instance1 f(config());
    if (config().deadline_checks) {
      ASSERT_TRUE(f.store.set_timeout(std::chrono::seconds(20)).ok());
    }
    constexpr int64_t kFuel = 1000000;
    f.fuel() = kFuel;
    EXPECT_EQ(f.call(func, {}, nullptr), "fuel exhausted") << func;
    const int64_t used = kFuel - f.fuel();
    auto* g = f.inst->get_global("g");
    ASSERT_NE(g, nullptr);
    const int64_t turns = g->value.i32;
    // spin: 15 or 16 units a turn; spin_if at least as many (every block of it is paid).
    EXPECT_GE(used, (turns - 1) * 15) << func << ": " << turns << " turns";
    EXPECT_GT(turns, 1000) << func;
  }
}

INSTANTIATE_TEST_SUITE_P(Configs, FuelDefer, ::testing::Values(0, 1, 2, 3), test::fuel_config_name);

// The branches into the pure latch are the non-charging twins (the header's br_if as
// I32Load8U_BrNz_F); the twin module keeps its charging forms.
TEST(FuelDeferForms, BranchesIntoAPureLatchDoNotCharge) {
  for (bool deadline : {false, true}) {
    EngineConfig c;
    c.fuel_metering = true;
    c.deadline_checks = deadline;
    c.lazy_compilation = false;
    Instance1 f(c);
    const CompiledFunc& latch = *f.module->code(0).value();
    const CompiledFunc& twin = *f.module->code(1).value();
    // The header's br_if on the loaded byte is fused with its load (I32Load8U_BrNz).
    const auto branches = [](const CompiledFunc& f, IOp plain, IOp from_load) {
      return test::count_handler(f.code, plain) + test::count_handler(f.code, from_load);
    };
    EXPECT_EQ(branches(latch, IOp::BrIf_F, IOp::I32Load8U_BrNz_F), 1) << deadline;
    EXPECT_EQ(branches(twin, IOp::BrIf_F, IOp::I32Load8U_BrNz_F), 0) << deadline;
    EXPECT_EQ(branches(twin, IOp::BrIf_FB, IOp::I32Load8U_BrNz_FB),
              1 + branches(latch, IOp::BrIf_FB, IOp::I32Load8U_BrNz_FB))
        << deadline;
  }
}

}  // namespace
}  // namespace midimon::wasm
