// A Plugin action's request: { plugin, action, params } plus the triggering event.
#pragma once

#include "actions/trigger_context.h"
#include "mapping/config_model.h"
#include "plugin/plugin.h"

namespace midimon::actions {

// action = the plugin's action name; params_json = the mapping's params (a JSON object,
// "{}" when absent); context from the trigger (velocity, note, cc, value, current mode,
// timestamp in ms); context.metadata = every param as a string (strings as they are,
// other JSON values as compact JSON: 3, true, [1,2]). Params that are not a JSON object
// (the loader never produces that) leave metadata empty.
plugin::ActionRequest make_plugin_request(const mapping::action::Plugin& action,
                                          const TriggerContext& context);

}  // namespace midimon::actions
