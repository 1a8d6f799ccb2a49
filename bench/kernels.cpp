#include "kernels.h"

// Native kernels: each C file is compiled with -Drun=<name>_run so they can share one
// binary (see CMakeLists.txt).
extern "C" {
int fib_run(int);
int hash_run(int);
int crc32_run(int);
int matmul_run(int);
int sieve_run(int);
int quicksort_run(int);
int nbody_run(int);
int sha256_run(int);
}

namespace midimon::bench {

std::span<const Kernel> all_kernels() {
  // Sizes chosen so each native run takes roughly 20-100 ms on a 2-core EPYC VM.
  static const Kernel kernels[] = {
      {"fib", fib_run, 35, 20},
      {"hash", hash_run, 15'000'000, 100'000},
      {"crc32", crc32_run, 300, 2},
      {"matmul", matmul_run, 512, 40},
      {"sieve", sieve_run, 8'000'000, 100'000},
      {"quicksort", quicksort_run, 600'000, 10'000},
      {"nbody", nbody_run, 1'000'000, 1'000},
      {"sha256", sha256_run, 150, 2},
  };
  return kernels;
}

}  // namespace midimon::bench
