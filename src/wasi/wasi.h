// WASI preview1 host: defines every `wasi_snapshot_preview1` function into a Linker for
// one Store. Nothing is granted by default: no preopens, no args, no environment, empty
// stdin; stdout/stderr go only to the callbacks (discarded when unset). The host's own
// fds 0/1/2 are never touched. See docs/wasi.md.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wasm/linker.h"
#include "wasm/result.h"
#include "wasm/store.h"

namespace midimon::wasi {

struct Preopen {
  std::string host_dir;    // opened once, at WasiHost::create
  std::string guest_path;  // what fd_prestat_dir_name reports, e.g. "/data" or "."
  bool read_only = false;  // every mutation below it fails with EROFS
};

using OutputCallback = std::function<void(std::string_view)>;

// What the guest is told one of its fds 0, 1, 2 is (fd_fdstat_get, fd_filestat_get). It
// decides the guest's isatty(), and so its stdio buffering and checks such as bzip2's
// "I won't write compressed data to a terminal". Terminal is a character device; File a
// regular file; Pipe (pipes, sockets, /dev/null, anything else) an unknown file type.
enum class StdioType { Terminal, File, Pipe };

// The StdioType that describes the host's own file descriptor `fd`, for an embedder whose
// callbacks forward the guest's output to that fd (as `midimon wasm run` does).
StdioType stdio_type_of_host_fd(int fd);

struct WasiConfig {
  std::vector<std::string> args;  // argv, including argv[0] if the guest expects one
  std::vector<std::string> env;   // "KEY=VALUE" entries
  std::vector<Preopen> preopens;  // guest fds 3, 4, ... in this order
  OutputCallback stdout_cb;       // unset: discard
  OutputCallback stderr_cb;       // unset: discard
  std::string stdin_bytes;        // what fd 0 reads; then end of file
  // A terminal by default: a plugin's output goes to the daemon's log line by line, and
  // the guest's libc buffers a terminal's output by line.
  StdioType stdin_type = StdioType::Terminal;
  StdioType stdout_type = StdioType::Terminal;
  StdioType stderr_type = StdioType::Terminal;
  // Reproducible runs (benchmarks counting instructions, tests): programs that seed
  // hash tables from the time or from random_get then run the same way every time.
  // realtime_start_ns: the realtime clock reads this (nanoseconds since the epoch) when
  // the host is created and then advances with the monotonic clock. random_seed:
  // random_get returns a deterministic stream from it (splitmix64; not for secrets).
  // Unset: the host's clock and getrandom(2).
  std::optional<uint64_t> realtime_start_ns;
  std::optional<uint64_t> random_seed;
};

struct WasiState;

class WasiHost {
 public:
  // Opens the preopen directories. Error kind Usage when one cannot be opened as a
  // directory (message names the host path and the reason).
  static wasm::Result<std::unique_ptr<WasiHost>> create(WasiConfig config);
  ~WasiHost();
  WasiHost(const WasiHost&) = delete;
  WasiHost& operator=(const WasiHost&) = delete;

  // Creates the host functions in `store` and defines them in `linker` under
  // "wasi_snapshot_preview1". The WasiHost must outlive every call into them.
  void define(wasm::Linker& linker, wasm::Store& store);
  // The same for only the functions `module` imports from "wasi_snapshot_preview1" (an
  // import of a name WASI does not have stays undefined: instantiation reports it).
  // What a plugin host or `midimon wasm run` does: creating all 46 functions for a module
  // that imports a few was most of instantiating it.
  void define_imports(wasm::Linker& linker, wasm::Store& store, const wasm::ModuleInfo& module);

 private:
  explicit WasiHost(std::unique_ptr<WasiState> state);
  void define_matching(wasm::Linker& linker, wasm::Store& store,
                       const std::function<bool(std::string_view)>& wanted);
  std::unique_ptr<WasiState> state_;
};

// Path confinement is done with openat2(RESOLVE_BENEATH) when the kernel has it and a
// userspace walk otherwise. Tests force the walk to cover both; not for production use.
void force_path_walk_fallback(bool on);
bool openat2_available();

}  // namespace midimon::wasi
