#include <cctype>
#include <string>

#include "desktop/input_injector.h"

namespace midimon::desktop {

std::optional<InjectorBackend> parse_injector_backend(std::string_view name) {
  std::string lower;
  for (char c : name) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "auto") return InjectorBackend::Auto;
  if (lower == "x11") return InjectorBackend::X11;
  if (lower == "uinput") return InjectorBackend::Uinput;
  return std::nullopt;
}

const char* injector_backend_name(InjectorBackend backend) {
  switch (backend) {
    case InjectorBackend::Auto: return "auto";
    case InjectorBackend::X11: return "x11";
    case InjectorBackend::Uinput: return "uinput";
  }
  return "auto";
}

Result<std::unique_ptr<InputInjector>> make_input_injector(const InjectorOptions& options) {
  switch (options.backend) {
    case InjectorBackend::X11:
      return make_x11_injector(options.display);
    case InjectorBackend::Uinput:
      return make_uinput_injector(options.uinput_path, options.uinput_device_name);
    case InjectorBackend::Auto:
      break;
  }
  auto x11 = make_x11_injector(options.display);
  if (x11) return x11;
  // "Writable" is decided by opening the node (make_uinput_injector), not by access():
  // the open is what has to work.
  auto uinput = make_uinput_injector(options.uinput_path, options.uinput_device_name);
  if (uinput) return uinput;
  return Error{"no input injection backend works: " + x11.error() + "; " + uinput.error() +
               ". Keystroke, Text and MouseClick actions need an X display with XTEST or a "
               "writable " + options.uinput_path + "."};
}

}  // namespace midimon::desktop
