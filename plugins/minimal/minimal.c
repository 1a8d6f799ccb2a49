/* The smallest useful midimon plugin: freestanding C, no imports, no input.
 * alloc returns 0 ("takes no input"), so the host calls execute(0, 0); execute succeeds.
 * Built with -Oz and stripped, it stays under 400 bytes (a CTest checks). */
#include <midimon/pdk/plugin.h>

MIDIMON_PLUGIN_METADATA("minimal", "0.1.0", "Does nothing, successfully", "midimon",
                        "MIT", "action", "")

MIDIMON_PLUGIN_NO_INPUT()

MIDIMON_EXPORT(execute) int32_t execute(int32_t ptr, int32_t len) {
  (void)ptr;
  (void)len;
  return MIDIMON_OK;
}
