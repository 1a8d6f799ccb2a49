/* webhook: POSTs the triggering event to a URL (capability `network`).
 *
 *   params.url   required; http or https, and its host must be listed in the manifest's
 *                network.hosts (and the user must grant `network`)
 *   params.body  optional text to send; default: the request's context object as JSON
 * Prints "webhook: POST <url> -> <status>" to stdout. Returns 0 for a 2xx answer,
 * 2 without params.url, 3 when the request fails (the host's errno is logged) or the
 * answer is not 2xx. Uses wasi-libc for snprintf and printf. */
#include <stdio.h>
#include <string.h>

#include <midimon/pdk/plugin.h>

MIDIMON_PLUGIN_METADATA("webhook", "0.1.0", "POSTs the triggering MIDI event to a URL",
                        "midimon", "MIT", "action", "\"network\"")

MIDIMON_PLUGIN_ALLOCATOR()

/* Appends `text` (n bytes) to out as the inside of a JSON string; returns the new length,
 * or -1 if it does not fit `cap`. */
static int32_t append_escaped(char* out, int32_t used, int32_t cap, const char* text,
                              int32_t n) {
  static const char hex[] = "0123456789abcdef";
  for (int32_t i = 0; i < n; ++i) {
    unsigned char c = (unsigned char)text[i];
    if (used + 6 >= cap) return -1;
    if (c == '"' || c == '\\') {
      out[used++] = '\\';
      out[used++] = (char)c;
    } else if (c < 0x20) {
      out[used++] = '\\';
      out[used++] = 'u';
      out[used++] = '0';
      out[used++] = '0';
      out[used++] = hex[c >> 4];
      out[used++] = hex[c & 15];
    } else {
      out[used++] = (char)c;
    }
  }
  return used;
}

static int32_t append_raw(char* out, int32_t used, int32_t cap, const char* text) {
  int32_t n = (int32_t)strlen(text);
  if (used + n >= cap) return -1;
  memcpy(out + used, text, (size_t)n);
  return used + n;
}

static char g_request[16384];
static char g_response[16384];

MIDIMON_EXPORT(execute) int32_t execute(int32_t ptr, int32_t len) {
  const char* req = MIDIMON_REQUEST(ptr);
  char url[2048], body[4096];
  int32_t url_len = midimon_json_get_string(req, len, "params.url", url, (int32_t)sizeof url);
  if (url_len < 0 || url_len >= (int32_t)sizeof url) {
    fprintf(stderr, "webhook: params.url is required\n");
    fflush(stderr);
    return MIDIMON_ERR_BAD_JSON;
  }
  const char* body_text = body;
  int32_t body_len = midimon_json_get_string(req, len, "params.body", body, (int32_t)sizeof body);
  if (body_len < 0 || body_len >= (int32_t)sizeof body) {
    midimon_json_value context = midimon_json_find(req, len, "context");
    body_text = context.kind == MIDIMON_JSON_OBJECT ? context.ptr : "{}";
    body_len = context.kind == MIDIMON_JSON_OBJECT ? context.len : 2;
  }

  /* {"method":"POST","url":"...","headers":{"content-type":"application/json"},"body":"..."} */
  int32_t n = append_raw(g_request, 0, (int32_t)sizeof g_request, "{\"method\":\"POST\",\"url\":\"");
  if (n >= 0) n = append_escaped(g_request, n, (int32_t)sizeof g_request, url, url_len);
  if (n >= 0) n = append_raw(g_request, n, (int32_t)sizeof g_request,
                             "\",\"headers\":{\"content-type\":\"application/json\"},\"body\":\"");
  if (n >= 0) n = append_escaped(g_request, n, (int32_t)sizeof g_request, body_text, body_len);
  if (n >= 0) n = append_raw(g_request, n, (int32_t)sizeof g_request, "\"}");
  if (n < 0) return MIDIMON_ERR_BAD_JSON;

  int32_t rc = midimon_http_request(g_request, n, g_response, (int32_t)sizeof g_response);
  if (rc < 0) {
    char line[64];
    int32_t m = snprintf(line, sizeof line, "webhook: http_request returned %d", (int)rc);
    midimon_log(MIDIMON_LOG_ERROR, line, m);
    return MIDIMON_ERR_ACTION_FAILED;
  }
  int64_t status = 0;
  midimon_json_get_int(g_response, rc, "status", &status);
  printf("webhook: POST %s -> %lld\n", url, (long long)status);
  fflush(stdout);
  return status >= 200 && status < 300 ? MIDIMON_OK : MIDIMON_ERR_ACTION_FAILED;
}
