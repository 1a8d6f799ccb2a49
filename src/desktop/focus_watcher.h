// The focused application, from the X server's EWMH `_NET_ACTIVE_WINDOW` (set by the
// window manager). Events, not polling: the watcher selects PropertyNotify on the root
// window (and on the active window, for title changes) and sleeps in poll() on the xcb
// connection's fd and a wake-up pipe.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "desktop/result.h"

namespace midimon::desktop {

struct FocusedApp {
  uint32_t window = 0;         // X window id; 0 = no active window
  std::string instance;        // WM_CLASS instance ("navigator"), may be empty
  std::string window_class;    // WM_CLASS class ("firefox"), may be empty
  std::string title;           // _NET_WM_NAME (UTF-8), else WM_NAME
  bool operator==(const FocusedApp&) const = default;
};

// True when `name` equals the instance or the class, ASCII case-insensitively (the
// AppFrontmost condition's rule).
bool focused_app_matches(const FocusedApp& app, std::string_view name);

// Reads the active window once (AppFrontmost without a running watcher).
Result<FocusedApp> query_focused_app(const std::string& display);  // "" = $DISPLAY

class FocusWatcher {
 public:
  // Called on the watcher's thread: once at start with the current state, then on every
  // change of the active window or of its class/title. Must not call stop().
  using Callback = std::function<void(const FocusedApp&)>;
  // Called on the watcher's thread, once, when it ends on its own (the X server went
  // away) with the reason; the thread returns right after. Must not call stop().
  using FailureCallback = std::function<void(const std::string&)>;

  // Connects, subscribes and starts the thread. Fails when the display cannot be opened.
  static Result<std::unique_ptr<FocusWatcher>> start(const std::string& display,
                                                     Callback on_change,
                                                     FailureCallback on_failure = {});

  ~FocusWatcher();  // stop()
  FocusWatcher(const FocusWatcher&) = delete;
  FocusWatcher& operator=(const FocusWatcher&) = delete;

  // Wakes the thread through its pipe and joins it; idempotent.
  void stop();

  // The last state reported (the frontmost application for AppFrontmost).
  FocusedApp current() const;

  // Empty while running; the reason when the thread ended on its own (X server gone).
  std::string failure() const;

  struct Impl;

 private:
  explicit FocusWatcher(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace midimon::desktop
