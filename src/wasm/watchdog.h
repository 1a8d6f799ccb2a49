// Watchdog: the one process-wide thread that enforces call deadlines. Each owner of an
// interrupt flag (a Store) registers a Slot once; a call with a timeout arms the slot with
// its deadline and disarms it when it returns. When a deadline passes the thread stores 1
// into the flag, which the compiled code polls (EngineConfig::deadline_checks) and turns
// into "deadline exceeded".
//
// Arming and disarming are a few atomic operations on the slot, with no lock, no
// allocation and no wake-up of the thread in the usual case (a plugin called in a loop
// arms a deadline later than the one the thread already sleeps until); only a deadline
// earlier than that takes the thread's mutex to wake it. The thread scans the registered
// slots when it wakes (at the earliest deadline it knows of) and sleeps while none is armed.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>

namespace midimon::wasm {

class Watchdog {
 public:
  using Clock = std::chrono::steady_clock;

  // The process-wide instance; its thread starts with the first slot.
  static Watchdog& instance();

  // One owner's registration. Not thread-safe itself: arm() and disarm() come from the
  // thread that owns the flag, one call at a time.
  class Slot {
   public:
    // Registers with the watchdog; `flag` (and `limit`, `mem_limit`, if given) must
    // outlive the slot. When the deadline passes the thread stores 0 into `*limit`, 1
    // into `*flag`, then 0 into `*mem_limit` (a store's call limit, interrupt flag and
    // memory limit, store.h; the last two sequentially consistent, see
    // ExecState::set_mem_limit).
    explicit Slot(std::atomic<uint32_t>* flag, std::atomic<uintptr_t>* limit = nullptr,
                  std::atomic<uint64_t>* mem_limit = nullptr);
    // Disarms and unregisters: when it returns the flag is never touched again.
    ~Slot();
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;

    // Sets `*flag = 1` at `deadline` unless disarmed first. The slot must be disarmed.
    void arm(Clock::time_point deadline);
    // When it returns the watchdog will not set the flag for this arming any more (it
    // may have done so already).
    void disarm();

    struct State;  // shared with the watchdog thread (watchdog.cpp)

   private:
    State* state_;
  };

  // Number of armed slots (tests: every call must leave nothing behind).
  size_t armed() const;

 private:
  struct Shared;
  Watchdog();
  ~Watchdog() = delete;  // lives until the process ends (see watchdog.cpp)
  Shared* s_;
};

}  // namespace midimon::wasm
