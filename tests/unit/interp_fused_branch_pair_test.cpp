// Two superinstruction families (code.h), checked for exact wasm semantics under all
// four engine configurations (plain, fuel metering, deadline checks, both):
//   - arithmetic + branch (MIDIMON_ARITH_BRS): i32.add / i32.sub / i64.add directly
//     followed by a br_if on the result, plain, through eqz, or through a compare with
//     the sum as either operand (the second one gives the mirrored compare);
//   - binop pairs (MIDIMON_BINOP_PAIRS): two adjacent binops in one dispatch.
// Every case is generated from a table, and every expected value is computed here in
// C++ (a model of the wasm semantics), never copied from the engine. Each generated
// function that the compiler should fuse is also checked to contain the fused op, so the
// semantic checks really exercise the superinstructions. Aliasing corner cases: the
// compare's other operand is the local the sum is tee'd into; the old value of that
// local is read before the tee; both binops of a pair write the same local; the first's
// destination is an operand of the second; the second overwrites the first's operand.
// Fuel: fused and unfused forms of the same loop (same instruction count) must run out
// of fuel at exactly the same point and leave the same fuel behind.
#include <gtest/gtest.h>

#include <array>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "handler_count_util.h"
#include "wat_util.h"
#include "wasm/code.h"
#include "wasm/engine.h"
#include "wasm/linker.h"
#include "wasm/module.h"
#include "wasm/store.h"

namespace midimon::wasm {
namespace {

// ---------------------------------------------------------------------------------
// Harness

struct Config {
  const char* name;
  bool fuel;
  bool deadline;
};
const Config kConfigs[] = {
    {"plain", false, false},
    {"fuel", true, false},
    {"deadline", false, true},
    {"fuel_deadline", true, true},
};

EngineConfig engine_config(const Config& c) {
  EngineConfig e;
  e.fuel_metering = c.fuel;
  e.deadline_checks = c.deadline;
  return e;
}

constexpr uint64_t kLotsOfFuel = uint64_t{1} << 40;

using Func = std::pair<std::string, std::string>;  // export name, text after the export

struct Runner {
  Config cfg;
  Engine engine;
  Store store;
  Linker linker;
  std::shared_ptr<const Module> module;
  Instance* inst = nullptr;
  std::map<std::string, uint32_t> index;  // export name -> defined function index

  explicit Runner(const Config& c) : cfg(c), engine(engine_config(c)), store(engine) {}

  ::testing::AssertionResult load(const std::vector<Func>& funcs) {
    std::string wat = "(module\n";
    for (size_t i = 0; i < funcs.size(); ++i) {
      wat += "(func (export \"" + funcs[i].first + "\") " + funcs[i].second + ")\n";
      index[funcs[i].first] = static_cast<uint32_t>(i);
    }
    wat += ")\n";
    std::vector<uint8_t> bin;
    try {
      bin = test::wat2wasm(wat);
    } catch (const std::exception& e) {
      return ::testing::AssertionFailure() << e.what() << "\n" << wat;
    }
    auto m = Module::compile(engine, bin);
    if (!m.ok()) return ::testing::AssertionFailure() << m.error().to_string() << "\n" << wat;
    module = *m;
    auto r = linker.instantiate(store, module);
    if (!r.ok()) return ::testing::AssertionFailure() << r.error().to_string();
    inst = *r;
    return ::testing::AssertionSuccess();
  }

  // Calls `name`; with fuel metering on, refuels first unless `refuel` is false.
  std::string call(const std::string& name, const std::vector<Value>& args,
                   std::vector<Value>& out, bool refuel = true) {
    FuncInst* f = inst->get_func(name);
    if (!f) return "no export " + name;
    out.assign(f->type->results.size(), Value::from_i64(0));
    if (cfg.fuel && refuel) {
      auto r = store.set_fuel(kLotsOfFuel);
      if (!r.ok()) return "set_fuel failed";
    }
    Trap t = store.call(f, args, out);
    return t.ok() ? "" : t.message();
  }

