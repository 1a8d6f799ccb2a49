/* native-hello: a native plugin in C, built as a shared library against
 * include/midimon/pdk/native.h.
 *
 * Native plugins are trusted code: they run in the daemon with its rights (see
 * docs/plugins/native.md). This one only uses the host table:
 *   action "hello": writes "hello from native-hello (velocity V)" to its output
 *   action "note":  sends a note-on from the request's note/velocity (needs `midi`)
 *   anything else:  returns 3
 * It counts its calls in its instance, to show that state lives from init to shutdown. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <midimon/pdk/json.h>
#include <midimon/pdk/native.h>

typedef struct instance {
  const midimon_host_table* host;
  long calls;
} instance;

static const char* metadata(void) {
  return "{\"name\":\"native-hello\",\"version\":\"0.1.0\","
         "\"description\":\"A native plugin in C that greets and sends a note-on\","
         "\"author\":\"midimon\",\"license\":\"MIT\",\"type\":\"action\","
         "\"capabilities\":[\"midi\"]}";
}

static int32_t init(const midimon_host_table* host, void** out) {
  instance* self = (instance*)calloc(1, sizeof *self);
  if (self == NULL) return 1;
  self->host = host;
  *out = self;
  return 0;
}

static void say(instance* self, const char* text) {
  self->host->write_output(self->host->context, MIDIMON_NATIVE_STDOUT, text, strlen(text));
}

static int32_t execute(void* opaque, const char* request, size_t len) {
  instance* self = (instance*)opaque;
  int32_t n = (int32_t)len;
  int64_t velocity = -1, note = -1;
  char line[128];
  ++self->calls;
  midimon_json_get_int(request, n, "context.velocity", &velocity);
  midimon_json_get_int(request, n, "context.note", &note);
  if (midimon_json_string_equals(request, n, "action", "hello")) {
    snprintf(line, sizeof line, "hello from native-hello (velocity %lld, call %ld)\n",
             (long long)velocity, self->calls);
    say(self, line);
    return 0;
  }
  if (midimon_json_string_equals(request, n, "action", "note")) {
    uint8_t message[3];
    int32_t rc;
    if (note < 0 || note > 127) return 2;
    message[0] = 0x90;
    message[1] = (uint8_t)note;
    message[2] = (uint8_t)(velocity >= 0 && velocity <= 127 ? velocity : 100);
    rc = self->host->send_midi(self->host->context, message, sizeof message);
    if (rc < 0) {
      snprintf(line, sizeof line, "native-hello: send_midi returned %d", (int)rc);
      self->host->log(self->host->context, 4, line, strlen(line));
      return 3;
    }
    return 0;
  }
  return 3;
}

static void shutdown_plugin(void* opaque) { free(opaque); }

static const midimon_native_plugin kTable = {
    sizeof(midimon_native_plugin), MIDIMON_NATIVE_ABI_VERSION, metadata, init, execute,
    shutdown_plugin};

MIDIMON_NATIVE_EXPORT const midimon_native_plugin* midimon_native_plugin_entry(
    uint32_t host_abi_version, const midimon_host_table* host) {
  (void)host;
  return host_abi_version == MIDIMON_NATIVE_ABI_VERSION ? &kTable : NULL;
}
