// Pairs whose first binop carries its constant in the instruction (PairI_<A>_<B>,
// MIDIMON_IMM_BINOP_PAIRS in superinstructions.h; the compiler's side in
// compiler_consts.cpp and compiler_fusion.cpp). Each must compute what its two wasm
// instructions compute, be emitted where the plain pair would have read the constant
// from a slot, and leave the constant out of the pool every call copies into its frame.
// Every expected value comes from a C++ model of the wasm ops, never from the engine.
// Shapes: the chain (B (A x C) y), with the first's result as B's second operand, the
// two binops independent, the first's result tee'd into a local, a local the first
// writes and the second reads, a constant on the left of a commuting A, i32.sub /
// i64.sub by C (the add of -C), an i64 constant too wide for the 32-bit immediate (the
// plain pair then), and a shl by a constant feeding a load (PairI_I32Shl_I32Add, then
// I32Load_Idx with k from the instruction). All four engine configurations; with fuel,
// the chain costs exactly its wasm instructions.
#include <gtest/gtest.h>

#include <bit>
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
#include "wasm/opcodes.h"
#include "wasm/store.h"

namespace midimon::wasm {
namespace {

using test::count_handler;
using test::kAllConfigs;
using test::NamedConfig;

struct ImmPair {
  Op a;
  Op b;
  IOp op;
  const char* name;
};
const ImmPair kImmPairs[] = {
#define MIDIMON_X(A, B) {Op::A, Op::B, IOp::PairI_##A##_##B, #A "_" #B},
    MIDIMON_IMM_BINOP_PAIRS(MIDIMON_X)
#undef MIDIMON_X
};

bool is_i64(Op op) { return op == Op::I64Add || op == Op::I64Sub; }

// The model: wasm semantics of the ops the pairs use, on 64-bit containers (i32 results
// zero-extended).
uint64_t eval(Op op, uint64_t x, uint64_t y) {
  const uint32_t a = static_cast<uint32_t>(x), b = static_cast<uint32_t>(y);
  switch (op) {
    case Op::I32Add: return uint32_t(a + b);
    case Op::I32Sub: return uint32_t(a - b);
    case Op::I32Mul: return uint32_t(a * b);
    case Op::I32And: return a & b;
    case Op::I32Or: return a | b;
    case Op::I32Xor: return a ^ b;
    case Op::I32Shl: return uint32_t(a << (b & 31));
    case Op::I32ShrU: return a >> (b & 31);
    case Op::I32Rotl: return std::rotl(a, static_cast<int>(b & 31));
    case Op::I64Add: return x + y;
    case Op::I64Sub: return x - y;
    default: ADD_FAILURE() << "no model for " << op_info(op).name; return 0;
  }
}

bool commutes(Op op) {
  return op == Op::I32Add || op == Op::I32Mul || op == Op::I32And || op == Op::I32Or ||
         op == Op::I32Xor || op == Op::I64Add;
}

// A shape's wat body over params x=0, y=1, z=2 (results r0, r1), and its model.
struct Shape {
  const char* name;
  bool needs_commute;
  std::string (*body)(const std::string& A, const std::string& B, const std::string& c);
  void (*model)(Op A, Op B, uint64_t c, const uint64_t p[3], uint64_t r[2]);
};

std::string g(int i) { return "(local.get " + std::to_string(i) + ")"; }
std::string bin(const std::string& op, const std::string& x, const std::string& y) {
  return "(" + op + " " + x + " " + y + ")";
}

const Shape kShapes[] = {
    {"chain", false,
     [](const std::string& A, const std::string& B, const std::string& c) {
       return bin(B, bin(A, g(0), c), g(1)) + " " + g(2);
     },
     [](Op A, Op B, uint64_t c, const uint64_t p[3], uint64_t r[2]) {
       r[0] = eval(B, eval(A, p[0], c), p[1]);
       r[1] = p[2];
     }},
    {"chain_b", false,
     [](const std::string& A, const std::string& B, const std::string& c) {
       return bin(B, g(1), bin(A, g(0), c)) + " " + g(2);
     },
     [](Op A, Op B, uint64_t c, const uint64_t p[3], uint64_t r[2]) {
       r[0] = eval(B, p[1], eval(A, p[0], c));
       r[1] = p[2];
     }},
    {"indep", false,
     [](const std::string& A, const std::string& B, const std::string& c) {
       return bin(A, g(0), c) + " " + bin(B, g(1), g(2));
     },
     [](Op A, Op B, uint64_t c, const uint64_t p[3], uint64_t r[2]) {
       r[0] = eval(A, p[0], c);
       r[1] = eval(B, p[1], p[2]);
     }},
    {"tee", false,  // x = B(tee x (A x C), y): the first's result also in x
     [](const std::string& A, const std::string& B, const std::string& c) {
       return "(local.set 0 " + bin(B, "(local.tee 0 " + bin(A, g(0), c) + ")", g(1)) + ") " + g(0) +
              " " + g(1);
     },
     [](Op A, Op B, uint64_t c, const uint64_t p[3], uint64_t r[2]) {
       r[0] = eval(B, eval(A, p[0], c), p[1]);
       r[1] = p[1];
     }},
    {"dst_operand", false,  // x = A(y, C); y = B(x, z)
     [](const std::string& A, const std::string& B, const std::string& c) {
       return "(local.set 0 " + bin(A, g(1), c) + ") (local.set 1 " + bin(B, g(0), g(2)) + ") " + g(0) +
              " " + g(1);
     },
     [](Op A, Op B, uint64_t c, const uint64_t p[3], uint64_t r[2]) {
       r[0] = eval(A, p[1], c);
       r[1] = eval(B, r[0], p[2]);
     }},
    {"const_left", true,  // (B (A C x) y): A commutes
     [](const std::string& A, const std::string& B, const std::string& c) {
       return bin(B, bin(A, c, g(0)), g(1)) + " " + g(2);
     },
     [](Op A, Op B, uint64_t c, const uint64_t p[3], uint64_t r[2]) {
       r[0] = eval(B, eval(A, c, p[0]), p[1]);
       r[1] = p[2];
     }},
};

std::string wat_name(Op op) { return op_info(op).name; }
std::string ty(Op op) { return is_i64(op) ? "i64" : "i32"; }

// The constants: edge values for i32; for i64 ones that fit the sign-extended 32-bit
// immediate and one that does not.
std::vector<int64_t> constants(Op a) {
  if (is_i64(a)) return {0, 1, -1, 0x7fffffff, -0x80000000LL, 0x100000000LL};
  return {0, 1, -1, 5, 31, 32, 33, 0x7fffffff, -0x7fffffff - 1};
}
// i64.sub by c is the add of -c: that is what must fit.
bool fits_imm(Op a, int64_t c) {
  const int64_t imm = a == Op::I64Sub ? -c : c;
  return !is_i64(a) || imm == static_cast<int32_t>(imm);
}
uint64_t const_bits(Op a, int64_t c) {
  return is_i64(a) ? static_cast<uint64_t>(c) : static_cast<uint32_t>(c);
}

const uint64_t kI32Params[][3] = {{0, 0, 0}, {1, 2, 3}, {0xffffffffu, 1, 31}, {0x80000000u, 33, 0xdeadbeefu},
                                  {0x12345678u, 0x9e3779b9u, 7}};
const uint64_t kI64Params[][3] = {{0, 0, 0}, {1, 2, 3}, {~0ull, 1, 1ull << 63},
                                  {0x7fffffffffffffffull, 0x80000000ull, 0xdeadbeefcafef00dull}};

struct Mod {
  Engine engine;
  Store store{engine};
  Linker linker;
  Instance* inst = nullptr;
  explicit Mod(const NamedConfig& c) : engine(c.engine()) {}

