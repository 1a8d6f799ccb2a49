#include "actions/plugin_request.h"

#include <nlohmann/json.hpp>

namespace midimon::actions {

plugin::ActionRequest make_plugin_request(const mapping::action::Plugin& action,
                                          const TriggerContext& context) {
  plugin::ActionRequest request;
  request.action = action.action;
  request.params_json = action.params_json.empty() ? "{}" : action.params_json;
  request.context = to_plugin_context(context);
  const nlohmann::json params = nlohmann::json::parse(request.params_json, nullptr, false);
  if (params.is_object()) {
    for (const auto& [key, value] : params.items()) {
      request.context.metadata[key] = value.is_string() ? value.get<std::string>() : value.dump();
    }
  }
  return request;
}

}  // namespace midimon::actions
