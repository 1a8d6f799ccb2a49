// Confined path resolution: every guest path is resolved beneath a directory fd and can
// never name anything outside it — not through `..`, absolute paths, or symlinks
// (whoever created them, whenever they were swapped in). Escapes are NotCapable.
// Otherwise paths resolve as Linux resolves them, in both strategies (openat2 and the
// userspace walk): a trailing '/' asks for a directory and follows a final symlink, a
// path of PATH_MAX bytes or more is NameTooLong, an empty one NoEnt. See docs/wasi.md.
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

// A path split for the *at() calls: the directory `dir` (opened beneath the root with
// O_PATH) and the component `name` inside it.
struct Final {
  UniqueFd dir;
  std::string name;
  bool slash = false;  // the path ended in '/'
  bool dot() const { return name == "." || name == ".."; }
};

// For calls that create, remove or rename a directory entry (mkdir, symlink, link's new
// name, unlink, rmdir, rename): the final component as written, never followed. When it
// is "." or "..", `dir` is the directory the whole path names (so `..` leaving the root
// is NotCapable, a missing directory before it NoEnt); the caller answers as Linux does
// for that call. `slash` lets the caller apply Linux's trailing-slash rule for it.
Errno open_entry(int root, std::string_view path, Final* out);

// For calls that act on what a path names without opening it (readlink, utimensat,
// link's source). A path ending in '/', "." or ".." names a directory, found following
// symlinks as open(2) would: `dir` is that directory and `name` is ".". Otherwise `name`
// is the final component; with `follow`, while it is a symlink it is replaced by its
// target (resolved beneath `root` again, at most 40 times, then Loop), so the *at() call
// can use AT_SYMLINK_NOFOLLOW and a symlink swapped in concurrently is never followed.
Errno open_object(int root, std::string_view path, bool follow, Final* out);

}  // namespace midimon::wasi
