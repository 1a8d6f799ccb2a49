/* midimon plugin developer kit for C and C++ plugins compiled to WebAssembly.
 *
 * One header, no libc needed. Build with clang-14, either freestanding
 *   clang-14 --target=wasm32 -nostdlib -Oz -fno-exceptions -Wl,--no-entry \
 *            -Wl,--export-dynamic -I include plugin.c -o plugin.wasm
 * or with wasi-libc (printf to the daemon's log, files under /data):
 *   clang-14 --target=wasm32-wasi -O2 -fno-exceptions -nostartfiles -Wl,--no-entry \
 *            -I include plugin.c -o plugin.wasm
 * (docs/plugins/writing-c.md walks through both.)
 *
 * A plugin exports (ABI v1, docs/plugins/abi.md):
 *   memory                         -- the linker exports it by default
 *   init() -> i64                  -- MIDIMON_PLUGIN_METADATA(...) defines it
 *   alloc(i32) -> i32              -- MIDIMON_PLUGIN_ALLOCATOR() defines alloc and dealloc
 *   execute(i32 ptr, i32 len) -> i32   -- you write it with MIDIMON_EXPORT(execute)
 *   dealloc(i32, i32)              -- optional
 * and may import the host functions below (module "midimon", docs/plugins/host-api.md).
 * Import only what you call: an unused declaration costs nothing, but each import you
 * *call* needs its capability granted (otherwise it returns MIDIMON_ENOTCAPABLE).
 */
#ifndef MIDIMON_PDK_PLUGIN_H
#define MIDIMON_PDK_PLUGIN_H

#include <stdint.h>

#include "json.h"

#if !defined(__wasm__) && !defined(MIDIMON_PDK_ALLOW_HOST_BUILD)
#error "midimon/pdk/plugin.h is for plugins compiled to WebAssembly (clang --target=wasm32 or wasm32-wasi); native plugins use midimon/pdk/native.h"
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---- exports and imports ---- */

/* Marks a function as a module export under `name`: MIDIMON_EXPORT(execute) int32_t ... */
#define MIDIMON_EXPORT(name) __attribute__((export_name(#name), visibility("default")))

/* C linkage in C++ too, for functions the macros below define that must keep their C
 * names (memcpy and friends). */
#ifdef __cplusplus
#define MIDIMON_PDK_C_LINKAGE extern "C"
#else
#define MIDIMON_PDK_C_LINKAGE
#endif

/* Declares a host function of the `midimon` import module. */
#define MIDIMON_IMPORT(name) __attribute__((import_module("midimon"), import_name(#name)))

/* ---- return codes of execute (MIDIMon's convention) ---- */
#define MIDIMON_OK 0                /* success */
#define MIDIMON_ERR_MEMORY 1        /* a memory or UTF-8 error */
#define MIDIMON_ERR_BAD_JSON 2      /* the request is not the JSON the plugin expects */
#define MIDIMON_ERR_ACTION_FAILED 3 /* the action failed (or is unknown) */
#define MIDIMON_ERR_PLUGIN 4        /* 4 and up: plugin-specific */

/* ---- host function results: >= 0 success, negative = a WASI errno negated ---- */
#define MIDIMON_EAGAIN (-6)        /* rate-limited */
#define MIDIMON_EFAULT (-21)       /* a pointer or length outside memory */
#define MIDIMON_EINVAL (-28)       /* a malformed request */
#define MIDIMON_EIO (-29)          /* the operation failed on the host side */
#define MIDIMON_ENOENT (-44)       /* no such key */
#define MIDIMON_ENOSPC (-51)       /* the output does not fit out_cap, or the store is full */
#define MIDIMON_ETIMEDOUT (-73)    /* out of time */
#define MIDIMON_ENOTCAPABLE (-76)  /* the capability is not granted */

/* ---- log levels ---- */
#define MIDIMON_LOG_TRACE 0
#define MIDIMON_LOG_DEBUG 1
#define MIDIMON_LOG_INFO 2
#define MIDIMON_LOG_WARN 3
#define MIDIMON_LOG_ERROR 4

