// The focused-application watcher: xcb + EWMH, on its own thread, woken by the X
// connection's fd or by a pipe written by stop().
#include "desktop/focus_watcher.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <unistd.h>
#include <xcb/xcb.h>
#include <xcb/xcb_ewmh.h>
#include <xcb/xcb_icccm.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <thread>

namespace midimon::desktop {
namespace {

bool equals_ignore_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

// One X connection with the EWMH atoms interned.
struct XConnection {
  xcb_connection_t* conn = nullptr;
  xcb_ewmh_connection_t ewmh{};
  bool ewmh_ready = false;
  int screen = 0;
  xcb_window_t root = 0;

  ~XConnection() {
    if (ewmh_ready) xcb_ewmh_connection_wipe(&ewmh);
    if (conn != nullptr) xcb_disconnect(conn);
  }

  Result<void> open(const std::string& display) {
    if (display.empty() && std::getenv("DISPLAY") == nullptr)
      return Error{"focused application: no display: DISPLAY is not set."};
    conn = xcb_connect(display.empty() ? nullptr : display.c_str(), &screen);
    if (xcb_connection_has_error(conn) != 0) {
      const std::string shown = display.empty() ? std::getenv("DISPLAY") : display;
      return Error{"focused application: cannot open display '" + shown + "'."};
    }
    xcb_intern_atom_cookie_t* cookies = xcb_ewmh_init_atoms(conn, &ewmh);
    if (xcb_ewmh_init_atoms_replies(&ewmh, cookies, nullptr) == 0)
      return Error{"focused application: interning the EWMH atoms failed."};
    ewmh_ready = true;
    root = ewmh.screens[screen]->root;
    return {};
  }

  xcb_window_t active_window() {
    xcb_window_t window = 0;
    if (xcb_ewmh_get_active_window_reply(&ewmh, xcb_ewmh_get_active_window(&ewmh, screen),
                                         &window, nullptr) == 0)
      return 0;
    return window;
  }

  // Class and title of `window` (empty fields when it is gone or lacks them).
  FocusedApp describe(xcb_window_t window) {
    FocusedApp app;
    app.window = window;
    if (window == 0) return app;
    const auto class_cookie = xcb_icccm_get_wm_class(conn, window);
    const auto net_name_cookie = xcb_ewmh_get_wm_name(&ewmh, window);
    const auto name_cookie = xcb_icccm_get_wm_name(conn, window);
    xcb_icccm_get_wm_class_reply_t wm_class;
    if (xcb_icccm_get_wm_class_reply(conn, class_cookie, &wm_class, nullptr) != 0) {
      app.instance = wm_class.instance_name ? wm_class.instance_name : "";
      app.window_class = wm_class.class_name ? wm_class.class_name : "";
      xcb_icccm_get_wm_class_reply_wipe(&wm_class);
    }
    xcb_ewmh_get_utf8_strings_reply_t utf8;
    if (xcb_ewmh_get_wm_name_reply(&ewmh, net_name_cookie, &utf8, nullptr) != 0) {
      app.title.assign(utf8.strings, utf8.strings_len);
      xcb_ewmh_get_utf8_strings_reply_wipe(&utf8);
    }
    xcb_icccm_get_text_property_reply_t text;
    if (xcb_icccm_get_wm_name_reply(conn, name_cookie, &text, nullptr) != 0) {
      if (app.title.empty()) app.title.assign(text.name, text.name_len);
      xcb_icccm_get_text_property_reply_wipe(&text);
    }
    // Strings may carry a trailing NUL (some clients count it in the length).
    while (!app.title.empty() && app.title.back() == '\0') app.title.pop_back();
    return app;
  }

  void select_property_changes(xcb_window_t window, bool on) {
    const uint32_t mask = on ? XCB_EVENT_MASK_PROPERTY_CHANGE : 0;
    xcb_change_window_attributes(conn, window, XCB_CW_EVENT_MASK, &mask);
  }
};

}  // namespace

bool focused_app_matches(const FocusedApp& app, std::string_view name) {
  if (name.empty()) return false;
  return (!app.instance.empty() && equals_ignore_case(app.instance, name)) ||
         (!app.window_class.empty() && equals_ignore_case(app.window_class, name));
}

Result<FocusedApp> query_focused_app(const std::string& display) {
  XConnection x;
  if (auto opened = x.open(display); !opened) return Error{opened.error()};
  return x.describe(x.active_window());
}

struct FocusWatcher::Impl {
  XConnection x;
  int wake[2] = {-1, -1};
  Callback on_change;
  FocusWatcher::FailureCallback on_failure;
  std::thread thread;
  std::once_flag stopped;
  mutable std::mutex mutex;
  FocusedApp current;
  std::string failure;
  xcb_window_t watched = 0;  // the active window whose title changes we follow

