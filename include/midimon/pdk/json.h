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
 * Each *_get_* call walks the text from the start. To read the request's fields, call
 * midimon_request_read() once instead: it walks the request a single time and hands back
 * the action, the context and the params (each path lookup would walk it again; in a
 * plugin that is interpreted, that is most of the cost of a call):
 *
 *   midimon_request r;
 *   if (!midimon_request_read(req, len, &r)) return MIDIMON_ERR_BAD_JSON;
 *   if (midimon_json_value_equals(r.action, "hello")) { ... r.velocity ... }
 *   int32_t n = midimon_json_get_string(r.params.ptr, r.params.len, "name", name, sizeof name);
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

/* The scanners below run in the plugin's interpreter on every call, so each compares as
 * little per byte as it can; docs/performance.md has what a request costs. */

/* Skips whitespace: any byte up to ' ' (JSON's four, and control bytes, which no valid
 * request has between tokens), one compare per byte. */
static inline int32_t midimon_json__ws(const char* s, int32_t n, int32_t i) {
  while (i < n && (unsigned char)s[i] <= ' ') ++i;
  return i;
}

/* s[i] is '"'; returns the index just past the closing quote, or -1. */
static inline int32_t midimon_json__skip_string(const char* s, int32_t n, int32_t i) {
  for (++i; i < n; ++i) {
    if (s[i] == '"') return i + 1;
    if (s[i] == '\\') ++i; /* the escaped byte cannot close the string */
  }
  return -1;
}

/* 1 for a byte that ends a scalar (number, true, false, null): whitespace, ',', '}' or
 * ']' ('}' and ']' differ only in bit 0x20). */
static inline int midimon_json__ends_scalar(char c) {
  return (unsigned char)c <= ' ' || c == ',' || (c | 0x20) == '}';
}

/* Skips one value starting at s[i] (no leading whitespace); returns the index just past
 * it, or -1. Nesting is counted, not recursed, so deep input cannot exhaust the stack. */
