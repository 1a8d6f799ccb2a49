// Synthetic keyboard and mouse input: the Keystroke, Text and MouseClick actions.
//
// Two backends behind one interface:
//   x11    — XTest on the X display ($DISPLAY or InjectorOptions::display). Key names are X
//            keysym names resolved with XStringToKeysym against the server's current
//            keyboard map; a keysym without a keycode (an "é" on a US map, a media key the
//            map lacks) is typed by temporarily binding it to a spare keycode (one with no
//            symbols); the binding is kept until the spare is needed for another symbol or
//            the injector closes, so a client that reads the event late still sees the
//            right symbol.
//   uinput — a virtual evdev keyboard+mouse through libevdev on /dev/uinput (Wayland, the
//            console). The kernel knows key codes, not symbols: names are translated with
//            a US-layout table (evdev_keymap.h); text outside that table (non-ASCII) is an
//            error, and so is a click with a position (uinput has no pointer position).
// `auto` picks x11 when the display opens, else uinput when /dev/uinput is writable,
// else fails with a message naming both reasons.
//
// Every call is synchronous and thread-safe (one mutex per injector); keys pressed by a
// call are always released before it returns, also on a failure halfway.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "desktop/result.h"

namespace midimon::desktop {

enum class Modifier : uint8_t { Ctrl, Alt, Shift, Super };
enum class MouseButton : uint8_t { Left, Right, Middle };

// A key combination: modifiers held (in order), then `keys` pressed in order and released
// in reverse, then the modifiers released in reverse. Keys are X keysym names ("a", "A",
// "Return", "F5", "XF86AudioPlay"); a keysym that needs Shift on the current map ("A",
// "exclam") gets Shift added.
struct KeyCombo {
  std::vector<std::string> keys;
  std::vector<Modifier> modifiers;
};

struct Point {
  int32_t x = 0;
  int32_t y = 0;
};

class InputInjector {
 public:
  virtual ~InputInjector() = default;

  // "x11" or "uinput".
  virtual const char* backend_name() const = 0;

  // Ok when every name in `keys` can be typed by this backend (load-time checks).
  virtual Result<void> check_key(std::string_view keysym_name) = 0;

  virtual Result<void> key_combo(const KeyCombo& combo) = 0;

  // Types UTF-8 text character by character ("\n" = Return, "\t" = Tab). Invalid UTF-8
  // is an error naming the byte offset; nothing is typed then.
  virtual Result<void> type_text(std::string_view utf8) = 0;

  // Moves the pointer to `at` first when given (screen coordinates), then presses and
  // releases `button`.
  virtual Result<void> mouse_click(MouseButton button, std::optional<Point> at) = 0;

  // True once the backend can never work again (x11: the X server connection was lost);
  // the owner should drop this injector and open a new one on the next action.
  virtual bool broken() const { return false; }
};

enum class InjectorBackend : uint8_t { Auto, X11, Uinput };

// "auto", "x11", "uinput" (case-insensitive); nullopt otherwise.
std::optional<InjectorBackend> parse_injector_backend(std::string_view name);
const char* injector_backend_name(InjectorBackend backend);

struct InjectorOptions {
  InjectorBackend backend = InjectorBackend::Auto;
  std::string display;                   // X display name; empty = $DISPLAY
  std::string uinput_path = "/dev/uinput";
  std::string uinput_device_name = "midimon virtual input";
};

// The backend the options ask for, opened and ready. Errors say which backend failed and
// why ("x11: cannot open display ':7'", "uinput: /dev/uinput: No such file or directory");
// with `auto`, both reasons.
Result<std::unique_ptr<InputInjector>> make_input_injector(const InjectorOptions& options);

// The individual backends (make_input_injector calls these).
Result<std::unique_ptr<InputInjector>> make_x11_injector(const std::string& display);
Result<std::unique_ptr<InputInjector>> make_uinput_injector(const std::string& path,
                                                            const std::string& device_name);

}  // namespace midimon::desktop