  ~Impl() {
    for (int fd : wake)
      if (fd >= 0) ::close(fd);
  }

  void refresh() {
    const xcb_window_t active = x.active_window();
    if (active != watched) {
      if (watched != 0) x.select_property_changes(watched, false);
      if (active != 0) x.select_property_changes(active, true);
      watched = active;
      xcb_flush(x.conn);
    }
    FocusedApp app = x.describe(active);
    // A connection that broke meanwhile reads as "no window": not a focus change.
    if (xcb_connection_has_error(x.conn) != 0) return;
    {
      std::lock_guard lock(mutex);
      if (app == current) return;
      current = app;
    }
    on_change(app);
  }

  void handle(const xcb_generic_event_t* event) {
    // Errors (type 0) come from requests on windows destroyed meanwhile: harmless.
    if ((event->response_type & 0x7F) != XCB_PROPERTY_NOTIFY) return;
    const auto* property = reinterpret_cast<const xcb_property_notify_event_t*>(event);
    const bool root_change =
        property->window == x.root && property->atom == x.ewmh._NET_ACTIVE_WINDOW;
    const bool window_change =
        property->window == watched && watched != 0 &&
        (property->atom == x.ewmh._NET_WM_NAME || property->atom == XCB_ATOM_WM_NAME ||
         property->atom == XCB_ATOM_WM_CLASS);
    if (root_change || window_change) refresh();
  }

  void run() {
    const std::string reason = watch();
    if (reason.empty()) return;  // stop() asked
    {
      std::lock_guard lock(mutex);
      failure = reason;
    }
    if (on_failure) on_failure(reason);
  }

  // Returns when stop() wakes it (empty) or with the reason it cannot go on.
  std::string watch() {
    {
      std::lock_guard lock(mutex);
      current.window = 0xFFFFFFFF;  // never equal: the first state is always reported
    }
    refresh();
    const int xfd = xcb_get_file_descriptor(x.conn);
    for (;;) {
      while (xcb_generic_event_t* event = xcb_poll_for_event(x.conn)) {
        handle(event);
        std::free(event);
      }
      if (xcb_connection_has_error(x.conn) != 0)
        return "focused application: the connection to the X server was lost.";
      pollfd fds[2] = {{xfd, POLLIN, 0}, {wake[0], POLLIN, 0}};
      if (::poll(fds, 2, -1) < 0 && errno != EINTR)
        return std::string("focused application: poll failed: ") + std::strerror(errno);
      if (fds[1].revents != 0) return {};
    }
  }
};

FocusWatcher::FocusWatcher(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

FocusWatcher::~FocusWatcher() { stop(); }

Result<std::unique_ptr<FocusWatcher>> FocusWatcher::start(const std::string& display,
                                                          Callback on_change,
                                                          FailureCallback on_failure) {
  auto impl = std::make_unique<Impl>();
  if (auto opened = impl->x.open(display); !opened) return Error{opened.error()};
  if (::pipe2(impl->wake, O_CLOEXEC | O_NONBLOCK) != 0)
    return Error{std::string("focused application: pipe: ") + std::strerror(errno)};
  impl->on_change = std::move(on_change);
  impl->on_failure = std::move(on_failure);
  impl->x.select_property_changes(impl->x.root, true);
  xcb_flush(impl->x.conn);
  Impl* raw = impl.get();
  impl->thread = std::thread([raw] {
    pthread_setname_np(pthread_self(), "mm-focus");  // names show in top -H and /proc
    raw->run();
  });
  return std::unique_ptr<FocusWatcher>(new FocusWatcher(std::move(impl)));
}

void FocusWatcher::stop() {
  if (!impl_) return;
  std::call_once(impl_->stopped, [this] {
    const char byte = 1;
    (void)!::write(impl_->wake[1], &byte, 1);
    if (impl_->thread.joinable()) impl_->thread.join();
  });
}

FocusedApp FocusWatcher::current() const {
  std::lock_guard lock(impl_->mutex);
  if (impl_->current.window == 0xFFFFFFFF) return {};
  return impl_->current;
}

std::string FocusWatcher::failure() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->failure;
}

}  // namespace midimon::desktop
