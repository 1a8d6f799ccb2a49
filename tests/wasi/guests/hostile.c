// Guest: tries to leave its preopens with raw wasi_snapshot_preview1 calls (no libc path
// handling in between). fd 3 is the read-write preopen, fd 4 the read-only one. Prints
// "label errno" per attempt; the host test asserts every line and the host file system.
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

#define RW 3
#define RO 4
#define ALL_RIGHTS 0x3fffffffull

static void show(const char* label, int e) { printf("%s %d\n", label, e); }

static int open_at(int dir, const char* path, int follow, int oflags, __wasi_rights_t rights, int* fd_out) {
  __wasi_fd_t fd = 0;
  int e = __wasi_path_open(dir, follow ? __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW : 0, path, oflags, rights,
                           ALL_RIGHTS, 0, &fd);
  if (e == 0 && fd_out) *fd_out = fd;
  else if (e == 0) __wasi_fd_close(fd);
  return e;
}
static int try_open(int dir, const char* path, int follow) {
  return open_at(dir, path, follow, 0, __WASI_RIGHTS_FD_READ, NULL);
}

// Reads up to 63 bytes of `path` (following symlinks) into buf; returns errno.
static int slurp(int dir, const char* path, char* buf) {
  int fd;
  int e = open_at(dir, path, 1, 0, __WASI_RIGHTS_FD_READ, &fd);
  buf[0] = 0;
  if (e) return e;
  __wasi_size_t n = 0;
  __wasi_iovec_t iov = {(uint8_t*)buf, 63};
  e = __wasi_fd_read(fd, &iov, 1, &n);
  buf[e ? 0 : n] = 0;
  __wasi_fd_close(fd);
  return e;
}

