// The XTest backend against a private Xvfb: what it injects is read back as KeyPress and
// ButtonPress events in a window of the test's own Xlib client.
// gtest first: Xlib #defines None, Bool and Status, which gtest's headers use.
#include <gtest/gtest.h>

#include <cstdlib>

#include "desktop/input_injector.h"
#include "xvfb_server.h"

#include "test_window.h"  // Xlib
#include <X11/keysym.h>

namespace midimon::desktop {
namespace {

using testing::TestClient;

// A keysym standing for `c`: Latin-1 keysyms equal their code point, others are
// 0x01000000 + code point, and X keeps legacy keysyms for some (XK_EuroSign, Greek);
// Return stands for '\r' here.
bool matches_codepoint(KeySym sym, char32_t c) {
  if (c == U'\r') return sym == XK_Return;
  if (sym == (0x01000000 | c)) return true;
  if (c < 0x100) return sym == c;
  if (c == 0x20AC) return sym == XK_EuroSign;
  if (c >= 0x3B1 && c <= 0x3C9) return sym == 0x7E1 + (c - 0x3B1);  // XK_Greek_alpha..
  return false;
}
using testing::XvfbServer;

class X11InjectorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    server_ = XvfbServer::start(&error);
    ASSERT_NE(server_, nullptr) << error;
    client_ = std::make_unique<TestClient>(server_->display());
    ASSERT_TRUE(client_->ok());
    window_ = client_->create_window(0, 0, 200, 200, "probe", "Probe", "probe window");
    client_->focus(window_);
    auto injector = make_x11_injector(server_->display());
    ASSERT_TRUE(injector.ok()) << injector.error();
    injector_ = std::move(*injector);
  }

  // KeyPresses (modifier keys left out) until `count` arrived or 5 s passed.
  std::vector<XEvent> key_presses(std::size_t count) {
    auto events = client_->collect([count](const std::vector<XEvent>& got) {
      std::size_t n = 0;
      for (auto e : got)
        if (e.type == KeyPress && !IsModifierKey(testing::keysym_of(e))) ++n;
      return n >= count;
    });
    std::vector<XEvent> presses;
    for (auto e : events)
      if (e.type == KeyPress && !IsModifierKey(testing::keysym_of(e))) presses.push_back(e);
    return presses;
  }

  std::unique_ptr<XvfbServer> server_;
  std::unique_ptr<TestClient> client_;
  Window window_ = 0;
  std::unique_ptr<InputInjector> injector_;
};

TEST_F(X11InjectorTest, BackendNameIsX11) { EXPECT_STREQ(injector_->backend_name(), "x11"); }

TEST_F(X11InjectorTest, KeyComboArrivesWithModifiers) {
  ASSERT_TRUE(injector_->key_combo({{"t"}, {Modifier::Ctrl, Modifier::Shift}}).ok());
  auto presses = key_presses(1);
  ASSERT_EQ(presses.size(), 1u);
  EXPECT_EQ(presses[0].xkey.window, window_);
  EXPECT_TRUE(presses[0].xkey.state & ControlMask);
  EXPECT_TRUE(presses[0].xkey.state & ShiftMask);
  // With Shift held the client sees the upper-case keysym of the same key.
  EXPECT_EQ(XLookupKeysym(&presses[0].xkey, 0), static_cast<KeySym>(XK_t));
}

TEST_F(X11InjectorTest, KeyComboKeysAndReleasesInOrder) {
  ASSERT_TRUE(injector_->key_combo({{"Return"}, {Modifier::Alt}}).ok());
  ASSERT_TRUE(injector_->key_combo({{"F5"}, {}}).ok());
  auto presses = key_presses(2);
  ASSERT_EQ(presses.size(), 2u);
  EXPECT_EQ(testing::keysym_of(presses[0]), static_cast<KeySym>(XK_Return));
  EXPECT_TRUE(presses[0].xkey.state & Mod1Mask);
  EXPECT_EQ(testing::keysym_of(presses[1]), static_cast<KeySym>(XK_F5));
  EXPECT_FALSE(presses[1].xkey.state & Mod1Mask) << "Alt was not released after the combo";
}

