/* A WASI reactor plugin (-mexec-model=reactor): the host calls its _initialize, which
 * runs wasi-libc's constructors, so fopen() finds the /data preopen. Pins the advice in
 * docs/plugins/writing-c.md. Appends params.text to /data/log.txt; 3 when it cannot. */
#include <stdio.h>

#include <midimon/pdk/plugin.h>

MIDIMON_PLUGIN_METADATA("reactor-fopen", "0.1.0", "fopen under /data from a reactor", "tests",
                        "MIT", "action", "\"filesystem\"")

MIDIMON_PLUGIN_ALLOCATOR()

MIDIMON_EXPORT(execute) int32_t execute(int32_t ptr, int32_t len) {
  char text[256];
  int32_t n = midimon_json_get_string(MIDIMON_REQUEST(ptr), len, "params.text", text, sizeof text);
  if (n < 0 || n >= (int32_t)sizeof text) return MIDIMON_ERR_BAD_JSON;
  FILE* f = fopen("/data/log.txt", "a");
  if (f == NULL) return MIDIMON_ERR_ACTION_FAILED;
  fprintf(f, "%s\n", text);
  return fclose(f) == 0 ? MIDIMON_OK : MIDIMON_ERR_ACTION_FAILED;
}
