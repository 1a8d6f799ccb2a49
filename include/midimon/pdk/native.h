/* midimon native plugin ABI: a shared library (.so) with one C entry point.
 *
 * NATIVE PLUGINS ARE TRUSTED CODE. A native plugin runs inside the daemon's process with
 * the daemon's rights: it can read your files, open sockets and run programs whatever the
 * grants say. The grants only gate what it asks *through this table* (send_midi,
 * request_action). Use WebAssembly for anything you did not write or review yourself.
 * (docs/plugins/native.md)
 *
 * The lifecycle, in order:
 *   1. The host dlopen()s the library (RTLD_NOW | RTLD_LOCAL) and looks up
 *      midimon_native_plugin_entry (MIDIMON_NATIVE_ENTRY_SYMBOL).
 *   2. It calls entry(MIDIMON_NATIVE_ABI_VERSION, host). The plugin returns its table, or
 *      NULL when it cannot work with that host ABI version. The host then checks the
 *      table's abi_version (must equal its own), struct_size (at least the size it knows)
 *      and that every function pointer is set.
 *   3. metadata() -> a NUL-terminated JSON object with the same fields as a WASM plugin's
 *      init() (name, version, description, author, license, type; optional homepage,
 *      capabilities). It must stay valid while the library is loaded.
 *   4. init(host, &instance) once -> 0 on success; `instance` is passed to every later call.
 *   5. execute(instance, request, len) per action -> 0 success, non-zero an error code
 *      (MIDIMon's convention: 1 memory/UTF-8, 2 bad JSON, 3 action failed, 4+ your own).
 *      `request` is the same JSON a WASM plugin receives (docs/plugins/abi.md), `len`
 *      bytes plus a terminating NUL. Calls to one plugin never overlap.
 *   6. shutdown(instance) once, then dlclose().
 * `host` and everything it points to stay valid from entry until shutdown returns.
 *
 * Host functions return >= 0 on success or a WASI errno negated, as for WASM plugins:
 * -76 when the capability is not granted (midi for send_midi; systemcontrol or audio for
 * request_action), -28 for a malformed request.
 */
#ifndef MIDIMON_PDK_NATIVE_H
#define MIDIMON_PDK_NATIVE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The ABI version this header describes. A change that breaks existing plugins bumps it. */
#define MIDIMON_NATIVE_ABI_VERSION 1u

/* The name of the entry point (for dlsym). */
#define MIDIMON_NATIVE_ENTRY_SYMBOL "midimon_native_plugin_entry"

/* Streams of midimon_host_table.write_output. */
#define MIDIMON_NATIVE_STDOUT 0
#define MIDIMON_NATIVE_STDERR 1

/* What the host offers. Every function takes `context` as its first argument. */
typedef struct midimon_host_table {
  uint32_t struct_size; /* sizeof(midimon_host_table) as the host was built */
  uint32_t abi_version; /* MIDIMON_NATIVE_ABI_VERSION of the host */
  void* context;        /* opaque; pass it back in every call */
  /* Level 0 trace, 1 debug, 2 info, 3 warn, 4 error; UTF-8 text, rate-limited. */
  void (*log)(void* context, int32_t level, const char* text, size_t len);
  /* One or more complete MIDI messages (no running status). Needs `midi`. */
  int32_t (*send_midi)(void* context, const uint8_t* bytes, size_t len);
  /* A built-in action as JSON ({"type": "Keystroke", ...}). Needs systemcontrol/audio. */
  int32_t (*request_action)(void* context, const char* json, size_t len);
  /* The equivalent of a WASM plugin's stdout/stderr (shown by `midimon plugin call`,
   * logged by the daemon). */
  void (*write_output)(void* context, int32_t stream, const char* text, size_t len);
} midimon_host_table;

/* What the plugin offers. */
typedef struct midimon_native_plugin {
  uint32_t struct_size; /* sizeof(midimon_native_plugin) as the plugin was built */
  uint32_t abi_version; /* MIDIMON_NATIVE_ABI_VERSION of the plugin */
  const char* (*metadata)(void);
  int32_t (*init)(const midimon_host_table* host, void** instance);
  int32_t (*execute)(void* instance, const char* request, size_t len);
  void (*shutdown)(void* instance);
} midimon_native_plugin;

/* The tables are two u32 followed by pointers: no padding on ILP32 or LP64, so a plugin
 * and a host built by different compilers agree on the layout. */
#if defined(__cplusplus)
static_assert(sizeof(midimon_host_table) == 8 + 5 * sizeof(void*), "host table layout");
static_assert(sizeof(midimon_native_plugin) == 8 + 4 * sizeof(void*), "plugin table layout");
#else
_Static_assert(sizeof(midimon_host_table) == 8 + 5 * sizeof(void*), "host table layout");
_Static_assert(sizeof(midimon_native_plugin) == 8 + 4 * sizeof(void*), "plugin table layout");
#endif

typedef const midimon_native_plugin* (*midimon_native_entry_fn)(uint32_t host_abi_version,
                                                                const midimon_host_table* host);

/* Put this before your entry point's definition:
 *   MIDIMON_NATIVE_EXPORT const midimon_native_plugin* midimon_native_plugin_entry(
 *       uint32_t host_abi_version, const midimon_host_table* host) { ... } */
#ifdef __cplusplus
#define MIDIMON_NATIVE_EXPORT extern "C" __attribute__((visibility("default")))
#else
#define MIDIMON_NATIVE_EXPORT __attribute__((visibility("default")))
#endif

MIDIMON_NATIVE_EXPORT const midimon_native_plugin* midimon_native_plugin_entry(
    uint32_t host_abi_version, const midimon_host_table* host);

#ifdef __cplusplus
}
#endif

#endif /* MIDIMON_PDK_NATIVE_H */
