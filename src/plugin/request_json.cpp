#include "plugin/request_json.h"

#include <nlohmann/json.hpp>

namespace midimon::plugin {

namespace {
template <class T>
nlohmann::ordered_json or_null(const std::optional<T>& v) {
  if (!v) return nullptr;
  return static_cast<int64_t>(*v);
}
}  // namespace

Expected<std::string> request_json(const ActionRequest& request) {
  nlohmann::ordered_json params;
  try {
    params = nlohmann::ordered_json::parse(request.params_json.empty() ? "{}" : request.params_json);
  } catch (const nlohmann::json::parse_error& e) {
    return Failure{std::string("request params are not valid JSON: ") + e.what()};
  }
  if (!params.is_object()) {
    return Failure{std::string("request params must be a JSON object, got ") + params.type_name()};
  }
  const EventContext& c = request.context;
  nlohmann::ordered_json metadata = nlohmann::ordered_json::object();
  for (const auto& [k, v] : c.metadata) metadata[k] = v;

  nlohmann::ordered_json j;
  j["action"] = request.action;
  j["context"] = {{"velocity", or_null(c.velocity)},   {"note", or_null(c.note)},
                  {"cc", or_null(c.cc)},               {"value", or_null(c.value)},
                  {"current_mode", or_null(c.current_mode)},
                  {"timestamp", c.timestamp_ms},       {"metadata", std::move(metadata)}};
  j["params"] = std::move(params);
  if (request.parameters) j["parameters"] = *request.parameters;
  // Replace (not throw on) invalid UTF-8 in strings the mapping handed us.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace midimon::plugin
