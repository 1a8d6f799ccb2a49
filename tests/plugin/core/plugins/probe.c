// Test plugin: a well-behaved ABI v1 plugin (wasm32-wasi reactor) whose actions exercise
// each host function and each limit. execute() returns the host function's result, so
// the test sees -76, -21, ... directly. The action is the request's "action" string;
// parameters come from "params" (read with strstr: the host writes compact JSON).
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define IMPORT(name) __attribute__((import_module("midimon"), import_name(#name)))
#define EXPORT(name) __attribute__((export_name(#name)))

IMPORT(log) void host_log(int32_t level, const char* ptr, int32_t len);
IMPORT(send_midi) int32_t host_send_midi(const void* ptr, int32_t len);
IMPORT(config_get) int32_t host_config_get(const char* k, int32_t kl, char* out, int32_t cap);
IMPORT(state_get) int32_t host_state_get(const char* k, int32_t kl, char* out, int32_t cap);
IMPORT(state_set) int32_t host_state_set(const char* k, int32_t kl, const char* v, int32_t vl);
IMPORT(state_delete) int32_t host_state_delete(const char* k, int32_t kl);
IMPORT(http_request) int32_t host_http_request(const char* r, int32_t rl, char* out, int32_t cap);
IMPORT(run_process) int32_t host_run_process(const char* r, int32_t rl, char* out, int32_t cap);
IMPORT(request_action) int32_t host_request_action(const char* r, int32_t rl);

static const char kMetadata[] =
    "{\"name\":\"probe\",\"version\":\"1.2.3\",\"description\":\"exercises the host API\","
    "\"author\":\"midimon tests\",\"license\":\"MIT\",\"type\":\"action\","
    "\"capabilities\":[\"midi\",\"network\"]}";

EXPORT(init) uint64_t init(void) {
  return ((uint64_t)(uintptr_t)kMetadata << 32) | (uint64_t)(sizeof kMetadata - 1);
}
EXPORT(alloc) void* plugin_alloc(int32_t size) { return malloc((size_t)size); }
EXPORT(dealloc) void plugin_dealloc(void* p, int32_t size) { (void)size; free(p); }

static int counter;            // survives calls while the instance lives
static volatile int sink;      // keeps loops from being optimised away
static char out[65536];

// The value of "key":"<string>" copied into buf (empty when absent).
static void str_field(const char* req, const char* key, char* buf, size_t cap) {
  char pat[64];
  snprintf(pat, sizeof pat, "\"%s\":\"", key);
  buf[0] = 0;
  const char* p = strstr(req, pat);
  if (!p) return;
  p += strlen(pat);
  size_t n = 0;
  while (p[n] && p[n] != '"' && n + 1 < cap) { buf[n] = p[n]; ++n; }
  buf[n] = 0;
}

// "key":<int>; -1 when absent or null.
static int int_field(const char* req, const char* key) {
  char pat[64];
  snprintf(pat, sizeof pat, "\"%s\":", key);
  const char* p = strstr(req, pat);
  if (!p) return -1;
  p += strlen(pat);
  if (*p < '0' || *p > '9') return -1;
  return atoi(p);
}

// Not a tail call (the store after it), so the optimiser cannot turn it into a loop.
__attribute__((noinline)) static int recurse(int n) {
  if (n == 0) return 0;
  int r = recurse(n - 1);
  sink = r;
  return r + 1;
}

static int run(const char* req) {
  char action[64];
  str_field(req, "action", action, sizeof action);
  if (!strcmp(action, "ok")) return 0;
  if (!strcmp(action, "fail")) return 7;
  if (!strcmp(action, "hello")) { printf("hello from probe\n"); fflush(stdout); return 0; }
  if (!strcmp(action, "count")) return ++counter;
  if (!strcmp(action, "velocity")) {
    int v = int_field(req, "velocity");
    unsigned char msg[3] = {0x90, 60, (unsigned char)(v < 0 ? 0 : v)};
    int32_t r = host_send_midi(msg, 3);
    return r != 0 ? r : v;
  }
  if (!strcmp(action, "mode")) return int_field(req, "current_mode");
  if (!strcmp(action, "loop")) { for (;;) sink++; }
  if (!strcmp(action, "burn")) { for (int i = 0; i < 100000000; ++i) sink += i; return 0; }
  if (!strcmp(action, "recurse")) return recurse(1000000);
  if (!strcmp(action, "trap")) __builtin_trap();
  if (!strcmp(action, "grow")) {  // pages from params.pages; 1 = grown, 2 = refused
    int pages = int_field(req, "pages");
    return __builtin_wasm_memory_grow(0, (size_t)pages) == (size_t)-1 ? 2 : 1;
  }
  if (!strcmp(action, "midi")) { unsigned char m[] = {0x90, 0x3c, 0x64, 0x80, 0x3c, 0x00}; return host_send_midi(m, 6); }
  if (!strcmp(action, "midi_running")) { unsigned char m[] = {0x90, 0x3c, 0x64, 0x3e, 0x64}; return host_send_midi(m, 5); }
  if (!strcmp(action, "midi_sysex")) { unsigned char m[] = {0xF0, 0x7E, 0x7F, 0x06, 0x01, 0xF7}; return host_send_midi(m, 6); }
  if (!strcmp(action, "midi_wild")) return host_send_midi((const void*)(uintptr_t)0xFFFFFFF0u, 64);
  if (!strcmp(action, "log")) { host_log(2, "probe says hi", 13); return 0; }
  if (!strcmp(action, "config")) {  // writes config[params.key] to stdout
    char key[64];
    str_field(req, "key", key, sizeof key);
    int32_t n = host_config_get(key, (int32_t)strlen(key), out, sizeof out);
    if (n >= 0) { fwrite(out, 1, (size_t)n, stdout); fflush(stdout); }
    return n;
  }
  if (!strcmp(action, "config_small")) return host_config_get("", 0, out, 1);
  if (!strcmp(action, "state_set")) {
    char key[64], value[256];
    str_field(req, "key", key, sizeof key);
    str_field(req, "value", value, sizeof value);
    return host_state_set(key, (int32_t)strlen(key), value, (int32_t)strlen(value));
  }
  if (!strcmp(action, "state_get")) {
    char key[64];
    str_field(req, "key", key, sizeof key);
    int32_t n = host_state_get(key, (int32_t)strlen(key), out, sizeof out);
    if (n >= 0) { fwrite(out, 1, (size_t)n, stdout); fflush(stdout); }
    return n;
  }
  if (!strcmp(action, "state_delete")) {
    char key[64];
    str_field(req, "key", key, sizeof key);
    return host_state_delete(key, (int32_t)strlen(key));
  }
  if (!strcmp(action, "http")) {  // GET params.url; the response goes to stdout
    char url[512], r[600];
    str_field(req, "url", url, sizeof url);
    snprintf(r, sizeof r, "{\"url\":\"%s\"}", url);
    int32_t n = host_http_request(r, (int32_t)strlen(r), out, sizeof out);
    if (n >= 0) { fwrite(out, 1, (size_t)n, stdout); fflush(stdout); }
    return n < 0 ? n : 0;
  }
  if (!strcmp(action, "proc")) {  // runs params.prog with one argument params.arg
    char prog[128], arg[128], r[400];
    str_field(req, "prog", prog, sizeof prog);
    str_field(req, "arg", arg, sizeof arg);
    snprintf(r, sizeof r, "{\"argv\":[\"%s\",\"%s\"]}", prog, arg);
    int32_t n = host_run_process(r, (int32_t)strlen(r), out, sizeof out);
    if (n >= 0) { fwrite(out, 1, (size_t)n, stdout); fflush(stdout); }
    return n < 0 ? n : 0;
  }
  if (!strcmp(action, "proc_sleep")) {  // a process that does not exit by itself
    int ms = int_field(req, "timeout_ms");
    char r[200];
    if (ms >= 0) snprintf(r, sizeof r, "{\"argv\":[\"sleep\",\"30\"],\"timeout_ms\":%d}", ms);
    else snprintf(r, sizeof r, "{\"argv\":[\"sleep\",\"30\"]}");
    return host_run_process(r, (int32_t)strlen(r), out, sizeof out);
  }
  if (!strcmp(action, "key")) {
    const char* r = "{\"type\":\"Keystroke\",\"keys\":\"space\",\"modifiers\":[\"ctrl\"]}";
    return host_request_action(r, (int32_t)strlen(r));
  }
  if (!strcmp(action, "volume")) {
    const char* r = "{\"type\":\"VolumeControl\",\"action\":\"Up\"}";
    return host_request_action(r, (int32_t)strlen(r));
  }
  if (!strcmp(action, "shell")) {
    const char* r = "{\"type\":\"Shell\",\"command\":\"true\"}";
    return host_request_action(r, (int32_t)strlen(r));
  }
  if (!strcmp(action, "fs_write")) {  // 0: /data/x written; otherwise errno
    FILE* f = fopen("/data/x", "w");
    if (!f) return errno;
    fputs("written by probe\n", f);
    return fclose(f) == 0 ? 0 : errno;
  }
  if (!strcmp(action, "fs_read_plugin")) {  // 0: /plugin/readme.txt readable
    FILE* f = fopen("/plugin/readme.txt", "r");
    if (!f) return errno;
    fclose(f);
    return 0;
  }
  if (!strcmp(action, "fs_write_plugin")) {  // must fail: /plugin is read-only
    FILE* f = fopen("/plugin/evil.txt", "w");
    if (!f) return errno;
    fclose(f);
    return 0;
  }
  return 99;
}

EXPORT(execute) int32_t execute(const char* ptr, int32_t len) {
  char* req = malloc((size_t)len + 1);
  if (!req) return 1;
  memcpy(req, ptr, (size_t)len);
  req[len] = 0;
  int r = run(req);
  free(req);
  return r;
}
