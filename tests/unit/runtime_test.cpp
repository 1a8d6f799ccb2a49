// Engine, Module, Store, instantiation, Instance exports, Linker, host functions, traps.
// Tests that run wasm code need the compiler and the interpreter.
#include <gtest/gtest.h>

#include <atomic>
#include <cstring>
#include <thread>

#include "wat_util.h"
#include "wasm/engine.h"
#include "wasm/linker.h"
#include "wasm/module.h"
#include "wasm/store.h"

namespace midimon::wasm {
namespace {

const FuncType kI32ToVoid{{ValType::I32}, {}};
const FuncType kVoidToVoid{{}, {}};
const FuncType kI32I32ToI32{{ValType::I32, ValType::I32}, {ValType::I32}};

std::shared_ptr<const Module> compile(Engine& engine, const std::string& wat) {
  const auto bytes = test::wat2wasm(wat);
  auto m = Module::compile(engine, bytes);
  EXPECT_TRUE(m.ok()) << (m.ok() ? "" : m.error().to_string());
  return m.ok() ? *m : nullptr;
}

// --- Engine ---------------------------------------------------------------

TEST(Engine, InternGivesEqualIdsToEqualTypes) {
  Engine engine;
  const uint32_t a = engine.intern_type(kI32ToVoid);
  const uint32_t b = engine.intern_type(kVoidToVoid);
  const uint32_t c = engine.intern_type(FuncType{{ValType::I32}, {}});
  const uint32_t d = engine.intern_type(FuncType{{}, {ValType::I32}});
  EXPECT_EQ(a, c);
  EXPECT_NE(a, b);
  EXPECT_NE(a, d);  // params and results are not interchangeable
  EXPECT_EQ(engine.type(a), kI32ToVoid);
  EXPECT_EQ(engine.type(d).results, std::vector<ValType>{ValType::I32});
}

TEST(Engine, TypeReferencesStayValidAndInterningIsThreadSafe) {
  Engine engine;
  const FuncType* first = &engine.type(engine.intern_type(kI32ToVoid));
  std::vector<std::thread> threads;
  std::atomic<bool> mismatch{false};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&engine, &mismatch] {
      for (int i = 0; i < 2000; ++i) {
        FuncType ft{std::vector<ValType>(static_cast<size_t>(i % 50), ValType::I64), {}};
        const uint32_t id = engine.intern_type(ft);
        if (!(engine.type(id) == ft)) mismatch = true;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_FALSE(mismatch);
  EXPECT_EQ(first, &engine.type(engine.intern_type(kI32ToVoid)));
  EXPECT_EQ(*first, kI32ToVoid);
}

// --- Traps ----------------------------------------------------------------

TEST(Trap, KindMessagesAreTheSpecWording) {
  EXPECT_STREQ(trap_kind_message(TrapKind::Unreachable), "unreachable");
  EXPECT_STREQ(trap_kind_message(TrapKind::IntegerDivideByZero), "integer divide by zero");
  EXPECT_STREQ(trap_kind_message(TrapKind::IntegerOverflow), "integer overflow");
  EXPECT_STREQ(trap_kind_message(TrapKind::InvalidConversionToInteger),
               "invalid conversion to integer");
  EXPECT_STREQ(trap_kind_message(TrapKind::OutOfBoundsMemoryAccess), "out of bounds memory access");
  EXPECT_STREQ(trap_kind_message(TrapKind::OutOfBoundsTableAccess), "out of bounds table access");
  EXPECT_STREQ(trap_kind_message(TrapKind::UndefinedElement), "undefined element");
  EXPECT_STREQ(trap_kind_message(TrapKind::UninitializedElement), "uninitialized element");
  EXPECT_STREQ(trap_kind_message(TrapKind::IndirectCallTypeMismatch), "indirect call type mismatch");
  EXPECT_STREQ(trap_kind_message(TrapKind::CallStackExhausted), "call stack exhausted");
  EXPECT_STREQ(trap_kind_message(TrapKind::FuelExhausted), "fuel exhausted");
  EXPECT_STREQ(trap_kind_message(TrapKind::DeadlineExceeded), "deadline exceeded");
}

TEST(Trap, MessageAddsDetail) {
  EXPECT_EQ(Trap(TrapKind::Unreachable).message(), "unreachable");
  Trap t(TrapKind::OutOfBoundsMemoryAccess);
  t.set_detail("at 0x10");
  EXPECT_EQ(t.message(), "out of bounds memory access: at 0x10");
  EXPECT_EQ(Trap::host("no such file").message(), "no such file");
  EXPECT_EQ(Trap(TrapKind::Host).message(), "host trap");
  EXPECT_EQ(Trap::exit(3).message(), "exit with code 3");
  EXPECT_TRUE(Trap().ok());
  EXPECT_FALSE(Trap::host("x").ok());
  EXPECT_EQ(Trap().detail(), "");
}

TEST(Trap, CopiesKeepTheirOwnDetail) {
  Trap a = Trap::host("first");
  Trap b = a;
  b.set_detail("second");
  EXPECT_EQ(a.message(), "first");
  EXPECT_EQ(b.message(), "second");
  Trap c;
  c = a;
  EXPECT_EQ(c.message(), "first");
  Trap d = std::move(c);
  EXPECT_EQ(d.message(), "first");
  EXPECT_EQ(d.kind, TrapKind::Host);
}

// --- Store basics ---------------------------------------------------------

TEST(Store, LimitsDefaultToEngineConfig) {
  Engine engine(EngineConfig{123, 4567});
  Store a(engine);
  EXPECT_EQ(a.limits().max_call_depth, 123u);
  EXPECT_EQ(a.limits().max_value_stack_slots, 4567u);
  Store b(engine, StoreLimits{10, 0});
  EXPECT_EQ(b.limits().max_call_depth, 10u);
  EXPECT_EQ(b.limits().max_value_stack_slots, 4567u);
}

TEST(Store, HostFunctionCalledThroughStoreCall) {
  Engine engine;
  Store store(engine);
  Instance* seen_instance = reinterpret_cast<Instance*>(1);
  MemoryInst* seen_memory = reinterpret_cast<MemoryInst*>(1);
  FuncInst* add = store.create_host_func(
      kI32I32ToI32, [&](Caller& caller, const Value* args, Value* results) {
        seen_instance = caller.instance;
        seen_memory = caller.memory();
        results[0] = Value::from_i32(args[0].i32 + args[1].i32);
        return Trap();
      });
  EXPECT_TRUE(add->is_host());
  EXPECT_EQ(add->type_id, engine.intern_type(kI32I32ToI32));
  EXPECT_EQ(*add->type, kI32I32ToI32);
  Value args[2] = {Value::from_i32(40), Value::from_i32(2)};
  Value result[1] = {Value::from_i32(0)};
  Trap t = store.call(add, args, result);
  ASSERT_TRUE(t.ok()) << t.message();
  EXPECT_EQ(result[0].i32, 42u);
  EXPECT_EQ(seen_instance, nullptr);
  EXPECT_EQ(seen_memory, nullptr);
}

TEST(Store, HostFunctionTrapIsReturned) {
  Engine engine;
  Store store(engine);
  FuncInst* f = store.create_host_func(kVoidToVoid, [](Caller&, const Value*, Value*) {
    return Trap::host("permission denied");
  });
  Trap t = store.call(f, {}, {});
  EXPECT_EQ(t.kind, TrapKind::Host);
  EXPECT_EQ(t.message(), "permission denied");
}

TEST(Store, CallWithWrongArityIsAHostTrap) {
  Engine engine;
  Store store(engine);
  bool called = false;
  FuncInst* f = store.create_host_func(kI32ToVoid, [&](Caller&, const Value*, Value*) {
    called = true;
    return Trap();
  });
  Value one[1] = {Value::from_i32(1)};
  Value two[2] = {Value::from_i32(1), Value::from_i32(2)};
  Trap a = store.call(f, {}, {});
  EXPECT_EQ(a.kind, TrapKind::Host);
  EXPECT_EQ(a.message(), "function of type (i32) -> () called with 0 argument slots and 0 result slots");
  Trap b = store.call(f, two, {});
  EXPECT_EQ(b.kind, TrapKind::Host);
  Trap c = store.call(f, one, one);
  EXPECT_EQ(c.kind, TrapKind::Host);
  EXPECT_FALSE(called);
  Trap d = store.call(nullptr, {}, {});
  EXPECT_EQ(d.message(), "call of a null function");
}

// --- Module ---------------------------------------------------------------

TEST(Module, CompileReportsMalformedAndInvalid) {
  Engine engine;
  const uint8_t garbage[] = {0x00, 0x61, 0x73, 0x6e, 0x01, 0, 0, 0};
  auto a = Module::compile(engine, garbage);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().kind, ErrorKind::Malformed);
  EXPECT_EQ(a.error().message, "magic header not detected");

  // A global initialised with the wrong type; wat2wasm checks nothing with --no-check.
  const auto bad = test::wat2wasm("(module (global i32 (i64.const 0)))", "--no-check");
  auto b = Module::compile(engine, bad);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().kind, ErrorKind::Invalid);
  EXPECT_EQ(b.error().message, "type mismatch");
  auto v = Module::validate(bad);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().kind, ErrorKind::Invalid);
  EXPECT_TRUE(Module::validate(test::wat2wasm("(module)")).ok());
}