  const std::vector<uint32_t>& code(const std::string& name) const {
    return module->code(index.at(name)).value()->code;
  }
};

using test::count_handler;

// ---------------------------------------------------------------------------------
// Reference semantics (the model)

enum class Ty { I32, I64, F32, F64 };

const char* ty_name(Ty t) {
  switch (t) {
    case Ty::I32: return "i32";
    case Ty::I64: return "i64";
    case Ty::F32: return "f32";
    case Ty::F64: return "f64";
  }
  return "?";
}

Value make_value(Ty t, uint64_t bits) {
  switch (t) {
    case Ty::I32: return Value::from_i32(static_cast<uint32_t>(bits));
    case Ty::I64: return Value::from_i64(bits);
    case Ty::F32: return Value::from_f32_bits(static_cast<uint32_t>(bits));
    case Ty::F64: return Value::from_f64_bits(bits);
  }
  return Value::from_i64(0);
}

uint64_t value_bits(Ty t, const Value& v) {
  switch (t) {
    case Ty::I32: return v.i32;
    case Ty::I64: return v.i64;
    case Ty::F32: return std::bit_cast<uint32_t>(v.f32);
    case Ty::F64: return std::bit_cast<uint64_t>(v.f64);
  }
  return 0;
}

bool is_nan_bits(Ty t, uint64_t bits) {
  if (t == Ty::F32) return std::isnan(std::bit_cast<float>(static_cast<uint32_t>(bits)));
  if (t == Ty::F64) return std::isnan(std::bit_cast<double>(bits));
  return false;
}

// Expected and actual agree: bit-exact, except that any NaN matches any NaN (wasm leaves
// the NaN's sign and payload nondeterministic).
bool same_value(Ty t, uint64_t expected, uint64_t actual) {
  if (is_nan_bits(t, expected)) return is_nan_bits(t, actual);
  if (t == Ty::I32 || t == Ty::F32) return static_cast<uint32_t>(expected) == static_cast<uint32_t>(actual);
  return expected == actual;
}

std::string show(Ty t, uint64_t bits) {
  std::ostringstream s;
  s << "0x" << std::hex << bits << std::dec;
  if (t == Ty::F32) s << " (" << std::bit_cast<float>(static_cast<uint32_t>(bits)) << ")";
  if (t == Ty::F64) s << " (" << std::bit_cast<double>(bits) << ")";
  if (t == Ty::I32) s << " (" << static_cast<int32_t>(static_cast<uint32_t>(bits)) << ")";
  if (t == Ty::I64) s << " (" << static_cast<int64_t>(bits) << ")";
  return s.str();
}

// Float ops go through volatile so that no contraction (FMA) or excess precision can
// creep into the reference.
float f32_of(uint64_t b) { return std::bit_cast<float>(static_cast<uint32_t>(b)); }
double f64_of(uint64_t b) { return std::bit_cast<double>(b); }
uint64_t bits_of(float f) {
  volatile float v = f;
  return std::bit_cast<uint32_t>(static_cast<float>(v));
}
uint64_t bits_of(double d) {
  volatile double v = d;
  return std::bit_cast<uint64_t>(static_cast<double>(v));
}

struct BinInfo {
  const char* wat;
  Ty ty;
};

std::optional<BinInfo> bin_info(Op op) {
  switch (op) {
    case Op::I32Add: return BinInfo{"i32.add", Ty::I32};
    case Op::I32Sub: return BinInfo{"i32.sub", Ty::I32};
    case Op::I32Mul: return BinInfo{"i32.mul", Ty::I32};
    case Op::I32And: return BinInfo{"i32.and", Ty::I32};
    case Op::I32Or: return BinInfo{"i32.or", Ty::I32};
    case Op::I32Xor: return BinInfo{"i32.xor", Ty::I32};
    case Op::I32Shl: return BinInfo{"i32.shl", Ty::I32};
    case Op::I32ShrU: return BinInfo{"i32.shr_u", Ty::I32};
    case Op::I32ShrS: return BinInfo{"i32.shr_s", Ty::I32};
    case Op::I32Rotl: return BinInfo{"i32.rotl", Ty::I32};
    case Op::I32Rotr: return BinInfo{"i32.rotr", Ty::I32};
    case Op::I32Eq: return BinInfo{"i32.eq", Ty::I32};
    case Op::I32Ne: return BinInfo{"i32.ne", Ty::I32};
    case Op::I32LtS: return BinInfo{"i32.lt_s", Ty::I32};
    case Op::I32LtU: return BinInfo{"i32.lt_u", Ty::I32};
    case Op::I32GtS: return BinInfo{"i32.gt_s", Ty::I32};
    case Op::I32GtU: return BinInfo{"i32.gt_u", Ty::I32};
    case Op::I32LeS: return BinInfo{"i32.le_s", Ty::I32};
    case Op::I32LeU: return BinInfo{"i32.le_u", Ty::I32};
    case Op::I32GeS: return BinInfo{"i32.ge_s", Ty::I32};
    case Op::I32GeU: return BinInfo{"i32.ge_u", Ty::I32};
    case Op::I64Add: return BinInfo{"i64.add", Ty::I64};
    case Op::I64Sub: return BinInfo{"i64.sub", Ty::I64};
    case Op::I64Mul: return BinInfo{"i64.mul", Ty::I64};
    case Op::I64And: return BinInfo{"i64.and", Ty::I64};
    case Op::I64Or: return BinInfo{"i64.or", Ty::I64};
    case Op::I64Xor: return BinInfo{"i64.xor", Ty::I64};
    case Op::I64Shl: return BinInfo{"i64.shl", Ty::I64};
    case Op::I64ShrU: return BinInfo{"i64.shr_u", Ty::I64};
    case Op::F32Add: return BinInfo{"f32.add", Ty::F32};
    case Op::F32Sub: return BinInfo{"f32.sub", Ty::F32};
    case Op::F32Mul: return BinInfo{"f32.mul", Ty::F32};
    case Op::F64Add: return BinInfo{"f64.add", Ty::F64};
    case Op::F64Sub: return BinInfo{"f64.sub", Ty::F64};
    case Op::F64Mul: return BinInfo{"f64.mul", Ty::F64};
    default: return std::nullopt;
  }
}

// x <op> y on raw bits (32-bit results zero-extended).
uint64_t eval_bin(Op op, uint64_t a, uint64_t b) {
  const uint32_t x = static_cast<uint32_t>(a), y = static_cast<uint32_t>(b);
  switch (op) {
    case Op::I32Add: return static_cast<uint32_t>(x + y);
    case Op::I32Sub: return static_cast<uint32_t>(x - y);
    case Op::I32Mul: return static_cast<uint32_t>(static_cast<uint64_t>(x) * y);
    case Op::I32And: return x & y;
    case Op::I32Or: return x | y;
    case Op::I32Xor: return x ^ y;
    case Op::I32Shl: return static_cast<uint32_t>(x << (y % 32));
    case Op::I32ShrU: return x >> (y % 32);
    case Op::I32ShrS: return static_cast<uint32_t>(static_cast<int32_t>(x) >> (y % 32));
    case Op::I32Rotl: {
      const uint32_t k = y % 32;
      return k == 0 ? x : static_cast<uint32_t>((x << k) | (x >> (32 - k)));
    }
    case Op::I32Rotr: {
      const uint32_t k = y % 32;
      return k == 0 ? x : static_cast<uint32_t>((x >> k) | (x << (32 - k)));
    }
    case Op::I32Eq: return x == y;
    case Op::I32Ne: return x != y;
    case Op::I32LtS: return static_cast<int32_t>(x) < static_cast<int32_t>(y);
    case Op::I32LtU: return x < y;
    case Op::I32GtS: return static_cast<int32_t>(x) > static_cast<int32_t>(y);
    case Op::I32GtU: return x > y;
    case Op::I32LeS: return static_cast<int32_t>(x) <= static_cast<int32_t>(y);
    case Op::I32LeU: return x <= y;
    case Op::I32GeS: return static_cast<int32_t>(x) >= static_cast<int32_t>(y);
    case Op::I32GeU: return x >= y;
    case Op::I64Add: return a + b;
    case Op::I64Sub: return a - b;
    case Op::I64Mul: return a * b;
    case Op::I64And: return a & b;
    case Op::I64Or: return a | b;
    case Op::I64Xor: return a ^ b;
    case Op::I64Shl: return a << (b % 64);
    case Op::I64ShrU: return a >> (b % 64);
    case Op::F32Add: return bits_of(f32_of(a) + f32_of(b));
    case Op::F32Sub: return bits_of(f32_of(a) - f32_of(b));
    case Op::F32Mul: return bits_of(f32_of(a) * f32_of(b));
    case Op::F64Add: return bits_of(f64_of(a) + f64_of(b));
    case Op::F64Sub: return bits_of(f64_of(a) - f64_of(b));
    case Op::F64Mul: return bits_of(f64_of(a) * f64_of(b));
    default:
      ADD_FAILURE() << "no reference for op " << static_cast<int>(op);
      return 0;
  }
}

// Integer compares, by their wat suffix. `mirror`: the compare with swapped operands.
struct CmpInfo {
  const char* name;
  Op op32;
  Op op64;
  const char* mirror;
};
const CmpInfo kCmps[] = {
    {"eq", Op::I32Eq, Op::I64Eq, "eq"},         {"ne", Op::I32Ne, Op::I64Ne, "ne"},
    {"lt_s", Op::I32LtS, Op::I64LtS, "gt_s"},   {"lt_u", Op::I32LtU, Op::I64LtU, "gt_u"},
    {"gt_s", Op::I32GtS, Op::I64GtS, "lt_s"},   {"gt_u", Op::I32GtU, Op::I64GtU, "lt_u"},
    {"le_s", Op::I32LeS, Op::I64LeS, "ge_s"},   {"le_u", Op::I32LeU, Op::I64LeU, "ge_u"},
    {"ge_s", Op::I32GeS, Op::I64GeS, "le_s"},   {"ge_u", Op::I32GeU, Op::I64GeU, "le_u"},
};

const CmpInfo* find_cmp(const std::string& name) {
  for (const CmpInfo& c : kCmps)
    if (name == c.name) return &c;
  return nullptr;
}

bool eval_cmp(const std::string& name, bool is64, uint64_t a, uint64_t b) {
  if (!is64) {
    a = static_cast<uint32_t>(a);
    b = static_cast<uint32_t>(b);
  }
  const int64_t sa = is64 ? static_cast<int64_t>(a) : static_cast<int32_t>(static_cast<uint32_t>(a));
  const int64_t sb = is64 ? static_cast<int64_t>(b) : static_cast<int32_t>(static_cast<uint32_t>(b));
  if (name == "eq") return a == b;
  if (name == "ne") return a != b;
  if (name == "lt_s") return sa < sb;
  if (name == "lt_u") return a < b;
  if (name == "gt_s") return sa > sb;
  if (name == "gt_u") return a > b;
  if (name == "le_s") return sa <= sb;
  if (name == "le_u") return a <= b;
  if (name == "ge_s") return sa >= sb;
  if (name == "ge_u") return a >= b;
  ADD_FAILURE() << "unknown compare " << name;
  return false;
}

// ---------------------------------------------------------------------------------
// Part 1: arithmetic + branch

struct ArithBrOp {
  Op a;
  Op c;
  IOp op;  // the plain form; _F, _FB, _PB, _FPB follow it in IOp
};
const ArithBrOp kArithBrOps[] = {
#define MIDIMON_X(A, C, n) {Op::A, Op::C, IOp::A##_##C},
    MIDIMON_ARITH_BRS(MIDIMON_X)
#undef MIDIMON_X
};

std::optional<IOp> arith_br_op(Op a, Op c) {
  for (const ArithBrOp& x : kArithBrOps)
    if (x.a == a && x.c == c) return x.op;
  return std::nullopt;
}

// Occurrences of the arithmetic + branch op `base` in any of its five forms.
int count_arith_family(const std::vector<uint32_t>& code, IOp base) {
  int n = 0;
  for (int v = 0; v < 5; ++v) n += count_handler(code, static_cast<IOp>(static_cast<uint32_t>(base) + v));
  return n;
}

struct ArithInfo {
  Op op;
  const char* wat;
  const char* tag;
  bool is64;
};
const ArithInfo kAriths[] = {
    {Op::I32Add, "i32.add", "i32_add", false},
    {Op::I32Sub, "i32.sub", "i32_sub", false},
    {Op::I64Add, "i64.add", "i64_add", true},
};

uint64_t eval_arith(const ArithInfo& a, uint64_t x, uint64_t y) { return eval_bin(a.op, x, y); }

// How the sum is produced and tested. $x, $y: the sum's operands; $c: the compare's
// other operand (a parameter).
enum class Shape {
  // compare conditions
  Tee1,      // (C (local.tee $x (A x y)) c)
  Tee2,      // (C c (local.tee $x (A x y)))             -> mirrored compare
  Set1,      // (local.set $x (A x y)) (C (local.get $x) c)
  Set2,      // (local.set $x (A x y)) (C c (local.get $x))
  Stack1,    // (C (A x y) c)                            $x unchanged
  Stack2,    // (C c (A x y))
  Const,     // (C (local.tee $x (A x y)) K)             K: the signed minimum
  AliasC,    // (C (local.tee $x (A x y)) (local.get $x))  c is d itself
  AliasOld,  // (C (local.get $x) (local.tee $x (A x y)))  old $x against the new one
  AliasY,    // (C (local.tee $y (A x y)) (local.get $x))  d is the sum's b operand
  AliasB,    // (C (local.tee $x (A x y)) (local.get $y))  c is the sum's b operand
  // eqz
  EqzTee,
  EqzStack,
  EqzSet,
  // plain br_if on the sum (i32 only)
  BrTee,
  BrStack,
  BrSet,
};

struct ShapeInfo {
  Shape shape;
  const char* name;
  const char* cls;  // "cmp", "eqz", "brif"
};
const ShapeInfo kShapes[] = {
    {Shape::Tee1, "tee1", "cmp"},         {Shape::Tee2, "tee2", "cmp"},
    {Shape::Set1, "set1", "cmp"},         {Shape::Set2, "set2", "cmp"},
    {Shape::Stack1, "stack1", "cmp"},     {Shape::Stack2, "stack2", "cmp"},
    {Shape::Const, "const", "cmp"},       {Shape::AliasC, "alias_c", "cmp"},
    {Shape::AliasOld, "alias_old", "cmp"}, {Shape::AliasY, "alias_y", "cmp"},
    {Shape::AliasB, "alias_b", "cmp"},    {Shape::EqzTee, "eqz_tee", "eqz"},
    {Shape::EqzStack, "eqz_stack", "eqz"}, {Shape::EqzSet, "eqz_set", "eqz"},
    {Shape::BrTee, "br_tee", "brif"},     {Shape::BrStack, "br_stack", "brif"},
    {Shape::BrSet, "br_set", "brif"},
};

uint64_t signed_min(bool is64) { return is64 ? uint64_t{1} << 63 : uint64_t{0x80000000u}; }

// The branch (one or two statements) for `shape`, branching to `label`.
std::string branch_wat(Shape shape, const ArithInfo& a, const std::string& cond,
                       const std::string& label) {
  const std::string t = a.is64 ? "i64" : "i32";
  const std::string sum = std::string("(") + a.wat + " (local.get $x) (local.get $y))";
  const std::string tee_x = "(local.tee $x " + sum + ")";
  const std::string set_x = "(local.set $x " + sum + ") ";
  const std::string cmp = "(" + t + "." + cond + " ";
  auto br = [&](const std::string& c) { return "(br_if " + label + " " + c + ")"; };
  switch (shape) {
    case Shape::Tee1: return br(cmp + tee_x + " (local.get $c))");
    case Shape::Tee2: return br(cmp + "(local.get $c) " + tee_x + ")");
    case Shape::Set1: return set_x + br(cmp + "(local.get $x) (local.get $c))");
    case Shape::Set2: return set_x + br(cmp + "(local.get $c) (local.get $x))");
    case Shape::Stack1: return br(cmp + sum + " (local.get $c))");
    case Shape::Stack2: return br(cmp + "(local.get $c) " + sum + ")");
    case Shape::Const:
      return br(cmp + tee_x + " (" + t + ".const " + (a.is64 ? "0x8000000000000000" : "0x80000000") + "))");
    case Shape::AliasC: return br(cmp + tee_x + " (local.get $x))");
    case Shape::AliasOld: return br(cmp + "(local.get $x) " + tee_x + ")");
    case Shape::AliasY: return br(cmp + "(local.tee $y " + sum + ") (local.get $x))");
    case Shape::AliasB: return br(cmp + tee_x + " (local.get $y))");
    case Shape::EqzTee: return br("(" + t + ".eqz " + tee_x + ")");
    case Shape::EqzStack: return br("(" + t + ".eqz " + sum + ")");
    case Shape::EqzSet: return set_x + br("(" + t + ".eqz (local.get $x))");
    case Shape::BrTee: return br(tee_x);
    case Shape::BrStack: return br(sum);
    case Shape::BrSet: return set_x + br("(local.get $x)");
  }
  return "";
}

struct Step {
  uint64_t x, y;
  bool taken;
};

// The wasm semantics of one branch statement.
Step model_step(Shape shape, const ArithInfo& a, const std::string& cond, uint64_t x, uint64_t y,
                uint64_t c) {
  const uint64_t s = eval_arith(a, x, y);
  auto C = [&](uint64_t l, uint64_t r) { return eval_cmp(cond, a.is64, l, r); };
  switch (shape) {
    case Shape::Tee1:
    case Shape::Set1: return {s, y, C(s, c)};
    case Shape::Tee2:
    case Shape::Set2: return {s, y, C(c, s)};
    case Shape::Stack1: return {x, y, C(s, c)};
    case Shape::Stack2: return {x, y, C(c, s)};
    case Shape::Const: return {s, y, C(s, signed_min(a.is64))};
    case Shape::AliasC: return {s, y, C(s, s)};
    case Shape::AliasOld: return {s, y, C(x, s)};
    case Shape::AliasY: return {x, s, C(s, x)};
    case Shape::AliasB: return {s, y, C(s, y)};
    case Shape::EqzTee:
    case Shape::EqzSet: return {s, y, s == 0};
    case Shape::EqzStack: return {x, y, s == 0};
    case Shape::BrTee:
    case Shape::BrSet: return {s, y, s != 0};
    case Shape::BrStack: return {x, y, s != 0};
  }
  return {x, y, false};
}

// The fused op the compiler must emit for `shape` (nullopt: no requirement).
std::optional<IOp> expected_fused(Shape shape, const ArithInfo& a, const std::string& cond) {
  auto cmp_op = [&](const std::string& name) {
    const CmpInfo* c = find_cmp(name);
    return a.is64 ? c->op64 : c->op32;
  };
  switch (shape) {
    case Shape::Tee1:
    case Shape::Set1:
    case Shape::Stack1:
    case Shape::Const:
    case Shape::AliasC:
    case Shape::AliasY:
    case Shape::AliasB: return arith_br_op(a.op, cmp_op(cond));
    case Shape::Tee2:
    case Shape::Set2:
    case Shape::Stack2: return arith_br_op(a.op, cmp_op(find_cmp(cond)->mirror));
    case Shape::AliasOld: return std::nullopt;
    case Shape::EqzTee:
    case Shape::EqzStack:
    case Shape::EqzSet: return arith_br_op(a.op, a.is64 ? Op::I64Eqz : Op::I32Eqz);
    case Shape::BrTee:
    case Shape::BrStack:
    case Shape::BrSet: return arith_br_op(a.op, Op::BrIf);
  }
  return std::nullopt;
}

constexpr uint32_t kMaxIters = 30;

struct LoopOut {
  uint64_t x, y;
  uint32_t n, f;
};

// "l_": back-edge loop. n counts entries into the body; leaving through the safety exit
// (n > max) leaves f = 0, falling out because the branch was not taken sets f = 1.
LoopOut model_back_loop(Shape shape, const ArithInfo& a, const std::string& cond, uint64_t x,
                        uint64_t y, uint64_t c, uint32_t max) {
  uint32_t n = 0;
  for (;;) {
    ++n;
    if (n > max) return {x, y, n, 0};
    const Step s = model_step(shape, a, cond, x, y, c);
    x = s.x;
    y = s.y;
    if (!s.taken) return {x, y, n, 1};
  }
}

// "x_": loop left by a forward br_if out of two blocks (f = 0), or the safety exit (f = 1).
LoopOut model_exit_loop(Shape shape, const ArithInfo& a, const std::string& cond, uint64_t x,
                        uint64_t y, uint64_t c, uint32_t max) {
  uint32_t n = 0;
  for (;;) {
    ++n;
    if (n > max) return {x, y, n, 1};
    const Step s = model_step(shape, a, cond, x, y, c);
    x = s.x;
    y = s.y;
    if (s.taken) return {x, y, n, 0};
  }
}

std::vector<Func> arith_module(const ArithInfo& a, const std::string& cond,
                               std::vector<const ShapeInfo*>* shapes) {
  const std::string cls = cond == "eqz" ? "eqz" : cond == "brif" ? "brif" : "cmp";
  const std::string t = a.is64 ? "i64" : "i32";
  std::vector<Func> funcs;
  for (const ShapeInfo& s : kShapes) {
    if (cls != s.cls) continue;
    shapes->push_back(&s);
    const std::string params = "(param $x " + t + ") (param $y " + t + ") (param $c " + t + ") ";
    funcs.emplace_back(std::string("f_") + s.name,
                       params + "(result " + t + " " + t + " i32) (local $f i32)\n"
                       "  (block $b\n    " + branch_wat(s.shape, a, cond, "$b") +
                       "\n    (local.set $f (i32.const 1)))\n"
                       "  (local.get $x) (local.get $y) (local.get $f)");
    const std::string loop_head =
        params + "(param $max i32) (result " + t + " " + t + " i32 i32) (local $n i32) (local $f i32)\n";
    const std::string step_n =
        "      (local.set $n (i32.add (local.get $n) (i32.const 1)))\n"
        "      (br_if $out (i32.gt_u (local.get $n) (local.get $max)))\n      ";
    const std::string tail = "  (local.get $x) (local.get $y) (local.get $n) (local.get $f)";
    funcs.emplace_back(std::string("l_") + s.name,
                       loop_head + "  (block $out\n    (loop $l\n" + step_n +
                       branch_wat(s.shape, a, cond, "$l") +
                       ")\n    (local.set $f (i32.const 1)))\n" + tail);
    funcs.emplace_back(std::string("x_") + s.name,
                       loop_head + "  (block $done\n  (block $out\n    (loop $l\n" + step_n +
                       branch_wat(s.shape, a, cond, "$done") +
                       "\n      (br $l)))\n    (local.set $f (i32.const 1)))\n" + tail);
  }
  return funcs;
}

struct ArithParam {
  int cfg;
  int arith;
  std::string cond;  // "brif", "eqz" or a compare suffix
};

std::vector<ArithParam> arith_params() {
  std::vector<ArithParam> v;
  for (int c = 0; c < 4; ++c) {
    for (int a = 0; a < 3; ++a) {
      if (!kAriths[a].is64) v.push_back({c, a, "brif"});
      v.push_back({c, a, "eqz"});
      for (const CmpInfo& cmp : kCmps) v.push_back({c, a, cmp.name});
    }
  }
  return v;
}

class ArithBranch : public ::testing::TestWithParam<ArithParam> {
 protected:
  void SetUp() override {
    const ArithParam& p = GetParam();
    a_ = &kAriths[p.arith];
    r_ = std::make_unique<Runner>(kConfigs[p.cfg]);
    ASSERT_TRUE(r_->load(arith_module(*a_, p.cond, &shapes_)));
  }

