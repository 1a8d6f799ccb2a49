#include "plugin/toml_support.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <sstream>

namespace midimon::plugin::toml_support {

namespace {

// Dates and times keep TOML's own spelling.
template <class T>
std::string spelled(const T& value) {
  std::ostringstream text;
  text << value;
  return text.str();
}

nlohmann::json node_to_json(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::table: {
      nlohmann::json out = nlohmann::json::object();
      for (auto&& [key, value] : *node.as_table()) out[std::string(key.str())] = node_to_json(value);
      return out;
    }
    case toml::node_type::array: {
      nlohmann::json out = nlohmann::json::array();
      for (const toml::node& value : *node.as_array()) out.push_back(node_to_json(value));
      return out;
    }
    case toml::node_type::string: return node.as_string()->get();
    case toml::node_type::integer: return node.as_integer()->get();
    case toml::node_type::floating_point: return node.as_floating_point()->get();
    case toml::node_type::boolean: return node.as_boolean()->get();
    case toml::node_type::date: return spelled(node.as_date()->get());
    case toml::node_type::time: return spelled(node.as_time()->get());
    case toml::node_type::date_time: return spelled(node.as_date_time()->get());
    default: return nullptr;
  }
}

}  // namespace

std::string where(const std::filesystem::path& file, const toml::source_position& pos) {
  return file.string() + ":" + std::to_string(pos.line == 0 ? 1 : pos.line) + ":" +
         std::to_string(pos.column == 0 ? 1 : pos.column) + ": ";
}

std::string where(const std::filesystem::path& file, const toml::source_region& region) {
  return where(file, region.begin);
}

Expected<toml::table> parse(std::string_view text, const std::filesystem::path& file) {
  try {
    return toml::parse(text, file.string());
  } catch (const toml::parse_error& e) {
    return Failure{where(file, e.source()) + std::string(e.description())};
  }
}

std::string_view type_phrase(toml::node_type type) {
  switch (type) {
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a float";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    default: return "nothing";
  }
}

std::string to_json(const toml::node& node) {
  return node_to_json(node).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string quote(std::string_view text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  out += "\"";
  return out;
}

}  // namespace midimon::plugin::toml_support