TEST(Module, TypeIdsAreCanonical) {
  Engine engine;
  const uint32_t expected = engine.intern_type(kI32ToVoid);
  auto m = compile(engine, R"((module
    (type (func))
    (type (func (param i32)))
    (type (func (param i32)))))");
  ASSERT_TRUE(m);
  ASSERT_EQ(m->type_ids().size(), 3u);
  EXPECT_EQ(m->type_ids()[1], expected);
  EXPECT_EQ(m->type_ids()[2], expected);
  EXPECT_NE(m->type_ids()[0], expected);
  EXPECT_EQ(&m->engine(), &engine);
}

// --- Import matching ------------------------------------------------------

class ImportMismatch : public ::testing::Test {
 protected:
  Engine engine;
  Store store{engine};

  void expect_unlinkable(const std::string& import_decl, Extern value, const std::string& message) {
    auto m = compile(engine, "(module " + import_decl + ")");
    ASSERT_TRUE(m);
    const Extern imports[1] = {value};
    auto r = store.instantiate(m, imports);
    ASSERT_FALSE(r.ok()) << import_decl;
    EXPECT_EQ(r.error().kind, ErrorKind::Unlinkable);
    EXPECT_EQ(r.error().message, message);
  }
  void expect_links(const std::string& import_decl, Extern value) {
    auto m = compile(engine, "(module " + import_decl + ")");
    ASSERT_TRUE(m);
    const Extern imports[1] = {value};
    auto r = store.instantiate(m, imports);
    EXPECT_TRUE(r.ok()) << import_decl << ": " << (r.ok() ? "" : r.error().message);
  }
  TableInst* table(uint32_t min, std::optional<uint32_t> max, ValType t = ValType::FuncRef) {
    return *store.create_table(TableType{t, Limits{min, max}});
  }
  MemoryInst* memory(uint32_t min, std::optional<uint32_t> max) {
    return *store.create_memory(MemoryType{Limits{min, max}});
  }
};

