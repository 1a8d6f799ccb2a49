// The X11 backend: XTest fake input on its own Xlib connection.
//
// Keysyms are looked up in the server's core keyboard map, fetched fresh for every call
// (a layout switch changes it, and this connection reads no MappingNotify). A keysym found
// in column 0 of some keycode is pressed as is; in column 1 with Shift. A keysym without a
// keycode is bound to a spare keycode (one without symbols when the injector opened): the
// binding stays until that spare is reused (round robin) or the injector closes, when the
// spares get their empty symbols back. Keeping it avoids a race with slow readers:
// a client that looks the keycode up after an immediate restore sees nothing.
#include <X11/XKBlib.h>
#include <X11/Xlib.h>
#include <X11/extensions/XTest.h>
#include <X11/keysym.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <mutex>

#include "desktop/input_injector.h"
#include "desktop/utf8.h"

namespace midimon::desktop {
namespace {

// Xlib's default handlers exit the process; ours count protocol errors (checked after
// XSync) and let a lost connection end only this injector.
std::atomic<unsigned long> g_x_errors{0};
std::atomic<int> g_last_x_error{0};

int count_x_error(Display*, XErrorEvent* event) {
  g_last_x_error.store(event->error_code);
  g_x_errors.fetch_add(1);
  return 0;
}

int note_io_error(Display*) { return 0; }

void install_error_handlers() {
  static std::once_flag once;
  std::call_once(once, [] {
    XSetErrorHandler(count_x_error);
    XSetIOErrorHandler(note_io_error);
  });
}

struct KeyPlace {
  KeyCode code = 0;
  bool shift = false;
};

// The server's core map, min..max keycodes, `per` keysyms per keycode.
class KeyboardMap {
 public:
  explicit KeyboardMap(Display* dpy) {
    XDisplayKeycodes(dpy, &min_, &max_);
    syms_ = XGetKeyboardMapping(dpy, static_cast<KeyCode>(min_), max_ - min_ + 1, &per_);
  }
  ~KeyboardMap() {
    if (syms_ != nullptr) XFree(syms_);
  }
  KeyboardMap(const KeyboardMap&) = delete;
  KeyboardMap& operator=(const KeyboardMap&) = delete;

  // Column 0 anywhere first (no Shift needed), then column 1.
  std::optional<KeyPlace> find(KeySym sym) const {
    if (syms_ == nullptr || sym == NoSymbol) return std::nullopt;
    for (int column = 0; column < std::min(per_, 2); ++column)
      for (int kc = min_; kc <= max_; ++kc)
        if (at(kc, column) == sym) return KeyPlace{static_cast<KeyCode>(kc), column == 1};
    return std::nullopt;
  }

  bool is_empty(int kc) const {
    for (int column = 0; column < per_; ++column)
      if (at(kc, column) != NoSymbol) return false;
    return true;
  }
  int min() const { return min_; }
  int max() const { return max_; }

 private:
  KeySym at(int kc, int column) const {
    return syms_[static_cast<std::size_t>((kc - min_) * per_ + column)];
  }
  int min_ = 8, max_ = 8, per_ = 0;
  KeySym* syms_ = nullptr;
};

KeySym keysym_for_codepoint(char32_t c) {
  if (c == '\n') return XK_Return;
  if (c == '\t') return XK_Tab;
  if (c < 0x20 || c == 0x7F || (c >= 0x80 && c < 0xA0)) return NoSymbol;  // controls
  if (c < 0x100) return c;       // Latin-1 keysyms equal their code points
  return 0x01000000 | c;         // the Unicode keysym range
}

// A modifier is pressed through a key the map already has for it: a spare keycode bound
// to Super_L would type the keysym without being in the server's modifier map.
std::vector<KeySym> modifier_keysyms(Modifier m) {
  switch (m) {
    case Modifier::Ctrl: return {XK_Control_L, XK_Control_R};
    case Modifier::Alt: return {XK_Alt_L, XK_Alt_R, XK_Meta_L};
    case Modifier::Shift: return {XK_Shift_L, XK_Shift_R};
    case Modifier::Super: return {XK_Super_L, XK_Super_R, XK_Hyper_L};
  }
  return {};
}

const char* modifier_label(Modifier m) {
  switch (m) {
    case Modifier::Ctrl: return "Ctrl";
    case Modifier::Alt: return "Alt";
    case Modifier::Shift: return "Shift";
    case Modifier::Super: return "Super";
  }
  return "?";
}

class X11Injector final : public InputInjector {
 public:
  explicit X11Injector(Display* dpy) : dpy_(dpy) {
    XSetIOErrorExitHandler(dpy_, &X11Injector::on_connection_lost, this);
    KeyboardMap map(dpy_);
    // Spares from the top: low keycodes are real keys on most maps.
    for (int kc = map.max(); kc >= map.min(); --kc)
      if (map.is_empty(kc)) spares_.push_back({static_cast<KeyCode>(kc), NoSymbol});
  }

