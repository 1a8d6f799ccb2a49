// Binary reader: decoded fields of valid modules (written in WAT, assembled by wat2wasm)
// and the spec's malformed-module errors with message, offset and context (hand-written
// bytes, so every offset below can be counted from the byte lists).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "wasm/binary_reader.h"
#include "wat_util.h"

namespace midimon::wasm {
namespace {

using Bytes = std::vector<uint8_t>;

// Header, then the given raw bytes. Section ids sit at offset 8 onwards.
Bytes module(const Bytes& body = {}) {
  Bytes b = {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00};
  b.insert(b.end(), body.begin(), body.end());
  return b;
}

// One section with a one-byte size (payloads here are all < 128 bytes).
Bytes sec(uint8_t id, const Bytes& payload) {
  Bytes b = {id, static_cast<uint8_t>(payload.size())};
  b.insert(b.end(), payload.begin(), payload.end());
  return b;
}

Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes b;
  for (const auto& p : parts) b.insert(b.end(), p.begin(), p.end());
  return b;
}

const Bytes kType0 = sec(1, {0x01, 0x60, 0x00, 0x00});  // type 0: [] -> []
const Bytes kFunc1 = sec(3, {0x01, 0x00});             // one function of type 0
const Bytes kCodeNop = sec(10, {0x01, 0x02, 0x00, 0x0B});

ModuleInfo must_read(const Bytes& b) {
  auto r = read_module(b);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().to_string());
  return r.ok() ? std::move(*r) : ModuleInfo{};
}

Error must_fail(const Bytes& b) {
  auto r = read_module(b);
  EXPECT_FALSE(r.ok()) << "module was accepted";
  if (r.ok()) return Error{};
  EXPECT_EQ(r.error().kind, ErrorKind::Malformed);
  return r.error();
}

#define EXPECT_MALFORMED(bytes, msg, off)               \
  do {                                                  \
    Error _e = must_fail(bytes);                        \
    EXPECT_EQ(_e.message, msg) << _e.to_string();       \
    EXPECT_EQ(_e.offset, size_t{off}) << _e.to_string(); \
  } while (0)

TEST(BinaryReader, EmptyModule) {
  ModuleInfo m = must_read(module());
  EXPECT_TRUE(m.types.empty());
  EXPECT_EQ(m.num_funcs(), 0u);
  EXPECT_EQ(m.bytes.size(), 8u);
}

