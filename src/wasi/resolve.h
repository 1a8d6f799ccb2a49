// Confined path resolution: every guest path is resolved beneath a directory fd and can
// never name anything outside it — not through `..`, absolute paths, or symlinks
// (whoever created them, whenever they were swapped in). Escapes are NotCapable.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

#include "wasi/errno.h"
#include "wasi/unique_fd.h"

namespace midimon::wasi {

// Opens `path` beneath the directory `root` with open(2) `flags` (O_CLOEXEC is added).
// `follow`: follow a symlink in the final component (still confined); otherwise a final
// symlink fails with Loop, or is opened itself with O_PATH.
Errno open_beneath(int root, std::string_view path, int flags, mode_t mode, bool follow,
                   UniqueFd* out);

// Opens the directory containing the final component of `path` beneath `root`, for
// *at() calls on that component. The final component is never "", "." or "..".
// `follow_final`: while the final component is a symlink, replace it by its target
// (resolved beneath `root` again), so the *at() call can use AT_SYMLINK_NOFOLLOW and
// a concurrently swapped-in symlink is never followed.
Errno open_parent(int root, std::string_view path, bool follow_final, UniqueFd* parent,
                  std::string* name);

}  // namespace midimon::wasi
