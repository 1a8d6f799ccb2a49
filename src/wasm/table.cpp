// TableInst: growth within the effective maximum.
#include "runtime.h"

namespace midimon::wasm {

int64_t TableInst::grow(uint32_t delta, Ref init) {
  const uint64_t old_size = elems.size();
  const uint64_t new_size = old_size + delta;  // 64-bit: cannot wrap
  if (new_size > max) return -1;
  elems.resize(new_size, init);
  type.limits.min = static_cast<uint32_t>(new_size);
  return static_cast<int64_t>(old_size);
}

}  // namespace midimon::wasm
