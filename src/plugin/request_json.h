// The request JSON a plugin's execute() receives (plugin-abi.md, docs/plugins/abi.md):
// {"action": ..., "context": {"velocity", "note", "cc", "value", "current_mode",
// "timestamp", "metadata"}, "params": {...}, "parameters": [...]?}. Absent context fields
// are null; `metadata` is always present (MIDIMon's serde plugins require it).
#pragma once

#include <string>

#include "plugin/expected.h"
#include "plugin/plugin.h"

namespace midimon::plugin {

// Fails only when request.params_json is not a JSON object (the message says so).
// `params_checked`: the caller already knows params_json is one (a mapping's params are
// the same on every call; checking them is half the cost of this function).
Expected<std::string> request_json(const ActionRequest& request, bool params_checked = false);

}  // namespace midimon::plugin
