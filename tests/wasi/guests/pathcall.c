// Guest: makes exactly one raw wasi_snapshot_preview1 path call, described by argv, on
// the read-write preopen (fd 3), and prints its errno, then on success what it returned.
// The imports are declared here (not taken from <wasi/api.h>) so every path goes to the
// host with an explicit length: wasi-libc's wrappers call strlen and could not pass a NUL.
//
//   pathcall open PATH OFLAGS RIGHTS FOLLOW  -> "E" or "0 FILETYPE" (fd_filestat_get is
//                                               added to RIGHTS, to read the type)
//   pathcall stat PATH FOLLOW                -> "E" or "0 FILETYPE"
//   pathcall times PATH FOLLOW               -> "E"   (atim = mtim = kFixedTime)
//   pathcall readlink PATH                   -> "E" or "0 CONTENTS"
//   pathcall link OLD NEW FOLLOW | rename OLD NEW | symlink TARGET PATH
//   pathcall mkdir PATH | rmdir PATH | unlink PATH                      -> "E"
//
// Paths and symlink targets are percent-decoded (%00 is a NUL byte, %25 a '%'); numbers
// are C literals (decimal or 0x hex).
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

#define RW 3
#define IMPORT(name) __attribute__((import_module("wasi_snapshot_preview1"), import_name(#name)))

IMPORT(path_open) int32_t raw_open(int32_t, int32_t, const char*, int32_t, int32_t, int64_t, int64_t, int32_t, int32_t*);
IMPORT(path_filestat_get) int32_t raw_stat(int32_t, int32_t, const char*, int32_t, __wasi_filestat_t*);
IMPORT(path_filestat_set_times) int32_t raw_times(int32_t, int32_t, const char*, int32_t, int64_t, int64_t, int32_t);
IMPORT(path_readlink) int32_t raw_readlink(int32_t, const char*, int32_t, char*, int32_t, int32_t*);
IMPORT(path_link) int32_t raw_link(int32_t, int32_t, const char*, int32_t, int32_t, const char*, int32_t);
IMPORT(path_rename) int32_t raw_rename(int32_t, const char*, int32_t, int32_t, const char*, int32_t);
IMPORT(path_symlink) int32_t raw_symlink(const char*, int32_t, int32_t, const char*, int32_t);
IMPORT(path_create_directory) int32_t raw_mkdir(int32_t, const char*, int32_t);
IMPORT(path_remove_directory) int32_t raw_rmdir(int32_t, const char*, int32_t);
IMPORT(path_unlink_file) int32_t raw_unlink(int32_t, const char*, int32_t);

// 2000-01-01T00:00:00Z: the host test recognises a time it did not set itself.
static const int64_t kFixedTime = 946684800LL * 1000000000LL;

// Percent-decodes `s` in place; returns the decoded length.
static int32_t decode(char* s) {
  char* out = s;
  for (const char* p = s; *p; ++p) {
    if (p[0] == '%' && p[1] && p[2]) {
      char hex[3] = {p[1], p[2], 0};
      *out++ = (char)strtoul(hex, NULL, 16);
      p += 2;
    } else {
      *out++ = *p;
    }
  }
  return (int32_t)(out - s);
}

static int64_t num(const char* s) { return (int64_t)strtoull(s, NULL, 0); }

static int follow_flag(const char* s) { return num(s) ? __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW : 0; }

static int want(int argc, int n) {
  if (argc == n) return 1;
  printf("usage: %d arguments expected, %d given\n", n - 2, argc - 2);
  return 0;
}

int main(int argc, char** argv) {
  if (argc < 2) { printf("usage: pathcall OP ARGS...\n"); return 100; }
  const char* op = argv[1];
  // Numbers contain no '%', so decoding every argument leaves them as they are.
  int32_t len[8] = {0};
  for (int i = 2; i < argc && i < 8; ++i) len[i] = decode(argv[i]);
  const int32_t len2 = len[2], len3 = len[3];
  if (strcmp(op, "open") == 0) {
    if (!want(argc, 6)) return 100;
    int32_t fd = -1;
    int e = raw_open(RW, follow_flag(argv[5]), argv[2], len2, (int32_t)num(argv[3]),
                     num(argv[4]) | __WASI_RIGHTS_FD_FILESTAT_GET, 0, 0, &fd);
    if (e) { printf("%d\n", e); return 0; }
    __wasi_filestat_t st;
    e = __wasi_fd_filestat_get(fd, &st);
    printf("0 %d\n", e ? -e : st.filetype);
    __wasi_fd_close(fd);
  } else if (strcmp(op, "stat") == 0) {
    if (!want(argc, 4)) return 100;
    __wasi_filestat_t st;
    int e = raw_stat(RW, follow_flag(argv[3]), argv[2], len2, &st);
    if (e) printf("%d\n", e);
    else printf("0 %d\n", st.filetype);
  } else if (strcmp(op, "times") == 0) {
    if (!want(argc, 4)) return 100;
    printf("%d\n", raw_times(RW, follow_flag(argv[3]), argv[2], len2, kFixedTime, kFixedTime,
                             __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM));
  } else if (strcmp(op, "readlink") == 0) {
    if (!want(argc, 3)) return 100;
    char buf[256];
    int32_t n = 0;
    int e = raw_readlink(RW, argv[2], len2, buf, sizeof buf, &n);
    if (e) printf("%d\n", e);
    else printf("0 %.*s\n", (int)n, buf);
  } else if (strcmp(op, "link") == 0) {
    if (!want(argc, 5)) return 100;
    printf("%d\n", raw_link(RW, follow_flag(argv[4]), argv[2], len2, RW, argv[3], len3));
  } else if (strcmp(op, "rename") == 0) {
    if (!want(argc, 4)) return 100;
    printf("%d\n", raw_rename(RW, argv[2], len2, RW, argv[3], len3));
  } else if (strcmp(op, "symlink") == 0) {
    if (!want(argc, 4)) return 100;
    printf("%d\n", raw_symlink(argv[2], len2, RW, argv[3], len3));
  } else if (strcmp(op, "mkdir") == 0) {
    if (!want(argc, 3)) return 100;
    printf("%d\n", raw_mkdir(RW, argv[2], len2));
  } else if (strcmp(op, "rmdir") == 0) {
    if (!want(argc, 3)) return 100;
    printf("%d\n", raw_rmdir(RW, argv[2], len2));
  } else if (strcmp(op, "unlink") == 0) {
    if (!want(argc, 3)) return 100;
    printf("%d\n", raw_unlink(RW, argv[2], len2));
  } else {
    printf("unknown op %s\n", op);
    return 100;
  }
  return 0;
}