  std::vector<uint64_t> xs() const {
    if (a_->is64)
      return {0, 1, 2, 0x7ffffffffffffffeu, 0x7fffffffffffffffu, 0x8000000000000000u,
              0x8000000000000001u, 0xfffffffffffffffeu, 0xffffffffffffffffu, 0xffffffffu,
              0x100000000u, 0x80000000u};
    return {0, 1, 2, 0x7ffffffeu, 0x7fffffffu, 0x80000000u, 0x80000001u, 0xfffffffeu, 0xffffffffu};
  }
  std::vector<uint64_t> ys() const {
    if (a_->is64) return {0, 1, 0xffffffffffffffffu, 0x8000000000000000u, 0x100000000u, 0xffffffffu};
    return {0, 1, 0xffffffffu, 0x7fffffffu, 0x80000000u, 2};
  }
  // Fixed boundaries plus the sum itself and its neighbours (ties and off-by-ones).
  std::vector<uint64_t> cs(uint64_t x, uint64_t y) const {
    const uint64_t s = eval_arith(*a_, x, y);
    const uint64_t mask = a_->is64 ? ~uint64_t{0} : 0xffffffffu;
    std::vector<uint64_t> v = {0, 1, mask >> 1, signed_min(a_->is64), mask};
    v.push_back(s);
    v.push_back((s + 1) & mask);
    v.push_back((s - 1) & mask);
    return v;
  }
  Ty ty() const { return a_->is64 ? Ty::I64 : Ty::I32; }

