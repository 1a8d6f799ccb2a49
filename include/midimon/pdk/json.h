/* midimon plugin developer kit: a tiny reader for the request JSON.
 *
 * It needs no libc and allocates nothing: every function works on the (ptr, len) the
 * host handed to execute() and never reads outside it. It is a *reader* for the JSON the
 * host writes (docs/plugins/abi.md), not a validator: malformed input gives "missing",
 * never a crash or a read past `len`.
 *
 *   int64_t velocity;
 *   if (midimon_json_get_int(req, len, "context.velocity", &velocity)) { ... }
 *   char url[256];
 *   int32_t n = midimon_json_get_string(req, len, "params.url", url, sizeof url);
 *   if (n >= 0 && n < (int32_t)sizeof url) { ... url is NUL-terminated ... }
 *
 * A path is object keys separated by dots ("context.metadata.name"). Keys are compared
 * byte for byte with the key as written in the JSON (the host never escapes a plain ASCII
 * key). Arrays are not indexed by paths; use midimon_json_find() to get an array's text.
 * Usable from C (C99) and C++; every function is `static inline`, so unused ones cost
 * nothing in the .wasm.
 */
#ifndef MIDIMON_PDK_JSON_H
#define MIDIMON_PDK_JSON_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum midimon_json_kind {
  MIDIMON_JSON_MISSING = 0, /* the path does not exist (or the JSON is malformed there) */
  MIDIMON_JSON_NULL,
  MIDIMON_JSON_BOOL,
  MIDIMON_JSON_NUMBER,
  MIDIMON_JSON_STRING,
  MIDIMON_JSON_OBJECT,
  MIDIMON_JSON_ARRAY
} midimon_json_kind;

/* A value found in the text: its kind and its raw bytes. For a string, `ptr/len` are the
 * bytes between the quotes, still escaped (midimon_json_get_string() unescapes). */
typedef struct midimon_json_value {
  midimon_json_kind kind;
  const char* ptr;
  int32_t len;
} midimon_json_value;

/* ---- internals (names start with midimon_json__) ---- */

static inline int32_t midimon_json__ws(const char* s, int32_t n, int32_t i) {
  while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) ++i;
  return i;
}

/* s[i] is '"'; returns the index just past the closing quote, or -1. */
static inline int32_t midimon_json__skip_string(const char* s, int32_t n, int32_t i) {
  ++i;
  while (i < n) {
    if (s[i] == '\\') {
      i += 2;
    } else if (s[i] == '"') {
      return i + 1;
    } else {
      ++i;
    }
  }
  return -1;
}

/* Skips one value starting at s[i] (no leading whitespace); returns the index just past
 * it, or -1. Nesting is counted, not recursed, so deep input cannot exhaust the stack. */
static inline int32_t midimon_json__skip_value(const char* s, int32_t n, int32_t i) {
  int32_t depth = 0;
  if (i >= n) return -1;
  do {
    char c;
    if (i >= n) return -1;
    c = s[i];
    if (c == '"') {
      i = midimon_json__skip_string(s, n, i);
      if (i < 0) return -1;
    } else if (c == '{' || c == '[') {
      ++depth;
      ++i;
    } else if (c == '}' || c == ']') {
      if (depth == 0) return -1;
      --depth;
      ++i;
    } else if (depth > 0) {
      ++i; /* commas, colons, whitespace and scalars inside a container */
    } else {
      /* a scalar at top level: number, true, false, null */
      int32_t start = i;
      while (i < n && s[i] != ',' && s[i] != '}' && s[i] != ']' && s[i] != ' ' &&
             s[i] != '\t' && s[i] != '\n' && s[i] != '\r') {
        ++i;
      }
      if (i == start) return -1;
    }
  } while (depth > 0);
  return i;
}

static inline midimon_json_value midimon_json__classify(const char* s, int32_t start,
                                                        int32_t end) {
  midimon_json_value v;
  char c = s[start];
  v.kind = MIDIMON_JSON_MISSING;
  v.ptr = s + start;
  v.len = end - start;
  if (c == '"') {
    v.kind = MIDIMON_JSON_STRING;
    v.ptr = s + start + 1;
    v.len = end - start - 2;
  } else if (c == '{') {
    v.kind = MIDIMON_JSON_OBJECT;
  } else if (c == '[') {
    v.kind = MIDIMON_JSON_ARRAY;
  } else if (c == 'n') {
    v.kind = MIDIMON_JSON_NULL;
  } else if (c == 't' || c == 'f') {
    v.kind = MIDIMON_JSON_BOOL;
  } else if (c == '-' || (c >= '0' && c <= '9')) {
    v.kind = MIDIMON_JSON_NUMBER;
  }
  return v;
}

