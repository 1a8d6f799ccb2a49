// The test's own X client (plain Xlib, nothing of midimon): a window that receives key and
// button events, so what the injector did is read back from the X server.
#pragma once

#include <X11/Xlib.h>
#include <X11/Xutil.h>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace midimon::desktop::testing {

class TestClient {
 public:
  explicit TestClient(const std::string& display);
  ~TestClient();
  TestClient(const TestClient&) = delete;
  TestClient& operator=(const TestClient&) = delete;

  Display* display() const { return dpy_; }
  // For tests that kill the server: Xlib's default would exit the process when this
  // connection notices.
  void survive_server_loss();
  bool ok() const { return dpy_ != nullptr; }

  // A mapped window at (x, y) with WM_CLASS and both title properties; waits until the
  // server reports it mapped.
  Window create_window(int x, int y, unsigned w, unsigned h, const std::string& instance,
                       const std::string& klass, const std::string& title);
  void set_title(Window window, const std::string& title);
  void focus(Window window);
  // Plays the window manager: sets _NET_ACTIVE_WINDOW on the root.
  void set_active_window(Window window);

  // Collects events until `done(collected)` is true or the deadline passes; handles
  // MappingNotify (so keysyms of freshly bound keycodes resolve). Returns what came.
  std::vector<XEvent> collect(const std::function<bool(const std::vector<XEvent>&)>& done,
                              std::chrono::milliseconds deadline = std::chrono::seconds(5));

 private:
  Display* dpy_ = nullptr;
};

// Keysym of a KeyPress in the server's current core map (Shift level applied).
KeySym keysym_of(XEvent& event);

}  // namespace midimon::desktop::testing
