/* MIDIMON_PLUGIN_ALLOCATOR beside wasi-libc's malloc: both grow memory, and neither may
 * hand out the other's bytes. Each call mallocs a block, fills it with a pattern derived
 * from the call number and keeps it; every call first checks all earlier blocks and the
 * request it was given (bytes 'r' inside params.fill). Growing requests force the PDK
 * allocator to grow memory between mallocs. Returns 0, or 4 when anything was
 * overwritten, 5 when malloc failed. */
#include <stdlib.h>
#include <string.h>

#include <midimon/pdk/plugin.h>

MIDIMON_PLUGIN_METADATA("alloc-with-malloc", "0.1.0", "PDK allocator beside malloc", "tests",
                        "MIT", "action", "")

MIDIMON_PLUGIN_ALLOCATOR()

#define MAX_BLOCKS 16
static unsigned char* g_blocks[MAX_BLOCKS];
static size_t g_sizes[MAX_BLOCKS];
static int g_count;

MIDIMON_EXPORT(execute) int32_t execute(int32_t ptr, int32_t len) {
  for (int b = 0; b < g_count; ++b) {
    for (size_t i = 0; i < g_sizes[b]; ++i) {
      if (g_blocks[b][i] != (unsigned char)(0x40 + b)) return 4;
    }
  }
  midimon_json_value fill = midimon_json_find(MIDIMON_REQUEST(ptr), len, "params.fill");
  if (fill.kind != MIDIMON_JSON_STRING) return MIDIMON_ERR_BAD_JSON;
  for (int32_t i = 0; i < fill.len; ++i) {
    if (fill.ptr[i] != 'r') return 4;
  }
  if (g_count == MAX_BLOCKS) return MIDIMON_OK;
  size_t size = (size_t)len + 100000;
  unsigned char* block = malloc(size);
  if (block == NULL) return 5;
  memset(block, 0x40 + g_count, size);
  g_blocks[g_count] = block;
  g_sizes[g_count] = size;
  ++g_count;
  return MIDIMON_OK;
}
