/* Sieve of Eratosthenes up to n (n <= 16 Mi): byte stores with growing strides.
 * Returns the number of primes below n. */
#include "kernel.h"

#define MAX_N (16 * 1024 * 1024)
static u8 composite[MAX_N];

KERNEL_ENTRY int run(int n) {
  if (n > MAX_N) n = MAX_N;
  for (i32 i = 0; i < n; ++i) composite[i] = 0;
  i32 count = 0;
  for (i32 i = 2; i < n; ++i) {
    if (composite[i]) continue;
    ++count;
    for (i64 j = (i64)i * i; j < n; j += i) composite[j] = 1;
  }
  return count;
}
