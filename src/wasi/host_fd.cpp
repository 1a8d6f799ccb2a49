// fd_* functions: reads, writes, seeks, metadata, directories, the fd table itself.
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "wasi/state.h"

namespace midimon::wasi {

using wasm::Value;

Errno lookup_mut(Ctx& c, uint32_t fd, uint64_t rights, FdEntry** out) {
  FdEntry* e = c.s.get(fd);
  if (!e) return Errno::Badf;
  if (e->read_only) return Errno::Rofs;
  if ((e->rights_base & rights) != rights) return Errno::NotCapable;
  *out = e;
  return Errno::Success;
}

Errno make_times(uint64_t atim, uint64_t mtim, uint16_t flags, timespec out[2]) {
  if ((flags & abi::kFstAtim) && (flags & abi::kFstAtimNow)) return Errno::Inval;
  if ((flags & abi::kFstMtim) && (flags & abi::kFstMtimNow)) return Errno::Inval;
  if (flags & ~uint16_t{0xf}) return Errno::Inval;
  auto one = [](uint64_t t, bool set, bool now, timespec* ts) {
    if (now) { ts->tv_sec = 0; ts->tv_nsec = UTIME_NOW; }
    else if (set) { ts->tv_sec = static_cast<time_t>(t / 1'000'000'000ull); ts->tv_nsec = static_cast<long>(t % 1'000'000'000ull); }
    else { ts->tv_sec = 0; ts->tv_nsec = UTIME_OMIT; }
  };
  one(atim, flags & abi::kFstAtim, flags & abi::kFstAtimNow, &out[0]);
  one(mtim, flags & abi::kFstMtim, flags & abi::kFstMtimNow, &out[1]);
  return Errno::Success;
}

namespace {

bool is_stdio(const FdEntry* e) { return e->kind != FdEntry::Kind::Dir && e->kind != FdEntry::Kind::File; }

// Runs readv/writev-style `op` over the iovecs in IOV_MAX chunks; stops at a short
// transfer. `op(iov, n, done)` returns bytes or -1 with errno.
template <class Op>
Errno transfer(const std::vector<HostIov>& iovs, uint32_t* done_out, Op op) {
  uint64_t done = 0;
  size_t i = 0;
  std::vector<iovec> chunk;
  while (i < iovs.size()) {
    chunk.clear();
    uint64_t want = 0;
    for (; i < iovs.size() && chunk.size() < IOV_MAX; ++i) {
      if (want + iovs[i].len > INT32_MAX - done) break;  // the result must fit
      chunk.push_back({iovs[i].ptr, iovs[i].len});
      want += iovs[i].len;
    }
    if (chunk.empty()) break;
    ssize_t n;
    do n = op(chunk.data(), static_cast<int>(chunk.size()), done);
    while (n < 0 && errno == EINTR);
    if (n < 0) {
      if (done > 0) break;  // report what was transferred
      return errno_from_host(errno);
    }
    done += static_cast<uint64_t>(n);
    if (static_cast<uint64_t>(n) < want) break;
  }
  *done_out = static_cast<uint32_t>(done);
  return Errno::Success;
}

Errno fd_read(Ctx& c, const Value* a) {
  FdEntry* e;
  if (Errno r = lookup(c, a[0].i32, abi::kRightFdRead, &e); r != Errno::Success) return r;
  std::vector<HostIov> iovs;
  if (Errno r = read_iovs(c, a[1].i32, a[2].i32, &iovs); r != Errno::Success) return r;
  if (!c.mem.ok(a[3].i32, 4)) return Errno::Fault;
  uint32_t done = 0;
  if (e->kind == FdEntry::Kind::Stdin) {
    const std::string& in = c.s.config.stdin_bytes;
    for (const HostIov& v : iovs) {
      const size_t n = std::min<size_t>(v.len, in.size() - c.s.stdin_pos);
      std::memcpy(v.ptr, in.data() + c.s.stdin_pos, n);
      c.s.stdin_pos += n;
      done += static_cast<uint32_t>(n);
      if (n < v.len) break;
    }
  } else {
    const int fd = e->host.get();
    if (Errno r = transfer(iovs, &done, [fd](iovec* v, int n, uint64_t) { return ::readv(fd, v, n); });
        r != Errno::Success)
      return r;
  }
  (void)c.mem.store<uint32_t>(a[3].i32, done);
  return Errno::Success;
}

Errno fd_write(Ctx& c, const Value* a) {
  FdEntry* e;
  if (Errno r = lookup_mut(c, a[0].i32, abi::kRightFdWrite, &e); r != Errno::Success) return r;
  std::vector<HostIov> iovs;
  if (Errno r = read_iovs(c, a[1].i32, a[2].i32, &iovs); r != Errno::Success) return r;
  if (!c.mem.ok(a[3].i32, 4)) return Errno::Fault;
  uint32_t done = 0;
  if (is_stdio(e)) {
    std::string bytes;
    for (const HostIov& v : iovs) bytes.append(reinterpret_cast<const char*>(v.ptr), v.len);
    const OutputCallback& cb = e->kind == FdEntry::Kind::Stdout ? c.s.config.stdout_cb : c.s.config.stderr_cb;
    if (cb && !bytes.empty()) cb(bytes);
    done = static_cast<uint32_t>(bytes.size());
  } else {
    const int fd = e->host.get();
    if (Errno r = transfer(iovs, &done, [fd](iovec* v, int n, uint64_t) { return ::writev(fd, v, n); });
        r != Errno::Success)
      return r;
  }
  (void)c.mem.store<uint32_t>(a[3].i32, done);
  return Errno::Success;
}

// fd_pread and fd_pwrite: the same checks and the same positioned transfer, differing
// only in the right they need and the system call.
template <class PositionedIo>
Errno positioned_transfer(Ctx& c, const Value* a, FdEntry* e, PositionedIo io) {
  std::vector<HostIov> iovs;
  if (Errno r = read_iovs(c, a[1].i32, a[2].i32, &iovs); r != Errno::Success) return r;
  if (!c.mem.ok(a[4].i32, 4)) return Errno::Fault;
  if (is_stdio(e)) return Errno::Spipe;
  if ((e->rights_base & abi::kRightFdSeek) == 0) return Errno::NotCapable;
  if (a[3].i64 > INT64_MAX) return Errno::Inval;
  const int fd = e->host.get();
  const off_t base = static_cast<off_t>(a[3].i64);
  uint32_t done = 0;
  if (Errno r = transfer(iovs, &done, [fd, base, io](iovec* v, int n, uint64_t off) {
        return io(fd, v, n, base + static_cast<off_t>(off)); });
      r != Errno::Success)
    return r;
  (void)c.mem.store<uint32_t>(a[4].i32, done);
  return Errno::Success;
}

Errno fd_pread(Ctx& c, const Value* a) {
  FdEntry* e;
  if (Errno r = lookup(c, a[0].i32, abi::kRightFdRead, &e); r != Errno::Success) return r;
  return positioned_transfer(c, a, e, [](int fd, iovec* v, int n, off_t at) { return ::preadv(fd, v, n, at); });
}

Errno fd_pwrite(Ctx& c, const Value* a) {
  FdEntry* e;
  if (Errno r = lookup_mut(c, a[0].i32, abi::kRightFdWrite, &e); r != Errno::Success) return r;
  return positioned_transfer(c, a, e, [](int fd, iovec* v, int n, off_t at) { return ::pwritev(fd, v, n, at); });
}

Errno fd_seek(Ctx& c, const Value* a) {
  FdEntry* e = c.s.get(a[0].i32);
  if (!e) return Errno::Badf;
  if (!c.mem.ok(a[3].i32, 8)) return Errno::Fault;
  if (is_stdio(e)) return Errno::Spipe;
  const uint64_t need = (a[1].i64 == 0 && a[2].i32 == abi::kWhenceCur) ? abi::kRightFdTell : abi::kRightFdSeek;
  if ((e->rights_base & need) == 0) return Errno::NotCapable;
  int whence;
  switch (a[2].i32) {
    case abi::kWhenceSet: whence = SEEK_SET; break;
    case abi::kWhenceCur: whence = SEEK_CUR; break;
    case abi::kWhenceEnd: whence = SEEK_END; break;
    default: return Errno::Inval;
  }
  const off_t r = ::lseek(e->host.get(), static_cast<off_t>(a[1].i64), whence);
  if (r < 0) return errno_from_host(errno);
  (void)c.mem.store<uint64_t>(a[3].i32, static_cast<uint64_t>(r));
  return Errno::Success;
}

Errno fd_tell(Ctx& c, const Value* a) {
  FdEntry* e = c.s.get(a[0].i32);
  if (!e) return Errno::Badf;
  if (!c.mem.ok(a[1].i32, 8)) return Errno::Fault;
  if (is_stdio(e)) return Errno::Spipe;
  if ((e->rights_base & abi::kRightFdTell) == 0) return Errno::NotCapable;
  const off_t r = ::lseek(e->host.get(), 0, SEEK_CUR);
  if (r < 0) return errno_from_host(errno);
  (void)c.mem.store<uint64_t>(a[1].i32, static_cast<uint64_t>(r));
  return Errno::Success;
}

Errno fd_close(Ctx& c, const Value* a) {
  if (c.s.fds.erase(a[0].i32) == 0) return Errno::Badf;
  return Errno::Success;
}

Errno fd_renumber(Ctx& c, const Value* a) {
  const uint32_t from = a[0].i32, to = a[1].i32;
  if (!c.s.get(from) || !c.s.get(to)) return Errno::Badf;
  if (from == to) return Errno::Success;
  c.s.fds[to] = std::move(c.s.fds[from]);
  c.s.fds.erase(from);
  return Errno::Success;
}

Errno sync_common(Ctx& c, uint32_t fd, uint64_t right, int (*fn)(int)) {
  FdEntry* e;
  if (Errno r = lookup(c, fd, right, &e); r != Errno::Success) return r;
  if (is_stdio(e)) return Errno::Inval;
  if (fn(e->host.get()) != 0) return errno_from_host(errno);
  return Errno::Success;
}
Errno fd_sync(Ctx& c, const Value* a) { return sync_common(c, a[0].i32, abi::kRightFdSync, ::fsync); }
Errno fd_datasync(Ctx& c, const Value* a) { return sync_common(c, a[0].i32, abi::kRightFdDatasync, ::fdatasync); }

Errno fd_advise(Ctx& c, const Value* a) {
  FdEntry* e;
  if (Errno r = lookup(c, a[0].i32, abi::kRightFdAdvise, &e); r != Errno::Success) return r;
  if (a[3].i32 > abi::kAdviceMax) return Errno::Inval;
  if (a[1].i64 > INT64_MAX || a[2].i64 > INT64_MAX) return Errno::Inval;
  static const int kAdvice[] = {POSIX_FADV_NORMAL, POSIX_FADV_SEQUENTIAL, POSIX_FADV_RANDOM,
                                POSIX_FADV_WILLNEED, POSIX_FADV_DONTNEED, POSIX_FADV_NOREUSE};
  const int r = ::posix_fadvise(e->host.get(), static_cast<off_t>(a[1].i64), static_cast<off_t>(a[2].i64), kAdvice[a[3].i32]);
  return r == 0 ? Errno::Success : errno_from_host(r);
}

Errno fd_allocate(Ctx& c, const Value* a) {
  FdEntry* e;
  if (Errno r = lookup_mut(c, a[0].i32, abi::kRightFdAllocate, &e); r != Errno::Success) return r;
  if (a[1].i64 > INT64_MAX || a[2].i64 > INT64_MAX || a[2].i64 == 0) return Errno::Inval;
  const int r = ::posix_fallocate(e->host.get(), static_cast<off_t>(a[1].i64), static_cast<off_t>(a[2].i64));
  return r == 0 ? Errno::Success : errno_from_host(r);
}

Errno fd_fdstat_get(Ctx& c, const Value* a) {
  FdEntry* e = c.s.get(a[0].i32);
  uint8_t* p = c.mem.view(a[1].i32, abi::kFdstatSize);
  if (!p) return Errno::Fault;
  if (!e) return Errno::Badf;
  std::memset(p, 0, abi::kFdstatSize);
  p[0] = e->filetype;
  std::memcpy(p + 2, &e->fdflags, 2);
  std::memcpy(p + 8, &e->rights_base, 8);
  std::memcpy(p + 16, &e->rights_inheriting, 8);
  return Errno::Success;
}

Errno fd_fdstat_set_flags(Ctx& c, const Value* a) {
  FdEntry* e;
  if (Errno r = lookup(c, a[0].i32, abi::kRightFdFdstatSetFlags, &e); r != Errno::Success) return r;
  const uint16_t flags = static_cast<uint16_t>(a[1].i32);
  if (a[1].i32 > 0x1f) return Errno::Inval;
  // Linux cannot change the sync flags of an open file.
  if (flags & (abi::kFdflagDsync | abi::kFdflagRsync | abi::kFdflagSync)) return Errno::NotSup;
  if (!is_stdio(e)) {
    int fl = ::fcntl(e->host.get(), F_GETFL);
    if (fl < 0) return errno_from_host(errno);
    fl &= ~(O_APPEND | O_NONBLOCK);
    if (flags & abi::kFdflagAppend) fl |= O_APPEND;
    if (flags & abi::kFdflagNonblock) fl |= O_NONBLOCK;
    if (::fcntl(e->host.get(), F_SETFL, fl) != 0) return errno_from_host(errno);
  }
  e->fdflags = flags;
  return Errno::Success;
}

Errno fd_fdstat_set_rights(Ctx& c, const Value* a) {
  FdEntry* e = c.s.get(a[0].i32);
  if (!e) return Errno::Badf;
  // Rights can only be dropped, never gained.
  if ((a[1].i64 & ~e->rights_base) || (a[2].i64 & ~e->rights_inheriting)) return Errno::NotCapable;
  e->rights_base = a[1].i64;
  e->rights_inheriting = a[2].i64;
  return Errno::Success;
}

Errno fd_filestat_get(Ctx& c, const Value* a) {
  FdEntry* e;
  uint8_t* p = c.mem.view(a[1].i32, abi::kFilestatSize);
  if (!p) return Errno::Fault;
  if (Errno r = lookup(c, a[0].i32, abi::kRightFdFilestatGet, &e); r != Errno::Success) return r;
  if (is_stdio(e)) {
    std::memset(p, 0, abi::kFilestatSize);
    p[16] = e->filetype;
    return Errno::Success;
  }
  struct stat st;
  if (::fstat(e->host.get(), &st) != 0) return errno_from_host(errno);
  write_filestat(p, st);
  return Errno::Success;
}

Errno fd_filestat_set_size(Ctx& c, const Value* a) {
  FdEntry* e;
  if (Errno r = lookup_mut(c, a[0].i32, abi::kRightFdFilestatSetSize, &e); r != Errno::Success) return r;
  if (is_stdio(e)) return Errno::Inval;
  if (a[1].i64 > INT64_MAX) return Errno::Inval;
  if (::ftruncate(e->host.get(), static_cast<off_t>(a[1].i64)) != 0) return errno_from_host(errno);
  return Errno::Success;
}

Errno fd_filestat_set_times(Ctx& c, const Value* a) {
  FdEntry* e;
  if (Errno r = lookup_mut(c, a[0].i32, abi::kRightFdFilestatSetTimes, &e); r != Errno::Success) return r;
  if (is_stdio(e)) return Errno::Inval;
  timespec ts[2];
  if (Errno r = make_times(a[1].i64, a[2].i64, static_cast<uint16_t>(a[3].i32), ts); r != Errno::Success) return r;
  if (::futimens(e->host.get(), ts) != 0) return errno_from_host(errno);
  return Errno::Success;
}

Errno fd_prestat_get(Ctx& c, const Value* a) {
  uint8_t* p = c.mem.view(a[1].i32, abi::kPrestatSize);
  if (!p) return Errno::Fault;
  FdEntry* e = c.s.get(a[0].i32);
  if (!e || !e->preopen_name) return Errno::Badf;
  std::memset(p, 0, abi::kPrestatSize);
  const uint32_t len = static_cast<uint32_t>(e->preopen_name->size());
  std::memcpy(p + 4, &len, 4);
  return Errno::Success;
}

Errno fd_prestat_dir_name(Ctx& c, const Value* a) {
  uint8_t* p = c.mem.view(a[1].i32, a[2].i32);
  if (!p) return Errno::Fault;
  FdEntry* e = c.s.get(a[0].i32);
  if (!e || !e->preopen_name) return Errno::Badf;
  if (a[2].i32 < e->preopen_name->size()) return Errno::NameTooLong;
  std::memcpy(p, e->preopen_name->data(), e->preopen_name->size());
  return Errno::Success;
}

uint8_t dirent_type(int dirfd, const dirent* d) {
  switch (d->d_type) {
    case DT_REG: return abi::kFileRegular;
    case DT_DIR: return abi::kFileDirectory;
    case DT_LNK: return abi::kFileSymlink;
    case DT_CHR: return abi::kFileCharDevice;
    case DT_BLK: return abi::kFileBlockDevice;
    case DT_SOCK: return abi::kFileSocketStream;
    case DT_UNKNOWN: {
      struct stat st;
      if (::fstatat(dirfd, d->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0) return filetype_from_mode(st.st_mode);
      return abi::kFileUnknown;
    }
    default: return abi::kFileUnknown;
  }
}

Errno load_dir(FdEntry* e) {
  const int dup_fd = ::fcntl(e->host.get(), F_DUPFD_CLOEXEC, 0);
  if (dup_fd < 0) return errno_from_host(errno);
  DIR* dir = ::fdopendir(dup_fd);
  if (!dir) {
    const int err = errno;
    ::close(dup_fd);
    return errno_from_host(err);
  }
  ::rewinddir(dir);
  e->dir_cache.clear();
  errno = 0;
  while (const dirent* d = ::readdir(dir)) {
    e->dir_cache.push_back({d->d_name, d->d_ino, dirent_type(e->host.get(), d)});
  }
  const int err = errno;
  ::closedir(dir);
  if (err != 0) return errno_from_host(err);
  // A stable order: names sorted bytewise, so listings are reproducible.
  std::sort(e->dir_cache.begin(), e->dir_cache.end(),
            [](const auto& x, const auto& y) { return x.name < y.name; });
  return Errno::Success;
}

Errno fd_readdir(Ctx& c, const Value* a) {
  FdEntry* e;
  uint8_t* buf = c.mem.view(a[1].i32, a[2].i32);
  if (!buf || !c.mem.ok(a[4].i32, 4)) return Errno::Fault;
  if (Errno r = lookup(c, a[0].i32, abi::kRightFdReaddir, &e); r != Errno::Success) return r;
  if (e->kind != FdEntry::Kind::Dir) return Errno::NotDir;
  const uint64_t cookie = a[3].i64;
  if (cookie == 0 || e->dir_cache.empty()) {
    if (Errno r = load_dir(e); r != Errno::Success) return r;
  }
  const uint32_t cap = a[2].i32;
  uint32_t used = 0;
  for (uint64_t i = cookie; i < e->dir_cache.size() && used < cap; ++i) {
    const auto& d = e->dir_cache[i];
    uint8_t hdr[abi::kDirentSize] = {};
    const uint64_t next = i + 1;
    const uint32_t namlen = static_cast<uint32_t>(d.name.size());
    std::memcpy(hdr, &next, 8);
    std::memcpy(hdr + 8, &d.ino, 8);
    std::memcpy(hdr + 16, &namlen, 4);
    hdr[20] = d.type;
    // Entries are cut at the end of the buffer; the guest retries with a larger one.
    uint32_t n = std::min<uint32_t>(abi::kDirentSize, cap - used);
    std::memcpy(buf + used, hdr, n);
    used += n;
    n = std::min<uint32_t>(namlen, cap - used);
    std::memcpy(buf + used, d.name.data(), n);
    used += n;
  }
  (void)c.mem.store<uint32_t>(a[4].i32, used);
  return Errno::Success;
}

}  // namespace

const FnDef kFdFns[] = {
    {"fd_advise", "iIIi", fd_advise},
    {"fd_allocate", "iII", fd_allocate},
    {"fd_close", "i", fd_close},
    {"fd_datasync", "i", fd_datasync},
    {"fd_fdstat_get", "ii", fd_fdstat_get},
    {"fd_fdstat_set_flags", "ii", fd_fdstat_set_flags},
    {"fd_fdstat_set_rights", "iII", fd_fdstat_set_rights},
    {"fd_filestat_get", "ii", fd_filestat_get},
    {"fd_filestat_set_size", "iI", fd_filestat_set_size},
    {"fd_filestat_set_times", "iIIi", fd_filestat_set_times},
    {"fd_pread", "iiiIi", fd_pread},
    {"fd_prestat_get", "ii", fd_prestat_get},
    {"fd_prestat_dir_name", "iii", fd_prestat_dir_name},
    {"fd_pwrite", "iiiIi", fd_pwrite},
    {"fd_read", "iiii", fd_read},
    {"fd_readdir", "iiiIi", fd_readdir},
    {"fd_renumber", "ii", fd_renumber},
    {"fd_seek", "iIii", fd_seek},
    {"fd_sync", "i", fd_sync},
    {"fd_tell", "ii", fd_tell},
    {"fd_write", "iiii", fd_write},
};
const size_t kFdFnCount = sizeof(kFdFns) / sizeof(kFdFns[0]);

}  // namespace midimon::wasi