TEST(BinaryReader, DecodesAllSectionsOfAValidModule) {
  const Bytes b = test::wat2wasm(R"((module
    (type $t (func (param i32) (result i32)))
    (import "env" "f" (func $imp (type $t)))
    (import "env" "tab" (table 1 10 funcref))
    (import "env" "mem" (memory 1))
    (import "env" "g" (global $g (mut i64)))
    (func $a (type $t) (local i64 i64) (local f32) local.get 0)
    (func $b (result i32) i32.const 7)
    (table $t2 2 externref)
    (global $h f64 (f64.const 1.5))
    (export "a" (func $a))
    (export "mem" (memory 0))
    (start $c)
    (func $c)
    (elem (i32.const 3) $a $b)
    (elem func $a)
    (elem declare func $b)
    (data (i32.const 16) "hi")
    (data "xyz")))");
  ModuleInfo m = must_read(b);
  ASSERT_EQ(m.types.size(), 3u);
  EXPECT_EQ(m.types[0].to_string(), "(i32) -> (i32)");
  EXPECT_EQ(m.types[2].to_string(), "() -> ()");

  ASSERT_EQ(m.imports.size(), 4u);
  EXPECT_EQ(m.imports[0].module, "env");
  EXPECT_EQ(m.imports[0].name, "f");
  EXPECT_EQ(m.imports[0].kind, ExternKind::Func);
  EXPECT_EQ(m.imports[1].kind, ExternKind::Table);
  EXPECT_EQ(m.imports[1].table.limits, (Limits{1, 10}));
  EXPECT_EQ(m.imports[2].memory.limits, (Limits{1, std::nullopt}));
  EXPECT_EQ(m.imports[3].global.type, ValType::I64);
  EXPECT_TRUE(m.imports[3].global.mut);
  EXPECT_EQ(m.num_imported_funcs, 1u);
  EXPECT_EQ(m.num_imported_tables, 1u);
  EXPECT_EQ(m.num_imported_memories, 1u);
  EXPECT_EQ(m.num_imported_globals, 1u);

  ASSERT_EQ(m.num_funcs(), 4u);
  EXPECT_EQ(m.func_types, (std::vector<uint32_t>{0, 0, 1, 2}));
  ASSERT_EQ(m.tables.size(), 2u);
  EXPECT_EQ(m.tables[1].elem, ValType::ExternRef);
  EXPECT_EQ(m.tables[1].limits.min, 2u);
  ASSERT_EQ(m.globals.size(), 2u);
  EXPECT_EQ(m.globals[1].type, ValType::F64);
  ASSERT_EQ(m.global_inits.size(), 1u);
  ASSERT_EQ(m.global_inits[0].instrs.size(), 1u);
  EXPECT_EQ(m.global_inits[0].instrs[0].op, Op::F64Const);
  EXPECT_EQ(m.global_inits[0].instrs[0].imm, 0x3FF8000000000000u);

  ASSERT_EQ(m.exports.size(), 2u);
  EXPECT_EQ(m.exports[0].name, "a");
  EXPECT_EQ(m.exports[0].kind, ExternKind::Func);
  EXPECT_EQ(m.exports[0].index, 1u);
  EXPECT_EQ(m.exports[1].kind, ExternKind::Memory);
  EXPECT_EQ(m.start, std::optional<uint32_t>(3));

  ASSERT_EQ(m.elems.size(), 3u);
  EXPECT_EQ(m.elems[0].mode, SegmentMode::Active);
  EXPECT_EQ(m.elems[0].offset_expr.instrs[0].op, Op::I32Const);
  EXPECT_EQ(m.elems[0].offset_expr.instrs[0].imm, 3u);
  ASSERT_EQ(m.elems[0].items.size(), 2u);
  EXPECT_EQ(m.elems[0].items[1].instrs[0].op, Op::RefFunc);
  EXPECT_EQ(m.elems[0].items[1].instrs[0].imm, 2u);
  EXPECT_EQ(m.elems[1].mode, SegmentMode::Passive);
  EXPECT_EQ(m.elems[2].mode, SegmentMode::Declarative);

  ASSERT_EQ(m.bodies.size(), 3u);
  const FuncBody& a = m.bodies[0];
  ASSERT_EQ(a.locals.size(), 2u);
  EXPECT_EQ(a.locals[0].count, 2u);
  EXPECT_EQ(a.locals[0].type, ValType::I64);
  EXPECT_EQ(a.locals[1].type, ValType::F32);
  EXPECT_EQ(a.num_locals, 3u);
  // Body: local.get 0; end.
  ASSERT_EQ(a.code_end - a.code_offset, 3u);
  EXPECT_EQ(m.bytes[a.code_offset], 0x20);
  EXPECT_EQ(m.bytes[a.code_end - 1], 0x0B);

  ASSERT_EQ(m.datas.size(), 2u);
  EXPECT_EQ(m.datas[0].mode, SegmentMode::Active);
  EXPECT_EQ(m.datas[0].offset_expr.instrs[0].imm, 16u);
  EXPECT_EQ(std::string(m.bytes.begin() + m.datas[0].data_offset,
                        m.bytes.begin() + m.datas[0].data_offset + m.datas[0].data_size),
            "hi");
  EXPECT_EQ(m.datas[1].mode, SegmentMode::Passive);
  EXPECT_EQ(m.datas[1].data_size, 3u);
  EXPECT_EQ(m.data_count, std::nullopt);  // wat2wasm writes none without bulk ops

  std::vector<std::string> names;
  for (const auto& s : m.sections) names.push_back(s.name);
  EXPECT_EQ(names, (std::vector<std::string>{"type", "import", "function", "table", "global",
                                             "export", "start", "element", "code", "data"}));
}

