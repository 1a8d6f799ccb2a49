// A load whose value only the conditional branch after it reads (MIDIMON_LOAD_BRS in
// superinstructions.h: <Load>_BrNz / _BrZ / _BrEqI / _BrNeI; the compiler's side in
// compiler_fusion.cpp, emit_load_branch). Each shape is checked against a C++ model of
// the wasm code, for i32.load and i32.load8_u, in all four engine configurations:
// br_if on the value, on its eqz, on == / != a constant, and an `if` on each of those
// (the branch skipping the `then` arm is taken on the opposite condition); an address
// out of bounds traps as the load alone would, with or without the offset; a value that
// is also kept (local.tee) or compared with a non-constant is not fused and still right.
// With fuel, each fused function costs exactly its wasm instructions on both paths.
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine_configs.h"
#include "handler_count_util.h"
#include "instance_util.h"
#include "wat_util.h"
#include "wasm/code.h"
#include "wasm/engine.h"
#include "wasm/linker.h"
#include "wasm/module.h"
#include "wasm/store.h"

namespace midimon::wasm {
namespace {

using test::count_handler;
using test::kAllConfigs;
using test::NamedConfig;

// Memory: bytes 0..7 are 00 05 ff 80 01 00 00 00 (so the i32 at 0 is 0x80ff0500, at 4 is 1,
// at 1 is 0x0180ff05); the last page's last four bytes are 07 00 00 00.
const char* kModule = R"((module
  (memory 1)
  (data (i32.const 0) "\00\05\ff\80\01\00\00\00")
  (data (i32.const 65532) "\07\00\00\00")
  ;; br_if on the value: 1 when taken, 2 when not
  (func (export "nz32") (param $p i32) (result i32)
    (block $t (br_if $t (i32.load offset=1 (local.get $p))) (return (i32.const 2))) (i32.const 1))
  (func (export "nz8") (param $p i32) (result i32)
    (block $t (br_if $t (i32.load8_u (local.get $p))) (return (i32.const 2))) (i32.const 1))
  ;; br_if on its eqz
  (func (export "z32") (param $p i32) (result i32)
    (block $t (br_if $t (i32.eqz (i32.load (local.get $p)))) (return (i32.const 2))) (i32.const 1))
  (func (export "z8") (param $p i32) (result i32)
    (block $t (br_if $t (i32.eqz (i32.load8_u offset=2 (local.get $p)))) (return (i32.const 2))) (i32.const 1))
  ;; br_if on == / != a constant
  (func (export "eq8") (param $p i32) (result i32)
    (block $t (br_if $t (i32.eq (i32.load8_u (local.get $p)) (i32.const 255))) (return (i32.const 2))) (i32.const 1))
  (func (export "ne8") (param $p i32) (result i32)
    (block $t (br_if $t (i32.ne (i32.load8_u (local.get $p)) (i32.const 5))) (return (i32.const 2))) (i32.const 1))
  (func (export "eq32") (param $p i32) (result i32)
    (block $t (br_if $t (i32.eq (i32.load (local.get $p)) (i32.const -2130770688))) (return (i32.const 2))) (i32.const 1))
  (func (export "ne32") (param $p i32) (result i32)
    (block $t (br_if $t (i32.ne (i32.const 1) (i32.load (local.get $p)))) (return (i32.const 2))) (i32.const 1))
  ;; if on each: 1 when the condition holds, 2 when not
  (func (export "if32") (param $p i32) (result i32)
    (if (result i32) (i32.load (local.get $p)) (then (i32.const 1)) (else (i32.const 2))))
  (func (export "if_eqz8") (param $p i32) (result i32)
    (if (result i32) (i32.eqz (i32.load8_u (local.get $p))) (then (i32.const 1)) (else (i32.const 2))))
  (func (export "if_eq8") (param $p i32) (result i32)
    (if (result i32) (i32.eq (i32.load8_u (local.get $p)) (i32.const 128)) (then (i32.const 1)) (else (i32.const 2))))
  (func (export "if_ne32") (param $p i32) (result i32)
    (if (result i32) (i32.ne (i32.load (local.get $p)) (i32.const 1)) (then (i32.const 1)) (else (i32.const 2))))
;; twins for fuel: the value or'ed with 0 first (two instructions more, and no fusion)
  (func (export "nz8_twin") (param $p i32) (result i32)
    (block $t (br_if $t (i32.or (i32.load8_u (local.get $p)) (i32.const 0))) (return (i32.const 2))) (i32.const 1))
  (func (export "eq8_twin") (param $p i32) (result i32)
    (block $t (br_if $t (i32.eq (i32.or (i32.load8_u (local.get $p)) (i32.const 0)) (i32.const 255)))
      (return (i32.const 2))) (i32.const 1))
  (func (export "if32_twin") (param $p i32) (result i32)
    (if (result i32) (i32.or (i32.load (local.get $p)) (i32.const 0)) (then (i32.const 1)) (else (i32.const 2))))
    ;; not fused: the value is kept too, or compared with a local
  (func (export "kept") (param $p i32) (result i32) (local $v i32)
    (block $t (br_if $t (local.tee $v (i32.load8_u (local.get $p)))) (return (i32.const 1000)))
    (local.get $v))
  (func (export "vs_local") (param $p i32) (param $c i32) (result i32)
    (block $t (br_if $t (i32.eq (i32.load8_u (local.get $p)) (local.get $c))) (return (i32.const 2))) (i32.const 1))
))";

