// Internal: the virtual fd table and per-call context shared by the host functions.
#pragma once

#include <cstdint>
#include <cstring>
#include <poll.h>
#include <sys/stat.h>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "wasi/abi.h"
#include "wasi/errno.h"
#include "wasi/unique_fd.h"
#include "wasi/wasi.h"
#include "wasm/runtime.h"

namespace midimon::wasi {

// One guest fd. Guest fd numbers index WasiState::fds; host fds never leak to the guest.
struct FdEntry {
  enum class Kind { Stdin, Stdout, Stderr, Dir, File };
  Kind kind = Kind::File;
  UniqueFd host;               // Dir and File
  uint8_t filetype = abi::kFileUnknown;
  uint16_t fdflags = 0;        // as last set (stdio keeps them only here)
  uint64_t rights_base = 0;
  uint64_t rights_inheriting = 0;
  bool read_only = false;      // inside a read-only preopen: every mutation is EROFS
  std::optional<std::string> preopen_name;  // set for preopened directories
  struct DirEntry { std::string name; uint64_t ino; uint8_t type; };
  std::vector<DirEntry> dir_cache;  // fd_readdir snapshot, refreshed at cookie 0
};

struct WasiState {
  WasiConfig config;
  std::map<uint32_t, std::unique_ptr<FdEntry>> fds;
  size_t stdin_pos = 0;
  uint64_t monotonic_at_create_ns = 0;  // the base of WasiConfig::realtime_start_ns
  uint64_t random_state = 0;            // random_get's stream (WasiConfig::random_seed)

  FdEntry* get(uint32_t fd) {
    auto it = fds.find(fd);
    return it == fds.end() ? nullptr : it->second.get();
  }
  uint32_t insert(std::unique_ptr<FdEntry> e) {  // lowest free number
    uint32_t n = 0;
    for (const auto& [k, v] : fds) {
      if (k != n) break;
      ++n;
    }
    fds.emplace(n, std::move(e));
    return n;
  }
};

// Bounds-checked access to the calling instance's memory 0. Every guest (ptr, len) goes
// through view(); no memory at all means every pointer is a Fault.
class GuestMem {
 public:
  explicit GuestMem(wasm::MemoryInst* m) : m_(m) {}
  uint8_t* view(uint64_t ptr, uint64_t len) const { return m_ ? m_->view(ptr, len) : nullptr; }
  bool ok(uint64_t ptr, uint64_t len) const { return view(ptr, len) != nullptr; }
  template <class T>
  bool store(uint64_t ptr, T v) const {  // wasm memory is little-endian, as are our hosts
    uint8_t* p = view(ptr, sizeof(T));
    if (!p) return false;
    std::memcpy(p, &v, sizeof(T));
    return true;
  }
  template <class T>
  bool load(uint64_t ptr, T* v) const {
    const uint8_t* p = view(ptr, sizeof(T));
    if (!p) return false;
    std::memcpy(v, p, sizeof(T));
    return true;
  }

 private:
  wasm::MemoryInst* m_;
};

struct Ctx {
  WasiState& s;
  wasm::Caller& caller;
  GuestMem mem;
};

// Looks up `fd` and checks `rights` (all of them must be present); Badf / NotCapable.
Errno lookup(Ctx& c, uint32_t fd, uint64_t rights, FdEntry** out);

// A guest iovec list resolved to host pointers (all checked before any I/O happens).
struct HostIov { uint8_t* ptr; uint32_t len; };
Errno read_iovs(Ctx& c, uint32_t iovs, uint32_t count, std::vector<HostIov>* out);

// Reads a guest path string.
Errno read_path(Ctx& c, uint32_t ptr, uint32_t len, std::string* out);

uint8_t filetype_from_mode(uint32_t st_mode);
uint8_t stdio_filetype(StdioType type);  // what fds 0-2 report
void write_filestat(uint8_t* p, const struct stat& st);

// Every blocking wait in the WASI host goes through here: sleeps until the monotonic
// clock reaches `deadline_ns` (UINT64_MAX: no deadline) or one of `pfds` is ready.
// TODO(store deadline): when wasm::Store gains a deadline, stop at the earlier of the two
// and return a DeadlineExceeded trap from the calling host function.
void sleep_until(wasm::Caller& caller, uint64_t deadline_ns, struct pollfd* pfds, size_t npfds);
uint64_t monotonic_now_ns();

// The host functions, grouped by file. Each reads its own arguments.
using HostFn = Errno (*)(Ctx&, const wasm::Value*);
// `blocks`: the function can wait until the call's deadline (wasm::HostBlocking).
struct FnDef { const char* name; const char* params; HostFn fn; bool blocks = false; };
extern const FnDef kMiscFns[];
extern const size_t kMiscFnCount;
extern const FnDef kFdFns[];
extern const size_t kFdFnCount;
extern const FnDef kPathFns[];
extern const size_t kPathFnCount;

}  // namespace midimon::wasi

namespace midimon::wasi {
// Like lookup(), for operations that change the file system: an fd inside a read-only
// preopen is Rofs before rights are checked, so every refused mutation reads the same.
Errno lookup_mut(Ctx& c, uint32_t fd, uint64_t rights, FdEntry** out);
// atim/mtim/fst_flags -> utimensat times; Inval for contradictory flags.
Errno make_times(uint64_t atim, uint64_t mtim, uint16_t flags, struct timespec out[2]);
}  // namespace midimon::wasi