TEST(BinaryReader, AllEightElementEncodings) {
  // Table section (one funcref table) and one function, then one segment per flag.
  const Bytes elems = {
      0x08,
      0x00, 0x41, 0x00, 0x0B, 0x01, 0x00,              // 0: active table 0, func indices
      0x01, 0x00, 0x01, 0x00,                          // 1: passive, elemkind, indices
      0x02, 0x00, 0x41, 0x00, 0x0B, 0x00, 0x01, 0x00,  // 2: active table 0 explicit
      0x03, 0x00, 0x01, 0x00,                          // 3: declarative
      0x04, 0x41, 0x00, 0x0B, 0x01, 0xD2, 0x00, 0x0B,  // 4: active, exprs
      0x05, 0x70, 0x02, 0xD0, 0x70, 0x0B, 0xD2, 0x00, 0x0B,  // 5: passive exprs
      0x06, 0x00, 0x41, 0x00, 0x0B, 0x6F, 0x01, 0xD0, 0x6F, 0x0B,  // 6: active externref
      0x07, 0x70, 0x01, 0xD2, 0x00, 0x0B,              // 7: declarative exprs
  };
  ModuleInfo m = must_read(
      module(cat({kType0, kFunc1, sec(4, {0x01, 0x70, 0x00, 0x01}), sec(9, elems), kCodeNop})));
  ASSERT_EQ(m.elems.size(), 8u);
  const SegmentMode modes[] = {SegmentMode::Active, SegmentMode::Passive, SegmentMode::Active,
                               SegmentMode::Declarative, SegmentMode::Active, SegmentMode::Passive,
                               SegmentMode::Active, SegmentMode::Declarative};
  for (int i = 0; i < 8; ++i) {
    EXPECT_EQ(m.elems[i].mode, modes[i]) << i;
    ASSERT_FALSE(m.elems[i].items.empty()) << i;
    EXPECT_EQ(m.elems[i].items[0].instrs.size(), 1u) << i;
  }
  EXPECT_EQ(m.elems[0].items[0].instrs[0].op, Op::RefFunc);
  EXPECT_EQ(m.elems[4].items[0].instrs[0].op, Op::RefFunc);
  EXPECT_EQ(m.elems[5].items.size(), 2u);
  EXPECT_EQ(m.elems[5].items[0].instrs[0].op, Op::RefNull);
  EXPECT_EQ(m.elems[6].elem_type, ValType::ExternRef);
  EXPECT_EQ(m.elems[6].items[0].instrs[0].ref_type, ValType::ExternRef);
  EXPECT_EQ(m.elems[0].elem_type, ValType::FuncRef);
}

TEST(BinaryReader, ElementSegmentKindErrors) {
  const Bytes head = cat({kType0, kFunc1, sec(4, {0x01, 0x70, 0x00, 0x01})});
  // Section 9 starts at 8 + 6 + 4 + 6 = 24; its count at 26, the segment at 27.
  EXPECT_MALFORMED(module(cat({head, sec(9, {0x01, 0x08, 0x00, 0x00}), kCodeNop})),
                   "malformed elements segment kind", 27);
  EXPECT_MALFORMED(module(cat({head, sec(9, {0x01, 0x01, 0x01, 0x01, 0x00}), kCodeNop})),
                   "malformed element kind", 28);
}

