// Internal to the plugin host's .cpp files (toml++ is a private dependency): parse a TOML
// document without letting an exception out, and format "FILE:LINE:COLUMN: " prefixes
// from toml++'s source regions.
#pragma once

#include <toml++/toml.h>

#include <filesystem>
#include <string>
#include <string_view>

#include "plugin/expected.h"

namespace midimon::plugin::toml_support {

// "FILE:LINE:COLUMN: " for a position (line/column 1-based; 0 shown as 1).
std::string where(const std::filesystem::path& file, const toml::source_position& pos);
std::string where(const std::filesystem::path& file, const toml::source_region& region);

// Parses `text`; a syntax error becomes "FILE:LINE:COLUMN: <toml++'s description>".
Expected<toml::table> parse(std::string_view text, const std::filesystem::path& file);

// "a string", "an integer", "a table", ... for "must be X, not Y" messages.
std::string_view type_phrase(toml::node_type type);

// A TOML node as JSON text (tables -> objects, arrays -> arrays, dates and times -> their
// TOML text as strings).
std::string to_json(const toml::node& node);

// Quotes a string for TOML output (basic string with escapes).
std::string quote(std::string_view text);

}  // namespace midimon::plugin::toml_support
