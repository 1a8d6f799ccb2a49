// Engine: the canonical function type registry.
#include "engine.h"

namespace midimon::wasm {

uint32_t Engine::intern_type(const FuncType& type) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = ids_.lower_bound(type);
  if (it != ids_.end() && !TypeOrder{}(type, it->first)) return it->second;
  const auto id = static_cast<uint32_t>(types_.size());
  types_.push_back(type);
  ids_.emplace_hint(it, type, id);
  return id;
}

const FuncType& Engine::type(uint32_t id) const {
  // The lock guards the deque's index structure against a concurrent push_back; the
  // element itself never moves, so the reference stays valid after unlocking.
  std::lock_guard<std::mutex> lock(mutex_);
  return types_[id];
}

}  // namespace midimon::wasm
