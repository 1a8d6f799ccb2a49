/* The template plugin: a starting point that shows every step of a midimon plugin.
 *
 * Build (plugins/CMakeLists.txt does this):
 *   clang-14 --target=wasm32-wasi -O2 -fno-exceptions -nostartfiles -Wl,--no-entry \
 *            -I include template.c -o template.wasm
 * wasi-libc gives us printf: the plugin's stdout goes to the daemon's log (and to the
 * terminal under `midimon plugin call`). -nostartfiles/--no-entry: a plugin is a library
 * of exports, it has no main().
 *
 * Actions:
 *   hello     prints "hello from template: velocity=V note=N mode=M"
 *   greet     prints "hello, NAME" (NAME from params.name, else context.metadata.name)
 *   describe  prints every field it could read, params included
 * Return codes follow MIDIMon's convention: 0 ok, 2 bad JSON, 3 unknown action/failure.
 */
#include <stdio.h>

#include <midimon/pdk/plugin.h>

/* Step 1: metadata. init() returns where this JSON lives; the host reads it once at load. */
MIDIMON_PLUGIN_METADATA("template", "0.1.0",
                        "Reads the action, the MIDI context and the params, and prints them",
                        "midimon", "MIT", "action", "")

/* Step 2: alloc/dealloc. The host asks alloc for room for the request JSON, writes it
 * there, then calls execute(ptr, len). */
MIDIMON_PLUGIN_ALLOCATOR()

/* Reads an optional 0-127 context field; -1 when it is null or absent. */
static int64_t context_int(const char* req, int32_t len, const char* path) {
  int64_t value;
  return midimon_json_get_int(req, len, path, &value) ? value : -1;
}

/* Step 3: execute. `ptr/len` is the request JSON (docs/plugins/abi.md):
 *   {"action": "...", "context": {"velocity": .., "note": .., "cc": .., "value": ..,
 *    "current_mode": .., "timestamp": .., "metadata": {..}}, "params": {..}} */
MIDIMON_EXPORT(execute) int32_t execute(int32_t ptr, int32_t len) {
  const char* req = MIDIMON_REQUEST(ptr);
  char action[64];

  /* 3a: the action name is required; without it the request is not what we expect. */
  int32_t n = midimon_json_get_string(req, len, "action", action, (int32_t)sizeof action);
  if (n < 0 || n >= (int32_t)sizeof action) return MIDIMON_ERR_BAD_JSON;

  /* 3b: the MIDI context; every field but timestamp and metadata may be null. */
  int64_t velocity = context_int(req, len, "context.velocity");
  int64_t note = context_int(req, len, "context.note");
  int64_t mode = context_int(req, len, "context.current_mode");

  /* 3c: act. */
  if (midimon_json_string_equals(req, len, "action", "hello")) {
    printf("hello from template: velocity=%lld note=%lld mode=%lld\n", (long long)velocity,
           (long long)note, (long long)mode);
    /* Flush: wasi-libc buffers stdout fully when it is not a terminal, and a plugin never
     * exits, so unflushed text would never reach the log. */
    fflush(stdout);
    return MIDIMON_OK;
  }
  if (midimon_json_string_equals(req, len, "action", "greet")) {
    char name[128];
    /* params (the mapping's parameters) first, then MIDIMon's metadata map. */
    n = midimon_json_get_string(req, len, "params.name", name, (int32_t)sizeof name);
    if (n < 0) n = midimon_json_get_string(req, len, "context.metadata.name", name,
                                           (int32_t)sizeof name);
    if (n < 0 || n >= (int32_t)sizeof name) return MIDIMON_ERR_ACTION_FAILED;
    printf("hello, %s\n", name);
    fflush(stdout);
    return MIDIMON_OK;
  }
  if (midimon_json_string_equals(req, len, "action", "describe")) {
    midimon_json_value params = midimon_json_find(req, len, "params");
    printf("action=%s velocity=%lld note=%lld mode=%lld params=%.*s\n", action,
           (long long)velocity, (long long)note, (long long)mode,
           params.kind == MIDIMON_JSON_OBJECT ? (int)params.len : 2,
           params.kind == MIDIMON_JSON_OBJECT ? params.ptr : "{}");
    fflush(stdout);
    return MIDIMON_OK;
  }
  /* 3d: an action we do not know is a failure the daemon logs with our code. */
  fprintf(stderr, "template: unknown action '%s'\n", action);
  fflush(stderr);
  return MIDIMON_ERR_ACTION_FAILED;
}