TEST_F(ImportMismatch, Func) {
  FuncInst* nullary = store.create_host_func(kVoidToVoid, {});
  FuncInst* unary = store.create_host_func(kI32ToVoid, {});
  const std::string decl = R"((import "spectest" "print_i32" (func (param i32))))";
  expect_unlinkable(decl, Extern::func(nullary),
                    "incompatible import type for spectest.print_i32: expected func (i32) -> (), "
                    "got func () -> ()");
  expect_links(decl, Extern::func(unary));
}

TEST_F(ImportMismatch, WrongKind) {
  expect_unlinkable(R"((import "m" "f" (func)))", Extern::memory(memory(1, 1)),
                    "incompatible import type for m.f: expected func () -> (), got memory min 1 max 1");
  expect_unlinkable(R"((import "m" "g" (global i32)))", Extern::func(store.create_host_func(kVoidToVoid, {})),
                    "incompatible import type for m.g: expected global i32, got func () -> ()");
  expect_unlinkable(R"((import "m" "t" (table 0 funcref)))", Extern{ExternKind::Table, nullptr},
                    "incompatible import type for m.t: expected table funcref min 0, got null table");
}

TEST_F(ImportMismatch, Table) {
  const std::string decl = R"((import "m" "t" (table 2 4 funcref)))";
  expect_unlinkable(decl, Extern::table(table(1, 4)),
                    "incompatible import type for m.t: expected table funcref min 2 max 4, "
                    "got table funcref min 1 max 4");
  expect_unlinkable(decl, Extern::table(table(2, std::nullopt)),
                    "incompatible import type for m.t: expected table funcref min 2 max 4, "
                    "got table funcref min 2");
  expect_unlinkable(decl, Extern::table(table(2, 5)),
                    "incompatible import type for m.t: expected table funcref min 2 max 4, "
                    "got table funcref min 2 max 5");
  expect_unlinkable(decl, Extern::table(table(2, 4, ValType::ExternRef)),
                    "incompatible import type for m.t: expected table funcref min 2 max 4, "
                    "got table externref min 2 max 4");
  expect_links(decl, Extern::table(table(3, 3)));
  expect_links(R"((import "m" "t" (table 1 funcref)))", Extern::table(table(2, std::nullopt)));
  // A table that grew satisfies a larger minimum.
  TableInst* grown = table(1, 10);
  ASSERT_EQ(grown->grow(2, kNullRef), 1);
  expect_links(R"((import "m" "t" (table 3 funcref)))", Extern::table(grown));
}

