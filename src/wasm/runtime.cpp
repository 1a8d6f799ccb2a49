// Small runtime helpers that need the full Instance definition.
#include "runtime.h"

#include "instance.h"

namespace midimon::wasm {

MemoryInst* Caller::memory() const {
  if (instance == nullptr || instance->memories.empty()) return nullptr;
  return instance->memories[0];
}

}  // namespace midimon::wasm