static void escape(void) {
  __wasi_filestat_t st;
  show("open ..", try_open(RW, "..", 1));
  show("open ../outside.txt", try_open(RW, "../outside.txt", 1));
  show("open sub/../../outside.txt", try_open(RW, "sub/../../outside.txt", 1));
  show("open sub/../inside.txt", try_open(RW, "sub/../inside.txt", 1));
  show("open /etc/passwd", try_open(RW, "/etc/passwd", 1));
  show("open /", try_open(RW, "/", 1));
  show("open empty", try_open(RW, "", 1));
  show("create ../created.txt", open_at(RW, "../created.txt", 1, __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_WRITE, NULL));
  show("create /tmp/created.txt", open_at(RW, "/tmp/created.txt", 1, __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_WRITE, NULL));
  show("mkdir ../newdir", __wasi_path_create_directory(RW, "../newdir"));
  show("mkdir /tmp/newdir", __wasi_path_create_directory(RW, "/tmp/newdir"));
  show("unlink ../outside.txt", __wasi_path_unlink_file(RW, "../outside.txt"));
  show("unlink /etc/passwd", __wasi_path_unlink_file(RW, "/etc/passwd"));
  show("rmdir ..", __wasi_path_remove_directory(RW, ".."));
  show("rmdir ../outdir", __wasi_path_remove_directory(RW, "../outdir"));
  show("rename to ../stolen.txt", __wasi_path_rename(RW, "inside.txt", RW, "../stolen.txt"));
  show("rename from ../outside.txt", __wasi_path_rename(RW, "../outside.txt", RW, "mine.txt"));
  show("link to ../hard", __wasi_path_link(RW, 0, "inside.txt", RW, "../hard"));
  show("link from ../outside.txt", __wasi_path_link(RW, 0, "../outside.txt", RW, "hard"));
  show("symlink at ../sl", __wasi_path_symlink("inside.txt", RW, "../sl"));
  char buf[64];
  __wasi_size_t n;
  show("readlink ../outlink", __wasi_path_readlink(RW, "../outlink", (uint8_t*)buf, sizeof buf, &n));
  show("stat ..", __wasi_path_filestat_get(RW, 0, "..", &st));
  show("stat ../outside.txt", __wasi_path_filestat_get(RW, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "../outside.txt", &st));
  show("times ../outside.txt", __wasi_path_filestat_set_times(RW, 0, "../outside.txt", 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
  show("stat .", __wasi_path_filestat_get(RW, 0, ".", &st));
  // A subdirectory fd is its own root: `..` from it is refused too.
  int sub;
  show("open sub", open_at(RW, "sub", 0, __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READDIR, &sub));
  show("sub: open ../inside.txt", try_open(sub, "../inside.txt", 1));
}

static void symlinks(void) {
  char buf[64];
  __wasi_size_t n = 0;
  __wasi_filestat_t st;
  show("symlink -> /etc", __wasi_path_symlink("/etc", RW, "etc"));
  show("symlink -> ../outside.txt", __wasi_path_symlink("../outside.txt", RW, "esc"));
  show("open esc follow", try_open(RW, "esc", 1));
  show("open esc nofollow", try_open(RW, "esc", 0));
  show("stat esc follow", __wasi_path_filestat_get(RW, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "esc", &st));
  int e = __wasi_path_filestat_get(RW, 0, "esc", &st);
  printf("stat esc nofollow %d type %d\n", e, st.filetype);
  memset(buf, 0, sizeof buf);
  e = __wasi_path_readlink(RW, "esc", (uint8_t*)buf, sizeof buf - 1, &n);
  printf("readlink esc %d %.*s\n", e, (int)n, buf);
  show("create through esc", open_at(RW, "esc", 1, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, __WASI_RIGHTS_FD_WRITE, NULL));
  show("times through esc", __wasi_path_filestat_set_times(RW, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "esc", 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
  show("link through esc", __wasi_path_link(RW, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "esc", RW, "hard"));
  show("symlink -> dangling ../new.txt", __wasi_path_symlink("../new.txt", RW, "dangle"));
  show("create through dangle", open_at(RW, "dangle", 1, __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_WRITE, NULL));
  __wasi_path_symlink("c2", RW, "c1");
  __wasi_path_symlink("c3", RW, "c2");
  __wasi_path_symlink("sub/../../outside.txt", RW, "c3");
  show("open chain c1", try_open(RW, "c1", 1));
  __wasi_path_symlink("d2", RW, "d1");
  __wasi_path_symlink("sub/../inside.txt", RW, "d2");
  e = slurp(RW, "d1", buf);
  printf("open chain d1 %d %s", e, buf);
  __wasi_path_symlink("l2", RW, "l1");
  __wasi_path_symlink("l1", RW, "l2");
  show("open loop l1", try_open(RW, "l1", 1));
  __wasi_path_symlink("..", RW, "sd");
  show("open sd/outside.txt", try_open(RW, "sd/outside.txt", 1));
  show("mkdir sd/made", __wasi_path_create_directory(RW, "sd/made"));
  show("unlink sd/outside.txt", __wasi_path_unlink_file(RW, "sd/outside.txt"));
  __wasi_path_symlink("sub/../..", RW, "up");
  show("open up", try_open(RW, "up", 1));
  show("open hostabs/secret.txt", try_open(RW, "hostabs/secret.txt", 1));
  show("open hostabs", try_open(RW, "hostabs", 1));
  show("open hostrel/secret.txt", try_open(RW, "hostrel/secret.txt", 1));
  show("rename hostrel/secret.txt", __wasi_path_rename(RW, "hostrel/secret.txt", RW, "got.txt"));
  show("unlink esc", __wasi_path_unlink_file(RW, "esc"));
}

static void race(void) {
  int inside = 0, leaked = 0, errors = 0;
  char buf[64];
  for (int i = 0; i < 3000; ++i) {
    if (slurp(RW, "race/secret.txt", buf) != 0) { ++errors; continue; }
    if (strncmp(buf, "OUTSIDE", 7) == 0) ++leaked;
    else ++inside;
  }
  printf("leaked %d\n", leaked);
  printf("reads %d\n", inside + errors);
}

static void read_only(void) {
  int fd;
  show("ro create", open_at(RO, "new.txt", 1, __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_WRITE, NULL));
  show("ro trunc", open_at(RO, "input.txt", 1, __WASI_OFLAGS_TRUNC, __WASI_RIGHTS_FD_READ, NULL));
  show("ro open for write", open_at(RO, "input.txt", 1, 0, __WASI_RIGHTS_FD_WRITE, NULL));
  show("ro open for read", open_at(RO, "input.txt", 1, 0, ALL_RIGHTS & ~(__WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_ALLOCATE | __WASI_RIGHTS_FD_FILESTAT_SET_SIZE), &fd));
  __wasi_size_t n = 0;
  __wasi_ciovec_t iov = {(const uint8_t*)"x", 1};
  show("ro fd_write", __wasi_fd_write(fd, &iov, 1, &n));
  show("ro fd_pwrite", __wasi_fd_pwrite(fd, &iov, 1, 0, &n));
  show("ro fd_allocate", __wasi_fd_allocate(fd, 0, 10));
  show("ro fd_filestat_set_size", __wasi_fd_filestat_set_size(fd, 0));
  show("ro fd_filestat_set_times", __wasi_fd_filestat_set_times(fd, 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
  show("ro fdstat_set_rights gain", __wasi_fd_fdstat_set_rights(fd, ALL_RIGHTS, 0));
  char buf[64];
  __wasi_iovec_t riov = {(uint8_t*)buf, sizeof buf};
  int e = __wasi_fd_read(fd, &riov, 1, &n);
  printf("ro fd_read %d %.*s", e, (int)n, buf);
  __wasi_fd_close(fd);
  show("ro mkdir", __wasi_path_create_directory(RO, "d"));
  show("ro rmdir", __wasi_path_remove_directory(RO, "dir"));
  show("ro unlink", __wasi_path_unlink_file(RO, "input.txt"));
  show("ro rename", __wasi_path_rename(RO, "input.txt", RO, "moved.txt"));
  show("ro rename out", __wasi_path_rename(RO, "input.txt", RW, "moved.txt"));
  show("ro rename in", __wasi_path_rename(RW, "inside.txt", RO, "moved.txt"));
  show("ro link out", __wasi_path_link(RO, 0, "input.txt", RW, "hard"));
  show("ro link in", __wasi_path_link(RW, 0, "inside.txt", RO, "hard"));
  show("ro symlink", __wasi_path_symlink("input.txt", RO, "l"));
  show("ro times", __wasi_path_filestat_set_times(RO, 0, "input.txt", 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
  int dir;
  show("ro open dir", open_at(RO, "dir", 0, __WASI_OFLAGS_DIRECTORY, ALL_RIGHTS & ~(__WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_ALLOCATE | __WASI_RIGHTS_FD_FILESTAT_SET_SIZE), &dir));
  show("ro open dir for write", open_at(RO, "dir", 0, __WASI_OFLAGS_DIRECTORY, ALL_RIGHTS, NULL));
  show("ro sub create", open_at(dir, "f", 0, __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_WRITE, NULL));
  show("ro sub mkdir", __wasi_path_create_directory(dir, "x"));
  __wasi_fdstat_t fs;
  __wasi_fd_fdstat_get(RO, &fs);
  printf("ro rights write %d create %d\n", (fs.fs_rights_inheriting & __WASI_RIGHTS_FD_WRITE) != 0,
         (fs.fs_rights_base & __WASI_RIGHTS_PATH_CREATE_FILE) != 0);
}

int main(int argc, char** argv) {
  const char* mode = argc > 1 ? argv[1] : "";
  if (strcmp(mode, "escape") == 0) escape();
  else if (strcmp(mode, "symlinks") == 0) symlinks();
  else if (strcmp(mode, "race") == 0) race();
  else if (strcmp(mode, "ro") == 0) read_only();
  else { printf("unknown mode %s\n", mode); return 100; }
  return 0;
}