  ~X11Injector() override {
    if (!lost_.load()) {
      KeySym none[2] = {NoSymbol, NoSymbol};
      for (const auto& spare : spares_)
        if (spare.bound != NoSymbol) XChangeKeyboardMapping(dpy_, spare.code, 2, none, 1);
      XSync(dpy_, False);
    }
    XCloseDisplay(dpy_);
  }

  const char* backend_name() const override { return "x11"; }

  bool broken() const override { return lost_.load(); }

  Result<void> check_key(std::string_view name) override {
    if (XStringToKeysym(std::string(name).c_str()) == NoSymbol)
      return Error{"x11: '" + std::string(name) + "' is not an X keysym name."};
    return {};
  }

  Result<void> key_combo(const KeyCombo& combo) override {
    if (combo.keys.empty() && combo.modifiers.empty())
      return Error{"the key combination is empty."};
    std::vector<KeySym> keys;
    for (const auto& name : combo.keys) {
      const KeySym sym = XStringToKeysym(name.c_str());
      if (sym == NoSymbol) return Error{"x11: '" + name + "' is not an X keysym name."};
      keys.push_back(sym);
    }
    std::lock_guard lock(mutex_);
    if (auto lost = check_connection(); !lost) return lost;
    KeyboardMap map(dpy_);
    std::vector<KeyCode> held;
    auto hold = [&](KeyCode kc) {
      if (std::find(held.begin(), held.end(), kc) == held.end()) held.push_back(kc);
    };
    for (const Modifier m : combo.modifiers) {
      std::optional<KeyPlace> place;
      for (const KeySym sym : modifier_keysyms(m))
        if (!place) place = map.find(sym);
      if (!place)
        return Error{std::string("x11: the keyboard map has no ") + modifier_label(m) +
                     " key."};
      hold(place->code);
    }
    std::vector<KeyCode> codes;
    bool needs_shift = false;
    for (const KeySym sym : keys) {
      auto place = locate(map, sym);
      if (!place) return Error{"x11: no keycode is free to type the key '" +
                               std::string(XKeysymToString(sym)) + "'."};
      needs_shift = needs_shift || place->shift;
      codes.push_back(place->code);
    }
    if (needs_shift) {
      auto shift = map.find(XK_Shift_L);
      if (!shift) shift = map.find(XK_Shift_R);
      if (!shift) return Error{"x11: the keyboard map has no Shift key."};
      hold(shift->code);
    }
    for (const KeyCode kc : codes) hold(kc);
    for (const KeyCode kc : held) XTestFakeKeyEvent(dpy_, kc, True, CurrentTime);
    for (auto it = held.rbegin(); it != held.rend(); ++it)
      XTestFakeKeyEvent(dpy_, *it, False, CurrentTime);
    return sync("key combination");
  }

