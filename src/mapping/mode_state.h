// The current mode as state other threads may read (the daemon exposes it over IPC
// while the engine thread owns the processor). The engine thread publishes a new
// immutable snapshot — mapping set and mode together — with one atomic pointer store,
// so a reader never sees a mode of one config paired with the mappings of another.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "mapping/mapping_index.h"

namespace midimon::mapping {

struct ModeSnapshot {
  std::shared_ptr<const MappingSet> set;
  size_t mode = 0;
  const std::string& name() const { return set->mode(mode).name; }
};

class ModeState {
 public:
  std::shared_ptr<const ModeSnapshot> current() const { return current_.load(); }
  void publish(std::shared_ptr<const MappingSet> set, size_t mode);

 private:
  std::atomic<std::shared_ptr<const ModeSnapshot>> current_;
};

}  // namespace midimon::mapping