// The model: the memory above, and each function's answer (0: it traps).
uint8_t byte_at(uint32_t a) {
  static const uint8_t head[8] = {0x00, 0x05, 0xff, 0x80, 0x01, 0x00, 0x00, 0x00};
  if (a < 8) return head[a];
  if (a == 65532) return 7;
  return 0;
}
bool in_bounds(uint64_t ea, uint32_t size) { return ea + size <= 65536; }
uint32_t word_at(uint32_t a) {
  return byte_at(a) | (byte_at(a + 1) << 8) | (byte_at(a + 2) << 16) | (uint32_t{byte_at(a + 3)} << 24);
}
uint32_t pick(bool c) { return c ? 1 : 2; }

struct Case {
  const char* name;
  uint32_t size;    // bytes loaded
  uint32_t offset;  // the load's offset
  uint32_t (*model)(uint32_t p);
  IOp fused;
};
const Case kCases[] = {
    {"nz32", 4, 1, [](uint32_t p) { return pick(word_at(p + 1) != 0); }, IOp::I32Load_BrNz},
    {"nz8", 1, 0, [](uint32_t p) { return pick(byte_at(p) != 0); }, IOp::I32Load8U_BrNz},
    {"z32", 4, 0, [](uint32_t p) { return pick(word_at(p) == 0); }, IOp::I32Load_BrZ},
    {"z8", 1, 2, [](uint32_t p) { return pick(byte_at(p + 2) == 0); }, IOp::I32Load8U_BrZ},
    {"eq8", 1, 0, [](uint32_t p) { return pick(byte_at(p) == 255); }, IOp::I32Load8U_BrEqI},
    {"ne8", 1, 0, [](uint32_t p) { return pick(byte_at(p) != 5); }, IOp::I32Load8U_BrNeI},
    {"eq32", 4, 0, [](uint32_t p) { return pick(word_at(p) == 0x80ff0500u); }, IOp::I32Load_BrEqI},
    {"ne32", 4, 0, [](uint32_t p) { return pick(word_at(p) != 1); }, IOp::I32Load_BrNeI},
    // an `if` skips its `then` arm on the opposite condition
    {"if32", 4, 0, [](uint32_t p) { return pick(word_at(p) != 0); }, IOp::I32Load_BrZ},
    {"if_eqz8", 1, 0, [](uint32_t p) { return pick(byte_at(p) == 0); }, IOp::I32Load8U_BrNz},
    {"if_eq8", 1, 0, [](uint32_t p) { return pick(byte_at(p) == 128); }, IOp::I32Load8U_BrNeI},
    {"if_ne32", 4, 0, [](uint32_t p) { return pick(word_at(p) != 1); }, IOp::I32Load_BrEqI},
};

struct Mod {
  Engine engine;
  Store store{engine};
  Linker linker;
  Instance* inst = nullptr;
  std::shared_ptr<const Module> module;
  explicit Mod(const NamedConfig& c) : engine(c.engine()) {
    inst = test::instantiate_wat(engine, store, linker, kModule, &module);
  }
  // The result (0 and the message in *trap when it traps), and the fuel it used.
  uint32_t call(const std::string& name, const std::vector<Value>& args, std::string* trap,
                uint64_t* used = nullptr) {
    FuncInst* f = inst->get_func(name);
    EXPECT_NE(f, nullptr) << name;
    if (!f) return 0;
    constexpr uint64_t kFuel = 1000;
    const bool fuel = engine.config().fuel_metering;
    if (fuel) {
      EXPECT_TRUE(store.set_fuel(kFuel).ok());
    }
    std::vector<Value> res(1);
    const Trap t = store.call(f, args, res);
    *trap = t.ok() ? "" : t.message();
    if (used) *used = fuel ? kFuel - store.fuel_remaining() : 0;
    return t.ok() ? res[0].i32 : 0;
  }
  const CompiledFunc* code(const std::string& name) {
    FuncInst* f = inst->get_func(name);
    return f ? f->code : nullptr;
  }
};

