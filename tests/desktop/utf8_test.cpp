#include "desktop/utf8.h"

#include <gtest/gtest.h>

namespace midimon::desktop {
namespace {

TEST(DecodeUtf8, ValidText) {
  auto chars = decode_utf8("a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x8E\xB9");
  ASSERT_TRUE(chars.ok()) << chars.error();
  EXPECT_EQ(*chars, (std::vector<char32_t>{U'a', 0xE9, 0x20AC, 0x1F3B9}));
  EXPECT_TRUE(decode_utf8("")->empty());
}

TEST(DecodeUtf8, HostileSequencesNameTheirOffset) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"ab\x80", "byte offset 2"},              // stray continuation
      {"a\xC3", "byte offset 1"},               // truncated
      {"a\xC3(", "byte offset 2"},              // bad continuation
      {"\xC0\xAF", "byte offset 0"},            // overlong '/'
      {"xy\xED\xA0\x80", "byte offset 2"},      // surrogate
      {"\xF4\x90\x80\x80", "byte offset 0"},    // above U+10FFFF
      {"\xFF", "byte offset 0"},                // never valid
  };
  for (const auto& [text, where] : cases) {
    auto chars = decode_utf8(text);
    ASSERT_FALSE(chars.ok()) << "accepted: " << ::testing::PrintToString(text);
    EXPECT_NE(chars.error().find(where), std::string::npos) << chars.error();
  }
}

}  // namespace
}  // namespace midimon::desktop
