/* notes-to-file: appends one line per call to /data/notes.txt (capability `filesystem`).
 *
 * /data is the plugin's own data directory, which the host preopens read-write when
 * `filesystem` is granted (and not at all otherwise). The line is params.text if given,
 * else "action=A note=N velocity=V timestamp=T".
 *
 * It talks to WASI directly (wasi/api.h) instead of fopen(): wasi-libc learns its
 * preopens in a constructor, and a plugin built with --no-entry has no start function to
 * run constructors. Finding "/data" among the preopens by name is what fopen would do.
 * Returns 0, 3 when /data is missing (not granted) or a write fails. */
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

#include <midimon/pdk/plugin.h>

MIDIMON_PLUGIN_METADATA("notes-to-file", "0.1.0", "Appends a line per call to /data/notes.txt",
                        "midimon", "MIT", "action", "\"filesystem\"")

MIDIMON_PLUGIN_ALLOCATOR()

/* The preopened directory whose guest path is `name`, or -1. Preopens are numbered from 3
 * up; fd_prestat_get fails (EBADF) past the last one. */
static int32_t find_preopen(const char* name) {
  size_t want = strlen(name);
  for (__wasi_fd_t fd = 3; fd < 64; ++fd) {
    __wasi_prestat_t prestat;
    if (__wasi_fd_prestat_get(fd, &prestat) != __WASI_ERRNO_SUCCESS) return -1;
    if (prestat.tag != __WASI_PREOPENTYPE_DIR) continue;
    char path[64];
    size_t n = prestat.u.dir.pr_name_len;
    if (n != want || n >= sizeof path) continue;
    if (__wasi_fd_prestat_dir_name(fd, (uint8_t*)path, n) != __WASI_ERRNO_SUCCESS) continue;
    if (memcmp(path, name, n) == 0) return (int32_t)fd;
  }
  return -1;
}

MIDIMON_EXPORT(execute) int32_t execute(int32_t ptr, int32_t len) {
  const char* req = MIDIMON_REQUEST(ptr);
  char line[1024];
  int32_t n = midimon_json_get_string(req, len, "params.text", line, (int32_t)sizeof line - 1);
  if (n < 0 || n >= (int32_t)sizeof line - 1) {
    char action[64] = "";
    int64_t note = -1, velocity = -1, timestamp = 0;
    midimon_json_get_string(req, len, "action", action, (int32_t)sizeof action);
    midimon_json_get_int(req, len, "context.note", &note);
    midimon_json_get_int(req, len, "context.velocity", &velocity);
    midimon_json_get_int(req, len, "context.timestamp", &timestamp);
    n = snprintf(line, sizeof line - 1, "action=%s note=%lld velocity=%lld timestamp=%lld",
                 action, (long long)note, (long long)velocity, (long long)timestamp);
    if (n < 0 || n >= (int32_t)sizeof line - 1) n = (int32_t)strlen(line);
  }
  line[n++] = '\n';

  int32_t data = find_preopen("/data");
  if (data < 0) {
    midimon_log_str(MIDIMON_LOG_ERROR, "notes-to-file: no /data (is `filesystem` granted?)");
    return MIDIMON_ERR_ACTION_FAILED;
  }
  __wasi_fd_t file;
  __wasi_errno_t err = __wasi_path_open(
      (__wasi_fd_t)data, 0, "notes.txt", __WASI_OFLAGS_CREAT,
      __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_TELL, 0,
      __WASI_FDFLAGS_APPEND, &file);
  if (err != __WASI_ERRNO_SUCCESS) {
    midimon_log_str(MIDIMON_LOG_ERROR, "notes-to-file: cannot open /data/notes.txt");
    return MIDIMON_ERR_ACTION_FAILED;
  }
  __wasi_ciovec_t iov = {(const uint8_t*)line, (size_t)n};
  __wasi_size_t written = 0;
  err = __wasi_fd_write(file, &iov, 1, &written);
  (void)__wasi_fd_close(file); /* nothing useful to do if close fails after the write */
  if (err != __WASI_ERRNO_SUCCESS || written != (__wasi_size_t)n) {
    midimon_log_str(MIDIMON_LOG_ERROR, "notes-to-file: write to /data/notes.txt failed");
    return MIDIMON_ERR_ACTION_FAILED;
  }
  return MIDIMON_OK;
}
