// The desktop choice and the forwarding desktop (desktop_switch.h).
#include "daemon/desktop_switch.h"

namespace midimon::daemon {

DesktopChoice choose_desktop(mapping::InputBackend wanted, bool have_display, bool have_uinput) {
  DesktopChoice c;
  c.backend = wanted;
  switch (wanted) {
    case mapping::InputBackend::Auto:
      c.system = have_display || have_uinput;
      if (c.system) {
        c.label = std::string(have_display ? "x11" : "uinput") + " (input_backend = auto)";
        c.open_at_once = !have_display;
      } else {
        c.label = "print-only (input_backend = auto: no X display, no writable /dev/uinput)";
        c.warning = "no X display and no writable /dev/uinput: Keystroke, Text and MouseClick only "
                    "print what they would do";
      }
      return c;
    case mapping::InputBackend::X11:
      c.system = true;
      c.label = "x11 (input_backend = x11)";
      if (!have_display) {
        c.warning = "[desktop] input_backend = \"x11\" but $DISPLAY is not set: Keystroke, Text and "
                    "MouseClick will fail until a display can be opened";
      }
      return c;
    case mapping::InputBackend::Uinput:
      c.system = true;
      c.label = "uinput (input_backend = uinput)";
      c.open_at_once = true;
      if (!have_uinput) {
        c.warning = "[desktop] input_backend = \"uinput\" but /dev/uinput is not writable: Keystroke, "
                    "Text and MouseClick will fail (add yourself to the group that owns it, or a udev rule)";
      }
      return c;
  }
  return c;
}

void SwitchableDesktop::replace(std::shared_ptr<actions::Desktop> next) {
  std::shared_ptr<actions::Desktop> old;  // released outside the lock
  std::lock_guard lock(mutex_);
  old = std::exchange(current_, std::move(next));
}

std::shared_ptr<actions::Desktop> SwitchableDesktop::current() const {
  std::lock_guard lock(mutex_);
  return current_;
}

actions::Outcome SwitchableDesktop::keystroke(const std::vector<std::string>& keys,
                                              const std::vector<mapping::Modifier>& modifiers) {
  return current()->keystroke(keys, modifiers);
}
actions::Outcome SwitchableDesktop::type_text(std::string_view utf8) { return current()->type_text(utf8); }
actions::Outcome SwitchableDesktop::mouse_click(mapping::MouseButton button, std::optional<actions::ScreenPoint> at) {
  return current()->mouse_click(button, at);
}
actions::Outcome SwitchableDesktop::volume(mapping::VolumeOperation operation, std::optional<uint8_t> value) {
  return current()->volume(operation, value);
}
actions::Outcome SwitchableDesktop::launch(const std::vector<std::string>& argv) { return current()->launch(argv); }
bool SwitchableDesktop::app_running(std::string_view name) { return current()->app_running(name); }
std::optional<bool> SwitchableDesktop::app_frontmost(std::string_view name) { return current()->app_frontmost(name); }

}  // namespace midimon::daemon
