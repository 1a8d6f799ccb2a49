// Watchdog: one thread, the registered slots, a condition variable.
//
// A slot's state is one atomic word: its deadline (nanoseconds on the steady clock), or
// kDisarmed, or kFiring while the thread writes the flag. The thread claims a due slot by
// compare-and-swap from the deadline it read to kFiring, writes the flag, and stores
// kDisarmed; disarm() waits out kFiring, so after it returns the flag is not written for
// that arming (a re-armed slot has another deadline, so the thread's swap fails).
//
// Lost wake-ups: arm() stores its deadline, then reads wake_at (when the thread will wake
// by itself) and wakes the thread under the mutex only if the new deadline is earlier.
// The thread publishes wake_at, then reads every slot again: with sequentially consistent
// order either it sees the new deadline or arm() sees the new wake_at. It re-scans and
// waits holding the mutex, so a notify from arm() cannot fall between the two.
//
// The instance is deliberately never destroyed: stores may be torn down during static
// destruction, after a static watchdog would already be gone.
#include "watchdog.h"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace midimon::wasm {
namespace {

constexpr int64_t kDisarmed = INT64_MAX;
constexpr int64_t kFiring = INT64_MIN;

int64_t to_ns(Watchdog::Clock::time_point t) {
  const int64_t ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
  return std::clamp(ns, kFiring + 1, kDisarmed - 1);  // never one of the markers
}

}  // namespace

struct Watchdog::Slot::State {
  std::atomic<int64_t> deadline{kDisarmed};
  std::atomic<uint32_t>* flag = nullptr;
  std::atomic<uintptr_t>* limit = nullptr;
  std::atomic<uint64_t>* mem_limit = nullptr;
};

struct Watchdog::Shared {
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<Slot::State*> slots;  // registered slots, under the mutex
  bool started = false;
  // When the thread wakes by itself (kDisarmed: only when notified).
  std::atomic<int64_t> wake_at{kDisarmed};

  void run() {
    std::unique_lock lock(mutex);
    for (;;) {
      const int64_t now = to_ns(Clock::now());
      int64_t next = kDisarmed;
      for (Slot::State* s : slots) {
        int64_t d = s->deadline.load(std::memory_order_acquire);
        if (d == kDisarmed) continue;
        if (d > now) {
          next = std::min(next, d);
          continue;
        }
        if (s->deadline.compare_exchange_strong(d, kFiring, std::memory_order_acq_rel)) {
          // The call limit first: whoever acquires the flag sees it lowered. The memory
          // limit after the flag, both sequentially consistent, so that an interpreter
          // writing a new size (ExecState::set_mem_limit) cannot lose the lowering.
          if (s->limit) s->limit->store(0, std::memory_order_relaxed);
          s->flag->store(1, std::memory_order_seq_cst);
          if (s->mem_limit) s->mem_limit->store(0, std::memory_order_seq_cst);
          s->deadline.store(kDisarmed, std::memory_order_release);
        }
        // A failed swap: disarmed or re-armed meanwhile; the check below sees the latter.
      }
      wake_at.store(next, std::memory_order_seq_cst);
      int64_t earliest = kDisarmed;
      for (Slot::State* s : slots) {
        earliest = std::min(earliest, s->deadline.load(std::memory_order_seq_cst));
      }
      if (earliest < next) continue;  // armed meanwhile, earlier than planned: scan again
      if (next == kDisarmed) {
        changed.wait(lock);
      } else {
        changed.wait_until(lock, Clock::time_point(std::chrono::nanoseconds(next)));
      }
    }
  }
};

Watchdog::Watchdog() : s_(new Shared) {}

Watchdog& Watchdog::instance() {
  static Watchdog* w = new Watchdog;  // never destroyed, see above
  return *w;
}

Watchdog::Slot::Slot(std::atomic<uint32_t>* flag, std::atomic<uintptr_t>* limit,
                     std::atomic<uint64_t>* mem_limit)
    : state_(new State) {
  state_->flag = flag;
  state_->limit = limit;
  state_->mem_limit = mem_limit;
  Shared* s = Watchdog::instance().s_;
  std::lock_guard lock(s->mutex);
  if (!s->started) {
    std::thread([s] { s->run(); }).detach();
    s->started = true;
  }
  s->slots.push_back(state_);
}

Watchdog::Slot::~Slot() {
  disarm();
  Shared* s = Watchdog::instance().s_;
  {
    std::lock_guard lock(s->mutex);  // the thread scans only under it
    s->slots.erase(std::find(s->slots.begin(), s->slots.end(), state_));
  }
  delete state_;
}

void Watchdog::Slot::arm(Clock::time_point deadline) {
  const int64_t d = to_ns(deadline);
  state_->deadline.store(d, std::memory_order_seq_cst);
  Shared* s = Watchdog::instance().s_;
  if (d < s->wake_at.load(std::memory_order_seq_cst)) {
    std::lock_guard lock(s->mutex);
    s->changed.notify_one();
  }
}

void Watchdog::Slot::disarm() {
  int64_t d = state_->deadline.load(std::memory_order_acquire);
  for (;;) {
    if (d == kDisarmed) return;
    if (d == kFiring) {  // the thread is writing the flag: a few instructions
      std::this_thread::yield();
      d = state_->deadline.load(std::memory_order_acquire);
      continue;
    }
    if (state_->deadline.compare_exchange_weak(d, kDisarmed, std::memory_order_acq_rel)) return;
  }
}

size_t Watchdog::armed() const {
  std::lock_guard lock(s_->mutex);
  size_t n = 0;
  for (const Slot::State* st : s_->slots) {
    if (st->deadline.load(std::memory_order_acquire) != kDisarmed) ++n;
  }
  return n;
}

}  // namespace midimon::wasm
