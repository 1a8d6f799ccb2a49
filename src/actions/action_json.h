// A built-in action written as JSON — what a plugin asks for through the host API's
// request_action ({"type": "Keystroke", "keys": "space"}, the config's action shape) —
// read with exactly the config loader's checks (key names, ranges, unknown keys, mode
// names), so a plugin cannot ask for anything a config could not say.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "mapping/config_model.h"

namespace midimon::actions {

struct ParsedAction {
  std::shared_ptr<const mapping::Config> holder;  // owns *action (use it as a job's keep_alive)
  const mapping::Action* action = nullptr;         // null on error
  std::string error;                               // "plugin action: ..." sentences
  bool ok() const { return action != nullptr; }
};

// JSON larger than this is refused before parsing.
inline constexpr std::size_t kMaxActionJsonBytes = 64 * 1024;

// `mode_names`: the live config's modes in order, so ModeChange / ModeIs resolve to the
// same indices as the config's own actions. JSON null, non-object JSON and invalid JSON
// are errors; `source_name` names the text in messages ("plugin 'notes' request").
ParsedAction parse_action_json(std::string_view json, const std::vector<std::string>& mode_names,
                               const std::string& source_name = "plugin action");

}  // namespace midimon::actions