TEST(BinaryReader, ConstantExpressionsKeepEveryInstruction) {
  // global i32 = (i32.const 1) (i32.const 2) (i32.add) -- decodes; the validator rejects.
  ModuleInfo m = must_read(module(sec(6, {0x01, 0x7F, 0x00, 0x41, 0x01, 0x41, 0x02, 0x6A, 0x0B})));
  ASSERT_EQ(m.global_inits.size(), 1u);
  const ConstExpr& e = m.global_inits[0];
  ASSERT_EQ(e.instrs.size(), 3u);
  EXPECT_EQ(e.instrs[2].op, Op::I32Add);
  EXPECT_EQ(e.offset, 13u);
  EXPECT_EQ(e.instrs[1].offset, 15u);
  // A nested block's `end` does not end the expression.
  m = must_read(module(sec(6, {0x01, 0x7F, 0x00, 0x02, 0x40, 0x0B, 0x41, 0x05, 0x0B})));
  ASSERT_EQ(m.global_inits[0].instrs.size(), 3u);
  EXPECT_EQ(m.global_inits[0].instrs[2].imm, 5u);
}

TEST(BinaryReader, NameSection) {
  const Bytes b = test::wat2wasm("(module $mod (func $first) (func $second))", "--debug-names");
  ModuleInfo m = must_read(b);
  EXPECT_EQ(m.module_name, "mod");
  ASSERT_EQ(m.func_names.size(), 2u);
  EXPECT_EQ(m.func_names.at(0), "first");
  EXPECT_EQ(m.func_names.at(1), "second");
  EXPECT_EQ(m.sections.back().id, 0);
  EXPECT_EQ(m.sections.back().name, "name");
}

TEST(BinaryReader, MalformedNameSectionIsIgnored) {
  // "name" section whose function-names subsection claims more bytes than it has, and
  // one with invalid UTF-8 in a name: both leave the module valid and unnamed.
  const Bytes bad_size = sec(0, {0x04, 'n', 'a', 'm', 'e', 0x01, 0x7F, 0x00});
  ModuleInfo m = must_read(module(bad_size));
  EXPECT_TRUE(m.func_names.empty());
  ASSERT_EQ(m.sections.size(), 1u);
  EXPECT_EQ(m.sections[0].name, "name");
  const Bytes bad_utf8 = sec(0, {0x04, 'n', 'a', 'm', 'e', 0x00, 0x02, 0x01, 0xFF});
  m = must_read(module(bad_utf8));
  EXPECT_TRUE(m.module_name.empty());
}

TEST(BinaryReader, CustomSectionsAnywhere) {
  const Bytes custom = sec(0, {0x01, 'x', 0xDE, 0xAD});
  ModuleInfo m = must_read(module(cat({custom, kType0, custom, kFunc1, kCodeNop, custom})));
  ASSERT_EQ(m.sections.size(), 6u);
  EXPECT_EQ(m.sections[0].name, "x");
  EXPECT_EQ(m.sections[0].offset, 8u);
  EXPECT_EQ(m.sections[0].size, 4u);
  EXPECT_EQ(m.sections[2].name, "x");
  EXPECT_EQ(m.bodies.size(), 1u);
}

TEST(BinaryReader, HeaderErrors) {
  EXPECT_MALFORMED(Bytes{}, "unexpected end", 0);
  EXPECT_MALFORMED((Bytes{0x00, 0x61, 0x73}), "unexpected end", 3);
  EXPECT_MALFORMED((Bytes{0x00, 0x41, 0x53, 0x4D, 0x01, 0x00, 0x00, 0x00}),
                   "magic header not detected", 0);
  EXPECT_MALFORMED((Bytes{0x00, 0x61, 0x73, 0x6D, 0x01}), "unexpected end", 5);
  EXPECT_MALFORMED((Bytes{0x00, 0x61, 0x73, 0x6D, 0x02, 0x00, 0x00, 0x00}),
                   "unknown binary version", 4);
}

