// WasiHost: builds the initial fd table and registers the host functions.
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <functional>
#include <map>
#include <mutex>
#include <string_view>
#include <vector>

#include "wasi/state.h"
#include "wasi/wasi.h"

namespace midimon::wasi {

using wasm::Value;
using wasm::ValType;

Errno lookup(Ctx& c, uint32_t fd, uint64_t rights, FdEntry** out) {
  FdEntry* e = c.s.get(fd);
  if (!e) return Errno::Badf;
  if ((e->rights_base & rights) != rights) return Errno::NotCapable;
  *out = e;
  return Errno::Success;
}

Errno read_iovs(Ctx& c, uint32_t iovs, uint32_t count, std::vector<HostIov>* out) {
  // 64-bit arithmetic: a huge count cannot wrap around to a small range.
  const uint8_t* p = c.mem.view(iovs, uint64_t{count} * abi::kIovecSize);
  if (!p) return Errno::Fault;
  out->clear();
  out->reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    uint32_t buf, len;
    std::memcpy(&buf, p + uint64_t{i} * 8, 4);
    std::memcpy(&len, p + uint64_t{i} * 8 + 4, 4);
    uint8_t* host = c.mem.view(buf, len);
    if (!host) return Errno::Fault;
    out->push_back({host, len});
  }
  return Errno::Success;
}

Errno read_path(Ctx& c, uint32_t ptr, uint32_t len, std::string* out) {
  const uint8_t* p = c.mem.view(ptr, len);
  if (!p) return Errno::Fault;
  out->assign(reinterpret_cast<const char*>(p), len);
  return Errno::Success;
}

uint8_t filetype_from_mode(uint32_t m) {
  if (S_ISREG(m)) return abi::kFileRegular;
  if (S_ISDIR(m)) return abi::kFileDirectory;
  if (S_ISLNK(m)) return abi::kFileSymlink;
  if (S_ISCHR(m)) return abi::kFileCharDevice;
  if (S_ISBLK(m)) return abi::kFileBlockDevice;
  if (S_ISSOCK(m)) return abi::kFileSocketStream;
  return abi::kFileUnknown;  // FIFOs have no WASI type
}

uint8_t stdio_filetype(StdioType type) {
  switch (type) {
    case StdioType::Terminal: return abi::kFileCharDevice;
    case StdioType::File: return abi::kFileRegular;
    case StdioType::Pipe: break;
  }
  return abi::kFileUnknown;
}

StdioType stdio_type_of_host_fd(int fd) {
  if (::isatty(fd)) return StdioType::Terminal;
  struct stat st;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) return StdioType::File;
  return StdioType::Pipe;
}

void write_filestat(uint8_t* p, const struct stat& st) {
  auto put64 = [&](size_t off, uint64_t v) { std::memcpy(p + off, &v, 8); };
  auto ns = [](const timespec& t) {
    return static_cast<uint64_t>(t.tv_sec) * 1'000'000'000ull + static_cast<uint64_t>(t.tv_nsec);
  };
  std::memset(p, 0, abi::kFilestatSize);
  put64(0, st.st_dev);
  put64(8, st.st_ino);
  p[16] = filetype_from_mode(st.st_mode);
  put64(24, st.st_nlink);
  put64(32, static_cast<uint64_t>(st.st_size));
  put64(40, ns(st.st_atim));
  put64(48, ns(st.st_mtim));
  put64(56, ns(st.st_ctim));
}

uint64_t monotonic_now_ns() {
  timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return static_cast<uint64_t>(t.tv_sec) * 1'000'000'000ull + static_cast<uint64_t>(t.tv_nsec);
}

