/* libc functions that wasi-libc declares (or the programs call) but does not define,
 * because WASI has no temporary directory, no shell, no file modes and no owners. Used
 * only for the wasm32-wasi builds.
 * - tmpfile, tmpnam, system (Lua's io.tmpfile, os.tmpname, os.execute) fail the way
 *   POSIX allows, so the program reports it; the workloads do not call them.
 * - chmod, fchmod, chown, fchown: zstd and bzip2 copy the input's mode and owner onto
 *   the file they write (bzip2 gives up if that fails). WASI files have neither, so
 *   there is nothing to apply: they succeed without doing anything. */
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
  return 0;
}

int fchmod(int fd, mode_t mode) {
  (void)fd;
  (void)mode;
  return 0;
}

int chown(const char* path, uid_t owner, gid_t group) {
  (void)path;
  (void)owner;
  (void)group;
  return 0;
}

int fchown(int fd, uid_t owner, gid_t group) {
  (void)fd;
  (void)owner;
  (void)group;
  return 0;
}
