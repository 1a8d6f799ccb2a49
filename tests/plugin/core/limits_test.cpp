// Every per-call limit exceeded by a plugin, and the plugin working again at the next call.
#include "tests/plugin/core/core_util.h"

namespace midimon::plugin::test {
namespace {

void expect_recovers(WasmPlugin& p) {
  const uint64_t before = p.instantiations();
  CallResult next = p.execute(action("count"));
  EXPECT_EQ(next.status, CallResult::Status::Failed) << describe(next);
  EXPECT_EQ(next.code, 1) << "a fresh instance counts from 1";
  EXPECT_EQ(p.instantiations(), before + 1);
}

TEST(PluginLimits, MemoryGrowPastTheCapFails) {
  Recorder rec;
  WasmPluginOptions o;
  o.limits.max_memory_bytes = 1ull << 20;  // 16 pages
  auto p = load_probe(rec, o);
  ASSERT_TRUE(p);
  CallResult small = p->execute(action("grow", R"({"pages":1})"));
  EXPECT_EQ(small.code, 1) << describe(small);
  CallResult big = p->execute(action("grow", R"({"pages":64})"));
  EXPECT_EQ(big.code, 2) << "refused: " << describe(big);
  // A refused grow is not a trap: the instance lives on (count is 1, then 2).
  EXPECT_EQ(p->execute(action("count")).code, 1);
  EXPECT_EQ(p->execute(action("count")).code, 2);
  EXPECT_EQ(p->instantiations(), 1u);
}

TEST(PluginLimits, InitialMemoryOverTheCapIsALoadError) {
  WatPlugin w;
  w.memory = "(memory (export \"memory\") 32)";  // 2 MiB
  WasmPluginOptions o;
  o.limits.max_memory_bytes = 1ull << 20;
  auto p = load_wasm_plugin(w.bytes(), o);
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.error().find("cannot instantiate"), std::string::npos) << p.error();
}

TEST(PluginLimits, FuelExhausted) {
  Recorder rec;
  WasmPluginOptions o;
  o.limits.fuel = 1'000'000;
  auto p = load_probe(rec, o);
  ASSERT_TRUE(p);
  CallResult r = p->execute(action("burn"));
  EXPECT_EQ(r.status, CallResult::Status::Trapped) << describe(r);
  EXPECT_NE(r.message.find("fuel exhausted"), std::string::npos) << r.message;
  EXPECT_EQ(r.fuel_used, 1'000'000u);
  EXPECT_EQ(rec.count_logs({"trap: fuel exhausted"}), 1u) << rec.all_logs();
  expect_recovers(*p);
}

TEST(PluginLimits, FuelIsPerCall) {
  Recorder rec;
  WasmPluginOptions o;
  o.limits.fuel = 200'000;
  auto p = load_probe(rec, o);
  ASSERT_TRUE(p);
  // Many calls that each fit the budget never run out: fuel is refilled per call.
  for (int i = 0; i < 50; ++i) {
    CallResult r = p->execute(action("ok"));
    ASSERT_TRUE(r.ok()) << i << ": " << describe(r);
    ASSERT_LT(r.fuel_used, 200'000u);
  }
}

TEST(PluginLimits, DeadlineExceeded) {
  Recorder rec;
  auto p = load_probe(rec);  // load under the defaults; only the call gets 20 ms
  ASSERT_TRUE(p);
  PluginLimits short_call;
  short_call.timeout = std::chrono::milliseconds(20);
  short_call.fuel = UINT64_MAX / 2;
  p->set_limits(short_call);
  CallResult r = p->execute(action("loop"));
  EXPECT_EQ(r.status, CallResult::Status::Trapped) << describe(r);
  EXPECT_NE(r.message.find("deadline exceeded"), std::string::npos) << r.message;
  EXPECT_GE(r.duration, std::chrono::milliseconds(20));
  p->set_limits(PluginLimits{});
  expect_recovers(*p);
}

TEST(PluginLimits, CallStackExhausted) {
  Recorder rec;
  auto p = load_probe(rec);
  ASSERT_TRUE(p);
  CallResult r = p->execute(action("recurse"));
  EXPECT_EQ(r.status, CallResult::Status::Trapped) << describe(r);
  EXPECT_NE(r.message.find("call stack exhausted"), std::string::npos) << r.message;
  expect_recovers(*p);
}

TEST(PluginLimits, TrapDiscardsTheInstanceButStateOnlyThen) {
  Recorder rec;
  auto p = load_probe(rec);
  ASSERT_TRUE(p);
  // Globals survive calls on one instance...
  EXPECT_EQ(p->execute(action("count")).code, 1);
  EXPECT_EQ(p->execute(action("count")).code, 2);
  EXPECT_EQ(p->execute(action("count")).code, 3);
  // ...and a trap starts over on a fresh one.
  CallResult t = p->execute(action("trap"));
  EXPECT_EQ(t.status, CallResult::Status::Trapped);
  EXPECT_NE(t.message.find("unreachable"), std::string::npos) << t.message;
  EXPECT_EQ(p->execute(action("count")).code, 1);
  EXPECT_EQ(p->instantiations(), 2u);
}

TEST(PluginLimits, StartFunctionRunsUnderTheLimits) {
  WatPlugin w;
  w.extra = "(func $spin (loop $l (br $l))) (start $spin)";
  WasmPluginOptions o;
  o.limits.fuel = 10'000;
  auto p = load_wasm_plugin(w.bytes(), o);
  ASSERT_FALSE(p.ok());
  EXPECT_NE(p.error().find("fuel exhausted"), std::string::npos) << p.error();
}

}  // namespace
}  // namespace midimon::plugin::test