/* ---- the host API (docs/plugins/host-api.md; signatures exactly as there) ---- */

/* Always allowed. Text goes to the daemon's log tagged with the plugin's name. */
MIDIMON_IMPORT(log) void midimon_log(int32_t level, const char* ptr, int32_t len);
/* Capability midi. One or more complete MIDI messages; 0 on success. */
MIDIMON_IMPORT(send_midi) int32_t midimon_send_midi(const uint8_t* ptr, int32_t len);
/* Always. The value of a configuration key as JSON text ("" = the whole object);
 * returns its full length and writes it only if it fits out_cap (like snprintf). */
MIDIMON_IMPORT(config_get)
int32_t midimon_config_get(const char* key, int32_t key_len, char* out, int32_t out_cap);
/* Always. A per-plugin key-value store that survives calls and restarts. */
MIDIMON_IMPORT(state_get)
int32_t midimon_state_get(const char* key, int32_t key_len, void* out, int32_t out_cap);
MIDIMON_IMPORT(state_set)
int32_t midimon_state_set(const char* key, int32_t key_len, const void* val, int32_t val_len);
MIDIMON_IMPORT(state_delete) int32_t midimon_state_delete(const char* key, int32_t key_len);
/* Capability network. Request and response are JSON; returns the response's length. */
MIDIMON_IMPORT(http_request)
int32_t midimon_http_request(const char* req, int32_t req_len, char* out, int32_t out_cap);
/* Capability subprocess. Request and response are JSON; returns the response's length. */
MIDIMON_IMPORT(run_process)
int32_t midimon_run_process(const char* req, int32_t req_len, char* out, int32_t out_cap);
/* Capability systemcontrol (Keystroke, Text, MouseClick, Launch) or audio (VolumeControl). */
MIDIMON_IMPORT(request_action) int32_t midimon_request_action(const char* json, int32_t len);

/* ---- small helpers that need no libc ---- */

static inline int32_t midimon_strlen(const char* s) {
  int32_t n = 0;
  while (s[n] != '\0') ++n;
  return n;
}

/* Logs a NUL-terminated string. */
static inline void midimon_log_str(int32_t level, const char* text) {
  midimon_log(level, text, midimon_strlen(text));
}

/* Writes the decimal form of `value` into out (at least 21 bytes); returns its length. */
static inline int32_t midimon_format_int(int64_t value, char* out) {
  char tmp[20];
  int32_t n = 0, len = 0;
  uint64_t magnitude = value < 0 ? (uint64_t)0 - (uint64_t)value : (uint64_t)value;
  do {
    tmp[n++] = (char)('0' + magnitude % 10);
    magnitude /= 10;
  } while (magnitude != 0);
  if (value < 0) out[len++] = '-';
  while (n > 0) out[len++] = tmp[--n];
  return len;
}

/* ---- a line of text without printf ----
 * printf is the easy way to write output, and a slow one in a plugin: wasi-libc's
 * formatter runs in the interpreter on every call (docs/performance.md measures it at
 * about as much as the rest of a small plugin's call). Building the line with these and
 * writing it once is several times cheaper:
 *   char buf[96];
 *   midimon_text t = midimon_text_on(buf, (int32_t)sizeof buf);
 *   midimon_text_str(&t, "velocity=");
 *   midimon_text_int(&t, r.velocity);
 *   midimon_text_str(&t, "\n");
 *   write(1, t.ptr, (size_t)t.len);   (wasi-libc's <unistd.h>: straight to stdout, unbuffered)
 * Text that does not fit the buffer is cut off (t.len never passes t.cap). */
typedef struct midimon_text {
  char* ptr;
  int32_t len;
  int32_t cap;
} midimon_text;

static inline midimon_text midimon_text_on(char* buf, int32_t cap) {
  midimon_text t;
  t.ptr = buf;
  t.len = 0;
  t.cap = cap > 0 ? cap : 0;
  return t;
}

