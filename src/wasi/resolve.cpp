#include "wasi/resolve.h"

#include <fcntl.h>
#include <linux/limits.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <deque>
#include <vector>

#include "wasi/wasi.h"

namespace midimon::wasi {
namespace {

constexpr int kMaxSymlinks = 40;  // Linux's own limit for one resolution

std::atomic<int> g_openat2_state{0};  // 0 unknown, 1 available, -1 not available
std::atomic<bool> g_force_fallback{false};

// Paths a guest may pass at all: non-empty, shorter than PATH_MAX (which counts the NUL
// Linux needs), no NUL bytes, relative. Checked before either strategy runs, so the walk
// refuses what openat2 refuses.
Errno check_path(std::string_view path) {
  if (path.empty()) return Errno::NoEnt;
  if (path.size() >= PATH_MAX) return Errno::NameTooLong;
  if (path.find('\0') != std::string_view::npos) return Errno::Inval;
  if (path.front() == '/') return Errno::NotCapable;
  return Errno::Success;
}

bool ends_with_slash(std::string_view path) { return !path.empty() && path.back() == '/'; }

// The non-empty components of `path`, in order.
std::deque<std::string> split(std::string_view path) {
  std::deque<std::string> parts;
  size_t i = 0;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    if (j > i) parts.emplace_back(path.substr(i, j - i));
    i = j + 1;
  }
  return parts;
}

bool read_link(int dirfd, const char* name, std::string* target) {
  std::vector<char> buf(256);
  for (;;) {
    ssize_t n = ::readlinkat(dirfd, name, buf.data(), buf.size());
    if (n < 0) return false;
    if (static_cast<size_t>(n) < buf.size()) {
      target->assign(buf.data(), static_cast<size_t>(n));
      return true;
    }
    if (buf.size() >= 65536) { errno = ENAMETOOLONG; return false; }
    buf.resize(buf.size() * 2);
  }
}

long sys_openat2(int dirfd, const char* path, open_how* how) {
  return ::syscall(SYS_openat2, dirfd, path, how, sizeof(*how));
}

bool use_openat2() {
  if (g_force_fallback.load(std::memory_order_relaxed)) return false;
  int state = g_openat2_state.load(std::memory_order_relaxed);
  if (state == 0) {
    open_how how{};
    how.flags = O_PATH | O_CLOEXEC;
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
    long fd = sys_openat2(AT_FDCWD, ".", &how);
    if (fd >= 0) ::close(static_cast<int>(fd));
    state = (fd < 0 && errno == ENOSYS) ? -1 : 1;
    g_openat2_state.store(state, std::memory_order_relaxed);
  }
  return state > 0;
}

Errno open_with_openat2(int root, std::string_view path, int flags, mode_t mode, bool follow,
                        UniqueFd* out) {
  std::string p(path);
  open_how how{};
  how.flags = static_cast<uint64_t>(flags | O_CLOEXEC | (follow ? 0 : O_NOFOLLOW));
  how.mode = (flags & O_CREAT) ? mode : 0;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  for (int attempt = 0; attempt < 16; ++attempt) {
    long fd = sys_openat2(root, p.c_str(), &how);
    if (fd >= 0) {
      out->reset(static_cast<int>(fd));
      return Errno::Success;
    }
    if (errno == EAGAIN || errno == EINTR) continue;  // a concurrent rename: retry
    if (errno == EXDEV) return Errno::NotCapable;      // would leave the root
    return errno_from_host(errno);
  }
  return Errno::Again;
}

// The userspace walk: one component at a time with O_NOFOLLOW, symlinks read and
// expanded here (absolute targets refused), `..` pops back to an fd we already hold and
// never goes above the root. A trailing '/' (on the path, or on the target of a final
// symlink) makes the final component "must be a directory, follow it" as in the kernel.
Errno open_with_walk(int root, std::string_view path, int flags, mode_t mode, bool follow,
                     UniqueFd* out) {
  std::deque<std::string> parts = split(path);
  bool want_dir = ends_with_slash(path);
  std::vector<UniqueFd> stack;  // directories below root that we walked into
  auto cur = [&]() { return stack.empty() ? root : stack.back().get(); };
  int symlinks = 0;
  // Replaces the symlink just taken off `parts` by its target's components.
  auto expand = [&](const std::string& target, bool was_last) -> Errno {
    if (++symlinks > kMaxSymlinks) return Errno::Loop;
    if (target.empty()) return Errno::NoEnt;
    if (target.front() == '/') return Errno::NotCapable;
    if (was_last && ends_with_slash(target)) want_dir = true;
    std::deque<std::string> t = split(target);
    parts.insert(parts.begin(), t.begin(), t.end());
    return Errno::Success;
  };
  if (parts.empty()) return Errno::NoEnt;
  while (!parts.empty()) {
    const std::string c = std::move(parts.front());
    parts.pop_front();
    const bool last = parts.empty();
    const bool dotdot = c == "..";
    if (dotdot) {
      if (stack.empty()) return Errno::NotCapable;
      stack.pop_back();
    }
    const bool dot = dotdot || c == ".";
    const char* name = dot ? "." : c.c_str();
    if (!last) {
      if (dot) continue;
      UniqueFd fd(::openat(cur(), name, O_PATH | O_NOFOLLOW | O_CLOEXEC));
      if (!fd.valid()) return errno_from_host(errno);
      struct stat st;
      if (::fstat(fd.get(), &st) != 0) return errno_from_host(errno);
      if (S_ISLNK(st.st_mode)) {
        std::string target;
        if (!read_link(fd.get(), "", &target)) return errno_from_host(errno);
        if (Errno e = expand(target, false); e != Errno::Success) return e;
        continue;
      }
      if (!S_ISDIR(st.st_mode)) return Errno::NotDir;
      stack.push_back(std::move(fd));
      continue;
    }
    // Final component: never followed by the kernel. open(2) refuses to create "name/"
    // before looking at it ("." and ".." are left to the kernel: they are directories).
    if (want_dir && (flags & O_CREAT) && !dot) return Errno::IsDir;
    const bool follow_final = follow || want_dir;
    // "." is a directory already; O_DIRECTORY there would turn O_CREAT's EISDIR/EEXIST
    // into EINVAL.
    const int final_flags = flags | (want_dir && !dot ? O_DIRECTORY : 0) | O_NOFOLLOW | O_CLOEXEC;
    int fd = ::openat(cur(), name, final_flags, mode);
    if (fd >= 0) {
      UniqueFd held(fd);
      if (follow_final && (flags & O_PATH)) {  // O_PATH|O_NOFOLLOW opens a symlink itself
        struct stat st;
        if (::fstat(held.get(), &st) != 0) return errno_from_host(errno);
        if (S_ISLNK(st.st_mode)) {
          std::string target;
          if (!read_link(held.get(), "", &target)) return errno_from_host(errno);
          if (Errno e = expand(target, true); e != Errno::Success) return e;
          continue;
        }
      }
      *out = std::move(held);
      return Errno::Success;
    }
    const int err = errno;
    // A symlink opened with O_NOFOLLOW fails with ELOOP, or ENOTDIR under O_DIRECTORY.
    if (follow_final && (err == ELOOP || err == ENOTDIR)) {
      struct stat st;
      if (::fstatat(cur(), name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode)) {
        std::string target;
        if (!read_link(cur(), name, &target)) return errno_from_host(errno);
        if (Errno e = expand(target, true); e != Errno::Success) return e;
        continue;
      }
    }
    return errno_from_host(err);
  }
  return Errno::NoEnt;
}

// Splits off the final component; `dir` becomes "." when there is no directory part,
// `slash` says the path ended in '/'.
void split_last(std::string_view path, std::string* dir, std::string* name, bool* slash) {
  *slash = false;
  while (path.size() > 1 && path.back() == '/') {
    path.remove_suffix(1);
    *slash = true;
  }
  size_t last = path.rfind('/');
  if (last == std::string_view::npos) {
    dir->assign(1, '.');  // not `= "."`: g++-12 -O3 warns falsely (-Wrestrict, GCC PR 105329)
    *name = std::string(path);
  } else {
    *dir = std::string(path.substr(0, last + 1));
    *name = std::string(path.substr(last + 1));
  }
}

Errno open_dir_beneath(int root, std::string_view path, UniqueFd* out) {
  return open_beneath(root, path, O_PATH | O_DIRECTORY, 0, true, out);
}

}  // namespace

