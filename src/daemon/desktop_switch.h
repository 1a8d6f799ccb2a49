// Which desktop the daemon's actions act on, decided by [desktop] input_backend and by
// what this machine has, and switched by a reload that changes input_backend — without a
// restart and without disturbing an action that is running.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "actions/action_env.h"
#include "mapping/config_model.h"

namespace midimon::daemon {

struct DesktopChoice {
  bool system = false;  // true: the real desktop (SystemDesktop); false: print-only
  mapping::InputBackend backend = mapping::InputBackend::Auto;  // the system desktop's
  std::string label;    // for `status`: "x11 (input_backend = auto)", "print-only (...)"
  std::string warning;  // a sentence for the log when the choice cannot work well; or empty
  // uinput: open the injector at once (a new device is seen by the compositor only some
  // milliseconds after it is created; docs/desktop.md); x11 opens on the first action.
  bool open_at_once = false;
};

// auto:   the system desktop when an X display is set or /dev/uinput is writable (the
//         injector then tries XTest first, then uinput), else print-only with a warning;
// x11 / uinput: the system desktop with that backend only, with a warning when what it
//         needs is missing (the actions then fail saying why, they do not print).
DesktopChoice choose_desktop(mapping::InputBackend wanted, bool have_display, bool have_uinput);

// Forwards every call to the current desktop. replace() takes effect for the next call;
// a call already running finishes on the desktop it started on (it holds a reference).
class SwitchableDesktop final : public actions::Desktop {
 public:
  explicit SwitchableDesktop(std::shared_ptr<actions::Desktop> initial) : current_(std::move(initial)) {}
  void replace(std::shared_ptr<actions::Desktop> next);

  actions::Outcome keystroke(const std::vector<std::string>& keys,
                             const std::vector<mapping::Modifier>& modifiers) override;
  actions::Outcome type_text(std::string_view utf8) override;
  actions::Outcome mouse_click(mapping::MouseButton button, std::optional<actions::ScreenPoint> at) override;
  actions::Outcome volume(mapping::VolumeOperation operation, std::optional<uint8_t> value) override;
  actions::Outcome launch(const std::vector<std::string>& argv) override;
  bool app_running(std::string_view name) override;
  std::optional<bool> app_frontmost(std::string_view name) override;

 private:
  std::shared_ptr<actions::Desktop> current() const;
  mutable std::mutex mutex_;
  std::shared_ptr<actions::Desktop> current_;
};

}  // namespace midimon::daemon
