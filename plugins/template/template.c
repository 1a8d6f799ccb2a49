/* The template plugin: a starting point that shows every step of a midimon plugin.
 *
 * Build (plugins/CMakeLists.txt does this):
 *   clang-14 --target=wasm32-wasi -O2 -fno-exceptions -nostartfiles -Wl,--no-entry \
 *            -I include template.c -o template.wasm
 * wasi-libc gives us write(): the plugin's stdout and stderr go to the daemon's log (and
 * to the terminal under `midimon plugin call`). -nostartfiles/--no-entry: a plugin is a
 * library of exports, it has no main().
 *
 * Actions:
 *   hello     prints "hello from template: velocity=V note=N mode=M"
 *   greet     prints "hello, NAME" (NAME from params.name, else context.metadata.name)
 *   config    prints its configuration (config_get): the manifest's [plugin.config] with
 *             the user's [plugins.template] config over it
 *   describe  prints every field it could read, params included
 * Return codes follow MIDIMon's convention: 0 ok, 2 bad JSON, 3 unknown action/failure.
 *
 * The plugin runs in midimon's interpreter, so every guest instruction counts. The two
 * habits that keep a call cheap (docs/performance.md has the figures):
 *   - read the request once with midimon_request_read(), not one path lookup per field;
 *   - build output with midimon_text_* and write() it. printf works as well
 *     (plugins/webhook uses it), but its formatter costs about as much per call as all
 *     of `hello` here, and it makes the module larger, so slower to load.
 */
#include <unistd.h>

#include <midimon/pdk/plugin.h>

/* Step 1: metadata. init() returns where this JSON lives; the host reads it once at load. */
MIDIMON_PLUGIN_METADATA("template", "0.1.0",
                        "Reads the action, the MIDI context and the params, and prints them",
                        "midimon", "MIT", "action", "")

/* Step 2: alloc/dealloc. The host asks alloc for room for the request JSON, writes it
 * there, then calls execute(ptr, len). */
MIDIMON_PLUGIN_ALLOCATOR()

/* Writes a finished line to stdout in one go: write() is unbuffered, so there is nothing
 * to flush (and a plugin never exits, so buffered text would wait for the next flush). */
static void print_line(const midimon_text* line) { (void)write(1, line->ptr, (size_t)line->len); }

/* The name to greet: params.name (the mapping's parameters) first, then MIDIMon's
 * context.metadata.name. Returns its length, or -1 when neither is a string that fits. */
static int32_t greet_name(const midimon_request* r, char* name, int32_t cap) {
  int32_t n = midimon_json_get_string(r->params.ptr, r->params.len, "name", name, cap);
  if (n < 0) n = midimon_json_get_string(r->metadata.ptr, r->metadata.len, "name", name, cap);
  return n >= 0 && n < cap ? n : -1;
}

/* Step 3: execute. `ptr/len` is the request JSON (docs/plugins/abi.md):
 *   {"action": "...", "context": {"velocity": .., "note": .., "cc": .., "value": ..,
 *    "current_mode": .., "timestamp": .., "metadata": {..}}, "params": {..}} */
MIDIMON_EXPORT(execute) int32_t execute(int32_t ptr, int32_t len) {
  /* 3a: read the request, once. The action is required; the context fields that are null
   * or absent read as MIDIMON_ABSENT (-1). */
  midimon_request r;
  if (!midimon_request_read(MIDIMON_REQUEST(ptr), len, &r)) return MIDIMON_ERR_BAD_JSON;

  /* 3b: act. */
  if (midimon_json_value_equals(r.action, "hello")) {
    char buf[96];
    midimon_text line = midimon_text_on(buf, (int32_t)sizeof buf);
    midimon_text_str(&line, "hello from template: velocity=");
    midimon_text_int(&line, r.velocity);
    midimon_text_str(&line, " note=");
    midimon_text_int(&line, r.note);
    midimon_text_str(&line, " mode=");
    midimon_text_int(&line, r.current_mode);
    midimon_text_str(&line, "\n");
    print_line(&line);
    return MIDIMON_OK;
  }
  if (midimon_json_value_equals(r.action, "greet")) {
    char name[128], buf[160];
    const int32_t n = greet_name(&r, name, (int32_t)sizeof name);
    if (n < 0) return MIDIMON_ERR_ACTION_FAILED;
    midimon_text line = midimon_text_on(buf, (int32_t)sizeof buf);
    midimon_text_str(&line, "hello, ");
    midimon_text_bytes(&line, name, n);
    midimon_text_str(&line, "\n");
    print_line(&line);
    return MIDIMON_OK;
  }

  if (midimon_json_value_equals(r.action, "config")) {
    /* config_get is always allowed. Key "" is the whole object; like snprintf it returns
     * the full length and writes only if that fits, so a plugin can retry bigger. */
    char buf[1024];
    int32_t n = midimon_config_get("", 0, buf, (int32_t)sizeof buf - 1);
    if (n < 0 || n >= (int32_t)sizeof buf - 1) return MIDIMON_ERR_ACTION_FAILED;
    buf[n++] = '\n';
    (void)write(1, buf, (size_t)n);
    return MIDIMON_OK;
  }

  if (midimon_json_value_equals(r.action, "describe")) {
    /* The action as the request has it (the raw text between its quotes), the context
     * and the params' JSON text. */
    char buf[512];
    midimon_text line = midimon_text_on(buf, (int32_t)sizeof buf);
    midimon_text_str(&line, "action=");
    midimon_text_bytes(&line, r.action.ptr, r.action.len);
    midimon_text_str(&line, " velocity=");
    midimon_text_int(&line, r.velocity);
    midimon_text_str(&line, " note=");
    midimon_text_int(&line, r.note);
    midimon_text_str(&line, " mode=");
    midimon_text_int(&line, r.current_mode);
    midimon_text_str(&line, " params=");
    if (r.params.kind == MIDIMON_JSON_OBJECT) {
      midimon_text_bytes(&line, r.params.ptr, r.params.len);
    } else {
      midimon_text_str(&line, "{}");
    }
    midimon_text_str(&line, "\n");
    print_line(&line);
    return MIDIMON_OK;
  }

  /* 3c: an action we do not know is a failure the daemon logs with our code; stderr
   * (fd 2) goes to the log too. */
  char buf[160];
  midimon_text line = midimon_text_on(buf, (int32_t)sizeof buf);
  midimon_text_str(&line, "template: unknown action '");
  midimon_text_bytes(&line, r.action.ptr, r.action.len);
  midimon_text_str(&line, "'\n");
  (void)write(2, line.ptr, (size_t)line.len);
  return MIDIMON_ERR_ACTION_FAILED;
}
