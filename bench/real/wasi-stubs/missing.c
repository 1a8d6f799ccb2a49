/* libc functions that wasi-libc declares (or the programs call) but does not define,
 * because WASI has no temporary directory, no shell and no file ownership. Each one fails
 * the way POSIX allows, so the program reports it instead of crashing; the benchmark
 * workloads call none of them on their measured path. Used only for the wasm32-wasi
 * builds (Lua: os.tmpname, io.tmpfile, os.execute; zstd and bzip2: copying the input's
 * mode and owner to the output file). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>

FILE* tmpfile(void) {
  errno = ENOTSUP;
  return NULL;
}

char* tmpnam(char* name) {
  (void)name;
  errno = ENOTSUP;
  return NULL;
}

int system(const char* command) {
  if (!command) return 0; /* "no shell available" */
  errno = ENOSYS;
  return -1;
}

int chmod(const char* path, mode_t mode) {
  (void)path;
  (void)mode;
  errno = ENOSYS;
  return -1;
}

int chown(const char* path, uid_t owner, gid_t group) {
  (void)path;
  (void)owner;
  (void)group;
  errno = ENOSYS;
  return -1;
}

int fchmod(int fd, mode_t mode) {
  (void)fd;
  (void)mode;
  errno = ENOSYS;
  return -1;
}

int fchown(int fd, uid_t owner, gid_t group) {
  (void)fd;
  (void)owner;
  (void)group;
  errno = ENOSYS;
  return -1;
}
