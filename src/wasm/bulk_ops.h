// The bulk memory and table instructions (memory.init/copy/fill, table.init/copy/fill):
// their bounds rules and copies, in one place for the interpreter's handlers and the
// baseline compiler's helper (jit_runtime.cpp). Each returns the trap it raises, or
// TrapKind::None; a trapping instruction writes nothing. Bounds are checked on 64-bit
// sums of 32-bit operands, so they cannot wrap.
#pragma once

#include <cstdint>
#include <cstring>

#include "runtime.h"
#include "trap.h"

namespace midimon::wasm::bulk {

// Memory `base`/`size`: the memory's current base and size in bytes.
inline TrapKind memory_init(uint8_t* base, uint64_t size, const DataInst& data, uint64_t d,
                            uint64_t s, uint64_t n) {
  if (s + n > data.bytes.size() || d + n > size) return TrapKind::OutOfBoundsMemoryAccess;
  if (n) std::memcpy(base + d, data.bytes.data() + s, n);
  return TrapKind::None;
}

inline TrapKind memory_copy(uint8_t* base, uint64_t size, uint64_t d, uint64_t s, uint64_t n) {
  if (s + n > size || d + n > size) return TrapKind::OutOfBoundsMemoryAccess;
  if (n) std::memmove(base + d, base + s, n);
  return TrapKind::None;
}

inline TrapKind memory_fill(uint8_t* base, uint64_t size, uint64_t d, uint32_t value, uint64_t n) {
  if (d + n > size) return TrapKind::OutOfBoundsMemoryAccess;
  if (n) std::memset(base + d, static_cast<int>(value & 0xff), n);
  return TrapKind::None;
}

inline TrapKind table_fill(TableInst& tab, uint64_t i, Ref v, uint64_t n) {
  if (i + n > tab.elems.size()) return TrapKind::OutOfBoundsTableAccess;
  for (uint64_t k = 0; k < n; ++k) tab.elems[i + k] = v;
  return TrapKind::None;
}

inline TrapKind table_copy(TableInst& dst, const TableInst& src, uint64_t d, uint64_t s, uint64_t n) {
  if (s + n > src.elems.size() || d + n > dst.elems.size()) return TrapKind::OutOfBoundsTableAccess;
  if (n) std::memmove(dst.elems.data() + d, src.elems.data() + s, n * sizeof(Ref));
  return TrapKind::None;
}

inline TrapKind table_init(TableInst& tab, const ElemInst& e, uint64_t d, uint64_t s, uint64_t n) {
  if (s + n > e.refs.size() || d + n > tab.elems.size()) return TrapKind::OutOfBoundsTableAccess;
  if (n) std::memcpy(tab.elems.data() + d, e.refs.data() + s, n * sizeof(Ref));
  return TrapKind::None;
}

}  // namespace midimon::wasm::bulk
