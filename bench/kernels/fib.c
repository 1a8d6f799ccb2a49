/* Recursive Fibonacci: call-heavy, almost no memory traffic. */
#include "kernel.h"

static i32 fib(i32 n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

KERNEL_ENTRY int run(int n) { return fib(n); }
