// POSIX word splitting for Shell actions: quotes, backslashes, no expansion.
#include <gtest/gtest.h>

#include "mapping/shell_words.h"

namespace midimon::mapping {
namespace {

using Words = std::vector<std::string>;

Words split(std::string_view s) {
  ShellWords w = split_shell_words(s);
  EXPECT_TRUE(w.ok()) << w.error << " at " << w.error_offset;
  return w.words;
}

TEST(ShellWords, Blanks) {
  EXPECT_EQ(split("  ls\t-l \n /tmp  "), (Words{"ls", "-l", "/tmp"}));
  EXPECT_EQ(split(""), Words{});
  EXPECT_EQ(split("   "), Words{});
}

TEST(ShellWords, SingleQuotesAreLiteral) {
  EXPECT_EQ(split(R"(echo 'a  b' '$HOME' 'x\y' '"')"), (Words{"echo", "a  b", "$HOME", "x\\y", "\""}));
}

TEST(ShellWords, DoubleQuotesEscapeOnlyFour) {
  EXPECT_EQ(split(R"(echo "a \"b\" \\ \$x \n `c`")"), (Words{"echo", "a \"b\" \\ $x \\n `c`"}));
  EXPECT_EQ(split("\"a\\\nb\""), (Words{"ab"}));
}

TEST(ShellWords, BackslashOutsideQuotes) {
  EXPECT_EQ(split(R"(a\ b c\'d \\)"), (Words{"a b", "c'd", "\\"}));
  EXPECT_EQ(split("a\\\nb"), (Words{"ab"}));
}

TEST(ShellWords, QuotesJoinInsideAWord) {
  EXPECT_EQ(split(R"(a'b'"c"d)"), (Words{"abcd"}));
  EXPECT_EQ(split(R"(x '' "" y)"), (Words{"x", "", "", "y"}));
}

TEST(ShellWords, NoExpansionNoOperators) {
  EXPECT_EQ(split("echo $HOME ~ *.txt a|b ; c && d > e"),
            (Words{"echo", "$HOME", "~", "*.txt", "a|b", ";", "c", "&&", "d", ">", "e"}));
}

TEST(ShellWords, MidimonOsascriptExample) {
  EXPECT_EQ(split(R"(osascript -e 'tell application "Terminal" to do script "git status"')"),
            (Words{"osascript", "-e", "tell application \"Terminal\" to do script \"git status\""}));
}

TEST(ShellWords, UnterminatedQuotesGivePosition) {
  ShellWords w = split_shell_words("echo 'abc");
  EXPECT_FALSE(w.ok());
  EXPECT_EQ(w.error, "unterminated single quote");
  EXPECT_EQ(w.error_offset, 5u);
  w = split_shell_words("a \"b\" \"c");
  EXPECT_FALSE(w.ok());
  EXPECT_EQ(w.error, "unterminated double quote");
  EXPECT_EQ(w.error_offset, 6u);
  w = split_shell_words("a \"b\\\"");
  EXPECT_FALSE(w.ok());
  EXPECT_EQ(w.error_offset, 2u);
  w = split_shell_words("abc\\");
  EXPECT_FALSE(w.ok());
  EXPECT_EQ(w.error_offset, 3u);
}

}  // namespace
}  // namespace midimon::mapping