TEST(BinaryReader, SectionFramingErrors) {
  EXPECT_MALFORMED(module({0x0D, 0x00}), "malformed section id", 8);
  // Section size LEB cut off at the end of the module.
  EXPECT_MALFORMED(module({0x01, 0x80}), "unexpected end of section or function", 10);
  // Section size larger than the rest of the module.
  EXPECT_MALFORMED(module({0x01, 0x05, 0x00}), "length out of bounds", 9);
  // Type section declares 5 bytes but its content is 3 (one empty vec + 2 extra bytes).
  Error e = must_fail(module({0x01, 0x03, 0x00, 0x00, 0x00}));
  EXPECT_EQ(e.message, "section size mismatch");
  EXPECT_EQ(e.offset, 9u);
  EXPECT_EQ(e.where, "section 'type'");
  // Over-long section size: six bytes for a u32.
  EXPECT_MALFORMED(module({0x01, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00}),
                   "integer representation too long", 14);
  // Out of order and repeated sections.
  EXPECT_MALFORMED(module(cat({kFunc1, kType0})), "unexpected content after last section", 12);
  EXPECT_MALFORMED(module(cat({kType0, kType0})), "unexpected content after last section", 14);
  // The data count section goes before the code section.
  EXPECT_MALFORMED(module(cat({kType0, kFunc1, kCodeNop, sec(12, {0x00})})),
                   "unexpected content after last section", 24);
}

TEST(BinaryReader, LebErrorsCarryTheOffsetOfTheBadByte) {
  // Type count 0x80 0x80 0x80 0x80 0x70: fifth byte has bits beyond 32.
  EXPECT_MALFORMED(module({0x01, 0x05, 0x80, 0x80, 0x80, 0x80, 0x70}), "integer too large", 14);
  // Function section type index over-long.
  EXPECT_MALFORMED(module(cat({kType0, sec(3, {0x01, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00})})),
                   "integer representation too long", 22);
}

TEST(BinaryReader, Utf8Names) {
  // Export section: count 1, name length n, name bytes, kind 0 (func), index 0.
  auto with_export_name = [](const Bytes& name) {
    Bytes payload = {0x01, static_cast<uint8_t>(name.size())};
    payload.insert(payload.end(), name.begin(), name.end());
    payload.insert(payload.end(), {0x00, 0x00});
    return module(cat({kType0, kFunc1, sec(7, payload), kCodeNop}));
  };
  // Export section at 8+6+4 = 18, count at 20, name length at 21.
  const Bytes bad[] = {
      {0xC0, 0x80},              // overlong NUL
      {0xE0, 0x80, 0x80},        // overlong 3-byte
      {0xF0, 0x80, 0x80, 0x80},  // overlong 4-byte
      {0xED, 0xA0, 0x80},        // surrogate U+D800
      {0xF4, 0x90, 0x80, 0x80},  // U+110000
      {0x80},                    // lone continuation byte
      {0xE2, 0x82},              // truncated sequence
      {0xFF},
  };
  for (const Bytes& name : bad) {
    Error e = must_fail(with_export_name(name));
    EXPECT_EQ(e.message, "malformed UTF-8 encoding");
    EXPECT_EQ(e.offset, 21u);
    EXPECT_EQ(e.where, "section 'export'");
  }
  ModuleInfo m = must_read(with_export_name({0xF0, 0x9F, 0x8E, 0xB9, 'k', 0xC3, 0xA9}));
  ASSERT_EQ(m.exports.size(), 1u);
  EXPECT_EQ(m.exports[0].name, "\xF0\x9F\x8E\xB9k\xC3\xA9");
  // Custom section names are names too.
  EXPECT_MALFORMED(module(sec(0, {0x01, 0xC0})), "malformed UTF-8 encoding", 10);
}