/* In the object starting at s[i] ('{'), finds `key` (klen bytes); returns the index of its
 * value's first byte, or -1. */
static inline int32_t midimon_json__member(const char* s, int32_t n, int32_t i,
                                           const char* key, int32_t klen) {
  if (i >= n || s[i] != '{') return -1;
  i = midimon_json__ws(s, n, i + 1);
  if (i < n && s[i] == '}') return -1;
  while (i < n) {
    int32_t kstart, kend, vstart, j;
    int match;
    if (s[i] != '"') return -1;
    kstart = i + 1;
    kend = midimon_json__skip_string(s, n, i);
    if (kend < 0) return -1;
    match = (kend - 1 - kstart) == klen;
    for (j = 0; match && j < klen; ++j) match = s[kstart + j] == key[j];
    i = midimon_json__ws(s, n, kend);
    if (i >= n || s[i] != ':') return -1;
    vstart = midimon_json__ws(s, n, i + 1);
    if (match) return vstart < n ? vstart : -1;
    i = midimon_json__skip_value(s, n, vstart);
    if (i < 0) return -1;
    i = midimon_json__ws(s, n, i);
    if (i >= n || s[i] != ',') return -1;
    i = midimon_json__ws(s, n, i + 1);
  }
  return -1;
}

/* ---- the API ---- */

/* Finds the value at `path` ("" or NULL: the whole document). */
static inline midimon_json_value midimon_json_find(const char* json, int32_t len,
                                                   const char* path) {
  midimon_json_value missing;
  int32_t i, end;
  missing.kind = MIDIMON_JSON_MISSING;
  missing.ptr = json;
  missing.len = 0;
  if (json == 0 || len <= 0) return missing;
  i = midimon_json__ws(json, len, 0);
  while (path != 0 && *path != '\0') {
    int32_t klen = 0;
    while (path[klen] != '\0' && path[klen] != '.') ++klen;
    i = midimon_json__member(json, len, i, path, klen);
    if (i < 0) return missing;
    path += klen;
    if (*path == '.') ++path;
  }
  end = midimon_json__skip_value(json, len, i);
  if (end < 0) return missing;
  return midimon_json__classify(json, i, end);
}

/* 1 and *out set if `path` holds an integer that fits int64_t (no fraction, no exponent);
 * 0 otherwise (missing, null, not a number, out of range). */
static inline int midimon_json_get_int(const char* json, int32_t len, const char* path,
                                       int64_t* out) {
  midimon_json_value v = midimon_json_find(json, len, path);
  uint64_t magnitude = 0;
  int32_t i = 0;
  int negative = 0;
  if (v.kind != MIDIMON_JSON_NUMBER) return 0;
  if (v.ptr[0] == '-') {
    negative = 1;
    i = 1;
  }
  if (i >= v.len) return 0;
  for (; i < v.len; ++i) {
    char c = v.ptr[i];
    if (c < '0' || c > '9') return 0;
    if (magnitude > (UINT64_C(9223372036854775808) - (uint64_t)(c - '0')) / 10) return 0;
    magnitude = magnitude * 10 + (uint64_t)(c - '0');
  }
  if (!negative && magnitude > UINT64_C(9223372036854775807)) return 0;
  *out = negative ? (int64_t)(0 - magnitude) : (int64_t)magnitude;
  return 1;
}

/* 1 and *out set (0 or 1) if `path` holds true or false; 0 otherwise. */
static inline int midimon_json_get_bool(const char* json, int32_t len, const char* path,
                                        int* out) {
  midimon_json_value v = midimon_json_find(json, len, path);
  if (v.kind != MIDIMON_JSON_BOOL) return 0;
  *out = v.ptr[0] == 't';
  return 1;
}