  const ArithInfo* a_ = nullptr;
  std::unique_ptr<Runner> r_;
  std::vector<const ShapeInfo*> shapes_;
};

std::string arith_param_name(const ::testing::TestParamInfo<ArithParam>& info) {
  return std::string(kConfigs[info.param.cfg].name) + "_" + kAriths[info.param.arith].tag + "_" +
         info.param.cond;
}

// The compiler really fuses these shapes (otherwise the semantic checks below would
// test the unfused path only). Back-edge loops also contain the fused safety exit
// (i32.add + i32.gt_u), hence the extra count for that combination.
TEST_P(ArithBranch, ShapesAreFused) {
  const std::string& cond = GetParam().cond;
  const auto safety = arith_br_op(Op::I32Add, Op::I32GtU);
  for (const ShapeInfo* s : shapes_) {
    const auto want = expected_fused(s->shape, *a_, cond);
    if (!want) continue;
    const int extra = (*want == *safety) ? 1 : 0;
    const std::string f = std::string("f_") + s->name;
    if (!r_->cfg.fuel) {
      // Without fuel a forward br_if has no sandbox variant: the plain form itself.
      EXPECT_EQ(count_handler(r_->code(f), *want), 1) << f;
    }
    EXPECT_EQ(count_arith_family(r_->code(f), *want), 1) << f;
    for (const char* k : {"l_", "x_"}) {
      const std::string g = k + std::string(s->name);
      EXPECT_EQ(count_arith_family(r_->code(g), *want), 1 + extra) << g;
    }
  }
}

TEST_P(ArithBranch, ForwardStep) {
  const std::string& cond = GetParam().cond;
  for (const ShapeInfo* s : shapes_) {
    const std::string f = std::string("f_") + s->name;
    int failures = 0;
    for (uint64_t x : xs()) {
      for (uint64_t y : ys()) {
        for (uint64_t c : cs(x, y)) {
          const Step want = model_step(s->shape, *a_, cond, x, y, c);
          std::vector<Value> out;
          const std::string err = r_->call(f, {make_value(ty(), x), make_value(ty(), y), make_value(ty(), c)}, out);
          const bool ok = err.empty() && same_value(ty(), want.x, value_bits(ty(), out[0])) &&
                          same_value(ty(), want.y, value_bits(ty(), out[1])) &&
                          out[2].i32 == (want.taken ? 0u : 1u);
          if (!ok && failures++ < 5) {
            ADD_FAILURE() << f << " " << branch_wat(s->shape, *a_, cond, "$b") << "\n  x=" << show(ty(), x)
                          << " y=" << show(ty(), y) << " c=" << show(ty(), c) << "\n  expected x="
                          << show(ty(), want.x) << " y=" << show(ty(), want.y) << " taken=" << want.taken
                          << "\n  actual   " << (err.empty() ? "" : err) << " x="
                          << show(ty(), value_bits(ty(), out[0])) << " y=" << show(ty(), value_bits(ty(), out[1]))
                          << " taken=" << (out[2].i32 == 0);
          }
        }
      }
    }
  }
}

// Loops whose counter starts just before a signed or unsigned wrap-around (and, for
// i64, before the 32-bit boundary, which a 32-bit compare would get wrong).
class ArithLoop : public ArithBranch {
 protected:
  std::vector<uint64_t> loop_xs() const {
    if (a_->is64) return {0x7fffffffffffffffu - 10, 0xffffffffffffffffu - 10, 0xffffffffu - 10,
                          static_cast<uint64_t>(-10), 10};
    return {0x7fffffffu - 10, 0xffffffffu - 10, 0xfffffff6u, 10, 0x80000005u};
  }
  std::vector<uint64_t> loop_ys() const {
    if (a_->is64) return {1, 3, static_cast<uint64_t>(-1), static_cast<uint64_t>(-3), 0x100000000u};
    return {1, 3, 0xffffffffu, 0xfffffffdu, 0x7fffffffu};
  }
  std::vector<uint64_t> loop_cs(uint64_t x, uint64_t y) const {
    uint64_t s = x;
    for (int i = 0; i < 7; ++i) s = eval_arith(*a_, s, y);  // reached in the 7th iteration
    if (a_->is64) return {0, 0x7fffffffffffffffu, 0x8000000000000000u, 0xffffffffffffffffu, 0x100000000u, 5, s};
    return {0, 0x7fffffffu, 0x80000000u, 0xffffffffu, 5, s};
  }

