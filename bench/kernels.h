// The benchmark kernels: their names, native entry points and problem sizes.
#pragma once

#include <span>

namespace midimon::bench {

struct Kernel {
  const char* name;     // also the .wasm file's stem
  int (*native)(int n); // the same C source compiled natively (clang-14 -O2)
  int n;                // full size: about 20-100 ms natively on the reference machine
  int quick_n;          // tiny size for the smoke test (--quick)
};

std::span<const Kernel> all_kernels();

}  // namespace midimon::bench
