// SysEx patterns: parsing the text form and matching with '??' and '*' wildcards.
#include "mapping/sysex_pattern.h"

#include <cctype>
#include <cstdio>

namespace midimon::mapping {

namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

bool parse_sysex_pattern(std::string_view text, SysExPattern& out, std::string& error) {
  out.clear();
  size_t i = 0;
  int token = 0;
  while (i < text.size()) {
    if (std::isspace(static_cast<unsigned char>(text[i]))) {
      ++i;
      continue;
    }
    size_t end = i;
    while (end < text.size() && !std::isspace(static_cast<unsigned char>(text[end]))) ++end;
    std::string_view tok = text.substr(i, end - i);
    ++token;
    if (tok == "*") {
      // Two runs in a row mean the same as one; keep the pattern canonical.
      if (out.empty() || out.back().kind != SysExPatternItem::Kind::AnyRun)
        out.push_back({SysExPatternItem::Kind::AnyRun, 0});
    } else if (tok == "??") {
      out.push_back({SysExPatternItem::Kind::AnyOne, 0});
    } else if (tok.size() == 2 && hex_digit(tok[0]) >= 0 && hex_digit(tok[1]) >= 0) {
      out.push_back({SysExPatternItem::Kind::Byte,
                     static_cast<uint8_t>(hex_digit(tok[0]) * 16 + hex_digit(tok[1]))});
    } else {
      error = "item " + std::to_string(token) + " ('" + std::string(tok) +
              "') is not two hex digits, '?" "?' or '*'";
      return false;
    }
    i = end;
  }
  if (out.empty()) {
    error = "the pattern is empty";
    return false;
  }
  return true;
}

std::string sysex_pattern_text(const SysExPattern& pattern) {
  std::string text;
  for (const SysExPatternItem& item : pattern) {
    if (!text.empty()) text += ' ';
    switch (item.kind) {
      case SysExPatternItem::Kind::AnyRun: text += '*'; break;
      case SysExPatternItem::Kind::AnyOne: text += "??"; break;
      case SysExPatternItem::Kind::Byte: {
        char buf[4];
        std::snprintf(buf, sizeof buf, "%02X", item.byte);
        text += buf;
        break;
      }
    }
  }
  return text;
}

bool sysex_matches(const SysExPattern& pattern, const uint8_t* data, size_t size) {
  // Glob matching with one backtrack point (the last '*'): linear in practice and
  // O(pattern * size) at worst, never recursive, so a hostile message cannot blow the stack.
  size_t p = 0, d = 0;
  size_t star_p = SIZE_MAX, star_d = 0;
  while (d < size) {
    if (p < pattern.size()) {
      const SysExPatternItem& item = pattern[p];
      if (item.kind == SysExPatternItem::Kind::AnyRun) {
        star_p = p++;
        star_d = d;
        continue;
      }
      if (item.kind == SysExPatternItem::Kind::AnyOne || item.byte == data[d]) {
        ++p;
        ++d;
        continue;
      }
    }
    if (star_p == SIZE_MAX) return false;
    p = star_p + 1;
    d = ++star_d;
  }
  while (p < pattern.size() && pattern[p].kind == SysExPatternItem::Kind::AnyRun) ++p;
  return p == pattern.size();
}

}  // namespace midimon::mapping