TEST_F(X11InjectorTest, SuperAndAltAreRealModifiers) {
  // Pressed through the map's own Super/Alt keys, so the server sets the modifier bits.
  ASSERT_TRUE(injector_->key_combo({{"s"}, {Modifier::Super, Modifier::Alt}}).ok());
  auto presses = key_presses(1);
  ASSERT_EQ(presses.size(), 1u);
  EXPECT_TRUE(presses[0].xkey.state & Mod4Mask) << "state " << presses[0].xkey.state;
  EXPECT_TRUE(presses[0].xkey.state & Mod1Mask) << "state " << presses[0].xkey.state;
  EXPECT_EQ(testing::keysym_of(presses[0]), static_cast<KeySym>(XK_s));
}

TEST_F(X11InjectorTest, ShiftedKeysymGetsShift) {
  ASSERT_TRUE(injector_->key_combo({{"A"}, {}}).ok());
  ASSERT_TRUE(injector_->key_combo({{"exclam"}, {}}).ok());
  auto presses = key_presses(2);
  ASSERT_EQ(presses.size(), 2u);
  EXPECT_EQ(testing::keysym_of(presses[0]), static_cast<KeySym>(XK_A));
  EXPECT_EQ(testing::keysym_of(presses[1]), static_cast<KeySym>(XK_exclam));
}

TEST_F(X11InjectorTest, TextIncludingCharactersMissingFromTheKeymap) {
  // "é" and "€" have no keycode on Xvfb's US map: typed through spare keycodes.
  const std::string text = "Hi, \xC3\xA9\xE2\x82\xAC!\n";
  ASSERT_TRUE(injector_->type_text(text).ok());
  const std::vector<char32_t> expected = {U'H', U'i', U',', U' ', 0xE9, 0x20AC, U'!', U'\r'};
  auto presses = key_presses(expected.size());
  ASSERT_EQ(presses.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const KeySym got = testing::keysym_of(presses[i]);
    EXPECT_TRUE(matches_codepoint(got, expected[i]))
        << "character " << i << ": got " << XKeysymToString(got);
  }
}

TEST_F(X11InjectorTest, ManyUnmappedCharactersReuseSpares) {
  // More distinct missing symbols than Xvfb's map has spare keycodes (19): spares are
  // rebound round robin. A client that reads each key promptly sees each symbol (one
  // that reads late may see a later binding: the documented limit).
  for (char32_t c = 0x3B1; c < 0x3B1 + 24; ++c) {  // Greek small letters
    std::string text;
    text += static_cast<char>(0xC0 | (c >> 6));
    text += static_cast<char>(0x80 | (c & 0x3F));
    ASSERT_TRUE(injector_->type_text(text).ok());
    auto presses = key_presses(1);
    ASSERT_EQ(presses.size(), 1u) << "character U+" << std::hex << unsigned(c);
    const KeySym got = testing::keysym_of(presses[0]);
    EXPECT_TRUE(matches_codepoint(got, c)) << "U+" << std::hex << unsigned(c) << ": got " << got;
  }
}

TEST_F(X11InjectorTest, ClickMovesThenPresses) {
  ASSERT_TRUE(injector_->mouse_click(MouseButton::Left, Point{50, 60}).ok());
  ASSERT_TRUE(injector_->mouse_click(MouseButton::Right, std::nullopt).ok());
  auto events = client_->collect([](const std::vector<XEvent>& got) {
    int n = 0;
    for (const auto& e : got) n += e.type == ButtonPress;
    return n >= 2;
  });
  std::vector<XButtonEvent> presses;
  for (const auto& e : events)
    if (e.type == ButtonPress) presses.push_back(e.xbutton);
  ASSERT_EQ(presses.size(), 2u);
  EXPECT_EQ(presses[0].button, 1u);
  EXPECT_EQ(presses[0].x, 50);
  EXPECT_EQ(presses[0].y, 60);
  EXPECT_EQ(presses[1].button, 3u);
  EXPECT_EQ(presses[1].x, 50) << "a click without x/y must not move the pointer";
}

