// POSIX-style word splitting for Shell actions (quotes and backslashes only).
#include "mapping/shell_words.h"

namespace midimon::mapping {

ShellWords split_shell_words(std::string_view s) {
  ShellWords out;
  std::string word;
  bool in_word = false;  // a word has started (even an empty quoted one)
  std::size_t i = 0;
  auto end_word = [&] {
    if (in_word) out.words.push_back(std::move(word));
    word.clear();
    in_word = false;
  };
  while (i < s.size()) {
    char c = s[i];
    if (c == ' ' || c == '\t' || c == '\n') {
      end_word();
      ++i;
    } else if (c == '\\') {
      if (i + 1 >= s.size()) {
        out.error = "the command ends with a backslash that escapes nothing";
        out.error_offset = i;
        return out;
      }
      if (s[i + 1] != '\n') {
        word += s[i + 1];
        in_word = true;
      }
      i += 2;
    } else if (c == '\'') {
      std::size_t close = s.find('\'', i + 1);
      if (close == std::string_view::npos) {
        out.error = "unterminated single quote";
        out.error_offset = i;
        return out;
      }
      word.append(s.substr(i + 1, close - i - 1));
      in_word = true;
      i = close + 1;
    } else if (c == '"') {
      std::size_t open = i++;
      bool closed = false;
      while (i < s.size()) {
        char d = s[i];
        if (d == '"') {
          closed = true;
          ++i;
          break;
        }
        if (d == '\\' && i + 1 < s.size()) {
          char e = s[i + 1];
          if (e == '$' || e == '`' || e == '"' || e == '\\') {
            word += e;
            i += 2;
            continue;
          }
          if (e == '\n') {
            i += 2;
            continue;
          }
        }
        word += d;
        ++i;
      }
      if (!closed) {
        out.error = "unterminated double quote";
        out.error_offset = open;
        return out;
      }
      in_word = true;
    } else {
      word += c;
      in_word = true;
      ++i;
    }
  }
  end_word();
  return out;
}

}  // namespace midimon::mapping