  void run(const char* kind, bool back) {
    const std::string& cond = GetParam().cond;
    for (const ShapeInfo* s : shapes_) {
      const std::string f = kind + std::string(s->name);
      int failures = 0;
      for (uint64_t x : loop_xs()) {
        for (uint64_t y : loop_ys()) {
          for (uint64_t c : loop_cs(x, y)) {
            const LoopOut want = back ? model_back_loop(s->shape, *a_, cond, x, y, c, kMaxIters)
                                      : model_exit_loop(s->shape, *a_, cond, x, y, c, kMaxIters);
            std::vector<Value> out;
            const std::string err = r_->call(
                f, {make_value(ty(), x), make_value(ty(), y), make_value(ty(), c), Value::from_i32(kMaxIters)}, out);
            const bool ok = err.empty() && same_value(ty(), want.x, value_bits(ty(), out[0])) &&
                            same_value(ty(), want.y, value_bits(ty(), out[1])) && out[2].i32 == want.n &&
                            out[3].i32 == want.f;
            if (!ok && failures++ < 5) {
              ADD_FAILURE() << f << " " << branch_wat(s->shape, *a_, cond, back ? "$l" : "$done")
                            << "\n  x=" << show(ty(), x) << " y=" << show(ty(), y) << " c=" << show(ty(), c)
                            << "\n  expected x=" << show(ty(), want.x) << " y=" << show(ty(), want.y)
                            << " n=" << want.n << " f=" << want.f << "\n  actual   " << err
                            << " x=" << show(ty(), value_bits(ty(), out[0]))
                            << " y=" << show(ty(), value_bits(ty(), out[1])) << " n=" << out[2].i32
                            << " f=" << out[3].i32;
            }
          }
        }
      }
    }
  }
};

TEST_P(ArithLoop, BackEdgeLoop) { run("l_", true); }
TEST_P(ArithLoop, ForwardExitLoop) { run("x_", false); }

INSTANTIATE_TEST_SUITE_P(InterpFusedBranchPair, ArithBranch, ::testing::ValuesIn(arith_params()),
                         arith_param_name);
INSTANTIATE_TEST_SUITE_P(InterpFusedBranchPair, ArithLoop, ::testing::ValuesIn(arith_params()),
                         arith_param_name);

// ---------------------------------------------------------------------------------
// Part 2: binop pairs

struct PairOp {
  Op a;
  Op b;
  IOp op;
  const char* name;
};
const PairOp kPairs[] = {
#define MIDIMON_X(A, B) {Op::A, Op::B, IOp::Pair_##A##_##B, #A "_" #B},
    MIDIMON_BINOP_PAIRS(MIDIMON_X)
#undef MIDIMON_X
};
constexpr int kNumPairs = static_cast<int>(sizeof(kPairs) / sizeof(kPairs[0]));

// Each shape: params p0..p3 of the pair's type, results (r0, r1) of that type.
enum class PShape {
  Indep,          // A(p0,p1), B(p2,p3) straight off the stack
  ChainA,         // (B (A p0 p1) p2)
  ChainB,         // (B p2 (A p0 p1))
  SameLocal,      // p0 = A(p0,p1); p0 = B(p2,p3)
  SameLocalRead,  // p0 = A(p1,p2); p0 = B(p0,p3)
  TeeChain,       // p0 = (B (local.tee 0 (A p0 p1)) p2)
  DstOperand,     // p0 = A(p1,p2); p1 = B(p0,p3)
  DstOperandB,    // p0 = A(p1,p2); p1 = B(p3,p0)
  BWritesAOp,     // p1 = A(p0,p1); p0 = B(p0,p1)
  SetOperand,     // p0 = (B (A p0 p1) p0)
  TeeBoth,        // (B (local.tee 2 (A p0 p1)) (local.get 2))
  SelfAlias,      // p1 = (B (local.tee 1 (A p1 p1)) p1)
  OldKept,        // old p0 on the stack, then p0 = A(p1,p2), then B(old p0, p3)
  OldTee,         // (B (local.get 0) (local.tee 0 (A p1 p2)))
};

struct PShapeInfo {
  PShape shape;
  const char* name;
  bool fused;  // the compiler must emit the pair op
};
const PShapeInfo kPShapes[] = {
    {PShape::Indep, "indep", true},
    {PShape::ChainA, "chain_a", true},
    {PShape::ChainB, "chain_b", true},
    {PShape::SameLocal, "same_local", true},
    {PShape::SameLocalRead, "same_local_read", true},
    {PShape::TeeChain, "tee_chain", true},
    {PShape::DstOperand, "dst_operand", true},
    {PShape::DstOperandB, "dst_operand_b", true},
    {PShape::BWritesAOp, "b_writes_a_operand", true},
    {PShape::SetOperand, "set_operand", true},
    {PShape::TeeBoth, "tee_both", true},
    {PShape::SelfAlias, "self_alias", true},
    {PShape::OldKept, "old_kept", false},
    {PShape::OldTee, "old_tee", false},
};

std::string pair_body(PShape s, const std::string& A, const std::string& B) {
  auto g = [](int i) { return "(local.get " + std::to_string(i) + ")"; };
  auto bin = [](const std::string& op, const std::string& x, const std::string& y) {
    return "(" + op + " " + x + " " + y + ")";
  };
  const std::string ret01 = " " + g(0) + " " + g(1);
  switch (s) {
    case PShape::Indep:
      return "local.get 0 local.get 1 " + A + " local.get 2 local.get 3 " + B;
    case PShape::ChainA: return bin(B, bin(A, g(0), g(1)), g(2)) + " " + g(3);
    case PShape::ChainB: return bin(B, g(2), bin(A, g(0), g(1))) + " " + g(3);
    case PShape::SameLocal:
      return "(local.set 0 " + bin(A, g(0), g(1)) + ") (local.set 0 " + bin(B, g(2), g(3)) + ")" + ret01;
    case PShape::SameLocalRead:
      return "(local.set 0 " + bin(A, g(1), g(2)) + ") (local.set 0 " + bin(B, g(0), g(3)) + ")" + ret01;
    case PShape::TeeChain:
      return "(local.set 0 " + bin(B, "(local.tee 0 " + bin(A, g(0), g(1)) + ")", g(2)) + ")" + ret01;
    case PShape::DstOperand:
      return "(local.set 0 " + bin(A, g(1), g(2)) + ") (local.set 1 " + bin(B, g(0), g(3)) + ")" + ret01;
    case PShape::DstOperandB:
      return "(local.set 0 " + bin(A, g(1), g(2)) + ") (local.set 1 " + bin(B, g(3), g(0)) + ")" + ret01;
    case PShape::BWritesAOp:
      return "(local.set 1 " + bin(A, g(0), g(1)) + ") (local.set 0 " + bin(B, g(0), g(1)) + ")" + ret01;
    case PShape::SetOperand: return "(local.set 0 " + bin(B, bin(A, g(0), g(1)), g(0)) + ")" + ret01;
    case PShape::TeeBoth: return bin(B, "(local.tee 2 " + bin(A, g(0), g(1)) + ")", g(2)) + " " + g(2);
    case PShape::SelfAlias:
      return "(local.set 1 " + bin(B, "(local.tee 1 " + bin(A, g(1), g(1)) + ")", g(1)) + ")" + ret01;
    case PShape::OldKept:
      return "local.get 0 (local.set 0 " + bin(A, g(1), g(2)) + ") local.get 3 " + B + " " + g(0);
    case PShape::OldTee: return bin(B, g(0), "(local.tee 0 " + bin(A, g(1), g(2)) + ")") + " " + g(0);
  }
  return "";
}

std::pair<uint64_t, uint64_t> pair_model(PShape s, Op A, Op B, const std::array<uint64_t, 4>& p) {
  auto a = [&](uint64_t x, uint64_t y) { return eval_bin(A, x, y); };
  auto b = [&](uint64_t x, uint64_t y) { return eval_bin(B, x, y); };
  switch (s) {
    case PShape::Indep: return {a(p[0], p[1]), b(p[2], p[3])};
    case PShape::ChainA: return {b(a(p[0], p[1]), p[2]), p[3]};
    case PShape::ChainB: return {b(p[2], a(p[0], p[1])), p[3]};
    case PShape::SameLocal: return {b(p[2], p[3]), p[1]};
    case PShape::SameLocalRead: return {b(a(p[1], p[2]), p[3]), p[1]};
    case PShape::TeeChain: return {b(a(p[0], p[1]), p[2]), p[1]};
    case PShape::DstOperand: {
      const uint64_t t = a(p[1], p[2]);
      return {t, b(t, p[3])};
    }
    case PShape::DstOperandB: {
      const uint64_t t = a(p[1], p[2]);
      return {t, b(p[3], t)};
    }
    case PShape::BWritesAOp: {
      const uint64_t p1 = a(p[0], p[1]);
      return {b(p[0], p1), p1};
    }
    case PShape::SetOperand: return {b(a(p[0], p[1]), p[0]), p[1]};
    case PShape::TeeBoth: {
      const uint64_t t = a(p[0], p[1]);
      return {b(t, t), t};
    }
    case PShape::SelfAlias: {
      const uint64_t t = a(p[1], p[1]);
      return {p[0], b(t, t)};
    }
    case PShape::OldKept: return {b(p[0], p[3]), a(p[1], p[2])};
    case PShape::OldTee: {
      const uint64_t t = a(p[1], p[2]);
      return {b(p[0], t), t};
    }
  }
  return {0, 0};
}

uint64_t f32b(float f) { return std::bit_cast<uint32_t>(f); }
uint64_t f64b(double d) { return std::bit_cast<uint64_t>(d); }

std::vector<uint64_t> value_pool(Ty t) {
  switch (t) {
    case Ty::I32:
      return {0, 1, 2, 7, 31, 32, 33, 63, 64, 0x7fffffffu, 0x80000000u, 0xffffffffu, 0xfffffff0u,
              0x12345678u, 0xdeadbeefu, 0x9e3779b9u};
    case Ty::I64:
      return {0, 1, 2, 63, 64, 65, 0x7fffffffffffffffu, 0x8000000000000000u, 0xffffffffffffffffu,
              0xffffffffu, 0x100000000u, 0x0123456789abcdefu, 0x80000000u};
    case Ty::F32: {
      const float inf = std::numeric_limits<float>::infinity();
      return {f32b(0.0f), f32b(-0.0f), f32b(1.0f), f32b(-1.0f), f32b(0.1f), f32b(3.5f), f32b(-2.25f),
              f32b(inf), f32b(-inf), f32b(std::numeric_limits<float>::quiet_NaN()), f32b(3e38f),
              f32b(-3e38f), f32b(std::numeric_limits<float>::min()),
              f32b(std::numeric_limits<float>::denorm_min()), f32b(std::numeric_limits<float>::max()),
              f32b(0.5f)};
    }
    case Ty::F64: {
      const double inf = std::numeric_limits<double>::infinity();
      return {f64b(0.0), f64b(-0.0), f64b(1.0), f64b(-1.0), f64b(0.1), f64b(3.5), f64b(-2.25),
              f64b(inf), f64b(-inf), f64b(std::numeric_limits<double>::quiet_NaN()), f64b(1e308),
              f64b(-1e308), f64b(std::numeric_limits<double>::min()),
              f64b(std::numeric_limits<double>::denorm_min()), f64b(std::numeric_limits<double>::max()),
              f64b(0.5)};
    }
  }
  return {};
}

// A deterministic sample of operand tuples: every pool value in all four positions, a
// pseudo-random spread, and for floats the signed-zero / infinity / NaN combinations.
std::vector<std::array<uint64_t, 4>> pair_inputs(Ty t) {
  const std::vector<uint64_t> pool = value_pool(t);
  std::vector<std::array<uint64_t, 4>> v;
  for (uint64_t x : pool) v.push_back({x, x, x, x});
  uint64_t seed = 0x9e3779b97f4a7c15u;
  auto next = [&] {
    seed = seed * 6364136223846793005u + 1442695040888963407u;
    return seed >> 33;
  };
  for (int i = 0; i < 96; ++i) {
    std::array<uint64_t, 4> tup{};
    for (auto& e : tup) e = pool[next() % pool.size()];
    v.push_back(tup);
  }
  if (t == Ty::F32 || t == Ty::F64) {
    const bool f = t == Ty::F32;
    const uint64_t z = f ? f32b(0.0f) : f64b(0.0), nz = f ? f32b(-0.0f) : f64b(-0.0);
    const uint64_t one = f ? f32b(1.0f) : f64b(1.0), mone = f ? f32b(-1.0f) : f64b(-1.0);
    const uint64_t inf = f ? f32b(std::numeric_limits<float>::infinity()) : f64b(std::numeric_limits<double>::infinity());
    const uint64_t ninf = f ? f32b(-std::numeric_limits<float>::infinity()) : f64b(-std::numeric_limits<double>::infinity());
    const uint64_t big = f ? f32b(3e38f) : f64b(1e308);
    v.push_back({nz, nz, nz, nz});
    v.push_back({z, nz, nz, z});
    v.push_back({nz, z, z, nz});
    v.push_back({nz, z, nz, z});
    v.push_back({mone, z, nz, one});
    v.push_back({z, mone, z, nz});
    v.push_back({inf, ninf, inf, ninf});
    v.push_back({inf, z, nz, inf});
    v.push_back({inf, inf, ninf, one});
    v.push_back({big, big, big, ninf});
    v.push_back({big, mone, big, big});
  } else {
    v.push_back({0xffffffffu, 1, 32, 33});
    v.push_back({1, 0xffffffffu, 0x80000000u, 0xffffffe1u});  // shift counts mod 32
    v.push_back({0x80000000u, 0x80000000u, 0x7fffffffu, 1});
  }
  return v;
}

struct PairParam {
  int cfg;
  int pair;
};

std::vector<PairParam> pair_params() {
  std::vector<PairParam> v;
  for (int c = 0; c < 4; ++c)
    for (int p = 0; p < kNumPairs; ++p) v.push_back({c, p});
  return v;
}

std::string pair_param_name(const ::testing::TestParamInfo<PairParam>& info) {
  return std::string(kConfigs[info.param.cfg].name) + "_" + kPairs[info.param.pair].name;
}

class BinopPair : public ::testing::TestWithParam<PairParam> {
 protected:
  void SetUp() override {
    p_ = &kPairs[GetParam().pair];
    const auto ia = bin_info(p_->a), ib = bin_info(p_->b);
    ASSERT_TRUE(ia && ib) << "no reference semantics for pair " << p_->name
                          << ": extend bin_info() and eval_bin()";
    ASSERT_EQ(ia->ty, ib->ty) << p_->name;
    ty_ = ia->ty;
    wa_ = ia->wat;
    wb_ = ib->wat;
    const std::string t = ty_name(ty_);
    std::vector<Func> funcs;
    for (const PShapeInfo& s : kPShapes) {
      funcs.emplace_back(s.name, "(param " + t + " " + t + " " + t + " " + t + ") (result " + t + " " + t + ")\n  " +
                                     pair_body(s.shape, wa_, wb_));
    }
    if (ty_ == Ty::I32 || ty_ == Ty::I64) {
      // The pair's result tee'd and branched on (the second op may be an i32.add /
      // i64.add: the pair takes it, not the arithmetic + branch fusion).
      for (const char* c : {"lt_u", "eqz"}) {
        const std::string cond =
            std::string(c) == "eqz"
                ? "(" + t + ".eqz (local.tee 0 (" + wb_ + " (" + wa_ + " (local.get 0) (local.get 1)) (local.get 2))))"
                : "(" + t + "." + c + " (local.tee 0 (" + wb_ + " (" + wa_ +
                      " (local.get 0) (local.get 1)) (local.get 2))) (local.get 3))";
        funcs.emplace_back(std::string("br_") + c,
                           "(param " + t + " " + t + " " + t + " " + t + ") (result " + t + " i32) (local i32)\n"
                           "  (block $b (br_if $b " + cond + ") (local.set 4 (i32.const 1)))\n"
                           "  (local.get 0) (local.get 4)");
      }
    }
    r_ = std::make_unique<Runner>(kConfigs[GetParam().cfg]);
    ASSERT_TRUE(r_->load(funcs));
  }

