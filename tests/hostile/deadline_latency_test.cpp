// How late does "deadline exceeded" arrive for a tight loop with no calls in it?
// Runs the loop 50 times with a 50 ms deadline, asserts every trap comes within a
// generous bound, and prints min / median / p99 / max lateness (docs/limits.md).
#include <algorithm>
#include <cstdio>
#include <vector>

#include "tests/hostile/hostile_util.h"

namespace midimon::hostile {
namespace {

TEST(DeadlineLatency, TightLoopDistribution) {
  Engine engine(limits_config(false, true));
  Store store(engine);
  Instance* inst = instantiate(store, compile(engine, R"(
    (module (func (export "spin") (local $i i32)
      (loop $l (local.set $i (i32.add (local.get $i) (i32.const 1))) (br $l))))
  )"));
  ASSERT_NE(inst, nullptr);
  constexpr int kRuns = 50;
  constexpr auto kTimeout = 50ms;
  ASSERT_TRUE(store.set_timeout(kTimeout).ok());
  std::vector<double> late_ms;
  for (int i = 0; i < kRuns; ++i) {
    const auto start = std::chrono::steady_clock::now();
    Trap t = call0(store, inst, "spin");
    const auto end = std::chrono::steady_clock::now();
    ASSERT_EQ(t.kind, TrapKind::DeadlineExceeded) << t.message();
    // `start` is taken just before the call arms the deadline, so this slightly
    // overstates the lateness.
    late_ms.push_back(std::chrono::duration<double, std::milli>(end - (start + kTimeout)).count());
  }
  std::sort(late_ms.begin(), late_ms.end());
  const double min = late_ms.front(), max = late_ms.back();
  const double median = late_ms[kRuns / 2];
  const double p99 = late_ms[std::min<size_t>(kRuns - 1, static_cast<size_t>(kRuns * 0.99))];
  std::printf("deadline lateness over %d runs (50 ms deadline, tight loop): min %.3f ms, median %.3f ms, "
              "p99 %.3f ms, max %.3f ms\n", kRuns, min, median, p99, max);
  RecordProperty("lateness_median_ms", std::to_string(median));
  EXPECT_GE(min, -0.01);    // never early
  EXPECT_LT(max, 200.0);    // generous: loaded CI machines, sanitizers
}

}  // namespace
}  // namespace midimon::hostile