TEST(BinaryReader, TypeAndImportErrors) {
  EXPECT_MALFORMED(module(sec(1, {0x01, 0x61, 0x00, 0x00})), "malformed function type", 11);
  EXPECT_MALFORMED(module(sec(1, {0x01, 0x60, 0x01, 0x7A, 0x00})), "malformed value type", 13);
  // Import "m" "x": kind 4 does not exist.
  EXPECT_MALFORMED(module(sec(2, {0x01, 0x01, 'm', 0x01, 'x', 0x04, 0x00})),
                   "malformed import kind", 15);
  // Global import with mutability 2.
  EXPECT_MALFORMED(module(sec(2, {0x01, 0x01, 'm', 0x01, 'x', 0x03, 0x7F, 0x02})),
                   "malformed mutability", 17);
  // Table import with element type i32.
  EXPECT_MALFORMED(module(sec(2, {0x01, 0x01, 'm', 0x01, 'x', 0x01, 0x7F, 0x00, 0x00})),
                   "malformed reference type", 16);
  // Memory limits flags: 2 is out of range for the one-bit flag, 0x81 is over-long.
  EXPECT_MALFORMED(module(sec(5, {0x01, 0x02, 0x00})), "integer too large", 11);
  EXPECT_MALFORMED(module(sec(5, {0x01, 0x81, 0x00, 0x00})), "integer representation too long",
                   12);
}

TEST(BinaryReader, ExportKindError) {
  // Export section at 18: count at 20, name "a" at 21..22, kind at 23.
  EXPECT_MALFORMED(module(cat({kType0, kFunc1, sec(7, {0x01, 0x01, 'a', 0x04, 0x00}), kCodeNop})),
                   "malformed export kind", 23);
}

TEST(BinaryReader, FunctionAndCodeCounts) {
  // Function section says 1, no code section at all.
  EXPECT_MALFORMED(module(cat({kType0, kFunc1})),
                   "function and code section have inconsistent lengths", 18);
  // Code section with 2 bodies for 1 function; code count at 20.
  EXPECT_MALFORMED(
      module(cat({kType0, kFunc1, sec(10, {0x02, 0x02, 0x00, 0x0B, 0x02, 0x00, 0x0B})})),
      "function and code section have inconsistent lengths", 20);
  // Code without functions.
  EXPECT_MALFORMED(module(cat({kType0, kCodeNop})),
                   "function and code section have inconsistent lengths", 16);
}

TEST(BinaryReader, FunctionBodyErrors) {
  const Bytes head = cat({kType0, kFunc1});  // code section id at 18, count at 20, body at 21
  // Body whose size does not cover its final end.
  Error e = must_fail(module(cat({head, sec(10, {0x01, 0x02, 0x00, 0x01, 0x0B})})));
  EXPECT_EQ(e.message, "section size mismatch");
  EXPECT_EQ(e.offset, 21u);
  EXPECT_EQ(e.where, "function 0");
  // Missing end at the end of the module.
  EXPECT_MALFORMED(module(cat({head, sec(10, {0x01, 0x02, 0x00, 0x01})})),
                   "unexpected end of section or function", 24);
  // `else` outside an `if`.
  EXPECT_MALFORMED(module(cat({head, sec(10, {0x01, 0x03, 0x00, 0x05, 0x0B})})),
                   "END opcode expected", 23);
  // A second `else` in one `if`: if(24) else(26) else(27).
  EXPECT_MALFORMED(
      module(cat({head, sec(10, {0x01, 0x08, 0x00, 0x41, 0x00, 0x04, 0x40, 0x05, 0x05, 0x0B, 0x0B})})),
      "END opcode expected", 28);
  // A valid if/else/end decodes.
  must_read(module(cat({head, sec(10, {0x01, 0x08, 0x00, 0x41, 0x00, 0x04, 0x40, 0x05, 0x0B, 0x0B})})));
  // Illegal opcode, and a SIMD sub-opcode in a gap of the table, inside a body.
  EXPECT_MALFORMED(module(cat({head, sec(10, {0x01, 0x03, 0x00, 0x06, 0x0B})})),
                   "illegal opcode 0x06", 23);
  EXPECT_MALFORMED(module(cat({head, sec(10, {0x01, 0x05, 0x00, 0xFD, 0x9A, 0x01, 0x0B})})),
                   "illegal opcode 0xfd 0x9a", 23);
  // v128.const cut off by the end of the body.
  EXPECT_MALFORMED(module(cat({head, sec(10, {0x01, 0x04, 0x00, 0xFD, 0x0C, 0x0B})})),
                   "unexpected end of section or function", 25);
  // Bad value type in a local declaration.
  EXPECT_MALFORMED(module(cat({head, sec(10, {0x01, 0x04, 0x01, 0x01, 0x40, 0x0B})})),
                   "malformed value type", 24);
}