  const PairOp* p_ = nullptr;
  Ty ty_ = Ty::I32;
  std::string wa_, wb_;
  std::unique_ptr<Runner> r_;
};

TEST_P(BinopPair, ShapesAreFused) {
  for (const PShapeInfo& s : kPShapes) {
    if (s.fused) {
      EXPECT_EQ(count_handler(r_->code(s.name), p_->op), 1) << s.name;
    }
  }
  if (ty_ == Ty::I32 || ty_ == Ty::I64) {
    EXPECT_EQ(count_handler(r_->code("br_lt_u"), p_->op), 1);
    EXPECT_EQ(count_handler(r_->code("br_eqz"), p_->op), 1);
  }
}

TEST_P(BinopPair, ExactSemantics) {
  const auto inputs = pair_inputs(ty_);
  for (const PShapeInfo& s : kPShapes) {
    int failures = 0;
    for (const auto& p : inputs) {
      const auto want = pair_model(s.shape, p_->a, p_->b, p);
      std::vector<Value> out;
      const std::string err = r_->call(
          s.name, {make_value(ty_, p[0]), make_value(ty_, p[1]), make_value(ty_, p[2]), make_value(ty_, p[3])}, out);
      const bool ok = err.empty() && same_value(ty_, want.first, value_bits(ty_, out[0])) &&
                      same_value(ty_, want.second, value_bits(ty_, out[1]));
      if (!ok && failures++ < 5) {
        ADD_FAILURE() << p_->name << " " << s.name << ": " << pair_body(s.shape, wa_, wb_) << "\n  p = "
                      << show(ty_, p[0]) << ", " << show(ty_, p[1]) << ", " << show(ty_, p[2]) << ", "
                      << show(ty_, p[3]) << "\n  expected " << show(ty_, want.first) << ", "
                      << show(ty_, want.second) << "\n  actual   " << err << " "
                      << show(ty_, value_bits(ty_, out[0])) << ", " << show(ty_, value_bits(ty_, out[1]));
      }
    }
  }
  if (ty_ == Ty::I32 || ty_ == Ty::I64) {
    const bool is64 = ty_ == Ty::I64;
    for (const char* c : {"lt_u", "eqz"}) {
      int failures = 0;
      for (const auto& p : inputs) {
        const uint64_t d = eval_bin(p_->b, eval_bin(p_->a, p[0], p[1]), p[2]);
        const bool taken = std::string(c) == "eqz" ? d == 0 : eval_cmp(c, is64, d, p[3]);
        std::vector<Value> out;
        const std::string err = r_->call(
            std::string("br_") + c,
            {make_value(ty_, p[0]), make_value(ty_, p[1]), make_value(ty_, p[2]), make_value(ty_, p[3])}, out);
        const bool ok = err.empty() && same_value(ty_, d, value_bits(ty_, out[0])) &&
                        out[1].i32 == (taken ? 0u : 1u);
        if (!ok && failures++ < 5) {
          ADD_FAILURE() << p_->name << " br_" << c << " p = " << show(ty_, p[0]) << ", " << show(ty_, p[1])
                        << ", " << show(ty_, p[2]) << ", " << show(ty_, p[3]) << "\n  expected "
                        << show(ty_, d) << " taken=" << taken << "\n  actual " << err << " "
                        << show(ty_, value_bits(ty_, out[0])) << " taken=" << (out[1].i32 == 0);
        }
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(InterpFusedBranchPair, BinopPair, ::testing::ValuesIn(pair_params()),
                         pair_param_name);

// ---------------------------------------------------------------------------------
// Part 3: fuel and deadline

// Fused / unfused twins: same instructions counts (fuel cost model: one unit per wasm
// instruction), same results; only the first of each twin contains the fused op.
const char* kFuelModule = R"((module
  ;; entry {loop} 1; per iteration {get, const, or, get, const, add, tee, gt_u, br_if} 9;
  ;; exit {end, local.get, end} 3. Iterations: max(n, 1).
  (func (export "up_fused") (param $n i32) (result i32) (local $i i32)
    (loop $l
      (br_if $l (i32.gt_u (i32.or (local.get $n) (i32.const 0))
                          (local.tee $i (i32.add (local.get $i) (i32.const 1))))))
    (local.get $i))
  (func (export "up_plain") (param $n i32) (result i32) (local $i i32)
    (loop $l
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1)))
                          (i32.or (local.get $n) (i32.const 0)))))
    (local.get $i))
  ;; entry {loop} 1; per iteration {get, const, const, or, sub, tee, br_if} 7;
  ;; exit {end, local.get, end} 3. Iterations: n (n >= 1).
  (func (export "down_fused") (param $n i32) (result i32)
    (loop $l
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.or (i32.const 1) (i32.const 0))))))
    (local.get $n))
  (func (export "down_plain") (param $n i32) (result i32)
    (loop $l
      (br_if $l (i32.or (local.tee $n (i32.sub (local.get $n) (i32.const 1))) (i32.const 0))))
    (local.get $n))
  ;; Sums n-1 + ... + 1 with a forward exit: entry {block, loop} 2; header {get, const,
  ;; add|sub, tee, eqz, br_if} 6; body {get, get, add, set, br} 5; exit {local.get, end} 2
  ;; (the loop's end after the br is unreachable). n >= 1: 2 + 6n + 5(n-1) + 2.
  (func (export "sum_fused") (param $n i64) (result i64) (local $s i64)
    (block $done
      (loop $l
        (br_if $done (i64.eqz (local.tee $n (i64.add (local.get $n) (i64.const -1)))))
        (local.set $s (i64.add (local.get $s) (local.get $n)))
        (br $l)))
    (local.get $s))
  (func (export "sum_plain") (param $n i64) (result i64) (local $s i64)
    (block $done
      (loop $l
        (br_if $done (i64.eqz (local.tee $n (i64.sub (local.get $n) (i64.const 1)))))
        (local.set $s (i64.add (local.get $s) (local.get $n)))
        (br $l)))
    (local.get $s))
  ;; i64 back-edge with a mirrored compare against a 2^32-crossing bound
  (func (export "big_fused") (param $i i64) (param $n i64) (result i64)
    (loop $l
      (br_if $l (i64.gt_s (local.get $n) (local.tee $i (i64.add (local.get $i) (i64.const 3))))))
    (local.get $i))
  (func (export "big_plain") (param $i i64) (param $n i64) (result i64)
    (loop $l
      (br_if $l (i64.gt_s (local.get $n) (local.tee $i (i64.sub (local.get $i) (i64.const -3))))))
    (local.get $i))
  ;; a straight-line pair: get, get, add, get, xor, end = 6
  (func (export "pair") (param i32 i32 i32) (result i32)
    (i32.xor (i32.add (local.get 0) (local.get 1)) (local.get 2)))
  ;; never terminating on their own (odd counter never reaches 0; 2^64 iterations)
  (func (export "forever32") (param $x i32) (result i32)
    (loop $l (br_if $l (local.tee $x (i32.add (local.get $x) (i32.const 2)))))
    (local.get $x))
  (func (export "forever64") (param $x i64) (result i64)
    (loop $l (br_if $l (i64.ne (local.tee $x (i64.add (local.get $x) (i64.const 1))) (i64.const 0))))
    (local.get $x))
))";

