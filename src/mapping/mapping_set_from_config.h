// The processor's MappingSet from a loaded Config: one TriggerSpec per mapping (the
// loader has already resolved defaults, aliases and global timings), the modes in file
// order, and the global mappings. The set keeps the Config alive, so each entry's
// `source` points at the config Mapping (its action, description and location).
#pragma once

#include <memory>

#include "mapping/config_model.h"
#include "mapping/mapping_index.h"

namespace midimon::mapping {

TriggerSpec trigger_spec_from(const Trigger& trigger);
std::shared_ptr<const MappingSet> build_mapping_set(std::shared_ptr<const Config> config);

}  // namespace midimon::mapping
