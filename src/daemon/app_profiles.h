// [[app_profiles]]: the focused application chooses the mode. A profile matches when its
// window_class pattern matches the WM_CLASS class or instance (when set) and its title
// pattern matches the title (when set); the first matching profile in file order wins.
// The switcher changes the mode only when the matching profile CHANGES, so a mode picked
// by hand (IPC, a ModeChange action) stays until the focus moves to another profile's
// application; a window that matches no profile leaves the mode as it is.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "mapping/config_model.h"

namespace midimon::daemon {

struct FocusInfo {
  std::string instance;      // WM_CLASS instance
  std::string window_class;  // WM_CLASS class
  std::string title;
};

// Index into `profiles` of the first match, or nullopt.
std::optional<std::size_t> match_app_profile(const std::vector<mapping::AppProfile>& profiles,
                                             const FocusInfo& focus);

class AppProfileSwitcher {
 public:
  // The mode index to switch to for this focus change, or nullopt for "leave it".
  std::optional<std::size_t> on_focus(const std::vector<mapping::AppProfile>& profiles,
                                      const FocusInfo& focus);
  // After a reload the profile list may differ: forget which one was last applied.
  void reset() { last_profile_.reset(); }

 private:
  std::optional<std::size_t> last_profile_;
};

}  // namespace midimon::daemon
