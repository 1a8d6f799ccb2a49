// Guest: ordinary libc file and process use, selected by argv[1]. Prints one line per
// step so the host test can assert exact results (errno values are WASI's own).
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int cmp(const void* a, const void* b) { return strcmp(*(char* const*)a, *(char* const*)b); }

// Prints the names in `dir` (without . and ..), sorted.
static void list(const char* dir) {
  DIR* d = opendir(dir);
  if (!d) { printf("opendir %s: errno %d\n", dir, errno); return; }
  char* names[64];
  int n = 0;
  struct dirent* e;
  while ((e = readdir(d)) && n < 64) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    names[n++] = strdup(e->d_name);
  }
  closedir(d);
  qsort(names, n, sizeof names[0], cmp);
  printf("list %s:", dir);
  for (int i = 0; i < n; ++i) { printf(" %s", names[i]); free(names[i]); }
  printf("\n");
}

static void step(const char* what, int r) {
  if (r == 0) printf("%s ok\n", what);
  else printf("%s errno %d\n", what, errno);
}

static int write_file(const char* path, const char* text) {
  FILE* f = fopen(path, "w");
  if (!f) return -1;
  fputs(text, f);
  return fclose(f);
}

static void print_file(const char* path) {
  FILE* f = fopen(path, "r");
  if (!f) { printf("read %s: errno %d\n", path, errno); return; }
  char buf[256];
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  buf[n] = 0;
  fclose(f);
  printf("read %s: %s", path, buf);
}

static int files(void) {
  step("mkdir", mkdir("/rw/work", 0755));
  step("write", write_file("/rw/work/a.txt", "hello wasi\n"));
  print_file("/rw/work/a.txt");
  FILE* f = fopen("/rw/work/a.txt", "a");
  fputs("more\n", f);
  fclose(f);
  struct stat st;
  step("stat", stat("/rw/work/a.txt", &st));
  printf("size %lld dir %d\n", (long long)st.st_size, S_ISDIR(st.st_mode));
  step("rename", rename("/rw/work/a.txt", "/rw/work/b.txt"));
  step("write2", write_file("/rw/work/c.txt", "c"));
  list("/rw/work");
  print_file("/rw/work/b.txt");
  step("rmdir-nonempty", rmdir("/rw/work"));
  step("unlink", unlink("/rw/work/b.txt"));
  step("unlink2", unlink("/rw/work/c.txt"));
  step("unlink-missing", unlink("/rw/work/c.txt"));
  list("/rw/work");
  step("rmdir", rmdir("/rw/work"));
  step("symlink", symlink("target.txt", "/rw/link"));
  char buf[64] = {0};
  ssize_t n = readlink("/rw/link", buf, sizeof buf - 1);
  printf("readlink %zd %s\n", n, buf);
  step("write-through-link", write_file("/rw/link", "via link\n"));
  print_file("/rw/target.txt");
  step("unlink-link", unlink("/rw/link"));
  step("truncate", truncate("/rw/target.txt", 3));
  print_file("/rw/target.txt");
  printf("\n");
  step("unlink-target", unlink("/rw/target.txt"));
  // Positioned I/O (fd_pwrite/fd_pread): at an offset, leaving the file position alone.
  int pfd = open("/rw/pos.txt", O_RDWR | O_CREAT | O_TRUNC, 0644);
  char pbuf[8] = {0};
  ssize_t pw = pwrite(pfd, "xyz", 3, 5);
  ssize_t pr = pread(pfd, pbuf, 4, 4);
  printf("pwrite %zd pread %zd %c%s pos %lld\n", pw, pr, pbuf[0] ? '?' : '0', pbuf + 1,
         (long long)lseek(pfd, 0, SEEK_CUR));
  close(pfd);
  step("unlink-pos", unlink("/rw/pos.txt"));
  print_file("/ro/input.txt");
  list("/rw");
  return 0;
}

