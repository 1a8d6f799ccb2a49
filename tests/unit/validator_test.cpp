// Validator tests: modules made invalid on purpose (wat2wasm --no-check) must be
// rejected with the spec suite's message, in the right function, at the offending
// instruction's byte offset.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "wasm/binary_reader.h"
#include "wasm/validator.h"
#include "wat_util.h"

namespace midimon::wasm {
namespace {

struct Checked {
  std::vector<uint8_t> bytes;
  Result<void> result;
};

Checked check(const std::string& wat) {
  std::vector<uint8_t> bytes = test::wat2wasm(wat, "--no-check");
  auto m = read_module(bytes);
  if (!m.ok()) {
    ADD_FAILURE() << "reader rejected the module: " << m.error().to_string();
    return {bytes, m.take_error()};
  }
  return {bytes, validate_module(*m)};
}

// Offset of the `nth` occurrence of `pattern` in the binary.
size_t find(const std::vector<uint8_t>& bytes, std::vector<uint8_t> pattern, int nth = 0) {
  auto it = bytes.begin();
  for (;;) {
    it = std::search(it, bytes.end(), pattern.begin(), pattern.end());
    if (it == bytes.end()) {
      ADD_FAILURE() << "pattern not found";
      return 0;
    }
    if (nth-- == 0) return static_cast<size_t>(it - bytes.begin());
    ++it;
  }
}

void expect_valid(const std::string& wat) {
  Checked c = check(wat);
  EXPECT_TRUE(c.result.ok()) << c.result.error().to_string();
}

// Expects rejection with `message` in `where`; returns the error for offset checks.
Error expect_invalid(const std::string& wat, const std::string& message,
                     const std::string& where) {
  Checked c = check(wat);
  if (c.result.ok()) {
    ADD_FAILURE() << "accepted, expected '" << message << "'";
    return {};
  }
  Error e = c.result.take_error();
  EXPECT_EQ(e.kind, ErrorKind::Invalid);
  EXPECT_EQ(e.message, message);
  EXPECT_EQ(e.where, where);
  return e;
}

TEST(Validator, EmptyModuleIsValid) {
  ModuleInfo m;
  EXPECT_TRUE(validate_module(m).ok());
}

TEST(Validator, AcceptsAModuleUsingManyFeatures) {
  expect_valid(R"(
    (module
      (type $pair (func (param i32) (result i32 i64)))
      (import "env" "f" (func $imp (param i32)))
      (import "env" "g" (global $g i32))
      (table $t 2 10 funcref)
      (table $e 1 externref)
      (memory 1 2)
      (global $m (mut i64) (i64.const 7))
      (global $r funcref (ref.func $f))
      (global $c i32 (global.get $g))
      (elem (table $t) (i32.const 0) func $f)
      (elem $passive funcref (ref.null func) (ref.func $imp))
      (elem declare func $h)
      (data (i32.const 0) "hi")
      (data $pd "x")
      (func $f (param $x i32) (result i32)
        (local $y f64)
        (block $b (result i32)
          (loop $l (result i32)
            (br_if $b (local.get $x) (i32.eqz (local.get $x)))
            (br_table $b $b (i32.const 3) (local.get $x))))
        (if (result i32) (then (i32.const 1)) (else (i32.const 2)))
        (drop (select (f32.const 1) (f32.const 2) (i32.const 0)))
        (drop (select (result funcref) (ref.func $h) (ref.null func) (i32.const 0)))
        (global.set $m (i64.load offset=8 align=8 (i32.const 0)))
        (memory.init $pd (i32.const 0) (i32.const 0) (i32.const 1))
        (data.drop $pd)
        (table.init $t $passive (i32.const 0) (i32.const 0) (i32.const 1))
        (elem.drop $passive)
        (table.copy $t $t (i32.const 0) (i32.const 1) (i32.const 1))
        (drop (table.grow $e (ref.null extern) (i32.const 1)))
        (drop (ref.is_null (table.get $t (i32.const 0))))
        (drop (call_indirect $t (type $pair) (i32.const 5) (i32.const 0)))
        (drop)
        (i32.add (local.get $x))
      )
      (func $h (result i32 i64)
        (i32.const 0)
        (block (type $pair) (drop) (i32.const 1) (i64.const 2) (br 0))
        (unreachable) (i32.add) (drop))
      (export "f" (func $f))
      (start $s)
      (func $s)
    ))");
}

TEST(Validator, TypeMismatchReportsFunctionIndexAndOffset) {
  // Function 1 (after one import) returns i64 where i32 is declared; the error is at the
  // function's final `end`.
  Checked c = check(R"(
    (module
      (import "env" "f" (func))
      (func (result i32) (i64.const 5)))
  )");
  ASSERT_FALSE(c.result.ok());
  EXPECT_EQ(c.result.error().message, "type mismatch");
  EXPECT_EQ(c.result.error().where, "function 1");
  EXPECT_EQ(c.result.error().offset, find(c.bytes, {0x42, 0x05, 0x0b}) + 2);
}

TEST(Validator, UnknownLocalAtTheLocalGet) {
  Checked c = check("(module (func (param i32) (local i64) (drop (local.get 2))))");
  ASSERT_FALSE(c.result.ok());
  EXPECT_EQ(c.result.error().message, "unknown local 2");
  EXPECT_EQ(c.result.error().where, "function 0");
  EXPECT_EQ(c.result.error().offset, find(c.bytes, {0x20, 0x02}));
}

TEST(Validator, LocalTypesFollowDeclarationGroups) {
  expect_valid("(module (func (param i32) (local i64 i64 f32) (local.set 3 (f32.const 0))))");
  expect_invalid("(module (func (param i32) (local i64 i64 f32) (local.set 2 (f32.const 0))))",
                 "type mismatch", "function 0");
}

TEST(Validator, UnknownLabel) {
  Checked c = check("(module (func (block (br 2))))");
  ASSERT_FALSE(c.result.ok());
  EXPECT_EQ(c.result.error().message, "unknown label");
  EXPECT_EQ(c.result.error().offset, find(c.bytes, {0x0c, 0x02}));
}

TEST(Validator, UnreachableMakesTheStackPolymorphic) {
  expect_valid("(module (func (result i32) (unreachable) (i64.add) (drop) (i32.const 0)))");
  expect_valid("(module (func (result f64) (return (f64.const 1)) (i32.add) (drop)))");
  // The polymorphic stack still checks values that are actually there.
  expect_invalid("(module (func (result i32) (unreachable) (i64.const 0) (i32.add)))",
                 "type mismatch", "function 0");
}

TEST(Validator, SelectWithoutTypeOnlyForNumbers) {
  expect_invalid(
      "(module (func (drop (select (ref.null func) (ref.null func) (i32.const 0)))))",
      "type mismatch", "function 0");
  expect_valid(
      "(module (func (drop (select (result externref) (ref.null extern) (ref.null extern)"
      " (i32.const 0)))))");
  expect_invalid("(module (func (drop (select (i32.const 0) (i64.const 0) (i32.const 0)))))",
                 "type mismatch", "function 0");
  // In unreachable code, an unknown operand takes the other's type.
  expect_valid("(module (func (result i64) (unreachable) (i64.const 0) (i32.const 0) (select)))");
}

TEST(Validator, BrTableTargetsMustAgree) {
  expect_invalid(R"(
    (module (func
      (block (result i32)
        (block (result i64)
          (br_table 0 1 (i32.const 0) (i32.const 0)))
        (drop) (i32.const 0))
      (drop)))
  )", "type mismatch", "function 0");
  // Different arities are rejected even in unreachable code (the 2.0 rule).
  expect_invalid(R"(
    (module (func
      (block (result i32)
        (block
          (unreachable) (br_table 0 1))
        (i32.const 0))
      (drop)))
  )", "type mismatch", "function 0");
  // Same arity with different types is fine when the operands are unknown.
  expect_valid(R"(
    (module (func
      (block (result i32)
        (block (result f32)
          (unreachable) (br_table 0 1))
        (drop) (i32.const 0))
      (drop)))
  )");
}

TEST(Validator, IfWithoutElseNeedsMatchingTypes) {
  expect_invalid("(module (func (result i32) (if (result i32) (i32.const 1) (then (i32.const 2)))))",
                 "type mismatch", "function 0");
  expect_valid(R"(
    (module
      (type $t (func (param i32) (result i32)))
      (func (result i32)
        (i32.const 5)
        (if (type $t) (i32.const 1) (then (i32.const 1) (i32.add)) (else))))
  )");
  // Without `else`, [i32] -> [i32] is fine: the implicit else passes the value through.
  expect_valid(R"(
    (module
      (type $t (func (param i32) (result i32)))
      (func (result i32)
        (i32.const 5)
        (if (type $t) (i32.const 1) (then (i32.const 1) (i32.add)))))
  )");
}

TEST(Validator, BlockTypeIndexMustExist) {
  Checked c = check(R"(
    (module (type $t (func (param i32))) (func (i32.const 0) (block (type $t) (drop))))
  )");
  ASSERT_TRUE(c.result.ok());
  // Patch the block type index 0 into 5: "02 00" -> "02 05".
  std::vector<uint8_t> bytes = c.bytes;
  bytes[find(bytes, {0x02, 0x00, 0x1a}) + 1] = 0x05;
  auto m = read_module(bytes);
  ASSERT_TRUE(m.ok()) << m.error().to_string();
  auto r = validate_module(*m);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "unknown type");
}

TEST(Validator, GlobalSetNeedsMutableGlobal) {
  Checked c = check("(module (global i32 (i32.const 0)) (func (global.set 0 (i32.const 1))))");
  ASSERT_FALSE(c.result.ok());
  EXPECT_EQ(c.result.error().message, "global is immutable");
  EXPECT_EQ(c.result.error().offset, find(c.bytes, {0x24, 0x00}));
  expect_invalid("(module (func (global.set 0 (i32.const 1))))", "unknown global 0", "function 0");
}

TEST(Validator, ConstantExpressions) {
  expect_invalid("(module (global i32 (i32.add (i32.const 1) (i32.const 2))))",
                 "constant expression required", "section 'global'");
  expect_invalid("(module (global i64 (i32.const 1)))", "type mismatch", "section 'global'");
  // 2.0: only imported globals are visible to global.get in a constant expression.
  expect_invalid("(module (global i32 (i32.const 0)) (global i32 (global.get 0)))",
                 "unknown global 0", "section 'global'");
  expect_invalid(
      "(module (import \"m\" \"g\" (global (mut i32))) (global i32 (global.get 0)))",
      "constant expression required", "section 'global'");
  expect_invalid("(module (memory 1) (data (i64.const 0) \"\"))", "type mismatch",
                 "section 'data'");
}

TEST(Validator, MemoryRules) {
  expect_invalid("(module (func (drop (i32.load (i32.const 0)))))", "unknown memory 0",
                 "function 0");
  Checked c = check("(module (memory 1) (func (drop (i64.load32_s align=8 (i32.const 0)))))");
  ASSERT_FALSE(c.result.ok());
  EXPECT_EQ(c.result.error().message, "alignment must not be larger than natural");
  EXPECT_EQ(c.result.error().offset, find(c.bytes, {0x34, 0x03}));
  expect_valid("(module (memory 1) (func (drop (i64.load32_s align=4 (i32.const 0)))))");
  expect_invalid("(module (memory 65537))", "memory size must be at most 65536 pages (4GiB)",
                 "section 'memory'");
  expect_invalid("(module (memory 2 1))", "size minimum must not be greater than maximum",
                 "section 'memory'");
  expect_invalid("(module (memory 0) (memory 0))", "multiple memories", "section 'memory'");
  expect_invalid("(module (data (i32.const 0) \"\"))", "unknown memory 0", "section 'data'");
}

TEST(Validator, TableRules) {
  expect_invalid("(module (table 3 2 funcref))", "size minimum must not be greater than maximum",
                 "section 'table'");
  expect_invalid("(module (type (func)) (table 1 externref)"
                 " (func (call_indirect (type 0) (i32.const 0))))",
                 "type mismatch", "function 0");
  expect_invalid("(module (table 1 funcref) (table 1 externref)"
                 " (func (table.copy 0 1 (i32.const 0) (i32.const 0) (i32.const 0))))",
                 "type mismatch", "function 0");
  expect_invalid("(module (table 1 externref) (elem funcref (ref.null func))"
                 " (func (table.init 0 0 (i32.const 0) (i32.const 0) (i32.const 0))))",
                 "type mismatch", "function 0");
  expect_invalid("(module (table 1 externref) (func $f) (elem (i32.const 0) func $f))",
                 "type mismatch", "section 'element'");
  expect_invalid("(module (func (elem.drop 3)))", "unknown elem segment 3", "function 0");
  expect_invalid("(module (func (drop (table.size 0))))", "unknown table 0", "function 0");
}

TEST(Validator, RefFuncNeedsADeclaration) {
  Checked c = check("(module (func $f (drop (ref.func $f))))");
  ASSERT_FALSE(c.result.ok());
  EXPECT_EQ(c.result.error().message, "undeclared function reference");
  EXPECT_EQ(c.result.error().offset, find(c.bytes, {0xd2, 0x00}));
  expect_valid("(module (func $f (drop (ref.func $f))) (export \"f\" (func $f)))");
  expect_valid("(module (func $f (drop (ref.func $f))) (elem declare func $f))");
  expect_valid("(module (func $f (drop (ref.func $f))) (global funcref (ref.func $f)))");
  expect_invalid("(module (start $f) (func $f (drop (ref.func $f))))",
                 "undeclared function reference", "function 0");
}

TEST(Validator, DataIndices) {
  expect_invalid("(module (memory 1) (data \"\") (func (data.drop 1)))", "unknown data segment 1",
                 "function 0");
}

TEST(Validator, StartAndExports) {
  expect_invalid("(module (func $s (param i32)) (start $s))",
                 "start function must have type [] -> []", "section 'start'");
  expect_invalid("(module (func $f) (export \"a\" (func $f)) (export \"a\" (func $f)))",
                 "duplicate export name", "section 'export'");
  expect_invalid("(module (export \"a\" (global 0)))", "unknown global 0", "section 'export'");
  expect_invalid("(module (start 3))", "unknown function 3", "section 'start'");
}

TEST(Validator, CallChecksArguments) {
  expect_invalid("(module (func $f (param i32)) (func (call $f (i64.const 0))))", "type mismatch",
                 "function 1");
  expect_invalid("(module (func (call 9)))", "unknown function 9", "function 0");
}

// The reader checks body structure too; these pin the validator's own safety net on a
// hand-built ModuleInfo.
ModuleInfo one_function_module(std::vector<uint8_t> code) {
  ModuleInfo m;
  m.types.push_back(FuncType{});
  m.func_types.push_back(0);
  m.bytes = std::move(code);
  FuncBody body;
  body.code_offset = 0;
  body.code_end = static_cast<uint32_t>(m.bytes.size());
  m.bodies.push_back(body);
  return m;
}

TEST(Validator, BodyWithoutFinalEndIsMalformed) {
  auto r = validate_module(one_function_module({0x01, 0x02, 0x40, 0x0b}));  // nop block end
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::Malformed);
  EXPECT_EQ(r.error().message, "END opcode expected");
  EXPECT_EQ(r.error().offset, 4u);
}

TEST(Validator, CodeAfterFinalEndIsMalformed) {
  auto r = validate_module(one_function_module({0x0b, 0x01}));  // end nop
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::Malformed);
  EXPECT_EQ(r.error().offset, 1u);
}

TEST(Validator, ElseWithoutIfIsMalformed) {
  auto r = validate_module(one_function_module({0x02, 0x40, 0x05, 0x0b, 0x0b}));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::Malformed);
  EXPECT_EQ(r.error().offset, 2u);
}

TEST(Validator, DataIndexWithoutDataCountSection) {
  ModuleInfo m = one_function_module({0xfc, 0x09, 0x00, 0x0b});  // data.drop 0
  m.memories.push_back(MemoryType{});
  DataSegment seg;
  seg.mode = SegmentMode::Passive;
  m.datas.push_back(seg);
  auto r = validate_module(m);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::Malformed);
  EXPECT_EQ(r.error().message, "data count section required");
  m.data_count = 1;
  EXPECT_TRUE(validate_module(m).ok());
}

}  // namespace
}  // namespace midimon::wasm
