// Loading a native plugin from bytes that were already verified, never from its path
// again: the bytes go into a private, sealed in-memory file (memfd) and dlopen loads that
// (/proc/self/fd/N). A file swapped on disk between the signature/pin check and the load
// is therefore never what runs (the check and the load see the same bytes).
#pragma once

#include <span>
#include <string>

#include "plugin/expected.h"

namespace midimon::plugin {

// A dlopen handle and the sealed memfd it was loaded from. The memfd stays open while
// the library is loaded, so no other library can be loaded under the same /proc path
// (glibc matches already-loaded libraries by the path string given to dlopen).
class SealedLibrary {
 public:
  SealedLibrary() = default;
  SealedLibrary(SealedLibrary&& other) noexcept;
  SealedLibrary& operator=(SealedLibrary&& other) noexcept;
  SealedLibrary(const SealedLibrary&) = delete;
  SealedLibrary& operator=(const SealedLibrary&) = delete;
  ~SealedLibrary();  // dlclose, then close the memfd

  void* handle() const { return handle_; }

  // Copies `bytes` into a new memfd (named `name` for /proc/self/maps), seals it against
  // any change, and dlopens it with `dlopen_flags`. Errors are one sentence: the memfd
  // step that failed, or dlerror's text with the /proc path replaced by `name`.
  static Expected<SealedLibrary> load(std::span<const uint8_t> bytes, const std::string& name,
                                      int dlopen_flags);

 private:
  void reset();
  void* handle_ = nullptr;
  int fd_ = -1;
};

}  // namespace midimon::plugin
