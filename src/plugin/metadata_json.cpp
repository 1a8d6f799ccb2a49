// Metadata parsing: UTF-8 first (so the error names a byte), then JSON, then fields.
#include "plugin/metadata_json.h"

#include <nlohmann/json.hpp>

namespace midimon::plugin {

std::optional<size_t> invalid_utf8_offset(std::span<const uint8_t> b) {
  size_t i = 0;
  while (i < b.size()) {
    const uint8_t c = b[i];
    if (c < 0x80) { ++i; continue; }
    size_t n;
    uint32_t min, cp;
    if ((c & 0xE0) == 0xC0) { n = 2; min = 0x80; cp = c & 0x1F; }
    else if ((c & 0xF0) == 0xE0) { n = 3; min = 0x800; cp = c & 0x0F; }
    else if ((c & 0xF8) == 0xF0) { n = 4; min = 0x10000; cp = c & 0x07; }
    else return i;
    if (b.size() - i < n) return i;
    for (size_t k = 1; k < n; ++k) {
      if ((b[i + k] & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (b[i + k] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
    i += n;
  }
  return std::nullopt;
}

namespace {

Failure fail(std::string what) { return Failure{"metadata: " + std::move(what)}; }

}  // namespace

Expected<PluginMetadata> parse_metadata(std::string_view bytes) {
  if (auto bad = invalid_utf8_offset(bytes)) {
    return Failure{"metadata is not valid UTF-8 at byte " + std::to_string(*bad)};
  }
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(bytes.begin(), bytes.end());
  } catch (const nlohmann::json::parse_error& e) {
    // e.byte is 1-based and points one past the offending character.
    const size_t at = e.byte > 0 ? e.byte - 1 : 0;
    return Failure{"metadata is not valid JSON at byte " + std::to_string(at) + " (of " +
                   std::to_string(bytes.size()) + ")"};
  }
  if (!j.is_object()) return fail("expected a JSON object, got " + std::string(j.type_name()));

  PluginMetadata m;
  auto field = [&](const char* key, std::string* out, bool required) -> std::optional<Failure> {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) {
      if (required) return fail(std::string("missing required field \"") + key + "\"");
      return std::nullopt;
    }
    if (!it->is_string()) {
      return fail(std::string("field \"") + key + "\" must be a string, got " + it->type_name());
    }
    *out = it->get<std::string>();
    return std::nullopt;
  };
  for (auto [key, out] : {std::pair{"name", &m.name}, {"version", &m.version},
                          {"description", &m.description}, {"author", &m.author},
                          {"license", &m.license}, {"type", &m.type}}) {
    if (auto f = field(key, out, true)) return *f;
  }
  if (auto f = field("homepage", &m.homepage, false)) return *f;
  if (m.name.empty()) return fail("field \"name\" is empty");
  if (m.type != "action" && m.type != "trigger") {
    return fail("field \"type\" must be \"action\" or \"trigger\", got \"" + m.type + "\"");
  }
  if (auto it = j.find("capabilities"); it != j.end() && !it->is_null()) {
    if (!it->is_array()) return fail("field \"capabilities\" must be an array of names");
    for (size_t i = 0; i < it->size(); ++i) {
      const auto& c = (*it)[i];
      if (!c.is_string()) {
        return fail("capabilities[" + std::to_string(i) + "] must be a string, got " + c.type_name());
      }
      auto cap = parse_capability(c.get<std::string>());
      if (!cap) {
        return fail("capabilities[" + std::to_string(i) + "]: unknown capability \"" +
                    c.get<std::string>() + "\"");
      }
      m.capabilities.add(*cap);
    }
  }
  return m;
}

}  // namespace midimon::plugin
