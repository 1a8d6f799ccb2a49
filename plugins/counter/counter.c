/* counter: counts its calls in the plugin's state store (no capability needed).
 *
 * The count lives under the key "count" as decimal text, so it survives calls, reloads
 * and daemon restarts (state_get/state_set, docs/plugins/host-api.md).
 *   action "increment" (or anything else): count += params.step (default 1), logs it
 *   action "reset": deletes the key, logs "counter: reset"
 * Freestanding C: no libc. Returns 0, or 3 when the store refuses. */
#include <midimon/pdk/plugin.h>

MIDIMON_PLUGIN_METADATA("counter", "0.1.0", "Counts its calls in the plugin state store",
                        "midimon", "MIT", "action", "")

MIDIMON_PLUGIN_ALLOCATOR()
MIDIMON_PLUGIN_MEMFUNCS()  /* freestanding: clang may call memcpy for the buffers below */

static const char kKey[] = "count";
#define KEY_LEN ((int32_t)(sizeof kKey - 1))

/* Parses the stored decimal text; 0 when absent or not a number. */
static int64_t load_count(void) {
  char text[24];
  int32_t n = midimon_state_get(kKey, KEY_LEN, text, (int32_t)sizeof text);
  if (n <= 0 || n > (int32_t)sizeof text) return 0;
  int64_t value = 0;
  for (int32_t i = 0; i < n; ++i) {
    if (text[i] == '-') continue;
    if (text[i] < '0' || text[i] > '9') return 0;
    value = value * 10 + (text[i] - '0');
  }
  return text[0] == '-' ? -value : value;
}

MIDIMON_EXPORT(execute) int32_t execute(int32_t ptr, int32_t len) {
  const char* req = MIDIMON_REQUEST(ptr);
  if (midimon_json_string_equals(req, len, "action", "reset")) {
    int32_t rc = midimon_state_delete(kKey, KEY_LEN);
    if (rc < 0 && rc != MIDIMON_ENOENT) return MIDIMON_ERR_ACTION_FAILED;
    midimon_log_str(MIDIMON_LOG_INFO, "counter: reset");
    return MIDIMON_OK;
  }
  int64_t step = 1;
  midimon_json_get_int(req, len, "params.step", &step);
  int64_t count = load_count() + step;

  char text[24];
  int32_t n = midimon_format_int(count, text);
  if (midimon_state_set(kKey, KEY_LEN, text, n) < 0) {
    midimon_log_str(MIDIMON_LOG_ERROR, "counter: state_set failed");
    return MIDIMON_ERR_ACTION_FAILED;
  }
  char line[40] = "counter: ";
  int32_t m = midimon_strlen(line);
  for (int32_t i = 0; i < n; ++i) line[m++] = text[i];
  midimon_log(MIDIMON_LOG_INFO, line, m);
  return MIDIMON_OK;
}
