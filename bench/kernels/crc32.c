/* CRC-32 (IEEE, reflected), table-driven with the table built at run time, over a
 * 64 KiB generated buffer n times. Byte loads and table lookups. */
#include "kernel.h"

#define BUF_SIZE 65536
static u32 table[256];
static u8 buf[BUF_SIZE];

static void make_table(void) {
  for (u32 i = 0; i < 256; ++i) {
    u32 c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    table[i] = c;
  }
}

KERNEL_ENTRY int run(int n) {
  make_table();
  u32 seed = 12345;
  for (i32 i = 0; i < BUF_SIZE; ++i) buf[i] = (u8)(lcg_next(&seed) >> 24);
  u32 crc = 0;
  for (i32 r = 0; r < n; ++r) {
    u32 c = ~crc;
    for (i32 i = 0; i < BUF_SIZE; ++i) c = table[(c ^ buf[i]) & 0xff] ^ (c >> 8);
    crc = ~c;
  }
  return (int)crc;
}