  std::shared_ptr<const Module> module;
  void load(const std::string& wat) { inst = test::instantiate_wat(engine, store, linker, wat, &module); }
  FuncInst* func(const std::string& name) {
    FuncInst* f = inst->get_func(name);
    EXPECT_NE(f, nullptr) << name;
    return f;
  }
};

// The pair op `p` (or, for sub, the pair of its add), under every shape and constant.
void check_pair(const NamedConfig& cfg, Op A, Op B, IOp expected, const std::string& label) {
  SCOPED_TRACE(std::string(cfg.name) + " " + label);
  const std::string t = ty(A);
  std::string wat = "(module\n";
  const std::vector<int64_t> cs = constants(A);
  for (size_t s = 0; s < std::size(kShapes); ++s) {
    if (kShapes[s].needs_commute && !commutes(A)) continue;
    for (size_t k = 0; k < cs.size(); ++k) {
      const std::string c = "(" + t + ".const " + std::to_string(cs[k]) + ")";
      wat += "(func (export \"" + std::string(kShapes[s].name) + std::to_string(k) + "\") (param " + t +
             " " + t + " " + t + ") (result " + t + " " + t + ")\n  " +
             kShapes[s].body(wat_name(A), wat_name(B), c) + ")\n";
    }
  }
  wat += ")";
  Mod m(cfg);
  m.load(wat);
  ASSERT_NE(m.inst, nullptr);
  for (size_t s = 0; s < std::size(kShapes); ++s) {
    if (kShapes[s].needs_commute && !commutes(A)) continue;
    for (size_t k = 0; k < cs.size(); ++k) {
      const std::string name = kShapes[s].name + std::to_string(k);
      SCOPED_TRACE(name + " C=" + std::to_string(cs[k]));
      FuncInst* f = m.func(name);
      ASSERT_NE(f, nullptr);
      const auto run = [&](const uint64_t p[3]) {
        std::vector<Value> args, res(2);
        for (int i = 0; i < 3; ++i) {
          args.push_back(is_i64(A) ? Value::from_i64(p[i]) : Value::from_i32(uint32_t(p[i])));
        }
        if (cfg.fuel) {
          EXPECT_TRUE(m.store.set_fuel(1000).ok());
        }
        const Trap tr = m.store.call(f, args, res);
        EXPECT_TRUE(tr.ok()) << tr.message();
        uint64_t want[2];
        kShapes[s].model(A, B, const_bits(A, cs[k]), p, want);
        const uint64_t mask = is_i64(A) ? ~0ull : 0xffffffffull;
        EXPECT_EQ(res[0].bits & mask, want[0]) << "x=" << p[0] << " y=" << p[1] << " z=" << p[2];
        EXPECT_EQ(res[1].bits & mask, want[1]) << "x=" << p[0] << " y=" << p[1] << " z=" << p[2];
        // chain: get, const, A, get, B, get, end
        if (cfg.fuel && std::string(kShapes[s].name) == "chain") {
          EXPECT_EQ(1000 - m.store.fuel_remaining(), 7u);
        }
      };
      if (is_i64(A)) {
        for (const auto& p : kI64Params) run(p);
      } else {
        for (const auto& p : kI32Params) run(p);
      }
      // Compiled on the first call (lazy compilation is the default).
      ASSERT_NE(f->code, nullptr);
      const bool imm = fits_imm(A, cs[k]);
      EXPECT_EQ(count_handler(f->code->code, expected), imm ? 1 : 0);
      // The constant is in the instruction, not in the pool (the shapes have no other).
      if (imm) {
        EXPECT_EQ(f->code->num_consts, 0u);
      }
    }
  }
}

class ImmPairs : public ::testing::TestWithParam<NamedConfig> {};

TEST_P(ImmPairs, EveryPairComputesItsTwoOpsWithTheConstantInTheInstruction) {
  for (const ImmPair& p : kImmPairs) check_pair(GetParam(), p.a, p.b, p.op, p.name);
}

TEST_P(ImmPairs, ASubByAConstantPairsAsTheAddOfItsNegation) {
  check_pair(GetParam(), Op::I32Sub, Op::I32Add, IOp::PairI_I32Add_I32Add, "I32Sub_I32Add");
  check_pair(GetParam(), Op::I32Sub, Op::I32Sub, IOp::PairI_I32Add_I32Sub, "I32Sub_I32Sub");
  check_pair(GetParam(), Op::I64Sub, Op::I64Add, IOp::PairI_I64Add_I64Add, "I64Sub_I64Add");
}

// base + (i << k) then a load: the indexed load takes k from the PairI's immediate, and
// no constant is left in the pool; the address wraps at 32 bits as the pair's did.
TEST_P(ImmPairs, AShlByAConstantStillFeedsTheIndexedLoad) {
  Mod m(GetParam());
  m.load(R"((module (memory 1)
    (data (i32.const 0) "\01\00\00\00\02\00\00\00\03\00\00\00\04\00\00\00")
    (func (export "idx") (param $b i32) (param $i i32) (result i32)
      (i32.load (i32.add (i32.shl (local.get $i) (i32.const 2)) (local.get $b))))))");
  ASSERT_NE(m.inst, nullptr);
  FuncInst* f = m.func("idx");
  ASSERT_NE(f, nullptr);
  const struct {
    uint32_t b, i, want;
  } cases[] = {{0, 0, 1}, {0, 3, 4}, {4, 1, 3}, {8, 0x40000000u, 3}, {0xfffffffcu, 1, 1}};
  for (const auto& c : cases) {
    std::vector<Value> res(1);
    if (GetParam().fuel) {
      EXPECT_TRUE(m.store.set_fuel(1000).ok());
    }
    const std::vector<Value> args = {Value::from_i32(c.b), Value::from_i32(c.i)};
    const Trap tr = m.store.call(f, args, res);
    EXPECT_TRUE(tr.ok()) << tr.message();
    EXPECT_EQ(res[0].i32, c.want) << "b=" << c.b << " i=" << c.i;
  }
  std::vector<Value> res(1);
  const std::vector<Value> oob = {Value::from_i32(65536), Value::from_i32(0)};
  EXPECT_FALSE(m.store.call(f, oob, res).ok());  // out of bounds
  ASSERT_NE(f->code, nullptr);  // compiled by the first call
  EXPECT_EQ(count_handler(f->code->code, IOp::I32Load_Idx), 1);
  EXPECT_EQ(count_handler(f->code->code, IOp::PairI_I32Shl_I32Add), 0);
  EXPECT_EQ(f->code->num_consts, 0u);
}

INSTANTIATE_TEST_SUITE_P(Configs, ImmPairs, ::testing::ValuesIn(kAllConfigs),
                         [](const ::testing::TestParamInfo<NamedConfig>& i) { return std::string(i.param.name); });

}  // namespace
}  // namespace midimon::wasm