static int read_only(void) {
  print_file("/ro/input.txt");
  int fd = open("/ro/new.txt", O_CREAT | O_WRONLY, 0644);
  printf("create errno %d\n", fd < 0 ? errno : 0);
  fd = open("/ro/input.txt", O_WRONLY | O_TRUNC);
  printf("trunc errno %d\n", fd < 0 ? errno : 0);
  fd = open("/ro/input.txt", O_WRONLY);
  if (fd >= 0) {
    ssize_t w = write(fd, "x", 1);
    printf("write %zd errno %d\n", w, w < 0 ? errno : 0);
    printf("ftruncate %d errno %d\n", ftruncate(fd, 0), errno);
    close(fd);
  } else {
    printf("open-wronly errno %d\n", errno);
  }
  step("mkdir", mkdir("/ro/d", 0755));
  step("rmdir", rmdir("/ro/dir"));
  step("unlink", unlink("/ro/input.txt"));
  step("rename", rename("/ro/input.txt", "/ro/moved.txt"));
  step("symlink", symlink("input.txt", "/ro/l"));
  step("link", link("/ro/input.txt", "/ro/hard"));
  struct timespec ts[2] = {{0, 0}, {0, 0}};
  step("utimensat", utimensat(AT_FDCWD, "/ro/input.txt", ts, 0));
  step("truncate", truncate("/ro/input.txt", 0));
  list("/ro");
  print_file("/ro/input.txt");
  return 0;
}

static int env(int argc, char** argv) {
  printf("argc %d\n", argc);
  for (int i = 0; i < argc; ++i) printf("argv[%d] %s\n", i, argv[i]);
  extern char** environ;
  for (char** e = environ; *e; ++e) printf("env %s\n", *e);
  const char* home = getenv("HOME");
  printf("HOME %s\n", home ? home : "(unset)");
  fprintf(stderr, "to stderr\n");
  return 0;
}

static int clocks(void) {
  struct timespec a, b, r;
  clock_gettime(CLOCK_MONOTONIC, &a);
  struct timespec d = {0, 20 * 1000 * 1000};
  nanosleep(&d, NULL);
  clock_gettime(CLOCK_MONOTONIC, &b);
  long long ms = ((long long)b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
  printf("slept %s\n", ms >= 20 && ms < 2000 ? "ok" : "wrong");
  printf("realtime %s\n", (clock_gettime(CLOCK_REALTIME, &r) == 0 && r.tv_sec > 1600000000) ? "ok" : "wrong");
  printf("cputime %d\n", clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &r));
  printf("threadtime %d\n", clock_gettime(CLOCK_THREAD_CPUTIME_ID, &r));
  unsigned char buf[64] = {0};
  int nonzero = 0;
  if (getentropy(buf, sizeof buf) == 0)
    for (size_t i = 0; i < sizeof buf; ++i) nonzero += buf[i] != 0;
  printf("random %s\n", nonzero > 8 ? "ok" : "wrong");
  return 0;
}

static int echo_stdin(void) {
  char buf[128];
  size_t n = fread(buf, 1, sizeof buf, stdin);
  printf("stdin %zu: %.*s|\n", n, (int)n, buf);
  n = fread(buf, 1, sizeof buf, stdin);
  printf("again %zu eof %d\n", n, feof(stdin));
  return 0;
}

// The program compared with node's WASI: read-only input, read-write output, stdout.
static int compare(void) {
  print_file("/ro/input.txt");
  step("write", write_file("/rw/out.txt", "written by the guest\n"));
  print_file("/rw/out.txt");
  mkdir("/rw/d", 0755);
  write_file("/rw/d/x", "1");
  write_file("/rw/d/y", "22");
  list("/rw/d");
  struct stat st;
  step("stat", stat("/rw/d/y", &st));
  printf("size %lld\n", (long long)st.st_size);
  step("rename", rename("/rw/d/x", "/rw/d/z"));
  list("/rw/d");
  unlink("/rw/d/y");
  unlink("/rw/d/z");
  step("rmdir", rmdir("/rw/d"));
  int fd = open("/ro/missing.txt", O_RDONLY);
  printf("missing %d errno %d\n", fd, errno);
  for (int i = 0; i < 3; ++i) printf("line %d %s\n", i, i % 2 ? "odd" : "even");
  return 0;
}

// What libc's isatty() says of the three standard streams (the host decides it through
// the file type it reports).
static int ttys(void) {
  printf("isatty %d %d %d\n", isatty(0), isatty(1), isatty(2));
  return 0;
}

int main(int argc, char** argv) {
  const char* mode = argc > 1 ? argv[1] : "";
  if (strcmp(mode, "files") == 0) return files();
  if (strcmp(mode, "ro") == 0) return read_only();
  if (strcmp(mode, "env") == 0) return env(argc, argv);
  if (strcmp(mode, "clock") == 0) return clocks();
  if (strcmp(mode, "stdin") == 0) return echo_stdin();
  if (strcmp(mode, "compare") == 0) return compare();
  if (strcmp(mode, "exit") == 0) { printf("exiting\n"); exit(42); }
  if (strcmp(mode, "return") == 0) return 7;
  if (strcmp(mode, "isatty") == 0) return ttys();
  printf("unknown mode %s\n", mode);
  return 100;
}
