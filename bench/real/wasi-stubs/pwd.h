/* WASI has no users: sqlite3's shell looks up the home directory with getpwuid() and
 * falls back to $HOME when that fails, which is what this header makes it do. Used only
 * for the wasm32-wasi builds. */
#ifndef MIDIMON_REAL_PWD_H
#define MIDIMON_REAL_PWD_H
#include <sys/types.h>
struct passwd {
  char* pw_dir;
};
static inline uid_t getuid(void) { return 0; }
static inline struct passwd* getpwuid(uid_t uid) { (void)uid; return 0; }
#endif
