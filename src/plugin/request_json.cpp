// Written by hand rather than through a JSON DOM: this runs on every plugin call and is
// part of the execute round trip the benchmarks hold to a microsecond.
#include "plugin/request_json.h"

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>

#include "plugin/metadata_json.h"

namespace midimon::plugin {

namespace {

// A JSON string literal; control characters escaped, invalid UTF-8 replaced by U+FFFD
// (the mapping's strings should be UTF-8; the plugin must get valid JSON regardless).
void put_string(std::string& out, std::string_view s) {
  out += '"';
  // Fast path: printable ASCII without quotes or backslashes is copied as it is.
  if (std::all_of(s.begin(), s.end(), [](char ch) {
        const auto c = static_cast<unsigned char>(ch);
        return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
      })) {
    out.append(s);
    out += '"';
    return;
  }
  while (!s.empty()) {
    const auto bad = invalid_utf8_offset(s);
    const std::string_view good = s.substr(0, bad.value_or(s.size()));
    for (char ch : good) {
      const auto c = static_cast<unsigned char>(ch);
      switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
          if (c < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", c);
            out += buf;
          } else {
            out += ch;
          }
      }
    }
    if (!bad) break;
    out += "\xEF\xBF\xBD";
    s.remove_prefix(*bad + 1);
  }
  out += '"';
}

template <class T>
void put_int(std::string& out, T v) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

template <class T>
void put_optional(std::string& out, const char* key, const std::optional<T>& v) {
  out += key;
  if (v) put_int(out, static_cast<int64_t>(*v));
  else out += "null";
}

bool is_object_text(std::string_view text) {
  const size_t first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos || text[first] != '{') return false;
  return nlohmann::json::accept(text);
}

}  // namespace

Expected<std::string> request_json(const ActionRequest& request, bool params_checked) {
  std::string_view params = request.params_json;
  if (params.empty()) params = "{}";
  if (!params_checked && params != "{}" && !is_object_text(params)) {
    return Failure{"request params must be a JSON object, got: " +
                   std::string(params.substr(0, 64)) + (params.size() > 64 ? "..." : "")};
  }
  const EventContext& c = request.context;
  std::string out;
  out.reserve(160 + request.action.size() + params.size());
  out += "{\"action\":";
  put_string(out, request.action);
  put_optional(out, ",\"context\":{\"velocity\":", c.velocity);
  put_optional(out, ",\"note\":", c.note);
  put_optional(out, ",\"cc\":", c.cc);
  put_optional(out, ",\"value\":", c.value);
  put_optional(out, ",\"current_mode\":", c.current_mode);
  out += ",\"timestamp\":";
  put_int(out, c.timestamp_ms);
  out += ",\"metadata\":{";
  bool first = true;
  for (const auto& [k, v] : c.metadata) {
    if (!first) out += ',';
    first = false;
    put_string(out, k);
    out += ':';
    put_string(out, v);
  }
  out += "}},\"params\":";
  out += params;
  if (request.parameters) {
    out += ",\"parameters\":[";
    for (size_t i = 0; i < request.parameters->size(); ++i) {
      if (i) out += ',';
      put_string(out, (*request.parameters)[i]);
    }
    out += ']';
  }
  out += '}';
  return out;
}

}  // namespace midimon::plugin