TEST_F(ImportMismatch, Memory) {
  const std::string decl = R"((import "m" "mem" (memory 1 2)))";
  expect_unlinkable(decl, Extern::memory(memory(0, 2)),
                    "incompatible import type for m.mem: expected memory min 1 max 2, "
                    "got memory min 0 max 2");
  expect_unlinkable(decl, Extern::memory(memory(1, std::nullopt)),
                    "incompatible import type for m.mem: expected memory min 1 max 2, "
                    "got memory min 1");
  expect_unlinkable(decl, Extern::memory(memory(1, 3)),
                    "incompatible import type for m.mem: expected memory min 1 max 2, "
                    "got memory min 1 max 3");
  expect_links(decl, Extern::memory(memory(2, 2)));
  MemoryInst* grown = memory(0, 2);
  ASSERT_EQ(grown->grow(1), 0);
  expect_links(decl, Extern::memory(grown));
}

TEST_F(ImportMismatch, Global) {
  GlobalInst* const_i32 = store.create_global(GlobalType{ValType::I32, false}, Value::from_i32(1));
  GlobalInst* mut_i32 = store.create_global(GlobalType{ValType::I32, true}, Value::from_i32(1));
  GlobalInst* const_i64 = store.create_global(GlobalType{ValType::I64, false}, Value::from_i64(1));
  expect_unlinkable(R"((import "m" "g" (global i32)))", Extern::global(mut_i32),
                    "incompatible import type for m.g: expected global i32, got global mut i32");
  expect_unlinkable(R"((import "m" "g" (global (mut i32))))", Extern::global(const_i32),
                    "incompatible import type for m.g: expected global mut i32, got global i32");
  expect_unlinkable(R"((import "m" "g" (global i32)))", Extern::global(const_i64),
                    "incompatible import type for m.g: expected global i32, got global i64");
  expect_links(R"((import "m" "g" (global i32)))", Extern::global(const_i32));
  expect_links(R"((import "m" "g" (global (mut i32))))", Extern::global(mut_i32));
}

