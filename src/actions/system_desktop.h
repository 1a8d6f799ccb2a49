// The real Desktop over src/desktop/: keys/text/mouse through an InputInjector (XTest or
// uinput, opened lazily on first use so a daemon without a display still starts), volume
// through pactl/amixer, running applications from /proc, the frontmost application from
// a FocusWatcher the daemon owns (or a one-shot query), launch by a detached double fork.
// Built only when src/desktop/ is (MIDIMON_HAVE_DESKTOP).
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "actions/action_env.h"
#include "desktop/focus_watcher.h"
#include "desktop/input_injector.h"
#include "desktop/volume.h"

namespace midimon::actions {

struct SystemDesktopOptions {
  desktop::InjectorOptions injector;  // backend auto|x11|uinput, display, uinput path
  desktop::VolumeOptions volume;
  uint8_t volume_step = 5;            // percent per Up/Down
  // The focused application as the daemon's FocusWatcher last saw it; when empty,
  // AppFrontmost queries the display once per evaluation.
  std::function<std::optional<desktop::FocusedApp>()> focused;
  std::string proc_root = "/proc";
};

class SystemDesktop final : public Desktop {
 public:
  explicit SystemDesktop(SystemDesktopOptions options);
  ~SystemDesktop() override;

  Outcome keystroke(const std::vector<std::string>& keys,
                    const std::vector<mapping::Modifier>& modifiers) override;
  Outcome type_text(std::string_view utf8) override;
  Outcome mouse_click(mapping::MouseButton button, std::optional<ScreenPoint> at) override;
  Outcome volume(mapping::VolumeOperation operation, std::optional<uint8_t> value) override;
  Outcome launch(const std::vector<std::string>& argv) override;
  bool app_running(std::string_view name) override;
  std::optional<bool> app_frontmost(std::string_view name) override;

  // Opens the injector now instead of on the first action: a new uinput device is seen
  // by the compositor some milliseconds after it is created, and the first key sent
  // before that is lost (docs/desktop.md). Failure: why (the next action tries again).
  Outcome open_injector();

 private:
  // The injector, opened on first use; an open failure is retried on the next action,
  // and a broken one (X server gone) is replaced.
  desktop::InputInjector* injector(std::string* error);

  SystemDesktopOptions options_;
  std::mutex mutex_;
  std::unique_ptr<desktop::InputInjector> injector_;
};

// Starts argv[0] (looked up in $PATH when it has no '/') in its own session, not waited
// for (a double fork: the daemon never collects it and it never becomes a zombie of ours).
Outcome spawn_detached(const std::vector<std::string>& argv);

}  // namespace midimon::actions