TEST_F(X11InjectorTest, UnknownKeyNameIsAnErrorAndNothingIsTyped) {
  auto result = injector_->key_combo({{"a", "NoSuchKey"}, {Modifier::Ctrl}});
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().find("'NoSuchKey' is not an X keysym name"), std::string::npos)
      << result.error();
  EXPECT_FALSE(injector_->check_key("NoSuchKey").ok());
  EXPECT_TRUE(injector_->check_key("XF86AudioPlay").ok());
  // A marker typed afterwards is the first key the window sees.
  ASSERT_TRUE(injector_->key_combo({{"z"}, {}}).ok());
  auto presses = key_presses(1);
  ASSERT_EQ(presses.size(), 1u);
  EXPECT_EQ(testing::keysym_of(presses[0]), static_cast<KeySym>(XK_z));
  EXPECT_FALSE(presses[0].xkey.state & ControlMask);
}

TEST_F(X11InjectorTest, HostileTextIsRejectedWithItsOffset) {
  auto bad = injector_->type_text("ab\xC3(");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().find("byte offset 3"), std::string::npos) << bad.error();
  auto control = injector_->type_text(std::string("a\x01", 2));
  ASSERT_FALSE(control.ok());
  EXPECT_NE(control.error().find("U+0001"), std::string::npos) << control.error();
  EXPECT_FALSE(injector_->key_combo({{}, {}}).ok());
}

TEST_F(X11InjectorTest, FactoryPicksX11WhenTheDisplayWorks) {
  InjectorOptions options;
  options.display = server_->display();
  options.uinput_path = "/nonexistent/uinput";
  auto injector = make_input_injector(options);
  ASSERT_TRUE(injector.ok()) << injector.error();
  EXPECT_STREQ((*injector)->backend_name(), "x11");
}

TEST_F(X11InjectorTest, ServerGoneIsAnErrorNotACrash) {
  client_->survive_server_loss();
  EXPECT_FALSE(injector_->broken());
  server_->stop();
  auto result = injector_->key_combo({{"a"}, {}});
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.error().find("x11:"), std::string::npos) << result.error();
  EXPECT_TRUE(injector_->broken());
  auto again = injector_->type_text("a");
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.error().find("connection to the X server was lost"), std::string::npos)
      << again.error();
}

TEST(InjectorFactory, NeitherBackendWorksNamesBothReasons) {
  InjectorOptions options;
  options.display = ":65000";  // no server there
  options.uinput_path = "/nonexistent/uinput";
  auto injector = make_input_injector(options);
  ASSERT_FALSE(injector.ok());
  EXPECT_NE(injector.error().find("x11: cannot open display ':65000'"), std::string::npos)
      << injector.error();
  EXPECT_NE(injector.error().find("uinput: /nonexistent/uinput"), std::string::npos)
      << injector.error();
}

TEST(InjectorFactory, ExplicitBackendIsNotSubstituted) {
  InjectorOptions options;
  options.backend = InjectorBackend::Uinput;
  options.uinput_path = "/nonexistent/uinput";
  auto injector = make_input_injector(options);
  ASSERT_FALSE(injector.ok());
  EXPECT_EQ(injector.error().find("x11"), std::string::npos) << injector.error();
}

TEST(InjectorFactory, BackendNamesParse) {
  EXPECT_EQ(parse_injector_backend("X11"), InjectorBackend::X11);
  EXPECT_EQ(parse_injector_backend("uinput"), InjectorBackend::Uinput);
  EXPECT_EQ(parse_injector_backend("auto"), InjectorBackend::Auto);
  EXPECT_EQ(parse_injector_backend("wayland"), std::nullopt);
  EXPECT_EQ(parse_injector_backend(""), std::nullopt);
  EXPECT_STREQ(injector_backend_name(InjectorBackend::Uinput), "uinput");
}

}  // namespace
}  // namespace midimon::desktop