  Result<void> type_text(std::string_view utf8) override {
    auto chars = decode_utf8(utf8);
    if (!chars) return Error{"x11: " + chars.error()};
    std::vector<KeySym> syms;
    for (std::size_t i = 0; i < chars->size(); ++i) {
      const KeySym sym = keysym_for_codepoint((*chars)[i]);
      if (sym == NoSymbol) {
        char code[16];
        std::snprintf(code, sizeof code, "U+%04X", static_cast<unsigned>((*chars)[i]));
        return Error{std::string("x11: the control character ") + code + " (character " +
                     std::to_string(i) + " of the text) cannot be typed."};
      }
      syms.push_back(sym);
    }
    std::lock_guard lock(mutex_);
    if (auto lost = check_connection(); !lost) return lost;
    std::optional<KeyPlace> shift;
    // One map per call: bindings made meanwhile only touch spares, which locate() tracks
    // itself (spares_), so the map read here stays right for every other keycode.
    const KeyboardMap map(dpy_);
    for (const KeySym sym : syms) {
      auto place = locate(map, sym);
      if (!place)
        return Error{"x11: no keycode is free to type the keysym " +
                     std::string(XKeysymToString(sym) ? XKeysymToString(sym) : "?") + "."};
      if (place->shift) {
        if (!shift) shift = map.find(XK_Shift_L);
        if (!shift) shift = map.find(XK_Shift_R);
        if (!shift) return Error{"x11: the keyboard map has no Shift key."};
        XTestFakeKeyEvent(dpy_, shift->code, True, CurrentTime);
      }
      XTestFakeKeyEvent(dpy_, place->code, True, CurrentTime);
      XTestFakeKeyEvent(dpy_, place->code, False, CurrentTime);
      if (place->shift) XTestFakeKeyEvent(dpy_, shift->code, False, CurrentTime);
    }
    return sync("text");
  }

  Result<void> mouse_click(MouseButton button, std::optional<Point> at) override {
    const unsigned number = button == MouseButton::Left    ? 1
                            : button == MouseButton::Middle ? 2
                                                            : 3;
    std::lock_guard lock(mutex_);
    if (auto lost = check_connection(); !lost) return lost;
    if (at) XTestFakeMotionEvent(dpy_, -1, at->x, at->y, CurrentTime);
    XTestFakeButtonEvent(dpy_, number, True, CurrentTime);
    XTestFakeButtonEvent(dpy_, number, False, CurrentTime);
    return sync("mouse click");
  }

 private:
  struct Spare {
    KeyCode code;
    KeySym bound;
  };

  static void on_connection_lost(Display*, void* self) {
    static_cast<X11Injector*>(self)->lost_.store(true);
  }

  Result<void> check_connection() const {
    if (lost_.load()) return Error{"x11: the connection to the X server was lost."};
    return {};
  }

  // The keysym's place in the map, or a spare keycode bound to it.
  std::optional<KeyPlace> locate(const KeyboardMap& map, KeySym sym) {
    if (auto place = map.find(sym)) return place;
    if (spares_.empty()) return std::nullopt;
    for (const auto& spare : spares_)
      if (spare.bound == sym) return KeyPlace{spare.code, false};  // map already stale
    Spare& spare = spares_[next_spare_];
    next_spare_ = (next_spare_ + 1) % spares_.size();
    KeySym both[2] = {sym, sym};  // the same symbol with and without Shift
    XChangeKeyboardMapping(dpy_, spare.code, 2, both, 1);
    XSync(dpy_, False);
    spare.bound = sym;
    return KeyPlace{spare.code, false};
  }

  Result<void> sync(const char* what) {
    const unsigned long before = g_x_errors.load();
    XSync(dpy_, False);
    if (lost_.load()) return Error{"x11: the connection to the X server was lost."};
    if (g_x_errors.load() != before)
      return Error{std::string("x11: the X server reported error code ") +
                   std::to_string(g_last_x_error.load()) + " for a " + what + "."};
    return {};
  }

  std::mutex mutex_;
  Display* dpy_;
  std::vector<Spare> spares_;
  std::size_t next_spare_ = 0;
  std::atomic<bool> lost_{false};
};

}  // namespace

Result<std::unique_ptr<InputInjector>> make_x11_injector(const std::string& display) {
  install_error_handlers();
  const char* name = display.empty() ? nullptr : display.c_str();
  const std::string shown = display.empty() ? std::string("$DISPLAY (unset)") : display;
  if (display.empty() && std::getenv("DISPLAY") == nullptr)
    return Error{"x11: no display: DISPLAY is not set."};
  Display* dpy = XOpenDisplay(name);
  if (dpy == nullptr)
    return Error{"x11: cannot open display '" +
                 (display.empty() ? std::string(std::getenv("DISPLAY")) : display) + "'."};
  int event_base, error_base, major, minor;
  if (!XTestQueryExtension(dpy, &event_base, &error_base, &major, &minor)) {
    XCloseDisplay(dpy);
    return Error{"x11: the X server of display '" + shown +
                 "' lacks the XTEST extension needed to inject input."};
  }
  return std::unique_ptr<InputInjector>(new X11Injector(dpy));
}

}  // namespace midimon::desktop
