#include "actions/action_json.h"

#include <cstdio>
#include <nlohmann/json.hpp>

#include "mapping/config_loader.h"

namespace midimon::actions {

namespace {

std::string toml_string(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20 || c == 0x7F) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04X", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

// JSON -> one line of TOML (inline tables and arrays). False for null (TOML has none).
bool to_toml(const nlohmann::json& j, std::string& out, std::string& error) {
  switch (j.type()) {
    case nlohmann::json::value_t::object: {
      out += "{ ";
      bool first = true;
      for (const auto& [key, value] : j.items()) {
        if (!first) out += ", ";
        first = false;
        out += toml_string(key) + " = ";
        if (!to_toml(value, out, error)) return false;
      }
      out += " }";
      return true;
    }
    case nlohmann::json::value_t::array: {
      out += "[ ";
      bool first = true;
      for (const auto& value : j) {
        if (!first) out += ", ";
        first = false;
        if (!to_toml(value, out, error)) return false;
      }
      out += " ]";
      return true;
    }
    case nlohmann::json::value_t::string: out += toml_string(j.get<std::string>()); return true;
    case nlohmann::json::value_t::boolean: out += j.get<bool>() ? "true" : "false"; return true;
    case nlohmann::json::value_t::number_integer: out += std::to_string(j.get<int64_t>()); return true;
    case nlohmann::json::value_t::number_unsigned: out += std::to_string(j.get<uint64_t>()); return true;
    case nlohmann::json::value_t::number_float: {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.17g", j.get<double>());
      std::string s = buf;
      if (s.find_first_of(".eEn") == std::string::npos) s += ".0";  // stays a float in TOML
      out += s;
      return true;
    }
    default:
      error = "null is not a value an action can have";
      return false;
  }
}

}  // namespace

ParsedAction parse_action_json(std::string_view json, const std::vector<std::string>& mode_names,
                               const std::string& source_name) {
  ParsedAction result;
  if (json.size() > kMaxActionJsonBytes) {
    result.error = source_name + ": the action is " + std::to_string(json.size()) +
                   " bytes; at most " + std::to_string(kMaxActionJsonBytes) + " are accepted";
    return result;
  }
  const nlohmann::json parsed = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    result.error = source_name + ": the action is not valid JSON";
    return result;
  }
  if (!parsed.is_object()) {
    result.error = source_name + ": the action must be a JSON object like {\"type\": \"Keystroke\", \"keys\": \"space\"}";
    return result;
  }
  std::string action_toml, error;
  if (!to_toml(parsed, action_toml, error)) {
    result.error = source_name + ": " + error;
    return result;
  }
  // A config with the live config's modes and one mapping holding the action; the loader
  // applies every check a config file gets.
  std::string text;
  for (const std::string& name : mode_names) text += "[[modes]]\nname = " + toml_string(name) + "\n";
  if (mode_names.empty()) text += "[[modes]]\nname = \"Default\"\n";
  text = "[[global_mappings]]\ntrigger = { type = \"Note\", note = 0 }\naction = " + action_toml +
         "\n" + text;
  mapping::LoadResult loaded = mapping::load_config_string(text, source_name);
  if (!loaded.ok()) {
    for (const mapping::Diagnostic& d : loaded.errors) {
      if (!result.error.empty()) result.error += "; ";
      result.error += source_name + ": " + d.message;
    }
    return result;
  }
  auto holder = std::make_shared<const mapping::Config>(std::move(*loaded.config));
  result.action = &holder->global_mappings.at(0).action;
  result.holder = std::move(holder);
  return result;
}

}  // namespace midimon::actions
