// The uinput backend: one virtual evdev device (keys of the US-layout table, the three
// mouse buttons, relative X/Y so that input stacks classify it as a mouse too).
#include <fcntl.h>
#include <libevdev/libevdev-uinput.h>
#include <libevdev/libevdev.h>
#include <linux/input-event-codes.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>

#include "desktop/evdev_keymap.h"
#include "desktop/input_injector.h"
#include "desktop/uinput_plan.h"

namespace midimon::desktop {
namespace {

class UinputInjector final : public InputInjector {
 public:
  UinputInjector(libevdev* dev, libevdev_uinput* uidev, int fd)
      : dev_(dev), uidev_(uidev), fd_(fd) {}
  ~UinputInjector() override {
    libevdev_uinput_destroy(uidev_);
    libevdev_free(dev_);
    ::close(fd_);
  }

  const char* backend_name() const override { return "uinput"; }

  Result<void> check_key(std::string_view name) override {
    if (evdev_key_for_keysym_name(name)) return {};
    return Error{"uinput: the key '" + std::string(name) +
                 "' has no evdev code in the uinput backend's US-layout table."};
  }

  Result<void> key_combo(const KeyCombo& combo) override {
    auto plan = plan_uinput_combo(combo);
    if (!plan) return Error{plan.error()};
    std::lock_guard lock(mutex_);
    return write_plan(*plan);
  }

  Result<void> type_text(std::string_view utf8) override {
    auto plan = plan_uinput_text(utf8);
    if (!plan) return Error{plan.error()};
    std::lock_guard lock(mutex_);
    return write_plan(*plan);
  }

  Result<void> mouse_click(MouseButton button, std::optional<Point> at) override {
    if (at)
      return Error{"uinput: a MouseClick with x/y needs the x11 backend: a uinput device "
                   "has no pointer position to move to."};
    const uint16_t code = button == MouseButton::Left    ? BTN_LEFT
                          : button == MouseButton::Right ? BTN_RIGHT
                                                         : BTN_MIDDLE;
    std::lock_guard lock(mutex_);
    return write_plan({{code, true}, {code, false}});
  }

 private:
  // Each event followed by a SYN_REPORT, so consumers see one change per frame. A write
  // error stops the plan but still releases whatever this plan pressed.
  Result<void> write_plan(const std::vector<EvdevKeyEvent>& plan) {
    std::vector<uint16_t> down;
    for (const auto& e : plan) {
      int rc = libevdev_uinput_write_event(uidev_, EV_KEY, e.code, e.pressed ? 1 : 0);
      if (rc == 0) rc = libevdev_uinput_write_event(uidev_, EV_SYN, SYN_REPORT, 0);
      if (rc != 0) {
        for (auto it = down.rbegin(); it != down.rend(); ++it) {
          (void)libevdev_uinput_write_event(uidev_, EV_KEY, *it, 0);
          (void)libevdev_uinput_write_event(uidev_, EV_SYN, SYN_REPORT, 0);
        }
        return Error{std::string("uinput: writing an event failed: ") + std::strerror(-rc)};
      }
      if (e.pressed) {
        down.push_back(e.code);
      } else {
        std::erase(down, e.code);
      }
    }
    return {};
  }

  std::mutex mutex_;
  libevdev* dev_;
  libevdev_uinput* uidev_;
  int fd_;
};

}  // namespace

Result<std::unique_ptr<InputInjector>> make_uinput_injector(const std::string& path,
                                                            const std::string& device_name) {
  const int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) return Error{"uinput: " + path + ": " + std::strerror(errno)};
  libevdev* dev = libevdev_new();
  libevdev_set_name(dev, device_name.c_str());
  libevdev_enable_event_type(dev, EV_KEY);
  for (const uint16_t code : evdev_all_key_codes())
    libevdev_enable_event_code(dev, EV_KEY, code, nullptr);
  for (const uint16_t code : {BTN_LEFT, BTN_RIGHT, BTN_MIDDLE})
    libevdev_enable_event_code(dev, EV_KEY, code, nullptr);
  libevdev_enable_event_type(dev, EV_REL);
  libevdev_enable_event_code(dev, EV_REL, REL_X, nullptr);
  libevdev_enable_event_code(dev, EV_REL, REL_Y, nullptr);
  libevdev_uinput* uidev = nullptr;
  const int rc = libevdev_uinput_create_from_device(dev, fd, &uidev);
  if (rc != 0) {
    libevdev_free(dev);
    ::close(fd);
    return Error{"uinput: creating the virtual device on " + path +
                 " failed: " + std::strerror(-rc)};
  }
  return std::unique_ptr<InputInjector>(new UinputInjector(dev, uidev, fd));
}

}  // namespace midimon::desktop
