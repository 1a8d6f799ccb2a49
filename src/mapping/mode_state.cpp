// Publishing the current mode (see mode_state.h).
#include "mapping/mode_state.h"

namespace midimon::mapping {

void ModeState::publish(std::shared_ptr<const MappingSet> set, size_t mode) {
  auto snapshot = std::make_shared<ModeSnapshot>();
  snapshot->set = std::move(set);
  snapshot->mode = mode;
  current_.store(std::move(snapshot));
}

}  // namespace midimon::mapping