TEST_F(ImportMismatch, WrongNumberOfImports) {
  auto m = compile(engine, R"((module (import "m" "a" (func)) (import "m" "b" (func))))");
  ASSERT_TRUE(m);
  const Extern one[1] = {Extern::func(store.create_host_func(kVoidToVoid, {}))};
  auto r = store.instantiate(m, one);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::Unlinkable);
  EXPECT_EQ(r.error().message, "expected 2 imports, got 1");
}

TEST(Instantiate, ModuleFromAnotherEngineIsRefused) {
  Engine a, b;
  Store store(b);
  auto m = compile(a, "(module)");
  ASSERT_TRUE(m);
  auto r = store.instantiate(m, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::Usage);
}

// --- Linker ---------------------------------------------------------------

TEST(Linker, UnknownImport) {
  Engine engine;
  Store store(engine);
  Linker linker;
  linker.define_func(store, "env", "f", kVoidToVoid, {});
  auto m = compile(engine, R"((module (import "env" "f" (func)) (import "env" "g" (func))))");
  ASSERT_TRUE(m);
  auto r = linker.instantiate(store, m);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::Unlinkable);
  EXPECT_EQ(r.error().message, "unknown import: \"env\" \"g\"");
}

TEST(Linker, ResolvesByNameAndRegistersInstances) {
  Engine engine;
  Store store(engine);
  Linker linker;
  linker.define("host", "mem", Extern::memory(*store.create_memory(MemoryType{Limits{1, 1}})));
  linker.define("host", "g",
                Extern::global(store.create_global(GlobalType{ValType::I32, false},
                                                   Value::from_i32(0x1234))));
  auto provider = compile(engine, R"((module
    (import "host" "mem" (memory 1))
    (import "host" "g" (global i32))
    (global (export "g2") i32 (global.get 0))
    (global (export "h") (mut i64) (i64.const -5))
    (table (export "tab") 3 funcref)
    (export "memory" (memory 0))
    (data (i32.const 4) "hi")))");
  ASSERT_TRUE(provider);
  auto p = linker.instantiate(store, provider);
  ASSERT_TRUE(p.ok()) << p.error().message;
  Instance* pi = *p;
  ASSERT_NE(pi->get_global("g2"), nullptr);
  EXPECT_EQ(pi->get_global("g2")->value.i32, 0x1234u);
  EXPECT_EQ(pi->get_global("h")->value.i64, static_cast<uint64_t>(-5));
  EXPECT_TRUE(pi->get_global("h")->type.mut);
  ASSERT_NE(pi->get_table("tab"), nullptr);
  EXPECT_EQ(pi->get_table("tab")->elems.size(), 3u);
  MemoryInst* mem = pi->get_memory("memory");
  ASSERT_NE(mem, nullptr);
  EXPECT_EQ(std::memcmp(mem->base + 4, "hi", 2), 0);
  EXPECT_EQ(pi->get_func("memory"), nullptr);  // wrong kind
  EXPECT_FALSE(pi->get_export("nope").has_value());
  ASSERT_EQ(pi->exports().size(), 4u);
  EXPECT_EQ(pi->exports()[0].first, "g2");
  EXPECT_EQ(pi->datas.size(), 1u);
  EXPECT_TRUE(pi->datas[0].bytes.empty());  // dropped after initialisation

  linker.define_instance("provider", *pi);
  auto consumer = compile(engine, R"((module
    (import "provider" "memory" (memory 1 1))
    (import "provider" "g2" (global i32))
    (import "provider" "tab" (table 3 funcref))
    (data (i32.const 6) "!")))");
  ASSERT_TRUE(consumer);
  auto c = linker.instantiate(store, consumer);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(std::memcmp(mem->base + 4, "hi!", 3), 0);
  EXPECT_EQ((*c)->memories[0], mem);
  EXPECT_EQ(&(*c)->store(), &store);
}

// --- Segment initialisation -----------------------------------------------

