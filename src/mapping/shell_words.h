// Splitting a Shell action's command string into argv by POSIX shell quoting rules —
// words, 'single quotes', "double quotes" and backslashes — with no expansion of any
// kind ($, `, *, ~ stay literal) and no operators: `|`, `;`, `&&`, `>` are ordinary
// characters, so "a | b" is the three words a, |, b (a user who wants a pipeline sets
// `shell = true`).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace midimon::mapping {

struct ShellWords {
  std::vector<std::string> words;
  // Empty when the string split cleanly; else a sentence, and error_offset is the byte
  // offset (0-based) in the input where the problem starts (the opening quote of an
  // unterminated string, or the trailing backslash).
  std::string error;
  std::size_t error_offset = 0;
  bool ok() const { return error.empty(); }
};

// Rules, as sh(1) reads a simple command's words:
//   - unquoted blanks (space, tab, newline) separate words;
//   - '...' keeps everything literally up to the next ';
//   - "..." keeps everything literally except \ before $ ` " \ or newline, which
//     escapes that character (\ newline is removed);
//   - an unquoted \ makes the next character literal (\ newline is removed);
//   - quotes inside a word join: a'b'"c" is one word abc; '' is an empty word.
ShellWords split_shell_words(std::string_view command);

}  // namespace midimon::mapping
