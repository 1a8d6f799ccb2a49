// The uinput backend: the key-event plan everywhere; the real device only where
// /dev/uinput exists and is writable (skipped loudly otherwise).
#include <fcntl.h>
#include <linux/input-event-codes.h>
#include <unistd.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "desktop/evdev_keymap.h"
#include "desktop/input_injector.h"
#include "desktop/uinput_plan.h"

namespace midimon::desktop {
namespace {

using E = EvdevKeyEvent;

TEST(UinputPlan, ComboPressesModifiersThenKeysAndReleasesInReverse) {
  auto plan = plan_uinput_combo({{"t"}, {Modifier::Ctrl, Modifier::Shift}});
  ASSERT_TRUE(plan.ok()) << plan.error();
  const std::vector<E> expected = {{KEY_LEFTCTRL, true},  {KEY_LEFTSHIFT, true},
                                   {KEY_T, true},         {KEY_T, false},
                                   {KEY_LEFTSHIFT, false}, {KEY_LEFTCTRL, false}};
  EXPECT_EQ(*plan, expected);
}

TEST(UinputPlan, ShiftedKeysymAddsShiftOnce) {
  auto plan = plan_uinput_combo({{"A", "exclam"}, {Modifier::Super}});
  ASSERT_TRUE(plan.ok()) << plan.error();
  const std::vector<E> expected = {{KEY_LEFTMETA, true},  {KEY_LEFTSHIFT, true},
                                   {KEY_A, true},         {KEY_1, true},
                                   {KEY_1, false},        {KEY_A, false},
                                   {KEY_LEFTSHIFT, false}, {KEY_LEFTMETA, false}};
  EXPECT_EQ(*plan, expected);
  // Shift already among the modifiers is not pressed twice.
  auto again = plan_uinput_combo({{"A"}, {Modifier::Shift}});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->size(), 4u);
}

TEST(UinputPlan, NamedAndMediaKeys) {
  for (const auto& [name, code] : std::vector<std::pair<std::string, uint16_t>>{
           {"Return", KEY_ENTER}, {"F12", KEY_F12}, {"F24", KEY_F24},
           {"XF86AudioPlay", KEY_PLAYPAUSE}, {"XF86AudioRaiseVolume", KEY_VOLUMEUP},
           {"Page_Down", KEY_PAGEDOWN}, {"space", KEY_SPACE}, {"9", KEY_9}}) {
    auto key = evdev_key_for_keysym_name(name);
    ASSERT_TRUE(key.has_value()) << name;
    EXPECT_EQ(key->code, code) << name;
  }
  for (const char* bad : {"F0", "F25", "F1x", "", "NoSuchKey", "eacute", "return"})
    EXPECT_FALSE(evdev_key_for_keysym_name(bad).has_value()) << bad;
}

TEST(UinputPlan, UnknownKeyIsAnErrorNamingIt) {
  auto plan = plan_uinput_combo({{"a", "eacute"}, {}});
  ASSERT_FALSE(plan.ok());
  EXPECT_NE(plan.error().find("'eacute'"), std::string::npos) << plan.error();
  EXPECT_FALSE(plan_uinput_combo({{}, {}}).ok());
}

TEST(UinputPlan, TextOfPrintableAscii) {
  auto plan = plan_uinput_text("aB ?\n");
  ASSERT_TRUE(plan.ok()) << plan.error();
  const std::vector<E> expected = {
      {KEY_A, true},         {KEY_A, false},         {KEY_LEFTSHIFT, true},
      {KEY_B, true},         {KEY_B, false},         {KEY_LEFTSHIFT, false},
      {KEY_SPACE, true},     {KEY_SPACE, false},     {KEY_LEFTSHIFT, true},
      {KEY_SLASH, true},     {KEY_SLASH, false},     {KEY_LEFTSHIFT, false},
      {KEY_ENTER, true},     {KEY_ENTER, false}};
  EXPECT_EQ(*plan, expected);
  // Every printable ASCII character has a key.
  for (char c = 0x20; c < 0x7F; ++c)
    EXPECT_TRUE(evdev_key_for_char(static_cast<char32_t>(c)).has_value()) << int(c);
}

TEST(UinputPlan, NonAsciiTextIsRefusedWithTheCharacter) {
  auto plan = plan_uinput_text("ok \xE2\x82\xAC");
  ASSERT_FALSE(plan.ok());
  EXPECT_NE(plan.error().find("U+20AC"), std::string::npos) << plan.error();
  EXPECT_NE(plan.error().find("character 3"), std::string::npos) << plan.error();
  auto invalid = plan_uinput_text("\xFF");
  ASSERT_FALSE(invalid.ok());
  EXPECT_NE(invalid.error().find("byte offset 0"), std::string::npos) << invalid.error();
}

TEST(UinputPlan, EveryCodeIsEnabledOnTheDevice) {
  const auto codes = evdev_all_key_codes();
  for (const char* name : {"a", "Z", "F13", "Return", "XF86AudioMute", "asciitilde"}) {
    const auto key = evdev_key_for_keysym_name(name);
    ASSERT_TRUE(key.has_value());
    EXPECT_TRUE(std::binary_search(codes.begin(), codes.end(), key->code)) << name;
  }
}

TEST(UinputDevice, MissingNodeIsAClearError) {
  auto injector = make_uinput_injector("/nonexistent/uinput", "midimon test");
  ASSERT_FALSE(injector.ok());
  EXPECT_NE(injector.error().find("uinput: /nonexistent/uinput: No such file or directory"),
            std::string::npos)
      << injector.error();
}

TEST(UinputDevice, CreatesTheDeviceAndTypes) {
  if (::access("/dev/uinput", W_OK) != 0)
    GTEST_SKIP() << "SKIPPED LOUDLY: /dev/uinput is missing or not writable here, so the "
                    "virtual device cannot be created; the event plans above are tested.";
  auto injector = make_uinput_injector("/dev/uinput", "midimon desktop test");
  ASSERT_TRUE(injector.ok()) << injector.error();
  EXPECT_STREQ((*injector)->backend_name(), "uinput");
  // Keys nobody reacts to, so a real desktop is not disturbed.
  EXPECT_TRUE((*injector)->key_combo({{"F24"}, {}}).ok());
  EXPECT_FALSE((*injector)->mouse_click(MouseButton::Left, Point{1, 1}).ok());
}

}  // namespace
}  // namespace midimon::desktop
