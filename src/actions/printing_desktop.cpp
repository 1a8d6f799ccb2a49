#include "actions/printing_desktop.h"

namespace midimon::actions {

namespace {

const char* button_name(mapping::MouseButton b) {
  switch (b) {
    case mapping::MouseButton::Left: return "left";
    case mapping::MouseButton::Right: return "right";
    case mapping::MouseButton::Middle: return "middle";
  }
  return "?";
}

std::string quoted_argv(const std::vector<std::string>& argv) {
  std::string out;
  for (const std::string& a : argv) {
    if (!out.empty()) out += ' ';
    out += a.find_first_of(" \t'\"") == std::string::npos ? a : "'" + a + "'";
  }
  return out;
}

}  // namespace

PrintingDesktop::PrintingDesktop(std::function<bool(std::string_view)> is_running)
    : is_running_(std::move(is_running)) {}

Outcome PrintingDesktop::keystroke(const std::vector<std::string>& keys,
                                   const std::vector<mapping::Modifier>& modifiers) {
  return Outcome::success("would press " + describe_keys(keys, modifiers));
}

Outcome PrintingDesktop::type_text(std::string_view utf8) {
  return Outcome::success("would type \"" + std::string(utf8) + "\"");
}

Outcome PrintingDesktop::mouse_click(mapping::MouseButton button, std::optional<ScreenPoint> at) {
  std::string d = std::string("would click ") + button_name(button);
  if (at) d += " at " + std::to_string(at->x) + "," + std::to_string(at->y);
  return Outcome::success(d);
}

Outcome PrintingDesktop::volume(mapping::VolumeOperation op, std::optional<uint8_t> value) {
  switch (op) {
    case mapping::VolumeOperation::Up: return Outcome::success("would raise the volume");
    case mapping::VolumeOperation::Down: return Outcome::success("would lower the volume");
    case mapping::VolumeOperation::Mute: return Outcome::success("would mute");
    case mapping::VolumeOperation::Unmute: return Outcome::success("would unmute");
    case mapping::VolumeOperation::Set:
      return Outcome::success("would set the volume to " + std::to_string(value.value_or(0)) + "%");
  }
  return Outcome::failure("unknown volume operation");
}

Outcome PrintingDesktop::launch(const std::vector<std::string>& argv) {
  return Outcome::success("would start " + quoted_argv(argv));
}

bool PrintingDesktop::app_running(std::string_view name) {
  return is_running_ ? is_running_(name) : false;
}

std::optional<bool> PrintingDesktop::app_frontmost(std::string_view) { return std::nullopt; }

}  // namespace midimon::actions
