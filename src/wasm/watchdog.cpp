// Watchdog: one thread, a time-ordered set of deadlines, a condition variable.
//
// The flag is written only while the mutex is held, and disarm() takes the same mutex,
// so after disarm() returns the thread cannot be about to write a flag whose store is
// being destroyed. The instance is deliberately never destroyed: stores may be torn
// down during static destruction, after a static watchdog would already be gone.
#include "watchdog.h"

#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>
#include <utility>

namespace midimon::wasm {

struct Watchdog::State {
  struct Entry {
    Clock::time_point deadline;
    Ticket ticket;
    std::atomic<uint32_t>* flag;
    bool operator<(const Entry& o) const {
      return deadline != o.deadline ? deadline < o.deadline : ticket < o.ticket;
    }
  };
  mutable std::mutex mutex;
  std::condition_variable changed;
  std::set<Entry> entries;
  std::set<std::pair<Ticket, Clock::time_point>> by_ticket;  // for disarm lookups
  Ticket next_ticket = 1;
  bool started = false;
  // When the thread will wake up on its own (max: only when notified). arm() notifies
  // only for a deadline earlier than this: a plugin calling in a loop arms a deadline
  // just after the one it disarmed, and waking the thread for it on every call cost
  // about 1 us per call (a futex wake and a context switch).
  Clock::time_point wake_at = Clock::time_point::max();

  void run() {
    std::unique_lock lock(mutex);
    for (;;) {
      if (entries.empty()) {
        wake_at = Clock::time_point::max();
        changed.wait(lock);
        continue;
      }
      const Entry first = *entries.begin();
      if (Clock::now() < first.deadline) {
        // Woken early only when an earlier entry arrives (see wake_at).
        wake_at = first.deadline;
        changed.wait_until(lock, first.deadline);
        continue;
      }
      first.flag->store(1, std::memory_order_relaxed);
      entries.erase(entries.begin());
      by_ticket.erase({first.ticket, first.deadline});
    }
  }
};

Watchdog::Watchdog() : s_(new State) {}

Watchdog& Watchdog::instance() {
  static Watchdog* w = new Watchdog;  // never destroyed, see above
  return *w;
}

Watchdog::Ticket Watchdog::arm(Clock::time_point deadline, std::atomic<uint32_t>* flag) {
  std::lock_guard lock(s_->mutex);
  if (!s_->started) {
    std::thread([s = s_] { s->run(); }).detach();
    s_->started = true;
  }
  const Ticket t = s_->next_ticket++;
  s_->entries.insert({deadline, t, flag});
  s_->by_ticket.insert({t, deadline});
  // A thread that wakes by itself before this deadline will see the entry then (it
  // re-reads the set under the mutex after every wake-up).
  if (deadline < s_->wake_at) s_->changed.notify_one();
  return t;
}

void Watchdog::disarm(Ticket ticket) {
  if (ticket == 0) return;
  std::lock_guard lock(s_->mutex);
  auto it = s_->by_ticket.lower_bound({ticket, Clock::time_point::min()});
  if (it == s_->by_ticket.end() || it->first != ticket) return;  // already fired
  s_->entries.erase({it->second, ticket, nullptr});
  s_->by_ticket.erase(it);
  // No notify: the thread at worst wakes at the removed deadline, finds nothing due and
  // sleeps until the next entry (or until notified).
}

size_t Watchdog::armed() const {
  std::lock_guard lock(s_->mutex);
  return s_->entries.size();
}

}  // namespace midimon::wasm
