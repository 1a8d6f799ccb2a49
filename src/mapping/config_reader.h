// Internal to the loader: reading one TOML table strictly. A TableReader hands out the
// keys a part of the loader asks for, checks their types and ranges, and at finish()
// reports every key nobody asked for as unknown (with a "did you mean"). Errors go to
// the LoadContext; a reader never throws.
#pragma once

#include <toml++/toml.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mapping/config_diagnostics.h"
#include "mapping/config_model.h"

namespace midimon::mapping::detail {

// What the loader knows while it walks the document.
struct LoadContext {
  std::string file;
  Diagnostics diagnostics;
  AdvancedSettings advanced;               // read before any trigger
  std::vector<std::string> device_names;   // read before any trigger
  // Actions of mappings dropped for other errors: still checked for mode references,
  // so one pass reports every error.
  std::vector<Action> orphan_actions;

  SourceLocation at(const toml::source_region& region) const;
  SourceLocation at(const toml::node& node) const { return at(node.source()); }
  void error(const toml::node& node, std::string message) {
    diagnostics.error(at(node), std::move(message));
  }
  void warning(const toml::node& node, std::string message) {
    diagnostics.warning(at(node), std::move(message));
  }
};

// "an integer", "a string", "a table", ... for "must be X, not Y" sentences.
const char* type_phrase(const toml::node& node);

enum class Need : uint8_t { Optional, Required };

// How a table is named in sentences ("a Note trigger", "[advanced_settings]"): up to
// three pieces joined only when a sentence is built, so loading a valid config builds
// no names. The pieces must outlive the reader.
class What {
 public:
  What(const char* text) : a_(text) {}                    // NOLINT: implicit on purpose
  What(const std::string& text) : a_(text) {}             // NOLINT
  What(std::string&&) = delete;                           // would dangle
  What(std::string_view a, std::string_view b, std::string_view c) : a_(a), b_(b), c_(c) {}
  std::string str() const {
    std::string out;
    out.reserve(a_.size() + b_.size() + c_.size());
    return out.append(a_).append(b_).append(c_);
  }

 private:
  std::string_view a_, b_, c_;
};

// "a " or "an " for `word`.
std::string_view article(std::string_view word);

template <class E>
using Choices = std::initializer_list<std::pair<std::string_view, E>>;

class TableReader {
 public:
  // `what` names the table in sentences: "a Note trigger", "[advanced_settings]".
  TableReader(const toml::table& table, What what, LoadContext& ctx)
      : table_(table), what_(what), ctx_(ctx) {
    known_.reserve(table.size() + 4);  // one allocation, not one per doubling (reload cost)
  }

  const toml::table& table() const { return table_; }
  std::string what() const { return what_.str(); }
  LoadContext& context() { return ctx_; }
  SourceLocation where() const { return ctx_.at(table_); }

  // The node at `key` (nullptr when absent); marks the key as known.
  const toml::node* get(std::string_view key);
  // The node at `key` or at its alias `alias` (a documented MIDIMon spelling); both
  // given is an error. `used_alias` tells which one was read.
  const toml::node* get_aliased(std::string_view key, std::string_view alias,
                                bool* used_alias = nullptr);

  // Typed reads: a missing Required key, a wrong type or a value out of range is an
  // error and gives nullopt.
  std::optional<int64_t> integer(std::string_view key, int64_t min, int64_t max,
                                 Need need = Need::Optional);
  std::optional<int64_t> integer_at(const toml::node* node, std::string_view key, int64_t min,
                                    int64_t max, Need need = Need::Optional);
  std::optional<std::string> string(std::string_view key, Need need = Need::Optional,
                                    bool allow_empty = true);
  std::optional<std::string> string_at(const toml::node* node, std::string_view key,
                                       Need need = Need::Optional, bool allow_empty = true);
  std::optional<bool> boolean(std::string_view key, Need need = Need::Optional);
  // A string from a fixed set, compared without regard to case.
  template <class E>
  std::optional<E> choice(std::string_view key, Choices<E> choices, Need need = Need::Optional) {
    return choice_at(get(key), key, choices, need);
  }
  template <class E>
  std::optional<E> choice_at(const toml::node* node, std::string_view key, Choices<E> choices,
                             Need need = Need::Optional) {
    std::vector<std::string_view> names;
    for (const auto& c : choices) names.push_back(c.first);
    std::optional<std::size_t> index = choice_index(node, key, names, need);
    if (!index) return std::nullopt;
    return (choices.begin() + *index)->second;
  }
  std::optional<std::vector<std::string>> string_array(std::string_view key,
                                                       Need need = Need::Optional);

  void missing(std::string_view key);
  // Reports keys that were never asked for. Call once, after every read.
  void finish();

 private:
  std::optional<std::size_t> choice_index(const toml::node* node, std::string_view key,
                                          const std::vector<std::string_view>& names, Need need);
  bool wrong_type(const toml::node& node, std::string_view key, const char* expected);

  const toml::table& table_;
  What what_;
  LoadContext& ctx_;
  std::vector<std::string_view> known_;
};

// "a Note", "an EncoderTurn": the word with its indefinite article.
std::string with_article(std::string_view word);

// Case-insensitive ASCII comparison.
bool equals_ignore_case(std::string_view a, std::string_view b);

// The readers of each part; each returns nullopt after reporting errors.
// `depth` bounds recursion through nested actions and conditions.
constexpr int kMaxNesting = 32;
std::optional<Trigger> read_trigger(const toml::node& node, LoadContext& ctx);
std::optional<Action> read_action(const toml::node& node, LoadContext& ctx, int depth);
std::optional<Condition> read_condition(const toml::node& node, LoadContext& ctx, int depth);

}  // namespace midimon::mapping::detail
