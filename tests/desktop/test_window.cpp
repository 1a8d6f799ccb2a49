#include "test_window.h"

#include <X11/Xatom.h>
#include <poll.h>

namespace midimon::desktop::testing {

TestClient::TestClient(const std::string& display) : dpy_(XOpenDisplay(display.c_str())) {}

void TestClient::survive_server_loss() {
  XSetIOErrorHandler([](Display*) { return 0; });
  XSetIOErrorExitHandler(dpy_, [](Display*, void*) {}, nullptr);
}

TestClient::~TestClient() {
  if (dpy_ != nullptr) XCloseDisplay(dpy_);
}

Window TestClient::create_window(int x, int y, unsigned w, unsigned h,
                                 const std::string& instance, const std::string& klass,
                                 const std::string& title) {
  const Window root = DefaultRootWindow(dpy_);
  XSetWindowAttributes attributes{};
  attributes.event_mask = KeyPressMask | KeyReleaseMask | ButtonPressMask |
                          ButtonReleaseMask | StructureNotifyMask | FocusChangeMask;
  attributes.override_redirect = False;
  const Window window = XCreateWindow(dpy_, root, x, y, w, h, 0, CopyFromParent, InputOutput,
                                      CopyFromParent, CWEventMask, &attributes);
  XClassHint hint;
  hint.res_name = const_cast<char*>(instance.c_str());
  hint.res_class = const_cast<char*>(klass.c_str());
  XSetClassHint(dpy_, window, &hint);
  set_title(window, title);
  XMapRaised(dpy_, window);
  collect([window](const std::vector<XEvent>& events) {
    for (const auto& e : events)
      if (e.type == MapNotify && e.xmap.window == window) return true;
    return false;
  });
  return window;
}

void TestClient::set_title(Window window, const std::string& title) {
  XStoreName(dpy_, window, title.c_str());
  const Atom net_wm_name = XInternAtom(dpy_, "_NET_WM_NAME", False);
  const Atom utf8 = XInternAtom(dpy_, "UTF8_STRING", False);
  XChangeProperty(dpy_, window, net_wm_name, utf8, 8, PropModeReplace,
                  reinterpret_cast<const unsigned char*>(title.data()),
                  static_cast<int>(title.size()));
  XSync(dpy_, False);
}

void TestClient::focus(Window window) {
  XSetInputFocus(dpy_, window, RevertToPointerRoot, CurrentTime);
  XSync(dpy_, False);
}

void TestClient::set_active_window(Window window) {
  const Atom active = XInternAtom(dpy_, "_NET_ACTIVE_WINDOW", False);
  XChangeProperty(dpy_, DefaultRootWindow(dpy_), active, XA_WINDOW, 32, PropModeReplace,
                  reinterpret_cast<const unsigned char*>(&window), 1);
  XSync(dpy_, False);
}

std::vector<XEvent> TestClient::collect(
    const std::function<bool(const std::vector<XEvent>&)>& done,
    std::chrono::milliseconds deadline) {
  std::vector<XEvent> events;
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (!done(events)) {
    if (XPending(dpy_) > 0) {
      XEvent event;
      XNextEvent(dpy_, &event);
      if (event.type == MappingNotify) XRefreshKeyboardMapping(&event.xmapping);
      events.push_back(event);
      continue;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        until - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd fd{ConnectionNumber(dpy_), POLLIN, 0};
    ::poll(&fd, 1, static_cast<int>(left.count()));
  }
  return events;
}

KeySym keysym_of(XEvent& event) {
  // Asked of the server, not of Xlib's cached (XKB) map, which does not always follow a
  // rebinding of the same client's lifetime: column 1 with Shift, else column 0.
  int per = 0;
  KeySym* syms = XGetKeyboardMapping(event.xkey.display,
                                     static_cast<KeyCode>(event.xkey.keycode), 1, &per);
  if (syms == nullptr) return NoSymbol;
  KeySym sym = per > 0 ? syms[0] : NoSymbol;
  if ((event.xkey.state & ShiftMask) != 0 && per > 1 && syms[1] != NoSymbol) sym = syms[1];
  XFree(syms);
  return sym;
}

}  // namespace midimon::desktop::testing