TEST(Instantiate, DataSegmentOutOfBoundsKeepsEarlierSegments) {
  Engine engine;
  Store store(engine);
  MemoryInst* mem = *store.create_memory(MemoryType{Limits{1, std::nullopt}});
  auto m = compile(engine, R"((module
    (import "m" "mem" (memory 1))
    (data (i32.const 0) "ab")
    (data (i32.const 65535) "cd")
    (data (i32.const 100) "ef")))");
  ASSERT_TRUE(m);
  const Extern imports[1] = {Extern::memory(mem)};
  auto r = store.instantiate(m, imports);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::Uninstantiable);
  EXPECT_EQ(r.error().message, "out of bounds memory access");
  EXPECT_EQ(std::memcmp(mem->base, "ab", 2), 0);
  EXPECT_EQ(mem->base[65535], 0);  // nothing of the failing segment was written
  EXPECT_EQ(mem->base[100], 0);    // nor of the later one
}

TEST(Instantiate, EmptyDataSegmentPastTheEndTraps) {
  Engine engine;
  Store store(engine);
  auto ok = compile(engine, R"((module (memory 1) (data (i32.const 65536) "")))");
  ASSERT_TRUE(ok);
  EXPECT_TRUE(store.instantiate(ok, {}).ok());
  auto bad = compile(engine, R"((module (memory 1) (data (i32.const 65537) "")))");
  ASSERT_TRUE(bad);
  auto r = store.instantiate(bad, {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "out of bounds memory access");
}

TEST(Instantiate, ElemSegmentOutOfBoundsKeepsEarlierSegmentsAndFunctions) {
  Engine engine;
  Store store(engine);
  TableInst* table = *store.create_table(TableType{ValType::FuncRef, Limits{4, std::nullopt}});
  MemoryInst* mem = *store.create_memory(MemoryType{Limits{1, 1}});
  auto m = compile(engine, R"((module
    (import "m" "tab" (table 4 funcref))
    (import "m" "mem" (memory 1))
    (func $seven (result i32) (i32.const 7))
    (func $eight (result i32) (i32.const 8))
    (elem (i32.const 1) $seven $eight)
    (elem (i32.const 3) $eight $seven)
    (data (i32.const 0) "x")))");
  ASSERT_TRUE(m);
  const Extern imports[2] = {Extern::table(table), Extern::memory(mem)};
  auto r = store.instantiate(m, imports);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::Uninstantiable);
  EXPECT_EQ(r.error().message, "out of bounds table access");
  EXPECT_EQ(table->elems[0], kNullRef);
  ASSERT_NE(table->elems[1], kNullRef);
  ASSERT_NE(table->elems[2], kNullRef);
  EXPECT_EQ(table->elems[3], kNullRef);  // the failing segment wrote nothing
  EXPECT_EQ(mem->base[0], 0);            // data segments come after element segments

  // The functions in the table outlive the failed instantiation and still run.
  FuncInst* seven = ref_func(table->elems[1]);
  EXPECT_EQ(seven->func_index, 0u);
  EXPECT_EQ(&seven->instance->store(), &store);
  Value result[1] = {Value::from_i32(0)};
  Trap t = store.call(seven, {}, result);
  ASSERT_TRUE(t.ok()) << t.message();
  EXPECT_EQ(result[0].i32, 7u);
  t = store.call(ref_func(table->elems[2]), {}, result);
  ASSERT_TRUE(t.ok()) << t.message();
  EXPECT_EQ(result[0].i32, 8u);
}