struct Twin {
  const char* fused;
  const char* plain;
  IOp op;  // the fused op (plain form) in `fused`, absent from `plain`
  std::vector<std::vector<Value>> args;
};

std::vector<Twin> twins() {
  auto I = [](uint32_t v) { return std::vector<Value>{Value::from_i32(v)}; };
  auto L = [](uint64_t v) { return std::vector<Value>{Value::from_i64(v)}; };
  auto LL = [](uint64_t a, uint64_t b) { return std::vector<Value>{Value::from_i64(a), Value::from_i64(b)}; };
  return {
      {"up_fused", "up_plain", IOp::I32Add_I32LtU, {I(0), I(1), I(5), I(17)}},
      {"down_fused", "down_plain", IOp::I32Sub_BrIf, {I(1), I(2), I(9)}},
      {"sum_fused", "sum_plain", IOp::I64Add_I64Eqz, {L(1), L(2), L(8)}},
      {"big_fused", "big_plain", IOp::I64Add_I64LtS, {LL(0xffffffffu - 10, 0x100000000u + 5), LL(0, 20)}},
  };
}

std::vector<Config> fuel_configs() { return {kConfigs[1], kConfigs[3]}; }

struct FuelRunner : Runner {
  explicit FuelRunner(const Config& c) : Runner(c) {
    auto bin = test::wat2wasm(kFuelModule);
    auto m = Module::compile(engine, bin);
    EXPECT_TRUE(m.ok()) << m.error().to_string();
    if (!m.ok()) return;
    module = *m;
    auto r = linker.instantiate(store, module);
    EXPECT_TRUE(r.ok()) << r.error().to_string();
    if (r.ok()) inst = *r;
    // Defined functions in text order.
    const char* order[] = {"up_fused", "up_plain", "down_fused", "down_plain", "sum_fused",
                           "sum_plain", "big_fused", "big_plain", "pair", "forever32", "forever64"};
    for (uint32_t i = 0; i < sizeof(order) / sizeof(order[0]); ++i) index[order[i]] = i;
  }
  // Runs `name` with exactly `fuel`; returns (trap message, fuel left, first result).
  std::tuple<std::string, uint64_t, uint64_t> run(const std::string& name, const std::vector<Value>& args,
                                                  uint64_t fuel) {
    EXPECT_TRUE(store.set_fuel(fuel).ok());
    std::vector<Value> out;
    std::string err = call(name, args, out, /*refuel=*/false);
    return {err, store.fuel_remaining(), out.empty() ? 0 : out[0].bits};
  }
};