class LoadBranch : public ::testing::TestWithParam<NamedConfig> {};

TEST_P(LoadBranch, EveryShapeBranchesOnTheLoadedValue) {
  Mod m(GetParam());
  ASSERT_NE(m.inst, nullptr);
  const uint32_t addrs[] = {0, 1, 2, 3, 4, 5, 8, 65528, 65531, 65532, 65533, 65535, 65536, 0xfffffffeu};
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.name);
    for (uint32_t p : addrs) {
      std::string trap;
      const uint32_t got = m.call(c.name, {Value::from_i32(p)}, &trap);
      if (!in_bounds(uint64_t{p} + c.offset, c.size)) {
        EXPECT_EQ(trap, "out of bounds memory access") << "p=" << p;
      } else {
        EXPECT_EQ(trap, "") << "p=" << p;
        EXPECT_EQ(got, c.model(p)) << "p=" << p;
      }
    }
    const CompiledFunc* code = m.code(c.name);
    ASSERT_NE(code, nullptr);  // compiled by the calls above
    // The fused op, in whichever variant the configuration gives the branch (Name, _F,
    // _FB, _PB, _FPB follow each other in IOp).
    int n = 0;
    for (uint32_t v = 0; v < 5; ++v) n += count_handler(code->code, static_cast<IOp>(static_cast<uint32_t>(c.fused) + v));
    EXPECT_EQ(n, 1);
  }
}

int count_load_branches(const CompiledFunc& code) {
  int n = 0;
#define MIDIMON_X(L, T, C, k)                                                                   \
  for (IOp op : {IOp::L##_##C, IOp::L##_##C##_F, IOp::L##_##C##_FB, IOp::L##_##C##_PB, IOp::L##_##C##_FPB}) { \
    n += count_handler(code.code, op);                                                          \
  }
  MIDIMON_LOAD_BRS(MIDIMON_X)
#undef MIDIMON_X
  return n;
}

TEST_P(LoadBranch, AValueAlsoKeptOrComparedWithALocalIsNotFused) {
  Mod m(GetParam());
  ASSERT_NE(m.inst, nullptr);
  std::string trap;
  EXPECT_EQ(m.call("kept", {Value::from_i32(2)}, &trap), 255u);
  EXPECT_EQ(m.call("kept", {Value::from_i32(0)}, &trap), 1000u);
  EXPECT_EQ(m.call("vs_local", {Value::from_i32(1), Value::from_i32(5)}, &trap), 1u);
  EXPECT_EQ(m.call("vs_local", {Value::from_i32(1), Value::from_i32(6)}, &trap), 2u);
  for (const char* f : {"kept", "vs_local"}) {
    const CompiledFunc* code = m.code(f);
    ASSERT_NE(code, nullptr);
    EXPECT_EQ(count_load_branches(*code), 0) << f;
  }
}

// With fuel, both ways: each fused function completes with exactly the fuel its twin
// (the same code with the value or'ed with 0: two wasm instructions more, not fused)
// uses less two, and runs out with one unit less.
TEST(LoadBranchFuel, TheFusedBranchCostsItsWasmInstructions) {
  for (const NamedConfig& cfg : {kAllConfigs[1], kAllConfigs[3]}) {
    SCOPED_TRACE(cfg.name);
    Mod m(cfg);
    ASSERT_NE(m.inst, nullptr);
    for (const char* f : {"nz8", "eq8", "if32"}) {
      for (uint32_t p : {0u, 1u, 2u, 4u}) {
        std::string trap, trap_twin;
        uint64_t used = 0, used_twin = 0;
        const uint32_t r = m.call(f, {Value::from_i32(p)}, &trap, &used);
        const uint32_t r_twin = m.call(std::string(f) + "_twin", {Value::from_i32(p)}, &trap_twin, &used_twin);
        EXPECT_EQ(trap, "");
        EXPECT_EQ(r, r_twin) << f << " p=" << p;
        EXPECT_EQ(used + 2, used_twin) << f << " p=" << p;
        FuncInst* fn = m.inst->get_func(f);
        ASSERT_TRUE(m.store.set_fuel(used - 1).ok());
        std::vector<Value> res(1);
        const std::vector<Value> args{Value::from_i32(p)};
        EXPECT_EQ(m.store.call(fn, args, res).message(), "fuel exhausted") << f << " p=" << p;
      }
      EXPECT_EQ(count_load_branches(*m.code(f)), 1) << f;
      EXPECT_EQ(count_load_branches(*m.code(std::string(f) + "_twin")), 0) << f;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Configs, LoadBranch, ::testing::ValuesIn(kAllConfigs),
                         [](const ::testing::TestParamInfo<NamedConfig>& i) { return std::string(i.param.name); });

}  // namespace
}  // namespace midimon::wasm
