/* Dense matrix multiply of two n x n double matrices (n <= 512), naive i-k-j order.
 * Floating multiply-add with strided loads and stores. */
#include "kernel.h"

#define MAX_N 512
static double a[MAX_N * MAX_N], b[MAX_N * MAX_N], c[MAX_N * MAX_N];

KERNEL_ENTRY int run(int n) {
  if (n > MAX_N) n = MAX_N;
  u32 seed = 42;
  for (i32 i = 0; i < n * n; ++i) {
    a[i] = (double)(lcg_next(&seed) >> 16) / 65536.0 - 0.5;
    b[i] = (double)(lcg_next(&seed) >> 16) / 65536.0 - 0.5;
    c[i] = 0.0;
  }
  for (i32 i = 0; i < n; ++i) {
    for (i32 k = 0; k < n; ++k) {
      double aik = a[i * n + k];
      for (i32 j = 0; j < n; ++j) c[i * n + j] += aik * b[k * n + j];
    }
  }
  double sum = 0.0;
  for (i32 i = 0; i < n * n; ++i) sum += c[i] * (double)((i % 7) + 1);
  return (int)(i64)(sum * 1000.0);
}