TEST(InterpFusedBranchPairFuel, FusedTwinsAreFusedAndPlainTwinsAreNot) {
  for (const Config& c : kConfigs) {
    SCOPED_TRACE(c.name);
    FuelRunner r(c);
    ASSERT_NE(r.inst, nullptr);
    for (const Twin& t : twins()) {
      EXPECT_EQ(count_arith_family(r.code(t.fused), t.op), 1) << t.fused;
      for (const ArithBrOp& x : kArithBrOps) {
        EXPECT_EQ(count_arith_family(r.code(t.plain), x.op), 0) << t.plain;
      }
    }
    EXPECT_EQ(count_arith_family(r.code("forever32"), IOp::I32Add_BrIf), 1);
    EXPECT_EQ(count_arith_family(r.code("forever64"), IOp::I64Add_I64Ne), 1);
    EXPECT_EQ(count_handler(r.code("pair"), IOp::Pair_I32Add_I32Xor), 1);
  }
}

TEST(InterpFusedBranchPairFuel, CostModelTotalsAndStoppingPoints) {
  for (const Config& c : fuel_configs()) {
    SCOPED_TRACE(c.name);
    FuelRunner r(c);
    ASSERT_NE(r.inst, nullptr);
    for (uint32_t n : {0u, 1u, 2u, 7u, 40u}) {
      const uint32_t iters = n == 0 ? 1 : n;
      const uint64_t total = 1 + 9 * uint64_t{iters} + 3;
      for (const char* f : {"up_fused", "up_plain"}) {
        SCOPED_TRACE(f);
        auto [err, left, v] = r.run(f, {Value::from_i32(n)}, total);
        EXPECT_EQ(err, "");
        EXPECT_EQ(left, 0u);
        EXPECT_EQ(static_cast<uint32_t>(v), iters);
        // One short: the loop completes, the exit block (3) cannot be paid with 2 left.
        std::tie(err, left, v) = r.run(f, {Value::from_i32(n)}, total - 1);
        EXPECT_EQ(err, "fuel exhausted");
        EXPECT_EQ(left, 2u);
        if (iters >= 2) {
          // A taken back-edge cannot pay the next iteration (9) with 8 left.
          std::tie(err, left, v) = r.run(f, {Value::from_i32(n)}, 1 + 9 + 8);
          EXPECT_EQ(err, "fuel exhausted");
          EXPECT_EQ(left, 8u);
        }
        // The entry block itself.
        std::tie(err, left, v) = r.run(f, {Value::from_i32(n)}, 0);
        EXPECT_EQ(err, "fuel exhausted");
        EXPECT_EQ(left, 0u);
      }
    }
    for (uint32_t n : {1u, 2u, 13u}) {
      const uint64_t total = 1 + 7 * uint64_t{n} + 3;
      for (const char* f : {"down_fused", "down_plain"}) {
        SCOPED_TRACE(f);
        auto [err, left, v] = r.run(f, {Value::from_i32(n)}, total + 5);
        EXPECT_EQ(err, "");
        EXPECT_EQ(left, 5u);
        EXPECT_EQ(static_cast<uint32_t>(v), 0u);
        std::tie(err, left, v) = r.run(f, {Value::from_i32(n)}, total - 1);
        EXPECT_EQ(err, "fuel exhausted");
        EXPECT_EQ(left, 2u);
      }
    }
    for (uint64_t n : {1u, 2u, 10u}) {
      const uint64_t total = 2 + 6 * n + 5 * (n - 1) + 2;
      for (const char* f : {"sum_fused", "sum_plain"}) {
        SCOPED_TRACE(f);
        auto [err, left, v] = r.run(f, {Value::from_i64(n)}, total);
        EXPECT_EQ(err, "");
        EXPECT_EQ(left, 0u);
        EXPECT_EQ(v, (n - 1) * n / 2);
        std::tie(err, left, v) = r.run(f, {Value::from_i64(n)}, total - 1);
        EXPECT_EQ(err, "fuel exhausted");
        EXPECT_EQ(left, 1u);  // the exit block costs 2
      }
    }
    // The straight-line pair: 6 units.
    for (uint64_t fuel = 0; fuel <= 8; ++fuel) {
      auto [err, left, v] = r.run("pair", {Value::from_i32(5), Value::from_i32(0xffffffffu), Value::from_i32(6)}, fuel);
      if (fuel >= 6) {
        EXPECT_EQ(err, "");
        EXPECT_EQ(left, fuel - 6);
        EXPECT_EQ(static_cast<uint32_t>(v), (5u + 0xffffffffu) ^ 6u);
      } else {
        EXPECT_EQ(err, "fuel exhausted");
        EXPECT_EQ(left, fuel);
      }
    }
  }
}

// Every fuel amount from 0 to past the total: fused and unfused twins stop at the same
// point (same trap, same fuel left) or finish with the same result and fuel left, and a
// second run with the same fuel gives exactly the same.
TEST(InterpFusedBranchPairFuel, FusionDoesNotMoveTheStoppingPoint) {
  for (const Config& c : fuel_configs()) {
    SCOPED_TRACE(c.name);
    FuelRunner r(c);
    ASSERT_NE(r.inst, nullptr);
    for (const Twin& t : twins()) {
      for (const auto& args : t.args) {
        // Total cost of the plain twin, measured by running it with plenty.
        auto [err0, left0, v0] = r.run(t.plain, args, 1000000);
        ASSERT_EQ(err0, "") << t.plain;
        const uint64_t total = 1000000 - left0;
        int failures = 0;
        for (uint64_t fuel = 0; fuel <= total + 2; ++fuel) {
          const auto fused = r.run(t.fused, args, fuel);
          const auto plain = r.run(t.plain, args, fuel);
          const auto again = r.run(t.fused, args, fuel);
          const bool ok = fused == plain && again == fused &&
                          (fuel >= total ? std::get<0>(fused).empty() : std::get<0>(fused) == "fuel exhausted");
          if (!ok && failures++ < 5) {
            ADD_FAILURE() << t.fused << " vs " << t.plain << " fuel " << fuel << " (total " << total
                          << "): fused {" << std::get<0>(fused) << ", left " << std::get<1>(fused) << ", "
                          << std::get<2>(fused) << "} plain {" << std::get<0>(plain) << ", left "
                          << std::get<1>(plain) << ", " << std::get<2>(plain) << "} again {"
                          << std::get<0>(again) << ", left " << std::get<1>(again) << "}";
          }
        }
        // Completed: the fused twin's result is the plain twin's.
        auto [err1, left1, v1] = r.run(t.fused, args, 1000000);
        EXPECT_EQ(err1, "");
        EXPECT_EQ(left1, left0);
        EXPECT_EQ(v1, v0);
      }
    }
    // Values checked against the model: big_* from 2^32 - 11 by 3 while below 2^32 + 5.
    auto [err, left, v] = r.run("big_fused", {Value::from_i64(0xffffffffu - 10), Value::from_i64(0x100000000u + 5)}, 1000000);
    EXPECT_EQ(err, "");
    uint64_t i = 0xffffffffu - 10;
    for (;;) {
      i += 3;
      if (!(static_cast<int64_t>(0x100000000u + 5) > static_cast<int64_t>(i))) break;
    }
    EXPECT_EQ(v, i);
  }
}

// Fused loops that never end on their own stop on fuel, or on the deadline (back-edge
// _PB / _FPB variants of the fused ops poll).
TEST(InterpFusedBranchPairFuel, FusedEndlessLoopsStopOnFuelAndDeadline) {
  for (const Config& c : kConfigs) {
    if (!c.fuel && !c.deadline) continue;
    SCOPED_TRACE(c.name);
    FuelRunner r(c);
    ASSERT_NE(r.inst, nullptr);
    if (c.deadline) {
      ASSERT_TRUE(r.store.set_timeout(std::chrono::milliseconds(30)).ok());
    }
    for (const char* f : {"forever32", "forever64"}) {
      const Value arg = std::string(f) == "forever32" ? Value::from_i32(1) : Value::from_i64(1);
      if (c.fuel) {
        ASSERT_TRUE(r.store.set_fuel(c.deadline ? uint64_t{1} << 60 : 1000000).ok());
      }
      std::vector<Value> out;
      const auto start = std::chrono::steady_clock::now();
      const std::string err = r.call(f, {arg}, out, /*refuel=*/false);
      const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
      EXPECT_EQ(err, c.deadline ? "deadline exceeded" : "fuel exhausted") << f;
      EXPECT_LT(ms, 10000) << f;
      if (!c.deadline) {
        // Fuel-only: same fuel, same stopping point.
        const uint64_t left = r.store.fuel_remaining();
        ASSERT_TRUE(r.store.set_fuel(1000000).ok());
        EXPECT_EQ(r.call(f, {arg}, out, false), "fuel exhausted");
        EXPECT_EQ(r.store.fuel_remaining(), left) << f;
      }
    }
  }
}

}  // namespace
}  // namespace midimon::wasm