TEST(BinaryReader, TooManyLocals) {
  const Bytes head = cat({kType0, kFunc1});
  // 50000 locals (0xD0 0x86 0x03) are allowed, 50001 (0xD1 0x86 0x03) are not.
  ModuleInfo m =
      must_read(module(cat({head, sec(10, {0x01, 0x06, 0x01, 0xD0, 0x86, 0x03, 0x7F, 0x0B})})));
  EXPECT_EQ(m.bodies[0].num_locals, 50000u);
  EXPECT_MALFORMED(module(cat({head, sec(10, {0x01, 0x06, 0x01, 0xD1, 0x86, 0x03, 0x7F, 0x0B})})),
                   "too many locals", 22);
  // Two groups whose sum overflows u32.
  EXPECT_MALFORMED(
      module(cat({head, sec(10, {0x01, 0x0E, 0x02, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x7F, 0xFF,
                                 0xFF, 0xFF, 0xFF, 0x0F, 0x7E, 0x0B})})),
      "too many locals", 22);
}

TEST(BinaryReader, DataCountRules) {
  const Bytes mem = sec(5, {0x01, 0x00, 0x01});
  const Bytes data1 = sec(11, {0x01, 0x01, 0x00});  // one passive empty segment
  // memory.init 0 in the single body: i32.const 0 x3, 0xFC 8 0 0.
  const Bytes code_init = sec(10, {0x01, 0x0C, 0x00, 0x41, 0x00, 0x41, 0x00, 0x41, 0x00,
                                   0xFC, 0x08, 0x00, 0x00, 0x0B});
  // Layout: type 8..13, func 14..17, memory 18..22, code 23.. : memory.init at 23+3+2+6 = 34.
  EXPECT_MALFORMED(module(cat({kType0, kFunc1, mem, code_init, data1})),
                   "data count section required", 34);
  ModuleInfo m = must_read(module(cat({kType0, kFunc1, mem, sec(12, {0x01}), code_init, data1})));
  EXPECT_EQ(m.data_count, std::optional<uint32_t>(1));
  // Data count 2, one segment; the data section's count sits at 8+6+4+5+3+16+2 = 44.
  EXPECT_MALFORMED(module(cat({kType0, kFunc1, mem, sec(12, {0x02}), code_init, data1})),
                   "data count and data section have inconsistent lengths", 44);
  EXPECT_MALFORMED(module(cat({mem, sec(11, {0x01, 0x03, 0x00})})), "malformed data segment kind",
                   16);
}

TEST(BinaryReader, DataSegmentLengths) {
  const Bytes mem = sec(5, {0x01, 0x00, 0x01});
  // Active segment at 16: flags, i32.const 0, end, size 3 at 20, only 2 bytes follow
  // (reported where the payload starts).
  EXPECT_MALFORMED(module(cat({mem, Bytes{0x0B, 0x08, 0x01, 0x00, 0x41, 0x00, 0x0B, 0x03, 0x61,
                                          0x62}})),
                   "unexpected end of section or function", 21);
}

TEST(BinaryReader, ErrorToStringNamesSectionAndOffset) {
  Error e = must_fail(module({0x01, 0x03, 0x00, 0x00, 0x00}));
  EXPECT_EQ(e.to_string(), "section 'type' at byte offset 0x9: section size mismatch");
}

}  // namespace
}  // namespace midimon::wasm
