#include "plugin/sealed_library.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace midimon::plugin {

namespace {

// MFD_EXEC (Linux 6.3): on kernels where vm.memfd_noexec forbids executable memfds by
// default, ask for one explicitly; older kernels reject the unknown flag with EINVAL.
constexpr unsigned kMfdExec = 0x0010U;

std::string errno_text() { return std::strerror(errno); }

int make_memfd(const std::string& name) {
  int fd = memfd_create(name.c_str(), MFD_CLOEXEC | MFD_ALLOW_SEALING | kMfdExec);
  if (fd < 0 && errno == EINVAL) fd = memfd_create(name.c_str(), MFD_CLOEXEC | MFD_ALLOW_SEALING);
  return fd;
}

bool write_all(int fd, std::span<const uint8_t> bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

std::string proc_path(int fd) { return "/proc/self/fd/" + std::to_string(fd); }

// dlerror's text names the /proc path; the user knows the plugin by its file name.
std::string dl_error_text(const std::string& path, const std::string& name) {
  const char* e = dlerror();
  std::string text = e != nullptr ? std::string(e) : std::string("no detail from dlerror");
  size_t at = text.find(path);
  while (at != std::string::npos) {
    text.replace(at, path.size(), name);
    at = text.find(path, at + name.size());
  }
  return text;
}

}  // namespace

SealedLibrary::SealedLibrary(SealedLibrary&& other) noexcept
    : handle_(std::exchange(other.handle_, nullptr)), fd_(std::exchange(other.fd_, -1)) {}

SealedLibrary& SealedLibrary::operator=(SealedLibrary&& other) noexcept {
  if (this != &other) {
    reset();
    handle_ = std::exchange(other.handle_, nullptr);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

SealedLibrary::~SealedLibrary() { reset(); }

void SealedLibrary::reset() {
  if (handle_ != nullptr) dlclose(handle_);
  if (fd_ >= 0) ::close(fd_);
  handle_ = nullptr;
  fd_ = -1;
}

Expected<SealedLibrary> SealedLibrary::load(std::span<const uint8_t> bytes, const std::string& name,
                                            int dlopen_flags) {
  SealedLibrary lib;
  lib.fd_ = make_memfd(name);
  if (lib.fd_ < 0) return Failure{"cannot create a private copy to load (memfd_create): " + errno_text()};
  if (!write_all(lib.fd_, bytes)) return Failure{"cannot write the private copy to load: " + errno_text()};
  if (fcntl(lib.fd_, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) != 0) {
    return Failure{"cannot seal the private copy to load: " + errno_text()};
  }
  // A library dlopened earlier under this /proc path and never unmapped (a NODELETE
  // library, e.g. C++ with unique symbols) would be handed back instead of ours: move
  // the memfd to another descriptor number until the path is unused.
  for (int attempt = 0;; ++attempt) {
    const std::string path = proc_path(lib.fd_);
    dlerror();
    void* stale = dlopen(path.c_str(), RTLD_LAZY | RTLD_NOLOAD);
    if (stale == nullptr) break;
    dlclose(stale);
    if (attempt == 64) return Failure{"cannot find an unused descriptor to load the private copy from"};
    const int moved = fcntl(lib.fd_, F_DUPFD_CLOEXEC, lib.fd_ + 1);
    if (moved < 0) return Failure{"cannot move the private copy to another descriptor: " + errno_text()};
    ::close(lib.fd_);
    lib.fd_ = moved;
  }
  const std::string path = proc_path(lib.fd_);
  dlerror();  // clear a stale error
  lib.handle_ = dlopen(path.c_str(), dlopen_flags);
  if (lib.handle_ == nullptr) return Failure{"cannot be loaded: " + dl_error_text(path, name)};
  return lib;
}

}  // namespace midimon::plugin