static inline int32_t midimon_json__skip_value(const char* s, int32_t n, int32_t i) {
  int32_t depth = 0, start = i;
  if (i >= n) return -1;
  if (s[i] == '"') return midimon_json__skip_string(s, n, i);
  if ((s[i] | 0x20) != '{') { /* neither '{' nor '[': a scalar */
    while (i < n && !midimon_json__ends_scalar(s[i])) ++i;
    return i == start ? -1 : i;
  }
  /* A container: only quotes and brackets matter inside ('[' and '{' differ only in bit
   * 0x20, as do ']' and '}'); it ends where the nesting comes back to zero. */
  while (i < n) {
    const char c = s[i];
    if (c == '"') {
      i = midimon_json__skip_string(s, n, i);
      if (i < 0) return -1;
      continue;
    }
    ++i;
    if ((c | 0x20) == '{') {
      ++depth;
    } else if ((c | 0x20) == '}' && --depth == 0) {
      return i;
    }
  }
  return -1;
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

/* Reads the scalar starting at s[i] as an integer, in the same pass that finds its end:
 * returns the index just past the scalar (-1 if there is none) and sets *ok to 1 and *out
 * when it is an integer that fits int64_t -- no fraction, no exponent, not null. */
static inline int32_t midimon_json__scan_int(const char* s, int32_t n, int32_t i, int64_t* out,
                                             int* ok) {
  uint64_t magnitude = 0;
  const int32_t start = i;
  int negative = 0, fits = 1;
  if (i < n && s[i] == '-') {
    negative = 1;
    ++i;
  }
  const int32_t digits = i;
  for (; i < n; ++i) {
    const uint32_t digit = (uint32_t)(unsigned char)s[i] - '0';
    if (digit > 9) break;
    /* magnitude * 10 + digit must not pass 2^63 (INT64_MIN's magnitude); no division,
     * this runs per digit. */
    if (magnitude >= UINT64_C(922337203685477580) &&
        (magnitude > UINT64_C(922337203685477580) || digit > 8)) {
      fits = 0;
    }
    magnitude = magnitude * 10 + digit;
  }
  *ok = 0;
  if (i < n && !midimon_json__ends_scalar(s[i])) { /* 1.5, 1e3, null, true: not an integer */
    while (i < n && !midimon_json__ends_scalar(s[i])) ++i;
    return i;
  }
  if (i == start) return -1;
  if (i == digits || !fits || (!negative && magnitude > UINT64_C(9223372036854775807))) return i;
  *out = negative ? (int64_t)(0 - magnitude) : (int64_t)magnitude;
  *ok = 1;
  return i;
}

/* 1 and *out set if `v` is an integer that fits int64_t (no fraction, no exponent);
 * 0 otherwise (missing, null, not a number, out of range). */
static inline int midimon_json_value_int(midimon_json_value v, int64_t* out) {
  int ok = 0;
  if (v.kind != MIDIMON_JSON_NUMBER) return 0;
  return midimon_json__scan_int(v.ptr, v.len, 0, out, &ok) == v.len && ok;
}

/* The same for the value at `path`. */
static inline int midimon_json_get_int(const char* json, int32_t len, const char* path,
                                       int64_t* out) {
  return midimon_json_value_int(midimon_json_find(json, len, path), out);
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

/* The string `v`, unescaped to UTF-8, like snprintf: returns the full decoded length and
 * writes min(length, cap - 1) bytes plus a NUL when cap > 0. So the value is complete
 * when 0 <= result < cap. Returns -1 if `v` is not a string, -2 for a bad escape. */
static inline int32_t midimon_json_value_string(midimon_json_value v, char* out, int32_t cap) {
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

/* The same for the string at `path` (-1 also when the path is missing). */
static inline int32_t midimon_json_get_string(const char* json, int32_t len, const char* path,
                                              char* out, int32_t cap) {
  return midimon_json_value_string(midimon_json_find(json, len, path), out, cap);
}

/* 1 if the string `v` equals the NUL-terminated `text` (compared unescaped, so escapes in
 * the JSON are handled), else 0. A string without escapes is compared in place; one with
 * escapes is decoded first and may be up to 255 bytes. */
static inline int midimon_json_value_equals(midimon_json_value v, const char* text) {
  char buf[256];
  const char* bytes = v.ptr;
  int32_t k = 0, n = v.len;
  if (v.kind != MIDIMON_JSON_STRING) return 0;
  while (k < n && bytes[k] != '\\') ++k;
  if (k < n) { /* escapes: decode first */
    n = midimon_json_value_string(v, buf, (int32_t)sizeof buf);
    if (n < 0 || n >= (int32_t)sizeof buf) return 0;
    bytes = buf;
  }
  for (k = 0; k < n; ++k) {
    if (text[k] == '\0' || text[k] != bytes[k]) return 0;
  }
  return text[n] == '\0';
}

/* The same for the string at `path`. */
static inline int midimon_json_string_equals(const char* json, int32_t len, const char* path,
                                             const char* text) {
  return midimon_json_value_equals(midimon_json_find(json, len, path), text);
}

/* ---- walking an object's members ---- */

/* A position inside an object, for midimon_json_next(). */
typedef struct midimon_json_members {
  const char* s;
  int32_t n;      /* bytes readable from s */
  int32_t i;      /* the next member's key; -1 once the walk is over */
  int32_t end;    /* after a complete walk: the index just past the closing '}' */
  int failed;     /* 1 once malformed input was met */
} midimon_json_members;

/* s[i] is '{': a walk over that object's members. */
static inline midimon_json_members midimon_json__members_at(const char* s, int32_t n, int32_t i) {
  midimon_json_members m;
  m.s = s;
  m.n = n;
  m.end = -1;
  m.failed = 0;
  m.i = midimon_json__ws(s, n, i + 1);
  if (m.i < n && s[m.i] == '}') {
    m.end = m.i + 1;
    m.i = -1;
  }
  return m;
}

/* Reads the next member's key and colon; returns the index of its value, or -1 at the end
 * of the object or at malformed input (then m->failed is 1). */
static inline int32_t midimon_json__next_key(midimon_json_members* m, midimon_json_value* key) {
  const char* s = m->s;
  int32_t n = m->n, i = m->i, kend;
  if (i < 0) return -1;
  m->i = -1;
  m->failed = 1; /* until the member is read whole (midimon_json__after) */
  if (i >= n || s[i] != '"') return -1;
  kend = midimon_json__skip_string(s, n, i);
  if (kend < 0) return -1;
  key->kind = MIDIMON_JSON_STRING; /* the bytes between the quotes */
  key->ptr = s + i + 1;
  key->len = kend - i - 2;
  i = midimon_json__ws(s, n, kend);
  if (i >= n || s[i] != ':') return -1;
  i = midimon_json__ws(s, n, i + 1);
  return i < n ? i : -1;
}

/* Moves past a member's value, which ends just before s[vend]: to the next key, or past the
 * object's closing brace. 0 on malformed input. */
static inline int midimon_json__after(midimon_json_members* m, int32_t vend) {
  int32_t i = midimon_json__ws(m->s, m->n, vend);
  if (i >= m->n) return 0;
  if (m->s[i] == ',') {
    m->i = midimon_json__ws(m->s, m->n, i + 1);
  } else if (m->s[i] == '}') {
    m->end = i + 1;
  } else {
    return 0;
  }
  m->failed = 0;
  return 1;
}

/* Starts a walk over the members of `object` (an OBJECT value, e.g. from
 * midimon_json_find); anything else gives an empty, failed walk. */
static inline midimon_json_members midimon_json_members_of(midimon_json_value object) {
  midimon_json_members m;
  if (object.kind == MIDIMON_JSON_OBJECT) {
    return midimon_json__members_at(object.ptr, object.len, 0);
  }
  m.s = object.ptr;
  m.n = 0;
  m.i = m.end = -1;
  m.failed = 1;
  return m;
}

/* 1 with the next member's key (a STRING, still escaped) and value; 0 at the end of the
 * object, or at malformed input (then m->failed is 1). Each member is read once:
 *   midimon_json_members m = midimon_json_members_of(r.params);
 *   midimon_json_value key, value;
 *   while (midimon_json_next(&m, &key, &value)) { ... }
 *   if (m.failed) return MIDIMON_ERR_BAD_JSON; */
static inline int midimon_json_next(midimon_json_members* m, midimon_json_value* key,
                                    midimon_json_value* value) {
  int32_t start = midimon_json__next_key(m, key), end;
  if (start < 0) return 0;
  end = midimon_json__skip_value(m->s, m->n, start);
  if (end < 0) return 0;
  *value = midimon_json__classify(m->s, start, end);
  return midimon_json__after(m, end);
}

/* 1 if `key` (a key from midimon_json_next) is exactly the `len` bytes of `name`. Keys are
 * compared as written; the host never escapes the request's own keys. */
static inline int midimon_json_key_is(midimon_json_value key, const char* name, int32_t len) {
  int32_t k;
  if (key.len != len) return 0;
  for (k = 0; k < len; ++k) {
    if (key.ptr[k] != name[k]) return 0;
  }
  return 1;
}
#define MIDIMON_JSON_KEY_IS(key, literal) \
  midimon_json_key_is((key), (literal), (int32_t)(sizeof(literal) - 1))

/* ---- the request, read in one pass ---- */

/* A context field that is null or absent. */
#define MIDIMON_ABSENT (-1)

/* What execute() receives (docs/plugins/abi.md), as midimon_request_read() found it.
 * Strings and objects point into the request text (valid while it is: during execute). */
typedef struct midimon_request {
  midimon_json_value action;      /* STRING, still escaped: midimon_json_value_equals() */
  int64_t velocity, note, cc, value; /* 0-127, or MIDIMON_ABSENT */
  int64_t current_mode;           /* or MIDIMON_ABSENT */
  int64_t timestamp;              /* ms since the Unix epoch, or MIDIMON_ABSENT */
  midimon_json_value metadata;    /* OBJECT (context.metadata), or MISSING */
  midimon_json_value params;      /* OBJECT (the mapping's params), or MISSING */
  midimon_json_value parameters;  /* ARRAY (MIDIMon's positional list), or MISSING */
} midimon_request;


/* Where a "context" key's integer goes (NULL: not one of them). */
static inline int64_t* midimon_json__context_int(midimon_request* r, midimon_json_value key) {
  if (MIDIMON_JSON_KEY_IS(key, "velocity")) return &r->velocity;
  if (MIDIMON_JSON_KEY_IS(key, "note")) return &r->note;
  if (MIDIMON_JSON_KEY_IS(key, "cc")) return &r->cc;
  if (MIDIMON_JSON_KEY_IS(key, "value")) return &r->value;
  if (MIDIMON_JSON_KEY_IS(key, "current_mode")) return &r->current_mode;
  if (MIDIMON_JSON_KEY_IS(key, "timestamp")) return &r->timestamp;
  return 0;
}

/* Reads the "context" object starting at s[i] ('{') member by member, in place; returns
 * the index just past it, or -1 for malformed input. */
static inline int32_t midimon_json__read_context(midimon_request* r, const char* s, int32_t n,
                                                 int32_t i) {
  midimon_json_members ctx = midimon_json__members_at(s, n, i);
  midimon_json_value key;
  int32_t start, end;
  while ((start = midimon_json__next_key(&ctx, &key)) >= 0) {
    int64_t* field = midimon_json__context_int(r, key);
    const char c = s[start];
    if (field != 0 && c != '"' && (c | 0x20) != '{') {
      int ok;
      /* the value is read as it is skipped */
      end = midimon_json__scan_int(s, n, start, field, &ok);
      if (!ok) *field = MIDIMON_ABSENT;
    } else {
      end = midimon_json__skip_value(s, n, start);
      if (end >= 0 && MIDIMON_JSON_KEY_IS(key, "metadata") && c == '{') {
        r->metadata = midimon_json__classify(s, start, end);
      }
    }
    if (end < 0 || !midimon_json__after(&ctx, end)) return -1;
  }
  return ctx.failed ? -1 : ctx.end;
}

/* Reads the request in one pass over its bytes: 1 when it is a JSON object with a string
 * "action" and (when present) an object "context"; 0 otherwise -- return
 * MIDIMON_ERR_BAD_JSON then. Fields of the wrong type count as absent; unknown keys are
 * skipped. */
static inline int midimon_request_read(const char* json, int32_t len, midimon_request* r) {
  midimon_json_members top;
  midimon_json_value key, v;
  int32_t start, end;
  r->action.kind = r->metadata.kind = r->params.kind = r->parameters.kind = MIDIMON_JSON_MISSING;
  r->action.ptr = r->metadata.ptr = r->params.ptr = r->parameters.ptr = json;
  r->action.len = r->metadata.len = r->params.len = r->parameters.len = 0;
  r->velocity = r->note = r->cc = r->value = MIDIMON_ABSENT;
  r->current_mode = r->timestamp = MIDIMON_ABSENT;
  if (json == 0 || len <= 0) return 0;
  start = midimon_json__ws(json, len, 0);
  if (start >= len || json[start] != '{') return 0;
  top = midimon_json__members_at(json, len, start);
  while ((start = midimon_json__next_key(&top, &key)) >= 0) {
    if (MIDIMON_JSON_KEY_IS(key, "context")) {
      /* Walked member by member in place, not skipped first and walked again. */
      if (json[start] != '{') return 0;
      end = midimon_json__read_context(r, json, len, start);
      if (end < 0) return 0;
    } else {
      end = midimon_json__skip_value(json, len, start);
      if (end < 0) return 0;
      v = midimon_json__classify(json, start, end);
      if (MIDIMON_JSON_KEY_IS(key, "action")) r->action = v;
      else if (MIDIMON_JSON_KEY_IS(key, "params") && v.kind == MIDIMON_JSON_OBJECT) r->params = v;
      else if (MIDIMON_JSON_KEY_IS(key, "parameters") && v.kind == MIDIMON_JSON_ARRAY)
        r->parameters = v;
    }
    if (!midimon_json__after(&top, end)) return 0;
  }
  return !top.failed && r->action.kind == MIDIMON_JSON_STRING;
}

#ifdef __cplusplus
}
#endif

#endif /* MIDIMON_PDK_JSON_H */