/* midimon_text_bytes and midimon_text_int are kept out of line: inlined at every call site
 * their loops grow a plugin by kilobytes, which the host compiles at every load, for no
 * gain per call (plugins/template: 16.5 -> 10.9 KB, a third less to load, the same
 * instructions per call). midimon_text_str stays inline: with a literal argument the
 * compiler makes it a few stores.
 * (The length is kept in a local while copying: a store through char* may alias t->len,
 * so the compiler would otherwise reload and store it for every byte.) */
#if defined(__GNUC__) || defined(__clang__)
#define MIDIMON_PDK_OUT_OF_LINE __attribute__((noinline))
#else
#define MIDIMON_PDK_OUT_OF_LINE
#endif

static inline MIDIMON_PDK_OUT_OF_LINE void midimon_text_bytes(midimon_text* t, const char* bytes,
                                                              int32_t n) {
  char* out = t->ptr;
  int32_t len = t->len, k;
  const int32_t room = t->cap - len;
  if (n > room) n = room;
  for (k = 0; k < n; ++k) out[len + k] = bytes[k];
  t->len = len + (n > 0 ? n : 0);
}

static inline void midimon_text_str(midimon_text* t, const char* s) {
  char* out = t->ptr;
  int32_t len = t->len;
  const int32_t cap = t->cap;
  while (*s != '\0' && len < cap) out[len++] = *s++;
  t->len = len;
}

static inline MIDIMON_PDK_OUT_OF_LINE void midimon_text_int(midimon_text* t, int64_t value) {
  char digits[21];
  if (t->cap - t->len >= 21) { /* room for any int64: format in place */
    t->len += midimon_format_int(value, t->ptr + t->len);
    return;
  }
  midimon_text_bytes(t, digits, midimon_format_int(value, digits));
}

/* ---- metadata: init() returns the JSON's location as (ptr << 32) | len ---- */

/* Defines init() returning `json`, a string literal. Required fields: name, version,
 * description, author, license, type ("action" or "trigger"); optional homepage and
 * capabilities (an array of "network", "filesystem", "audio", "midi", "subprocess",
 * "systemcontrol"). */
#define MIDIMON_PLUGIN_METADATA_JSON(json)                                     \
  static const char midimon_pdk_metadata_[] = json;                            \
  MIDIMON_EXPORT(init) int64_t init(void) {                                    \
    return (int64_t)(((uint64_t)(uintptr_t)midimon_pdk_metadata_ << 32) |      \
                     (uint64_t)(sizeof midimon_pdk_metadata_ - 1));            \
  }

/* The same from string literals without quotes or backslashes in them; `capabilities` is
 * the inside of the JSON array, e.g. "" or "\"midi\"" or "\"network\", \"midi\"". */
#define MIDIMON_PLUGIN_METADATA(name, version, description, author, license, type,   \
                                capabilities)                                       \
  MIDIMON_PLUGIN_METADATA_JSON("{\"name\":\"" name "\",\"version\":\"" version      \
                               "\",\"description\":\"" description                 \
                               "\",\"author\":\"" author "\",\"license\":\"" license \
                               "\",\"type\":\"" type "\",\"capabilities\":["        \
                               capabilities "]}")

/* ---- alloc/dealloc: where the host writes the request ---- */

/* Defines alloc(size) and dealloc(ptr, size) over one request buffer at the end of memory,
 * grown with memory.grow when a request is bigger than any before. The plugin's memory
 * cap bounds it: when the grow fails alloc returns 0, which the host takes as "no input"
 * and calls execute(0, 0) -- the JSON reader then finds nothing and a plugin returns
 * MIDIMON_ERR_BAD_JSON, as it should for a request it could not receive. The
 * host calls alloc once per execute, so one reusable buffer is all a plugin needs; it
 * stays valid until the next alloc. Works without libc and beside wasi-libc's malloc
 * (memory.grow hands out fresh pages that malloc never owned).
 *
 * A plugin that reads no input can instead define alloc returning 0: the host then calls
 * execute(0, 0) (MIDIMON_PLUGIN_NO_INPUT()). */