void sleep_until(wasm::Caller& caller, uint64_t deadline_ns, pollfd* pfds, size_t npfds) {
  // Never block past the store's call deadline: wake at it and ask the engine to trap
  // "deadline exceeded" right after this host call returns (the watchdog would set the
  // same flag a moment later; setting it here makes the outcome deterministic).
  bool store_bound = false;
  if (const auto store_deadline = caller.store.deadline()) {
    const auto left = *store_deadline - std::chrono::steady_clock::now();
    const int64_t left_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(left).count();
    const uint64_t bound = monotonic_now_ns() + (left_ns > 0 ? static_cast<uint64_t>(left_ns) : 0);
    if (bound <= deadline_ns) {
      deadline_ns = bound;
      store_bound = true;
    }
  }
  for (;;) {
    timespec ts{};
    timespec* tsp = nullptr;
    if (deadline_ns != UINT64_MAX) {
      const uint64_t now = monotonic_now_ns();
      if (now >= deadline_ns) {
        if (store_bound) caller.store.interrupt();
        return;
      }
      const uint64_t left = deadline_ns - now;
      ts.tv_sec = static_cast<time_t>(left / 1'000'000'000ull);
      ts.tv_nsec = static_cast<long>(left % 1'000'000'000ull);
      tsp = &ts;
    }
    const int r = ::ppoll(pfds, npfds, tsp, nullptr);
    if (r > 0) return;
    if (r < 0 && errno != EINTR) return;
    if (r == 0 && npfds == 0 && deadline_ns == UINT64_MAX) return;  // nothing to wait for
  }
}

wasm::Result<std::unique_ptr<WasiHost>> WasiHost::create(WasiConfig config) {
  auto state = std::make_unique<WasiState>();
  auto add_stdio = [&](FdEntry::Kind kind, uint64_t rights, StdioType type) {
    auto e = std::make_unique<FdEntry>();
    e->kind = kind;
    e->filetype = stdio_filetype(type);
    e->rights_base = rights | abi::kRightFdFilestatGet | abi::kRightPollFdReadwrite;
    state->insert(std::move(e));
  };
  add_stdio(FdEntry::Kind::Stdin, abi::kRightFdRead, config.stdin_type);
  add_stdio(FdEntry::Kind::Stdout, abi::kRightFdWrite, config.stdout_type);
  add_stdio(FdEntry::Kind::Stderr, abi::kRightFdWrite, config.stderr_type);
  for (const Preopen& p : config.preopens) {
    const int fd = ::open(p.host_dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
      wasm::Error err;
      err.kind = wasm::ErrorKind::Usage;
      err.message = "cannot open preopen directory \"" + p.host_dir + "\": " + std::strerror(errno);
      return err;
    }
    auto e = std::make_unique<FdEntry>();
    e->kind = FdEntry::Kind::Dir;
    e->host.reset(fd);
    e->filetype = abi::kFileDirectory;
    e->read_only = p.read_only;
    const uint64_t mask = p.read_only ? ~abi::kRightsMutating : ~uint64_t{0};
    e->rights_base = abi::kRightsDir & mask;
    e->rights_inheriting = (abi::kRightsDir | abi::kRightsFile) & mask;
    e->preopen_name = p.guest_path;
    state->insert(std::move(e));
  }
  if (config.realtime_start_ns) state->monotonic_at_create_ns = monotonic_now_ns();
  if (config.random_seed) state->random_state = *config.random_seed;
  state->config = std::move(config);
  return std::unique_ptr<WasiHost>(new WasiHost(std::move(state)));
}

WasiHost::WasiHost(std::unique_ptr<WasiState> state) : state_(std::move(state)) {}
WasiHost::~WasiHost() = default;

namespace {

constexpr std::string_view kModule = "wasi_snapshot_preview1";

wasm::FuncType type_of(const char* params) {
  wasm::FuncType t;
  for (const char* p = params; *p; ++p) t.params.push_back(*p == 'I' ? ValType::I64 : ValType::I32);
  t.results.push_back(ValType::I32);
  return t;
}

// The type of every function of a table, built once per process: every plugin's store
// defines all of them, and building them each time was a good part of instantiating.
const std::vector<wasm::FuncType>& types_of(const FnDef* defs, size_t n) {
  static std::mutex mutex;
  static std::map<const FnDef*, std::vector<wasm::FuncType>> cache;
  std::lock_guard lock(mutex);
  std::vector<wasm::FuncType>& types = cache[defs];
  if (types.empty()) {
    for (size_t i = 0; i < n; ++i) types.push_back(type_of(defs[i].params));
  }
  return types;
}

}  // namespace

void WasiHost::define(wasm::Linker& linker, wasm::Store& store) {
  define_matching(linker, store, [](std::string_view) { return true; });
}

void WasiHost::define_imports(wasm::Linker& linker, wasm::Store& store,
                              const wasm::ModuleInfo& module) {
  std::vector<std::string_view> wanted;
  for (const wasm::Import& im : module.imports) {
    if (im.module == kModule && im.kind == wasm::ExternKind::Func) wanted.push_back(im.name);
  }
  if (wanted.empty()) return;
  define_matching(linker, store, [&wanted](std::string_view name) {
    return std::find(wanted.begin(), wanted.end(), name) != wanted.end();
  });
}

void WasiHost::define_matching(wasm::Linker& linker, wasm::Store& store,
                               const std::function<bool(std::string_view)>& wanted) {
  WasiState* s = state_.get();
  auto add = [&](const FnDef* defs, size_t n) {
    const std::vector<wasm::FuncType>& types = types_of(defs, n);
    for (size_t i = 0; i < n; ++i) {
      if (!wanted(defs[i].name)) continue;
      HostFn fn = defs[i].fn;
      linker.define_func(store, kModule, defs[i].name, types[i],
                         [s, fn](wasm::Caller& caller, const Value* args, Value* results) {
                           Ctx c{*s, caller, GuestMem(caller.memory())};
                           results[0] = Value::from_i32(raw(fn(c, args)));
                           return wasm::Trap();
                         },
                         defs[i].blocks ? wasm::HostBlocking::MayBlock : wasm::HostBlocking::No);
    }
  };
  add(kMiscFns, kMiscFnCount);
  add(kFdFns, kFdFnCount);
  add(kPathFns, kPathFnCount);
  // proc_exit has no result and ends the instance: the exit code travels in the trap.
  if (!wanted("proc_exit")) return;
  wasm::FuncType exit_type;
  exit_type.params.push_back(ValType::I32);
  linker.define_func(store, kModule, "proc_exit", exit_type,
                     [](wasm::Caller&, const Value* args, Value*) {
                       return wasm::Trap::exit(static_cast<int32_t>(args[0].i32));
                     });
}

}  // namespace midimon::wasi
