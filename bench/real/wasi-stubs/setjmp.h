/* wasi-libc as packaged in Debian 12 has no setjmp/longjmp (they need the wasm exception
 * handling proposal, which neither clang-14 nor our engine has). The real programs only
 * longjmp to report an error (Lua's error(), a failed protected call); the benchmark
 * workloads raise none, so setjmp "returns 0 once" and a longjmp stops the program with
 * a trap instead of silently carrying on. Used only for the wasm32-wasi builds. */
#ifndef MIDIMON_REAL_SETJMP_H
#define MIDIMON_REAL_SETJMP_H
typedef int jmp_buf[1];
#define setjmp(buf) ((void)(buf), 0)
#define _setjmp(buf) setjmp(buf)
#define longjmp(buf, value) ((void)(buf), (void)(value), __builtin_trap())
#define _longjmp(buf, value) longjmp(buf, value)
#endif
