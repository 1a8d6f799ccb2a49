/* SQLite's own unix VFS needs POSIX locks and ownership calls that WASI does not have, so
 * both builds (native and wasm32-wasi, for the same code on both sides) use
 * SQLITE_OS_OTHER with the "demovfs" from SQLite's source tree (src/test_demovfs.c:
 * plain open/read/write/fsync, no locking, fine for one process). SQLite calls these two
 * at initialisation and shutdown. */
#include "sqlite3.h"

sqlite3_vfs* sqlite3_demovfs(void);

int sqlite3_os_init(void) { return sqlite3_vfs_register(sqlite3_demovfs(), 1); }

int sqlite3_os_end(void) { return SQLITE_OK; }
