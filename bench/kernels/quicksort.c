/* Quicksort (Hoare partition, median of three, recursion on the smaller side) of n
 * LCG-generated ints (n <= 2 Mi) in a static buffer. Compares, swaps, branches. */
#include "kernel.h"

#define MAX_N (2 * 1024 * 1024)
static i32 data[MAX_N];

static void sort(i32* v, i32 lo, i32 hi) {
  while (hi - lo > 0) {
    i32 mid = lo + (hi - lo) / 2;
    i32 x = v[lo], y = v[mid], z = v[hi];
    i32 pivot = x < y ? (y < z ? y : (x < z ? z : x)) : (x < z ? x : (y < z ? z : y));
    i32 i = lo - 1, j = hi + 1;
    for (;;) {
      do ++i; while (v[i] < pivot);
      do --j; while (v[j] > pivot);
      if (i >= j) break;
      i32 t = v[i]; v[i] = v[j]; v[j] = t;
    }
    if (j - lo < hi - j) {
      sort(v, lo, j);
      lo = j + 1;
    } else {
      sort(v, j + 1, hi);
      hi = j;
    }
  }
}

KERNEL_ENTRY int run(int n) {
  if (n > MAX_N) n = MAX_N;
  u32 seed = 7;
  for (i32 i = 0; i < n; ++i) data[i] = (i32)lcg_next(&seed);
  sort(data, 0, n - 1);
  u32 sum = 0;
  for (i32 i = 0; i < n; ++i) {
    if (i > 0 && data[i - 1] > data[i]) return -1;  /* not sorted: fail loudly */
    sum = sum * 31u + (u32)data[i];
  }
  return (int)sum;
}
