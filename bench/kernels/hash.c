/* A hash loop: FNV-1a over the bytes of a xorshift32 stream, n words. Pure integer
 * arithmetic in one tight loop. */
#include "kernel.h"

KERNEL_ENTRY int run(int n) {
  u32 x = 2463534242u;
  u32 h = 2166136261u;
  for (i32 i = 0; i < n; ++i) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    h = (h ^ (x & 0xff)) * 16777619u;
    h = (h ^ ((x >> 8) & 0xff)) * 16777619u;
    h = (h ^ ((x >> 16) & 0xff)) * 16777619u;
    h = (h ^ (x >> 24)) * 16777619u;
  }
  return (int)h;
}
