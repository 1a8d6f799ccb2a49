// The bundled example for `scripts/demo`: plain C compiled to wasm32 with clang-14
// (no libc, so -fno-builtin keeps clang from turning loops into memset calls).
// Recursive on purpose: fib exercises calls, the engine's hottest path.
__attribute__((export_name("fib"))) int fib(int n) {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

// Counts the primes below n with a byte sieve in linear memory.
static unsigned char composite[1 << 20];

__attribute__((export_name("count_primes"))) int count_primes(int n) {
  if (n > (int)sizeof composite) n = (int)sizeof composite;
  int count = 0;
  for (int i = 2; i < n; ++i) composite[i] = 0;
  for (int i = 2; i < n; ++i) {
    if (composite[i]) continue;
    ++count;
    for (long long j = (long long)i * i; j < n; j += i) composite[j] = 1;
  }
  return count;
}
