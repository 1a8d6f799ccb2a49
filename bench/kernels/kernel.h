/* Shared by every benchmark kernel. Kernels are freestanding C (no libc, no headers):
 * the same source is compiled to wasm32 and natively, so fixed-width types are spelled
 * out here (int is 32-bit and long long 64-bit on both; long is not).
 *
 * Each kernel defines `KERNEL_ENTRY int run(int n)` that does work proportional to n and
 * returns a checksum of everything it computed, so no work can be optimised away and
 * the three runners (native, midimon, node) can be checked against each other.
 * Natively the build renames `run` with -Drun=<kernel>_run so the kernels can share a
 * binary. */
#ifndef MIDIMON_BENCH_KERNEL_H
#define MIDIMON_BENCH_KERNEL_H

typedef unsigned char u8;
typedef unsigned int u32;
typedef int i32;
typedef unsigned long long u64;
typedef long long i64;

#if defined(__wasm__)
#define KERNEL_ENTRY __attribute__((export_name("run")))
#else
#define KERNEL_ENTRY
#endif

/* A small deterministic generator for input data (the same on every target). */
static inline u32 lcg_next(u32* state) {
  *state = *state * 1664525u + 1013904223u;
  return *state;
}

#endif