TEST(Instantiate, ElementSegmentsAndRefGlobals) {
  Engine engine;
  Store store(engine);
  auto m = compile(engine, R"((module
    (table (export "t") 4 funcref)
    (func $a) (func $b)
    (global (export "ga") funcref (ref.func $a))
    (global (export "gn") funcref (ref.null func))
    (elem (i32.const 2) func $b $a)
    (elem $p func $a)
    (elem declare func $b)))");
  ASSERT_TRUE(m);
  auto r = store.instantiate(m, {});
  ASSERT_TRUE(r.ok()) << r.error().message;
  Instance* inst = *r;
  TableInst* t = inst->get_table("t");
  EXPECT_EQ(t->elems, (std::vector<Ref>{kNullRef, kNullRef, func_ref(inst->funcs[1]),
                                        func_ref(inst->funcs[0])}));
  EXPECT_EQ(inst->get_global("ga")->value.ref, func_ref(inst->funcs[0]));
  EXPECT_EQ(inst->get_global("gn")->value.ref, kNullRef);
  ASSERT_EQ(inst->elems.size(), 3u);
  EXPECT_TRUE(inst->elems[0].refs.empty());  // active: dropped
  EXPECT_EQ(inst->elems[1].refs, std::vector<Ref>{func_ref(inst->funcs[0])});  // passive: kept
  EXPECT_TRUE(inst->elems[2].refs.empty());  // declarative: dropped
  EXPECT_EQ(inst->funcs[0]->instance, inst);
  EXPECT_EQ(inst->funcs[0]->type_id, engine.intern_type(kVoidToVoid));
}

// --- Start function -------------------------------------------------------

TEST(Instantiate, StartFunctionRunsAndItsTrapFailsInstantiation) {
  Engine engine;
  Store store(engine);
  Linker linker;
  std::vector<uint32_t> log;
  linker.define_func(store, "env", "log", kI32ToVoid, [&](Caller& caller, const Value* args, Value*) {
    log.push_back(args[0].i32);
    EXPECT_NE(caller.instance, nullptr);
    EXPECT_NE(caller.memory(), nullptr);
    return Trap();
  });
  auto good = compile(engine, R"((module
    (import "env" "log" (func $log (param i32)))
    (memory 1)
    (func $start (call $log (i32.const 11)))
    (start $start)))");
  ASSERT_TRUE(good);
  auto r = linker.instantiate(store, good);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(log, std::vector<uint32_t>{11});

  auto bad = compile(engine, R"((module
    (import "env" "log" (func $log (param i32)))
    (memory 1)
    (func $start (call $log (i32.const 12)) unreachable)
    (start $start)))");
  ASSERT_TRUE(bad);
  auto b = linker.instantiate(store, bad);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().kind, ErrorKind::Uninstantiable);
  EXPECT_EQ(b.error().message, "unreachable");
  EXPECT_EQ(log, (std::vector<uint32_t>{11, 12}));
}

TEST(Instantiate, HostTrapInStartFunctionCarriesHostMessage) {
  Engine engine;
  Store store(engine);
  Linker linker;
  linker.define_func(store, "env", "fail", kVoidToVoid,
                     [](Caller&, const Value*, Value*) { return Trap::host("not capable"); });
  auto m = compile(engine, R"((module (import "env" "fail" (func $f)) (start $f)))");
  ASSERT_TRUE(m);
  auto r = linker.instantiate(store, m);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::Uninstantiable);
  EXPECT_EQ(r.error().message, "not capable");
}

TEST(Store, CallRunsWasmFunction) {
  Engine engine;
  Store store(engine);
  auto m = compile(engine, R"((module
    (func (export "add") (param i32 i32) (result i32)
      (i32.add (local.get 0) (local.get 1)))))");
  ASSERT_TRUE(m);
  auto r = store.instantiate(m, {});
  ASSERT_TRUE(r.ok()) << r.error().message;
  FuncInst* add = (*r)->get_func("add");
  ASSERT_NE(add, nullptr);
  EXPECT_FALSE(add->is_host());
  Value args[2] = {Value::from_i32(2), Value::from_i32(3)};
  Value result[1] = {Value::from_i32(0)};
  Trap t = store.call(add, args, result);
  ASSERT_TRUE(t.ok()) << t.message();
  EXPECT_EQ(result[0].i32, 5u);
  // Arity is checked before the interpreter runs.
  EXPECT_EQ(store.call(add, std::span<const Value>(args, 1), result).kind, TrapKind::Host);

  Store other(engine);
  Trap foreign = other.call(add, args, result);
  EXPECT_EQ(foreign.kind, TrapKind::Host);
  EXPECT_EQ(foreign.message(), "function belongs to another store");
}

}  // namespace
}  // namespace midimon::wasm
