// A WASI guest that blocks in poll_oneoff (a 10 s clock subscription) under a short
// call deadline: the host must wake at the store's deadline and the call must trap
// "deadline exceeded" right after poll_oneoff returns.
#include "tests/hostile/hostile_util.h"
#include "wasi/wasi.h"
#include "wasm/linker.h"

namespace midimon::hostile {
namespace {

// Subscription at 0 (48 bytes: userdata, tag 0 = clock, clock id 1 = monotonic,
// timeout 10 s relative), event buffer at 64, nevents at 128.
const char* kSleeper = R"(
  (module
    (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
    (memory (export "memory") 1)
    (func (export "ok") (result i32) (i32.const 42))
    (func (export "sleep") (result i32)
      (i64.store (i32.const 0) (i64.const 7))
      (i32.store8 (i32.const 8) (i32.const 0))
      (i32.store (i32.const 16) (i32.const 1))
      (i64.store (i32.const 24) (i64.const 10000000000))
      (i64.store (i32.const 32) (i64.const 0))
      (i32.store16 (i32.const 40) (i32.const 0))
      (call $poll (i32.const 0) (i32.const 64) (i32.const 1) (i32.const 128))))
)";

TEST(HostileWasi, PollOneoffBoundedByCallDeadline) {
  Engine engine(limits_config(false, true));
  auto module = compile(engine, kSleeper);
  auto host = wasi::WasiHost::create({});
  ASSERT_TRUE(host.ok());
  Store store(engine);
  Linker linker;
  (*host)->define(linker, store);
  auto inst = linker.instantiate(store, module);
  ASSERT_TRUE(inst.ok()) << inst.error().to_string();
  ASSERT_TRUE(store.set_timeout(50ms).ok());
  const auto start = std::chrono::steady_clock::now();
  int32_t r = 0;
  Trap t = call_i32(store, *inst, "sleep", {}, &r);
  const double took = ms_since(start);
  EXPECT_EQ(t.kind, TrapKind::DeadlineExceeded) << t.message();
  EXPECT_GE(took, 49.0);
  EXPECT_LT(took, 300.0);
  expect_store_works(store, *inst);
  // Without a deadline a short sleep completes normally (1 ms).
  ASSERT_TRUE(store.set_timeout(0ms).ok());
}

}  // namespace
}  // namespace midimon::hostile
