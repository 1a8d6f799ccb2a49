// Diagnostics: formatting, ordering and "did you mean" suggestions.
#include "mapping/config_diagnostics.h"

#include <algorithm>
#include <cctype>

namespace midimon::mapping {

std::string Diagnostic::to_string() const { return where.to_string() + ": " + message; }

void Diagnostics::error(SourceLocation where, std::string message) {
  errors_.push_back({std::move(where), std::move(message)});
}

void Diagnostics::warning(SourceLocation where, std::string message) {
  warnings_.push_back({std::move(where), std::move(message)});
}

void Diagnostics::sort() {
  auto before = [](const Diagnostic& a, const Diagnostic& b) {
    if (a.where.line != b.where.line) return a.where.line < b.where.line;
    return a.where.column < b.where.column;
  };
  std::stable_sort(errors_.begin(), errors_.end(), before);
  std::stable_sort(warnings_.begin(), warnings_.end(), before);
}

namespace {

// Edit distance with adjacent transpositions (optimal string alignment), where a
// substitution that only changes letter case costs nothing: "Noet" is one step from
// "Note", and "velocity_Min" is as good a suggestion as an exact match.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  auto lower = [](char c) { return std::tolower(static_cast<unsigned char>(c)); };
  const std::size_t w = b.size() + 1;
  std::vector<std::size_t> d((a.size() + 1) * w);
  for (std::size_t i = 0; i <= a.size(); ++i) d[i * w] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
      std::size_t best = std::min({d[(i - 1) * w + j] + 1, d[i * w + j - 1] + 1, d[(i - 1) * w + j - 1] + cost});
      if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) && lower(a[i - 2]) == lower(b[j - 1]))
        best = std::min(best, d[(i - 2) * w + j - 2] + 1);
      d[i * w + j] = best;
    }
  }
  return d[a.size() * w + b.size()];
}

}  // namespace

std::string closest_match(std::string_view word, const std::vector<std::string_view>& candidates) {
  // Long or hostile words are never typos of our short key names; skip the quadratic work.
  if (word.size() > 64) return {};
  std::string_view best;
  std::size_t best_distance = static_cast<std::size_t>(-1);
  for (std::string_view candidate : candidates) {
    std::size_t d = edit_distance(word, candidate);
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
    }
  }
  // Allow about one typo per four characters, at least one, at most three.
  std::size_t allowed = std::clamp<std::size_t>(word.size() / 4, 1, 3);
  if (best.empty() || best_distance > allowed) return {};
  return std::string(best);
}

std::string did_you_mean(std::string_view word, const std::vector<std::string_view>& candidates) {
  std::string match = closest_match(word, candidates);
  if (match.empty()) return {};
  return " (did you mean '" + match + "'?)";
}

}  // namespace midimon::mapping
