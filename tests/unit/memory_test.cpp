// MemoryInst and TableInst: growth, limits, zeroing, base stability.
#include <gtest/gtest.h>

#include "wasm/engine.h"
#include "wasm/store.h"

namespace midimon::wasm {
namespace {

MemoryInst* make_memory(Store& store, uint32_t min, std::optional<uint32_t> max) {
  auto m = store.create_memory(MemoryType{Limits{min, max}});
  EXPECT_TRUE(m.ok()) << (m.ok() ? "" : m.error().message);
  return m.ok() ? *m : nullptr;
}

TEST(Memory, StartsAtMinimumAndZeroFilled) {
  Engine engine;
  Store store(engine);
  MemoryInst* m = make_memory(store, 2, 5);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->pages(), 2u);
  EXPECT_EQ(m->size, 2u * kPageSize);
  for (uint64_t i = 0; i < m->size; i += 4093) EXPECT_EQ(m->base[i], 0) << i;
  EXPECT_EQ(m->base[m->size - 1], 0);
}

TEST(Memory, GrowReturnsOldPagesAndKeepsBase) {
  Engine engine;
  Store store(engine);
  MemoryInst* m = make_memory(store, 1, 4);
  ASSERT_NE(m, nullptr);
  uint8_t* base = m->base;
  m->base[10] = 42;
  EXPECT_EQ(m->grow(0), 1);
  EXPECT_EQ(m->grow(2), 1);
  EXPECT_EQ(m->pages(), 3u);
  EXPECT_EQ(m->type.limits.min, 3u);
  EXPECT_EQ(m->base, base);
  EXPECT_EQ(m->base[10], 42);
  // The new pages are zero and writable.
  EXPECT_EQ(m->base[2 * kPageSize + 7], 0);
  m->base[3 * kPageSize - 1] = 9;
  EXPECT_EQ(m->base[3 * kPageSize - 1], 9);
}

TEST(Memory, GrowRefusedBeyondDeclaredMax) {
  Engine engine;
  Store store(engine);
  MemoryInst* m = make_memory(store, 1, 2);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->grow(2), -1);
  EXPECT_EQ(m->pages(), 1u);
  EXPECT_EQ(m->grow(1), 1);
  EXPECT_EQ(m->grow(1), -1);
  EXPECT_EQ(m->pages(), 2u);
}

TEST(Memory, UnboundedGrowRefusedBeyond4GiB) {
  Engine engine;
  Store store(engine);
  MemoryInst* m = make_memory(store, 0, std::nullopt);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->grow(kMaxPages + 1), -1);
  EXPECT_EQ(m->grow(UINT32_MAX), -1);
  EXPECT_EQ(m->pages(), 0u);
  EXPECT_EQ(m->grow(1), 0);
  EXPECT_EQ(m->grow(kMaxPages), -1);  // 1 + 65536 pages
  EXPECT_EQ(m->pages(), 1u);
}

TEST(Memory, GrowToExactly4GiB) {
  // Committing is lazy, so a full 4 GiB memory costs address space, not RAM.
  Engine engine;
  Store store(engine);
  MemoryInst* m = make_memory(store, 0, std::nullopt);
  ASSERT_NE(m, nullptr);
  ASSERT_EQ(m->grow(kMaxPages), 0);
  EXPECT_EQ(m->size, uint64_t{kMaxPages} * kPageSize);
  m->base[m->size - 1] = 1;
  EXPECT_EQ(m->grow(1), -1);
  EXPECT_EQ(m->grow(0), kMaxPages);
}

TEST(Memory, ZeroMaxMemory) {
  Engine engine;
  Store store(engine);
  MemoryInst* m = make_memory(store, 0, 0);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->size, 0u);
  EXPECT_EQ(m->grow(0), 0);
  EXPECT_EQ(m->grow(1), -1);
}

TEST(Memory, InvalidLimitsRejected) {
  Engine engine;
  Store store(engine);
  auto a = store.create_memory(MemoryType{Limits{3, 2}});
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().kind, ErrorKind::Usage);
  auto b = store.create_memory(MemoryType{Limits{kMaxPages + 1, std::nullopt}});
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().kind, ErrorKind::Usage);
}

TEST(Memory, ManyUnboundedMemoriesInOneStore) {
  // Each reserves 4 GiB + a guard of address space up front.
  Engine engine;
  Store store(engine);
  for (int i = 0; i < 64; ++i) ASSERT_NE(make_memory(store, 1, std::nullopt), nullptr) << i;
}

TEST(Memory, ViewChecksBounds) {
  Engine engine;
  Store store(engine);
  MemoryInst* m = make_memory(store, 1, 1);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->view(0, kPageSize), m->base);
  EXPECT_EQ(m->view(kPageSize, 0), m->base + kPageSize);
  EXPECT_EQ(m->view(kPageSize - 3, 4), nullptr);
  EXPECT_EQ(m->view(UINT64_MAX, 2), nullptr);
}

TEST(Table, CreateInitialisesElements) {
  Engine engine;
  Store store(engine);
  auto t = store.create_table(TableType{ValType::ExternRef, Limits{3, 5}}, Ref{7});
  ASSERT_TRUE(t.ok());
  EXPECT_EQ((*t)->elems, (std::vector<Ref>{7, 7, 7}));
  EXPECT_EQ((*t)->max, 5u);
}

TEST(Table, GrowWithinMaxAndRefusedBeyond) {
  Engine engine;
  Store store(engine);
  auto r = store.create_table(TableType{ValType::ExternRef, Limits{1, 4}});
  ASSERT_TRUE(r.ok());
  TableInst* t = *r;
  EXPECT_EQ(t->grow(2, Ref{9}), 1);
  EXPECT_EQ(t->elems, (std::vector<Ref>{kNullRef, 9, 9}));
  EXPECT_EQ(t->type.limits.min, 3u);
  EXPECT_EQ(t->grow(2, kNullRef), -1);
  EXPECT_EQ(t->elems.size(), 3u);
  EXPECT_EQ(t->grow(1, kNullRef), 3);
  EXPECT_EQ(t->grow(0, kNullRef), 4);
}

TEST(Table, GrowRefusesUint32OverflowAndEngineLimit) {
  Engine engine;
  Store store(engine);
  auto r = store.create_table(TableType{ValType::FuncRef, Limits{16, std::nullopt}});
  ASSERT_TRUE(r.ok());
  TableInst* t = *r;
  EXPECT_EQ(t->max, kMaxTableElems);
  EXPECT_EQ(t->grow(0xffff'fff0u, kNullRef), -1);
  EXPECT_EQ(t->grow(kMaxTableElems - 16 + 1, kNullRef), -1);
  EXPECT_EQ(t->elems.size(), 16u);
  EXPECT_EQ(t->grow(kMaxTableElems - 16, kNullRef), 16);
  EXPECT_EQ(t->elems.size(), kMaxTableElems);
}

TEST(Table, CreateBeyondEngineLimitIsLimitError) {
  Engine engine;
  Store store(engine);
  auto r = store.create_table(TableType{ValType::FuncRef, Limits{kMaxTableElems + 1, std::nullopt}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::Limit);
  EXPECT_EQ(r.error().message, "table of 10000001 elements exceeds the engine's limit of 10000000");
  auto bad = store.create_table(TableType{ValType::FuncRef, Limits{2, 1}});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().kind, ErrorKind::Usage);
}

}  // namespace
}  // namespace midimon::wasm
