// args, environ, clocks, random, poll_oneoff, proc_raise, sched_yield, sock_*.
#include <poll.h>
#include <sched.h>
#include <sys/random.h>
#include <time.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "wasi/state.h"

namespace midimon::wasi {
namespace {

using wasm::Value;

// argv/environ: pointers into one buffer of NUL-terminated strings.
Errno put_strings(Ctx& c, const std::vector<std::string>& list, uint32_t ptrs, uint32_t buf) {
  uint64_t total = 0;
  for (const auto& s : list) total += s.size() + 1;
  uint8_t* p = c.mem.view(ptrs, uint64_t{list.size()} * 4);
  uint8_t* b = c.mem.view(buf, total);
  if (!p || !b) return Errno::Fault;
  uint32_t off = 0;
  for (size_t i = 0; i < list.size(); ++i) {
    const uint32_t addr = buf + off;
    std::memcpy(p + i * 4, &addr, 4);
    std::memcpy(b + off, list[i].c_str(), list[i].size() + 1);
    off += static_cast<uint32_t>(list[i].size() + 1);
  }
  return Errno::Success;
}

Errno put_sizes(Ctx& c, const std::vector<std::string>& list, uint32_t count_ptr, uint32_t size_ptr) {
  uint32_t total = 0;
  for (const auto& s : list) total += static_cast<uint32_t>(s.size() + 1);
  if (!c.mem.ok(count_ptr, 4) || !c.mem.ok(size_ptr, 4)) return Errno::Fault;
  (void)c.mem.store<uint32_t>(count_ptr, static_cast<uint32_t>(list.size()));
  (void)c.mem.store<uint32_t>(size_ptr, total);
  return Errno::Success;
}

Errno args_get(Ctx& c, const Value* a) { return put_strings(c, c.s.config.args, a[0].i32, a[1].i32); }
Errno args_sizes_get(Ctx& c, const Value* a) { return put_sizes(c, c.s.config.args, a[0].i32, a[1].i32); }
Errno environ_get(Ctx& c, const Value* a) { return put_strings(c, c.s.config.env, a[0].i32, a[1].i32); }
Errno environ_sizes_get(Ctx& c, const Value* a) { return put_sizes(c, c.s.config.env, a[0].i32, a[1].i32); }

bool host_clock(uint32_t id, clockid_t* out) {
  switch (id) {
    case abi::kClockRealtime: *out = CLOCK_REALTIME; return true;
    case abi::kClockMonotonic: *out = CLOCK_MONOTONIC; return true;
    case abi::kClockProcessCpu: *out = CLOCK_PROCESS_CPUTIME_ID; return true;
    case abi::kClockThreadCpu: *out = CLOCK_THREAD_CPUTIME_ID; return true;
    default: return false;
  }
}

uint64_t to_ns(const timespec& t) {
  return static_cast<uint64_t>(t.tv_sec) * 1'000'000'000ull + static_cast<uint64_t>(t.tv_nsec);
}

Errno clock_res_get(Ctx& c, const Value* a) {
  clockid_t id;
  if (!host_clock(a[0].i32, &id)) return Errno::Inval;
  if (!c.mem.ok(a[1].i32, 8)) return Errno::Fault;
  timespec t;
  if (clock_getres(id, &t) != 0) return errno_from_host(errno);
  (void)c.mem.store<uint64_t>(a[1].i32, to_ns(t));
  return Errno::Success;
}

// What the guest reads from clock `id` (a host clock: host_clock): the host's, except
// the realtime clock of a reproducible run (WasiConfig::realtime_start_ns).
Errno guest_clock_now(const WasiState& s, clockid_t id, uint64_t* ns) {
  if (id == CLOCK_REALTIME && s.config.realtime_start_ns) {
    *ns = *s.config.realtime_start_ns + (monotonic_now_ns() - s.monotonic_at_create_ns);
    return Errno::Success;
  }
  timespec t;
  if (clock_gettime(id, &t) != 0) return errno_from_host(errno);
  *ns = to_ns(t);
  return Errno::Success;
}

Errno clock_time_get(Ctx& c, const Value* a) {
  clockid_t id;
  if (!host_clock(a[0].i32, &id)) return Errno::Inval;
  if (!c.mem.ok(a[2].i32, 8)) return Errno::Fault;
  uint64_t ns;
  if (Errno e = guest_clock_now(c.s, id, &ns); e != Errno::Success) return e;
  (void)c.mem.store<uint64_t>(a[2].i32, ns);
  return Errno::Success;
}

Errno random_get(Ctx& c, const Value* a) {
  uint8_t* p = c.mem.view(a[0].i32, a[1].i32);
  if (!p) return Errno::Fault;
  if (c.s.config.random_seed) {
    // splitmix64 (Steele, Lea, Flood 2014): a statistically sound stream from one word
    // of state, continued from call to call. Not for secrets: the seed gives it away.
    const uint64_t len = a[1].i32;  // 64-bit: the index never wraps, even near 4 GiB
    for (uint64_t i = 0; i < len; i += 8) {
      uint64_t z = (c.s.random_state += 0x9e3779b97f4a7c15ull);
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
      z ^= z >> 31;
      std::memcpy(p + i, &z, std::min<uint64_t>(8, len - i));
    }
    return Errno::Success;
  }
  size_t left = a[1].i32;
  while (left > 0) {
    ssize_t n = getrandom(p, left, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno_from_host(errno);
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  return Errno::Success;
}

// Signals are not delivered to guests (that would be the host process): unsupported.
Errno proc_raise(Ctx&, const Value*) { return Errno::NoSys; }

Errno sched_yield_fn(Ctx&, const Value*) {
  ::sched_yield();
  return Errno::Success;
}

// --- poll_oneoff ---
struct PendingEvent {
  uint64_t userdata;
  Errno error;
  uint8_t type;
  uint64_t nbytes;
  bool ready;
  uint64_t deadline;  // clock subscriptions: monotonic ns
  int pollfd_index;   // fd subscriptions waiting on a host fd, else -1
};

void write_event(uint8_t* p, const PendingEvent& e) {
  std::memset(p, 0, abi::kEventSize);
  std::memcpy(p, &e.userdata, 8);
  const uint16_t err = static_cast<uint16_t>(e.error);
  std::memcpy(p + 8, &err, 2);
  p[10] = e.type;
  std::memcpy(p + 16, &e.nbytes, 8);
}

Errno poll_oneoff(Ctx& c, const Value* a) {
  const uint32_t in = a[0].i32, out = a[1].i32, n = a[2].i32, nevents_ptr = a[3].i32;
  if (n == 0) return Errno::Inval;  // would block forever
  const uint8_t* subs = c.mem.view(in, uint64_t{n} * abi::kSubscriptionSize);
  uint8_t* events = c.mem.view(out, uint64_t{n} * abi::kEventSize);
  if (!subs || !events || !c.mem.ok(nevents_ptr, 4)) return Errno::Fault;

  std::vector<PendingEvent> pending;
  std::vector<pollfd> pfds;
  uint64_t earliest = UINT64_MAX;
  const uint64_t now = monotonic_now_ns();
  for (uint32_t i = 0; i < n; ++i) {
    const uint8_t* s = subs + uint64_t{i} * abi::kSubscriptionSize;
    PendingEvent e{};
    std::memcpy(&e.userdata, s, 8);
    e.type = s[8];
    e.pollfd_index = -1;
    e.deadline = UINT64_MAX;
    if (e.type == abi::kEventClock) {
      uint32_t id;
      uint64_t timeout;
      uint16_t flags;
      std::memcpy(&id, s + 16, 4);
      std::memcpy(&timeout, s + 24, 8);
      std::memcpy(&flags, s + 40, 2);
      clockid_t cid;
      if (!host_clock(id, &cid)) {
        e.error = Errno::Inval;
        e.ready = true;
      } else if (flags & abi::kSubclockAbstime) {
        // Convert an absolute time on the given clock (as the guest reads it) to a
        // monotonic deadline.
        uint64_t clock_now = 0;
        (void)guest_clock_now(c.s, cid, &clock_now);
        e.deadline = timeout <= clock_now ? now : now + (timeout - clock_now);
      } else {
        e.deadline = timeout > UINT64_MAX - now ? UINT64_MAX - 1 : now + timeout;
      }
      if (!e.ready && e.deadline < earliest) earliest = e.deadline;
    } else if (e.type == abi::kEventFdRead || e.type == abi::kEventFdWrite) {
      uint32_t fd;
      std::memcpy(&fd, s + 16, 4);
      const bool want_read = e.type == abi::kEventFdRead;
      FdEntry* f = nullptr;
      e.ready = true;
      if (Errno err = lookup(c, fd, abi::kRightPollFdReadwrite, &f); err != Errno::Success) {
        e.error = err;
      } else if (f->kind == FdEntry::Kind::Stdin) {
        if (!want_read) e.error = Errno::Badf;
        else e.nbytes = c.s.config.stdin_bytes.size() - c.s.stdin_pos;
      } else if (f->kind == FdEntry::Kind::Stdout || f->kind == FdEntry::Kind::Stderr) {
        if (want_read) e.error = Errno::Badf;
      } else {
        struct stat st;
        if (::fstat(f->host.get(), &st) != 0) {
          e.error = errno_from_host(errno);
        } else if (S_ISREG(st.st_mode)) {
          // Regular files are always ready; report the bytes left for reads.
          if (want_read) {
            const off_t pos = ::lseek(f->host.get(), 0, SEEK_CUR);
            e.nbytes = (pos >= 0 && st.st_size > pos) ? static_cast<uint64_t>(st.st_size - pos) : 0;
          }
        } else {
          e.ready = false;  // a FIFO or device: ask the kernel
          e.pollfd_index = static_cast<int>(pfds.size());
          pfds.push_back({f->host.get(), static_cast<short>(want_read ? POLLIN : POLLOUT), 0});
        }
      }
    } else {
      return Errno::Inval;
    }
    pending.push_back(e);
  }

  auto any_ready = [&] {
    for (const auto& e : pending)
      if (e.ready) return true;
    return false;
  };
  if (!pfds.empty()) {
    for (auto& p : pfds) p.revents = 0;
    ::poll(pfds.data(), pfds.size(), 0);
  }
  auto collect = [&] {
    const uint64_t t = monotonic_now_ns();
    for (auto& e : pending) {
      if (e.type == abi::kEventClock && !e.ready && e.deadline <= t) e.ready = true;
      if (e.pollfd_index >= 0 && pfds[e.pollfd_index].revents != 0) e.ready = true;
    }
  };
  collect();
  if (!any_ready()) {
    sleep_until(c.caller, earliest, pfds.data(), pfds.size());
    collect();
  }
  uint32_t count = 0;
  for (const auto& e : pending) {
    if (!e.ready) continue;
    write_event(events + uint64_t{count} * abi::kEventSize, e);
    ++count;
  }
  (void)c.mem.store<uint32_t>(nevents_ptr, count);
  return Errno::Success;
}

// --- sockets: none is ever granted, so every fd is either bad or not a socket ---
Errno not_a_socket(Ctx& c, uint32_t fd) {
  return c.s.get(fd) ? Errno::NotSock : Errno::Badf;
}
Errno sock_accept(Ctx& c, const Value* a) {
  if (!c.mem.ok(a[2].i32, 4)) return Errno::Fault;
  return not_a_socket(c, a[0].i32);
}
Errno sock_recv(Ctx& c, const Value* a) {
  std::vector<HostIov> iovs;
  if (Errno e = read_iovs(c, a[1].i32, a[2].i32, &iovs); e != Errno::Success) return e;
  if (!c.mem.ok(a[4].i32, 4) || !c.mem.ok(a[5].i32, 2)) return Errno::Fault;
  return not_a_socket(c, a[0].i32);
}
Errno sock_send(Ctx& c, const Value* a) {
  std::vector<HostIov> iovs;
  if (Errno e = read_iovs(c, a[1].i32, a[2].i32, &iovs); e != Errno::Success) return e;
  if (!c.mem.ok(a[4].i32, 4)) return Errno::Fault;
  return not_a_socket(c, a[0].i32);
}
Errno sock_shutdown(Ctx& c, const Value* a) { return not_a_socket(c, a[0].i32); }

}  // namespace

// Parameter letters: i = i32, I = i64. Every function returns an i32 errno.
const FnDef kMiscFns[] = {
    {"args_get", "ii", args_get},
    {"args_sizes_get", "ii", args_sizes_get},
    {"environ_get", "ii", environ_get},
    {"environ_sizes_get", "ii", environ_sizes_get},
    {"clock_res_get", "ii", clock_res_get},
    {"clock_time_get", "iIi", clock_time_get},
    {"random_get", "ii", random_get},
    {"poll_oneoff", "iiii", poll_oneoff, /*blocks=*/true},
    {"proc_raise", "i", proc_raise},
    {"sched_yield", "", sched_yield_fn},
    {"sock_accept", "iii", sock_accept},
    {"sock_recv", "iiiiii", sock_recv},
    {"sock_send", "iiiii", sock_send},
    {"sock_shutdown", "ii", sock_shutdown},
};
const size_t kMiscFnCount = sizeof(kMiscFns) / sizeof(kMiscFns[0]);

}  // namespace midimon::wasi
