// A WASI command for the CLI tests: reads /ro/input.txt, writes /rw/out.txt, prints
// what it did and the FOO environment variable. With the argument "check-ro" it also
// tries to create a file in /ro and reports whether that was refused.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char** argv) {
  printf("argc %d\n", argc);
  for (int i = 1; i < argc; ++i) printf("argv[%d] %s\n", i, argv[i]);
  FILE* in = fopen("/ro/input.txt", "r");
  if (!in) {
    printf("cannot open /ro/input.txt: %s\n", strerror(errno));
    return 10;
  }
  char buf[256] = {0};
  size_t n = fread(buf, 1, sizeof buf - 1, in);
  fclose(in);
  printf("read %zu bytes: %s", n, buf);
  FILE* out = fopen("/rw/out.txt", "w");
  if (!out) {
    printf("cannot create /rw/out.txt: %s\n", strerror(errno));
    return 11;
  }
  fprintf(out, "copied: %s", buf);
  fclose(out);
  printf("wrote /rw/out.txt\n");
  if (argc > 1 && strcmp(argv[1], "check-ro") == 0) {
    FILE* bad = fopen("/ro/evil.txt", "w");
    printf("create in /ro: %s\n", bad ? "allowed" : "refused");
    if (bad) fclose(bad);
  }
  const char* foo = getenv("FOO");
  printf("FOO=%s\n", foo ? foo : "(unset)");
  fprintf(stderr, "done\n");
  return 0;
}
