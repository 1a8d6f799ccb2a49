/* midi-echo: answers a note with a note-on of its own (capability `midi`).
 *
 * The note and velocity come from the request's context (the note that triggered the
 * mapping); params may override them and pick the channel:
 *   params.channel   1-16 (default 1)
 *   params.note      0-127 (default: context.note; one of the two is required)
 *   params.velocity  0-127 (default: context.velocity, else 100)
 * Freestanding C: no libc, one import (send_midi). Returns 0, 2 (bad request) or
 * 3 (send_midi refused, e.g. -76 when `midi` is not granted). */
#include <midimon/pdk/plugin.h>

MIDIMON_PLUGIN_METADATA("midi-echo", "0.1.0", "Sends a note-on built from the triggering note",
                        "midimon", "MIT", "action", "\"midi\"")

MIDIMON_PLUGIN_ALLOCATOR()

/* params.<name>, else context.<name>, else `fallback`; -1 if out of 0..127. */
static int32_t pick(const char* req, int32_t len, const char* param, const char* context,
                    int64_t fallback) {
  int64_t v = fallback;
  if (!midimon_json_get_int(req, len, param, &v)) midimon_json_get_int(req, len, context, &v);
  return v >= 0 && v <= 127 ? (int32_t)v : -1;
}

MIDIMON_EXPORT(execute) int32_t execute(int32_t ptr, int32_t len) {
  const char* req = MIDIMON_REQUEST(ptr);
  int64_t channel = 1;
  midimon_json_get_int(req, len, "params.channel", &channel);
  int32_t note = pick(req, len, "params.note", "context.note", -1);
  int32_t velocity = pick(req, len, "params.velocity", "context.velocity", 100);
  if (channel < 1 || channel > 16 || note < 0 || velocity < 0) {
    midimon_log_str(MIDIMON_LOG_WARN, "midi-echo: need a note (context or params) and a channel 1-16");
    return MIDIMON_ERR_BAD_JSON;
  }
  uint8_t message[3];
  message[0] = (uint8_t)(0x90 | (channel - 1));
  message[1] = (uint8_t)note;
  message[2] = (uint8_t)velocity;
  int32_t rc = midimon_send_midi(message, 3);
  if (rc < 0) {
    char text[48] = "midi-echo: send_midi returned ";
    int32_t n = midimon_strlen(text);
    n += midimon_format_int(rc, text + n);
    midimon_log(MIDIMON_LOG_ERROR, text, n);
    return MIDIMON_ERR_ACTION_FAILED;
  }
  return MIDIMON_OK;
}
