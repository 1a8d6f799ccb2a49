// TableReader: strict, typed reads of one TOML table with errors that name the place.
#include "mapping/config_reader.h"

#include <cctype>

namespace midimon::mapping::detail {

SourceLocation LoadContext::at(const toml::source_region& region) const {
  return SourceLocation{file, region.begin.line, region.begin.column};
}

const char* type_phrase(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::table: return "a table";
    case toml::node_type::array: return "an array";
    case toml::node_type::string: return "a string";
    case toml::node_type::integer: return "an integer";
    case toml::node_type::floating_point: return "a floating-point number";
    case toml::node_type::boolean: return "a boolean";
    case toml::node_type::date: return "a date";
    case toml::node_type::time: return "a time";
    case toml::node_type::date_time: return "a date-time";
    default: return "nothing";
  }
}

std::string_view article(std::string_view word) {
  bool vowel = !word.empty() && std::string_view("AEIOUaeiou").find(word[0]) != std::string_view::npos;
  return vowel ? "an " : "a ";
}

std::string with_article(std::string_view word) { return std::string(article(word)) + std::string(word); }

bool equals_ignore_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

const toml::node* TableReader::get(std::string_view key) {
  known_.push_back(key);
  return table_.get(key);
}

const toml::node* TableReader::get_aliased(std::string_view key, std::string_view alias,
                                           bool* used_alias) {
  const toml::node* main = get(key);
  const toml::node* other = get(alias);
  if (used_alias) *used_alias = false;
  if (main && other) {
    ctx_.error(*other, "'" + std::string(alias) + "' is an alias of '" + std::string(key) +
                           "' in " + what() + "; give only one of them");
    return main;
  }
  if (other) {
    if (used_alias) *used_alias = true;
    return other;
  }
  return main;
}

void TableReader::missing(std::string_view key) {
  ctx_.diagnostics.error(where(),
                         what() + " needs '" + std::string(key) + "', which is missing");
}

bool TableReader::wrong_type(const toml::node& node, std::string_view key, const char* expected) {
  ctx_.error(node, "'" + std::string(key) + "' in " + what() + " must be " + expected + ", not " +
                       type_phrase(node));
  return false;
}

std::optional<int64_t> TableReader::integer(std::string_view key, int64_t min, int64_t max,
                                            Need need) {
  return integer_at(get(key), key, min, max, need);
}

std::optional<int64_t> TableReader::integer_at(const toml::node* node, std::string_view key,
                                               int64_t min, int64_t max, Need need) {
  if (!node) {
    if (need == Need::Required) missing(key);
    return std::nullopt;
  }
  const auto* value = node->as_integer();
  if (!value) {
    wrong_type(*node, key, "an integer");
    return std::nullopt;
  }
  int64_t v = value->get();
  if (v < min || v > max) {
    ctx_.error(*node, "'" + std::string(key) + "' in " + what() + " must be between " +
                          std::to_string(min) + " and " + std::to_string(max) + ", not " +
                          std::to_string(v));
    return std::nullopt;
  }
  return v;
}

std::optional<std::string> TableReader::string(std::string_view key, Need need,
                                               bool allow_empty) {
  return string_at(get(key), key, need, allow_empty);
}

std::optional<std::string> TableReader::string_at(const toml::node* node, std::string_view key,
                                                  Need need, bool allow_empty) {
  if (!node) {
    if (need == Need::Required) missing(key);
    return std::nullopt;
  }
  const auto* value = node->as_string();
  if (!value) {
    wrong_type(*node, key, "a string");
    return std::nullopt;
  }
  if (!allow_empty && value->get().empty()) {
    ctx_.error(*node, "'" + std::string(key) + "' in " + what() + " must not be empty");
    return std::nullopt;
  }
  return value->get();
}

std::optional<bool> TableReader::boolean(std::string_view key, Need need) {
  const toml::node* node = get(key);
  if (!node) {
    if (need == Need::Required) missing(key);
    return std::nullopt;
  }
  const auto* value = node->as_boolean();
  if (!value) {
    wrong_type(*node, key, "true or false");
    return std::nullopt;
  }
  return value->get();
}

std::optional<std::vector<std::string>> TableReader::string_array(std::string_view key,
                                                                  Need need) {
  const toml::node* node = get(key);
  if (!node) {
    if (need == Need::Required) missing(key);
    return std::nullopt;
  }
  const auto* array = node->as_array();
  if (!array) {
    wrong_type(*node, key, "an array of strings");
    return std::nullopt;
  }
  std::vector<std::string> out;
  bool ok = true;
  for (const toml::node& element : *array) {
    if (const auto* s = element.as_string()) {
      out.push_back(s->get());
    } else {
      ctx_.error(element, "every element of '" + std::string(key) + "' in " + what() +
                              " must be a string, not " + type_phrase(element));
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return out;
}

std::optional<std::size_t> TableReader::choice_index(const toml::node* node,
                                                     std::string_view key,
                                                     const std::vector<std::string_view>& names,
                                                     Need need) {
  std::optional<std::string> text = string_at(node, key, need);
  if (!text) return std::nullopt;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (equals_ignore_case(*text, names[i])) return i;
  }
  std::string list;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) list += i + 1 == names.size() ? " or " : ", ";
    list += names[i];
  }
  ctx_.error(*node, "'" + std::string(key) + "' in " + what() + " must be " + list + ", not '" +
                        *text + "'" + did_you_mean(*text, names));
  return std::nullopt;
}

void TableReader::finish() {
  for (auto&& [key, node] : table_) {
    std::string_view name = key.str();
    bool known = false;
    for (std::string_view k : known_) {
      if (k == name) {
        known = true;
        break;
      }
    }
    if (known) continue;
    ctx_.diagnostics.error(ctx_.at(key.source()),
                           "unknown key '" + std::string(name) + "' in " + what() +
                               did_you_mean(name, known_));
    (void)node;
  }
}

}  // namespace midimon::mapping::detail
