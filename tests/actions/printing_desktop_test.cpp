// The demo's desktop: every call succeeds and says what it would have done.
#include <gtest/gtest.h>

#include "actions/printing_desktop.h"

namespace midimon::actions {
namespace {

TEST(PrintingDesktop, SaysWhatItWouldDo) {
  PrintingDesktop d([](std::string_view name) { return name == "bash"; });
  EXPECT_EQ(d.keystroke({"space"}, {mapping::Modifier::Super}).detail, "would press super+space");
  EXPECT_EQ(d.type_text("hi").detail, "would type \"hi\"");
  EXPECT_EQ(d.mouse_click(mapping::MouseButton::Left, ScreenPoint{5, 6}).detail, "would click left at 5,6");
  EXPECT_EQ(d.volume(mapping::VolumeOperation::Set, 30).detail, "would set the volume to 30%");
  EXPECT_EQ(d.volume(mapping::VolumeOperation::Mute, std::nullopt).detail, "would mute");
  EXPECT_EQ(d.launch({"gimp", "a b"}).detail, "would start gimp 'a b'");
  EXPECT_TRUE(d.app_running("bash"));
  EXPECT_FALSE(d.app_running("zsh"));
  EXPECT_FALSE(d.app_frontmost("x").has_value());
}

TEST(PrintingDesktop, DefaultKnowsNoRunningApps) {
  PrintingDesktop d;
  EXPECT_FALSE(d.app_running("bash"));
}

}  // namespace
}  // namespace midimon::actions
