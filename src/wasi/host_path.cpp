// path_* functions. Every path is resolved beneath its directory fd (resolve.h); pointer
// arguments are checked first, then the fd, then read-only (Rofs), then rights.
#include <fcntl.h>
#include <linux/limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "wasi/resolve.h"
#include "wasi/state.h"

namespace midimon::wasi {
namespace {

using wasm::Value;

// The directory fd a path is relative to; NotDir for files and stdio.
Errno dir_fd(Ctx& c, uint32_t fd, uint64_t rights, bool mutating, FdEntry** out) {
  FdEntry* e = c.s.get(fd);
  if (!e) return Errno::Badf;
  if (e->kind != FdEntry::Kind::Dir) return Errno::NotDir;
  if (mutating) return lookup_mut(c, fd, rights, out);
  return lookup(c, fd, rights, out);
}

// Linux's answer when a name to be created ends in '/' (symlink, link): the name must
// not exist (Exist), and a missing one cannot be created as a non-directory (NoEnt).
Errno slash_on_new_name(const Final& f) {
  struct stat st;
  if (::fstatat(f.dir.get(), f.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) return Errno::Exist;
  return errno_from_host(errno);
}

Errno path_create_directory(Ctx& c, const Value* a) {
  std::string path;
  if (Errno r = read_path(c, a[1].i32, a[2].i32, &path); r != Errno::Success) return r;
  FdEntry* e;
  if (Errno r = dir_fd(c, a[0].i32, abi::kRightPathCreateDirectory, true, &e); r != Errno::Success) return r;
  Final t;
  if (Errno r = open_entry(e->host.get(), path, &t); r != Errno::Success) return r;
  if (t.dot()) return Errno::Exist;  // "." and ".." always exist
  if (::mkdirat(t.dir.get(), t.name.c_str(), 0777) != 0) return errno_from_host(errno);
  return Errno::Success;
}

Errno path_filestat_get(Ctx& c, const Value* a) {
  std::string path;
  if (Errno r = read_path(c, a[2].i32, a[3].i32, &path); r != Errno::Success) return r;
  uint8_t* out = c.mem.view(a[4].i32, abi::kFilestatSize);
  if (!out) return Errno::Fault;
  FdEntry* e;
  if (Errno r = dir_fd(c, a[0].i32, abi::kRightPathFilestatGet, false, &e); r != Errno::Success) return r;
  const bool follow = a[1].i32 & abi::kLookupSymlinkFollow;
  UniqueFd fd;
  if (Errno r = open_beneath(e->host.get(), path, O_PATH, 0, follow, &fd); r != Errno::Success) return r;
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) return errno_from_host(errno);
  write_filestat(out, st);
  return Errno::Success;
}

Errno path_filestat_set_times(Ctx& c, const Value* a) {
  std::string path;
  if (Errno r = read_path(c, a[2].i32, a[3].i32, &path); r != Errno::Success) return r;
  FdEntry* e;
  if (Errno r = dir_fd(c, a[0].i32, abi::kRightPathFilestatSetTimes, true, &e); r != Errno::Success) return r;
  timespec ts[2];
  if (Errno r = make_times(a[4].i64, a[5].i64, static_cast<uint16_t>(a[6].i32), ts); r != Errno::Success) return r;
  Final t;
  if (Errno r = open_object(e->host.get(), path, a[1].i32 & abi::kLookupSymlinkFollow, &t); r != Errno::Success) return r;
  // Never followed by the kernel: a symlink swapped in after resolution is not used.
  if (::utimensat(t.dir.get(), t.name.c_str(), ts, AT_SYMLINK_NOFOLLOW) != 0) return errno_from_host(errno);
  return Errno::Success;
}

Errno path_link(Ctx& c, const Value* a) {
  std::string old_path, new_path;
  if (Errno r = read_path(c, a[2].i32, a[3].i32, &old_path); r != Errno::Success) return r;
  if (Errno r = read_path(c, a[5].i32, a[6].i32, &new_path); r != Errno::Success) return r;
  FdEntry *from, *to;
  if (Errno r = dir_fd(c, a[0].i32, abi::kRightPathLinkSource, true, &from); r != Errno::Success) return r;
  if (Errno r = dir_fd(c, a[4].i32, abi::kRightPathLinkTarget, true, &to); r != Errno::Success) return r;
  Final src, dst;
  if (Errno r = open_object(from->host.get(), old_path, a[1].i32 & abi::kLookupSymlinkFollow, &src); r != Errno::Success)
    return r;
  // Linux looks the source up completely (a missing one is NoEnt) before the new name.
  struct stat st;
  if (::fstatat(src.dir.get(), src.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return errno_from_host(errno);
  if (Errno r = open_entry(to->host.get(), new_path, &dst); r != Errno::Success) return r;
  if (dst.dot()) return Errno::Exist;
  if (dst.slash) return slash_on_new_name(dst);
  // A directory source (named "dir/", "." or "..") reaches linkat as (dir, "."): Perm.
  if (::linkat(src.dir.get(), src.name.c_str(), dst.dir.get(), dst.name.c_str(), 0) != 0)
    return errno_from_host(errno);
  return Errno::Success;
}

Errno path_open(Ctx& c, const Value* a) {
  const uint32_t dirflags = a[1].i32, oflags = a[4].i32, fdflags = a[7].i32;
  const uint64_t want_base = a[5].i64, want_inh = a[6].i64;
  std::string path;
  if (Errno r = read_path(c, a[2].i32, a[3].i32, &path); r != Errno::Success) return r;
  if (!c.mem.ok(a[8].i32, 4)) return Errno::Fault;
  FdEntry* dir;
  if (Errno r = dir_fd(c, a[0].i32, abi::kRightPathOpen, false, &dir); r != Errno::Success) return r;
  if (oflags > 0xf || fdflags > 0x1f) return Errno::Inval;
  // open(2) refuses O_CREAT|O_DIRECTORY since Linux 6.4 (older kernels created a file):
  // the same answer on every kernel.
  if ((oflags & abi::kOflagCreat) && (oflags & abi::kOflagDirectory)) return Errno::Inval;
  constexpr uint64_t kWriteRights = abi::kRightFdWrite | abi::kRightFdAllocate | abi::kRightFdFilestatSetSize;
  const bool creat = oflags & abi::kOflagCreat, trunc = oflags & abi::kOflagTrunc;
  if (dir->read_only && (creat || trunc || (want_base & kWriteRights))) return Errno::Rofs;
  if (creat && !(dir->rights_base & abi::kRightPathCreateFile)) return Errno::NotCapable;
  if (trunc && !(dir->rights_base & abi::kRightPathFilestatSetSize)) return Errno::NotCapable;

  // Rights beyond what the directory passes on are dropped, not an error (as wasi-libc
  // asks for "everything that fits" and masks with the inheriting set itself).
  const uint64_t base = want_base & dir->rights_inheriting;
  const uint64_t inh = want_inh & dir->rights_inheriting;
  const bool rd = base & (abi::kRightFdRead | abi::kRightFdReaddir);
  const bool wr = (base & kWriteRights) || trunc;
  // The access mode follows the rights, for directories too: asking for a directory with
  // write rights is EISDIR from open(2), not a silently read-only fd.
  int flags = wr ? (rd ? O_RDWR : O_WRONLY) : O_RDONLY;
  if (oflags & abi::kOflagDirectory) flags |= O_DIRECTORY;
  if (creat) flags |= O_CREAT;
  if (oflags & abi::kOflagExcl) flags |= O_EXCL;
  if (trunc) flags |= O_TRUNC;
  if (fdflags & abi::kFdflagAppend) flags |= O_APPEND;
  if (fdflags & abi::kFdflagDsync) flags |= O_DSYNC;
  if (fdflags & abi::kFdflagRsync) flags |= O_RSYNC;
  if (fdflags & abi::kFdflagSync) flags |= O_SYNC;
  // Always open non-blocking so a FIFO in the tree cannot hang the host here.
  flags |= O_NONBLOCK;

  UniqueFd fd;
  if (Errno r = open_beneath(dir->host.get(), path, flags, 0666, dirflags & abi::kLookupSymlinkFollow, &fd);
      r != Errno::Success)
    return r;
  if (!(fdflags & abi::kFdflagNonblock)) {
    const int fl = ::fcntl(fd.get(), F_GETFL);
    if (fl >= 0) (void)::fcntl(fd.get(), F_SETFL, fl & ~O_NONBLOCK);
  }
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) return errno_from_host(errno);
  auto e = std::make_unique<FdEntry>();
  const bool is_dir = S_ISDIR(st.st_mode);
  e->kind = is_dir ? FdEntry::Kind::Dir : FdEntry::Kind::File;
  e->host = std::move(fd);
  e->filetype = filetype_from_mode(st.st_mode);
  e->fdflags = static_cast<uint16_t>(fdflags);
  e->read_only = dir->read_only;
  const uint64_t mask = dir->read_only ? ~abi::kRightsMutating : ~uint64_t{0};
  e->rights_base = base & (is_dir ? abi::kRightsDir : abi::kRightsFile) & mask;
  if (!rd) e->rights_base &= ~(abi::kRightFdRead | abi::kRightFdReaddir);
  e->rights_inheriting = inh & mask;
  const uint32_t n = c.s.insert(std::move(e));
  (void)c.mem.store<uint32_t>(a[8].i32, n);
  return Errno::Success;
}

Errno path_readlink(Ctx& c, const Value* a) {
  std::string path;
  if (Errno r = read_path(c, a[1].i32, a[2].i32, &path); r != Errno::Success) return r;
  uint8_t* buf = c.mem.view(a[3].i32, a[4].i32);
  if (!buf || !c.mem.ok(a[5].i32, 4)) return Errno::Fault;
  FdEntry* e;
  if (Errno r = dir_fd(c, a[0].i32, abi::kRightPathReadlink, false, &e); r != Errno::Success) return r;
  Final t;
  if (Errno r = open_object(e->host.get(), path, false, &t); r != Errno::Success) return r;
  std::string link(4096, '\0');
  // A directory (named "dir/", "." or "..") is (dir, "."): readlinkat answers Inval.
  const ssize_t n = ::readlinkat(t.dir.get(), t.name.c_str(), link.data(), link.size());
  if (n < 0) return errno_from_host(errno);
  // Truncated to the buffer, as readlink(2) does.
  const uint32_t copy = static_cast<uint32_t>(std::min<size_t>(static_cast<size_t>(n), a[4].i32));
  std::memcpy(buf, link.data(), copy);
  (void)c.mem.store<uint32_t>(a[5].i32, copy);
  return Errno::Success;
}

Errno path_remove_directory(Ctx& c, const Value* a) {
  std::string path;
  if (Errno r = read_path(c, a[1].i32, a[2].i32, &path); r != Errno::Success) return r;
  FdEntry* e;
  if (Errno r = dir_fd(c, a[0].i32, abi::kRightPathRemoveDirectory, true, &e); r != Errno::Success) return r;
  Final t;
  if (Errno r = open_entry(e->host.get(), path, &t); r != Errno::Success) return r;
  if (t.name == ".") return Errno::Inval;
  if (t.name == "..") return Errno::NotEmpty;  // it holds at least the directory we came from
  if (::unlinkat(t.dir.get(), t.name.c_str(), AT_REMOVEDIR) != 0) return errno_from_host(errno);
  return Errno::Success;
}

Errno path_rename(Ctx& c, const Value* a) {
  std::string old_path, new_path;
  if (Errno r = read_path(c, a[1].i32, a[2].i32, &old_path); r != Errno::Success) return r;
  if (Errno r = read_path(c, a[4].i32, a[5].i32, &new_path); r != Errno::Success) return r;
  FdEntry *from, *to;
  if (Errno r = dir_fd(c, a[0].i32, abi::kRightPathRenameSource, true, &from); r != Errno::Success) return r;
  if (Errno r = dir_fd(c, a[3].i32, abi::kRightPathRenameTarget, true, &to); r != Errno::Success) return r;
  Final src, dst;
  if (Errno r = open_entry(from->host.get(), old_path, &src); r != Errno::Success) return r;
  if (Errno r = open_entry(to->host.get(), new_path, &dst); r != Errno::Success) return r;
  if (src.dot() || dst.dot()) return Errno::Busy;
  if (src.slash || dst.slash) {  // only a directory may be named with a trailing '/'
    struct stat st;
    if (::fstatat(src.dir.get(), src.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return errno_from_host(errno);
    if (!S_ISDIR(st.st_mode)) return Errno::NotDir;
  }
  if (::renameat(src.dir.get(), src.name.c_str(), dst.dir.get(), dst.name.c_str()) != 0)
    return errno_from_host(errno);
  return Errno::Success;
}

Errno path_symlink(Ctx& c, const Value* a) {
  std::string link_target, path;
  if (Errno r = read_path(c, a[0].i32, a[1].i32, &link_target); r != Errno::Success) return r;
  if (Errno r = read_path(c, a[3].i32, a[4].i32, &path); r != Errno::Success) return r;
  FdEntry* e;
  if (Errno r = dir_fd(c, a[2].i32, abi::kRightPathSymlink, true, &e); r != Errno::Success) return r;
  // An absolute target could only ever name something outside the sandbox (and would
  // mislead host tools that follow it): refused. Relative targets are confined when
  // followed, like every other path.
  if (link_target.empty()) return Errno::NoEnt;
  if (link_target.size() >= PATH_MAX) return Errno::NameTooLong;
  if (link_target.find('\0') != std::string::npos) return Errno::Inval;
  if (link_target.front() == '/') return Errno::NotCapable;
  Final t;
  if (Errno r = open_entry(e->host.get(), path, &t); r != Errno::Success) return r;
  if (t.dot()) return Errno::Exist;
  if (t.slash) return slash_on_new_name(t);
  if (::symlinkat(link_target.c_str(), t.dir.get(), t.name.c_str()) != 0) return errno_from_host(errno);
  return Errno::Success;
}

Errno path_unlink_file(Ctx& c, const Value* a) {
  std::string path;
  if (Errno r = read_path(c, a[1].i32, a[2].i32, &path); r != Errno::Success) return r;
  FdEntry* e;
  if (Errno r = dir_fd(c, a[0].i32, abi::kRightPathUnlinkFile, true, &e); r != Errno::Success) return r;
  Final t;
  if (Errno r = open_entry(e->host.get(), path, &t); r != Errno::Success) return r;
  if (t.dot()) return Errno::IsDir;
  if (t.slash) {  // "name/" names a directory, never a file
    struct stat st;
    if (::fstatat(t.dir.get(), t.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return errno_from_host(errno);
    return S_ISDIR(st.st_mode) ? Errno::IsDir : Errno::NotDir;
  }
  if (::unlinkat(t.dir.get(), t.name.c_str(), 0) != 0) return errno_from_host(errno);
  return Errno::Success;
}

}  // namespace

const FnDef kPathFns[] = {
    {"path_create_directory", "iii", path_create_directory},
    {"path_filestat_get", "iiiii", path_filestat_get},
    {"path_filestat_set_times", "iiiiIIi", path_filestat_set_times},
    {"path_link", "iiiiiii", path_link},
    {"path_open", "iiiiiIIii", path_open},
    {"path_readlink", "iiiiii", path_readlink},
    {"path_remove_directory", "iii", path_remove_directory},
    {"path_rename", "iiiiii", path_rename},
    {"path_symlink", "iiiii", path_symlink},
    {"path_unlink_file", "iii", path_unlink_file},
};
const size_t kPathFnCount = sizeof(kPathFns) / sizeof(kPathFns[0]);

}  // namespace midimon::wasi