void force_path_walk_fallback(bool on) { g_force_fallback.store(on); }
bool openat2_available() {
  bool forced = g_force_fallback.exchange(false);
  bool r = use_openat2();
  g_force_fallback.store(forced);
  return r;
}

Errno open_beneath(int root, std::string_view path, int flags, mode_t mode, bool follow,
                   UniqueFd* out) {
  if (Errno e = check_path(path); e != Errno::Success) return e;
  if (use_openat2()) return open_with_openat2(root, path, flags, mode, follow, out);
  return open_with_walk(root, path, flags, mode, follow, out);
}

Errno open_entry(int root, std::string_view path, Final* out) {
  if (Errno e = check_path(path); e != Errno::Success) return e;
  std::string dir;
  split_last(path, &dir, &out->name, &out->slash);
  return open_dir_beneath(root, out->dot() ? path : std::string_view(dir), &out->dir);
}

Errno open_object(int root, std::string_view path, bool follow, Final* out) {
  if (Errno e = check_path(path); e != Errno::Success) return e;
  std::string current(path), dir;
  for (int hops = 0;; ++hops) {
    split_last(current, &dir, &out->name, &out->slash);
    if (out->slash || out->dot()) {  // names a directory: that directory itself
      out->name.assign(1, '.');
      out->slash = false;
      return open_dir_beneath(root, current, &out->dir);
    }
    if (Errno e = open_dir_beneath(root, dir, &out->dir); e != Errno::Success) return e;
    if (!follow) return Errno::Success;
    struct stat st;
    if (::fstatat(out->dir.get(), out->name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 ||
        !S_ISLNK(st.st_mode))
      return Errno::Success;  // missing or not a symlink: the caller's *at() decides
    if (hops == kMaxSymlinks) return Errno::Loop;
    std::string target;
    if (!read_link(out->dir.get(), out->name.c_str(), &target)) return errno_from_host(errno);
    if (target.empty()) return Errno::NoEnt;
    if (target.front() == '/') return Errno::NotCapable;
    current = (dir == "." ? std::string() : dir) + target;
  }
}

}  // namespace midimon::wasi
