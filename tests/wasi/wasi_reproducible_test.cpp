// Reproducible runs (WasiConfig::realtime_start_ns, random_seed): the guest's realtime
// clock starts where it is told and advances with real time, poll_oneoff's absolute
// realtime deadlines follow that clock, and random_get's stream depends on the seed only.
#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "tests/unit/wat_util.h"
#include "wasi/wasi.h"
#include "wasm/engine.h"
#include "wasm/instance.h"
#include "wasm/linker.h"
#include "wasm/module.h"
#include "wasm/store.h"

namespace midimon::wasi::test {
namespace {

// realtime(): the realtime clock in ns. random(len): random_get into [64, 64 + len).
// sleep_until(ns): poll_oneoff on one absolute realtime subscription (at 256, its event
// at 512); returns poll_oneoff's errno.
const char* const kGuest = R"((module
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock (param i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "random_get" (func $random (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "realtime") (result i64)
    (if (call $clock (i32.const 0) (i64.const 1) (i32.const 0)) (then (unreachable)))
    (i64.load (i32.const 0)))
  (func (export "random") (param i32) (result i32) (call $random (i32.const 64) (local.get 0)))
  (func (export "sleep_until") (param i64) (result i32)
    (i64.store (i32.const 256) (i64.const 1))           ;; userdata
    (i32.store8 (i32.const 264) (i32.const 0))          ;; eventtype clock
    (i32.store (i32.const 272) (i32.const 0))           ;; clock id: realtime
    (i64.store (i32.const 280) (local.get 0))           ;; timeout: absolute
    (i64.store (i32.const 288) (i64.const 0))           ;; precision
    (i32.store16 (i32.const 296) (i32.const 1))         ;; flags: abstime
    (call $poll (i32.const 256) (i32.const 512) (i32.const 1) (i32.const 600)))
))";

struct Guest {
  wasm::Engine engine;
  wasm::Store store{engine};
  wasm::Linker linker;
  std::unique_ptr<WasiHost> host;
  wasm::Instance* instance = nullptr;

  explicit Guest(WasiConfig config) {
    auto module = wasm::Module::compile(engine, midimon::test::wat2wasm(kGuest));
    EXPECT_TRUE(module.ok());
    auto h = WasiHost::create(std::move(config));
    EXPECT_TRUE(h.ok());
    host = std::move(*h);
    host->define(linker, store);
    auto inst = linker.instantiate(store, *module);
    EXPECT_TRUE(inst.ok());
    instance = *inst;
  }
  uint64_t call(const char* name, std::vector<wasm::Value> args = {}) {
    std::vector<wasm::Value> out(1);
    wasm::Trap t = store.call(instance->get_func(name), args, out);
    EXPECT_FALSE(t) << name << ": " << t.message();
    return out[0].i64;
  }
  std::vector<uint8_t> random(uint32_t len) {
    EXPECT_EQ(call("random", {wasm::Value::from_i32(len)}) & 0xFFFFFFFFu, 0u);
    const uint8_t* p = instance->get_memory("memory")->view(64, len);
    return {p, p + len};
  }
};

uint64_t host_realtime_ns() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count());
}

constexpr uint64_t kSecond = 1'000'000'000ull;

TEST(WasiReproducible, TheRealtimeClockStartsWhereToldAndAdvances) {
  WasiConfig c;
  c.realtime_start_ns = 1'700'000'000 * kSecond;
  Guest g(std::move(c));
  const uint64_t first = g.call("realtime");
  const uint64_t second = g.call("realtime");
  EXPECT_GE(first, 1'700'000'000 * kSecond);
  EXPECT_LT(first, 1'700'000'060 * kSecond);  // a minute: however slow the machine
  EXPECT_GE(second, first);
  // Unset: the host's own clock.
  Guest real{WasiConfig{}};
  const uint64_t now = host_realtime_ns();
  const uint64_t guest_now = real.call("realtime");
  EXPECT_GE(guest_now + 60 * kSecond, now);
  EXPECT_LE(guest_now, now + 60 * kSecond);
}

TEST(WasiReproducible, AbsoluteRealtimeDeadlinesFollowTheGuestsClock) {
  // A start in 2100: were the deadline compared with the host's clock, the poll would
  // wait some 70 years; on the guest's clock it is 5 ms away.
  WasiConfig c;
  c.realtime_start_ns = 4'102'444'800 * kSecond;
  Guest g(std::move(c));
  const uint64_t start = g.call("realtime");
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(g.call("sleep_until", {wasm::Value::from_i64(start + 5'000'000)}) & 0xFFFFFFFFu, 0u);
  const auto waited = std::chrono::steady_clock::now() - t0;
  EXPECT_LT(waited, std::chrono::seconds(30));
  EXPECT_GE(g.call("realtime"), start + 5'000'000);  // it did wait for the guest's deadline
  // A deadline already past on the guest's clock (and far in the host's future): at once.
  EXPECT_EQ(g.call("sleep_until", {wasm::Value::from_i64(start - kSecond)}) & 0xFFFFFFFFu, 0u);
}

TEST(WasiReproducible, RandomBytesDependOnTheSeedOnly) {
  auto seeded = [](uint64_t seed) {
    WasiConfig c;
    c.random_seed = seed;
    return std::make_unique<Guest>(std::move(c));
  };
  auto a = seeded(7), b = seeded(7), other = seeded(8);
  // Lengths that are not whole 8-byte words, then a second call: the stream goes on.
  const std::vector<uint8_t> a1 = a->random(13), a2 = a->random(100);
  EXPECT_EQ(b->random(13), a1);
  EXPECT_EQ(b->random(100), a2);
  EXPECT_NE(other->random(13), a1);
  EXPECT_NE(std::vector<uint8_t>(a2.begin(), a2.begin() + 13), a1);
  EXPECT_NE(a2, std::vector<uint8_t>(100, 0));
  EXPECT_TRUE(a->random(0).empty());
  // A range past the memory's end is EFAULT (21) with a seed too, and takes nothing from
  // the stream: the next bytes are the ones a host that never saw the bad call gives.
  EXPECT_EQ(a->call("random", {wasm::Value::from_i32(65536)}) & 0xFFFFFFFFu, 21u);
  EXPECT_EQ(a->random(16), b->random(16));
  // Unseeded: the system's bytes, different in two hosts.
  Guest r1{WasiConfig{}}, r2{WasiConfig{}};
  EXPECT_NE(r1.random(32), r2.random(32));
}

}  // namespace
}  // namespace midimon::wasi::test