static inline int32_t midimon_json__hex(const char* p) {
  int32_t value = 0, k;
  for (k = 0; k < 4; ++k) {
    char c = p[k];
    value <<= 4;
    if (c >= '0' && c <= '9') value |= c - '0';
    else if (c >= 'a' && c <= 'f') value |= c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') value |= c - 'A' + 10;
    else return -1;
  }
  return value;
}

/* The string at `path`, unescaped to UTF-8, like snprintf: returns the full decoded length
 * and writes min(length, cap - 1) bytes plus a NUL when cap > 0. So the value is complete
 * when 0 <= result < cap. Returns -1 if the path is missing or not a string, -2 for a bad
 * escape. */
static inline int32_t midimon_json_get_string(const char* json, int32_t len, const char* path,
                                              char* out, int32_t cap) {
  midimon_json_value v = midimon_json_find(json, len, path);
  int32_t i = 0, n = 0;
  if (v.kind != MIDIMON_JSON_STRING) return -1;
#define MIDIMON_JSON__PUT(byte)              \
  do {                                       \
    if (n < cap - 1) out[n] = (char)(byte); \
    ++n;                                     \
  } while (0)
  while (i < v.len) {
    char c = v.ptr[i];
    if (c != '\\') {
      MIDIMON_JSON__PUT(c);
      ++i;
      continue;
    }
    if (i + 1 >= v.len) return -2;
    c = v.ptr[i + 1];
    i += 2;
    switch (c) {
      case '"': MIDIMON_JSON__PUT('"'); break;
      case '\\': MIDIMON_JSON__PUT('\\'); break;
      case '/': MIDIMON_JSON__PUT('/'); break;
      case 'b': MIDIMON_JSON__PUT('\b'); break;
      case 'f': MIDIMON_JSON__PUT('\f'); break;
      case 'n': MIDIMON_JSON__PUT('\n'); break;
      case 'r': MIDIMON_JSON__PUT('\r'); break;
      case 't': MIDIMON_JSON__PUT('\t'); break;
      case 'u': {
        int32_t cp;
        if (i + 4 > v.len) return -2;
        cp = midimon_json__hex(v.ptr + i);
        if (cp < 0) return -2;
        i += 4;
        if (cp >= 0xD800 && cp <= 0xDBFF) { /* a surrogate pair */
          int32_t lo;
          if (i + 6 > v.len || v.ptr[i] != '\\' || v.ptr[i + 1] != 'u') return -2;
          lo = midimon_json__hex(v.ptr + i + 2);
          if (lo < 0xDC00 || lo > 0xDFFF) return -2;
          i += 6;
          cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
          return -2;
        }
        if (cp < 0x80) {
          MIDIMON_JSON__PUT(cp);
        } else if (cp < 0x800) {
          MIDIMON_JSON__PUT(0xC0 | (cp >> 6));
          MIDIMON_JSON__PUT(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
          MIDIMON_JSON__PUT(0xE0 | (cp >> 12));
          MIDIMON_JSON__PUT(0x80 | ((cp >> 6) & 0x3F));
          MIDIMON_JSON__PUT(0x80 | (cp & 0x3F));
        } else {
          MIDIMON_JSON__PUT(0xF0 | (cp >> 18));
          MIDIMON_JSON__PUT(0x80 | ((cp >> 12) & 0x3F));
          MIDIMON_JSON__PUT(0x80 | ((cp >> 6) & 0x3F));
          MIDIMON_JSON__PUT(0x80 | (cp & 0x3F));
        }
        break;
      }
      default:
        return -2;
    }
  }
#undef MIDIMON_JSON__PUT
  if (cap > 0) out[n < cap - 1 ? n : cap - 1] = '\0';
  return n;
}

/* 1 if the string at `path` equals the NUL-terminated `text` (compared unescaped, so
 * escapes in the JSON are handled), else 0. Strings up to 255 bytes. */
static inline int midimon_json_string_equals(const char* json, int32_t len, const char* path,
                                             const char* text) {
  char buf[256];
  int32_t n = midimon_json_get_string(json, len, path, buf, (int32_t)sizeof buf);
  int32_t k;
  if (n < 0 || n >= (int32_t)sizeof buf) return 0;
  for (k = 0; k < n; ++k) {
    if (text[k] != buf[k]) return 0;
  }
  return text[n] == '\0';
}

#ifdef __cplusplus
}
#endif

#endif /* MIDIMON_PDK_JSON_H */
