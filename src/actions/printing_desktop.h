// A Desktop that does nothing and says what it would have done ("would press super+space"),
// for `midimon demo` and a daemon without a display. AppRunning still reads /proc through
// the function given (so conditions stay truthful); AppFrontmost is unknown (nullopt).
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "actions/action_env.h"

namespace midimon::actions {

class PrintingDesktop final : public Desktop {
 public:
  // `is_running` answers AppRunning; the default answers false for every name.
  explicit PrintingDesktop(std::function<bool(std::string_view)> is_running = {});

  Outcome keystroke(const std::vector<std::string>& keys,
                    const std::vector<mapping::Modifier>& modifiers) override;
  Outcome type_text(std::string_view utf8) override;
  Outcome mouse_click(mapping::MouseButton button, std::optional<ScreenPoint> at) override;
  Outcome volume(mapping::VolumeOperation operation, std::optional<uint8_t> value) override;
  Outcome launch(const std::vector<std::string>& argv) override;
  bool app_running(std::string_view name) override;
  std::optional<bool> app_frontmost(std::string_view name) override;

 private:
  std::function<bool(std::string_view)> is_running_;
};

// "ctrl+shift+t" style text for a key combination (modifiers first, in order).
std::string describe_keys(const std::vector<std::string>& keys,
                          const std::vector<mapping::Modifier>& modifiers);

}  // namespace midimon::actions