#define MIDIMON_PLUGIN_ALLOCATOR()                                                     \
  static uint32_t midimon_pdk_buf_ = 0, midimon_pdk_buf_cap_ = 0;                      \
  MIDIMON_EXPORT(alloc) int32_t alloc(int32_t size) {                                  \
    uint32_t want = size > 0 ? (uint32_t)size : 1u;                                    \
    if (want > midimon_pdk_buf_cap_) {                                                 \
      uint32_t pages = (want + 65535u) / 65536u;                                       \
      int32_t old = (int32_t)__builtin_wasm_memory_grow(0, pages);                    \
      if (old < 0) return 0;                                                           \
      midimon_pdk_buf_ = (uint32_t)old * 65536u;                                       \
      midimon_pdk_buf_cap_ = pages * 65536u;                                           \
    }                                                                                  \
    return (int32_t)midimon_pdk_buf_;                                                  \
  }                                                                                    \
  MIDIMON_EXPORT(dealloc) void dealloc(int32_t ptr, int32_t size) {                    \
    (void)ptr;                                                                         \
    (void)size; /* the buffer is reused by the next alloc */                           \
  }

/* Defines alloc returning 0 ("takes no input"): execute is then called with (0, 0). */
#define MIDIMON_PLUGIN_NO_INPUT()                            \
  MIDIMON_EXPORT(alloc) int32_t alloc(int32_t size) {        \
    (void)size;                                              \
    return 0;                                                \
  }

/* ---- memcpy/memset/memmove/memcmp for freestanding builds ----
 * clang emits calls to these for struct copies and array initialisers even without libc;
 * a freestanding plugin that hits "undefined symbol: memcpy" puts MIDIMON_PLUGIN_MEMFUNCS()
 * in one source file (with wasi-libc, leave it out: libc has them). no_builtin keeps clang
 * from turning these loops back into calls to themselves. */
#define MIDIMON_PLUGIN_MEMFUNCS()                                                          \
  MIDIMON_PDK_C_LINKAGE __attribute__((no_builtin("memcpy"))) void* memcpy(void* d, const void* s,               \
                                                     unsigned long n) {                    \
    unsigned char* dp = (unsigned char*)d;                                                 \
    const unsigned char* sp = (const unsigned char*)s;                                     \
    while (n--) *dp++ = *sp++;                                                             \
    return d;                                                                              \
  }                                                                                        \
  MIDIMON_PDK_C_LINKAGE __attribute__((no_builtin("memmove"))) void* memmove(void* d, const void* s,             \
                                                       unsigned long n) {                  \
    unsigned char* dp = (unsigned char*)d;                                                 \
    const unsigned char* sp = (const unsigned char*)s;                                     \
    if (dp < sp) {                                                                         \
      while (n--) *dp++ = *sp++;                                                           \
    } else {                                                                               \
      while (n--) dp[n] = sp[n];                                                           \
    }                                                                                      \
    return d;                                                                              \
  }                                                                                        \
  MIDIMON_PDK_C_LINKAGE __attribute__((no_builtin("memset"))) void* memset(void* d, int c, unsigned long n) {    \
    unsigned char* dp = (unsigned char*)d;                                                 \
    while (n--) *dp++ = (unsigned char)c;                                                  \
    return d;                                                                              \
  }                                                                                        \
  MIDIMON_PDK_C_LINKAGE __attribute__((no_builtin("memcmp"))) int memcmp(const void* a, const void* b,           \
                                                   unsigned long n) {                      \
    const unsigned char* ap = (const unsigned char*)a;                                     \
    const unsigned char* bp = (const unsigned char*)b;                                     \
    for (; n; --n, ++ap, ++bp) {                                                           \
      if (*ap != *bp) return *ap < *bp ? -1 : 1;                                           \
    }                                                                                      \
    return 0;                                                                              \
  }

/* The request as the host wrote it, for the JSON reader: `const char* req = MIDIMON_REQUEST(ptr)`. */
#define MIDIMON_REQUEST(ptr) ((const char*)(uintptr_t)(ptr))

#ifdef __cplusplus
}
#endif

#endif /* MIDIMON_PDK_PLUGIN_H */
