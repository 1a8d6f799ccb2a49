// Small helpers of the config model (names, locations, lookups).
#include "mapping/config_model.h"

namespace midimon::mapping {

std::string SourceLocation::to_string() const {
  if (line == 0) return file;
  return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

namespace {
template <class... Fs>
struct Overloaded : Fs... {
  using Fs::operator()...;
};
template <class... Fs>
Overloaded(Fs...) -> Overloaded<Fs...>;
}  // namespace

const char* trigger_type_name(const TriggerKind& kind) {
  return std::visit(
      Overloaded{
          [](const trigger::Note&) { return "Note"; },
          [](const trigger::VelocityRange&) { return "VelocityRange"; },
          [](const trigger::LongPress&) { return "LongPress"; },
          [](const trigger::DoubleTap&) { return "DoubleTap"; },
          [](const trigger::NoteChord&) { return "NoteChord"; },
          [](const trigger::EncoderTurn&) { return "EncoderTurn"; },
          [](const trigger::ControlChange&) { return "CC"; },
          [](const trigger::Aftertouch&) { return "Aftertouch"; },
          [](const trigger::PitchBend&) { return "PitchBend"; },
          [](const trigger::ProgramChange&) { return "ProgramChange"; },
          [](const trigger::SysEx&) { return "SysEx"; },
      },
      kind);
}

const char* action_type_name(const ActionKind& kind) {
  return std::visit(
      Overloaded{
          [](const action::Keystroke&) { return "Keystroke"; },
          [](const action::Text&) { return "Text"; },
          [](const action::Launch&) { return "Launch"; },
          [](const action::Shell&) { return "Shell"; },
          [](const action::Delay&) { return "Delay"; },
          [](const action::MouseClick&) { return "MouseClick"; },
          [](const action::VolumeControl&) { return "VolumeControl"; },
          [](const action::ModeChange&) { return "ModeChange"; },
          [](const action::Sequence&) { return "Sequence"; },
          [](const action::Repeat&) { return "Repeat"; },
          [](const action::Conditional&) { return "Conditional"; },
          [](const action::SendMidi&) { return "SendMidi"; },
          [](const action::Plugin&) { return "Plugin"; },
      },
      kind);
}

const char* input_backend_name(InputBackend backend) {
  switch (backend) {
    case InputBackend::Auto: return "auto";
    case InputBackend::X11: return "x11";
    case InputBackend::Uinput: return "uinput";
  }
  return "auto";
}

std::optional<std::size_t> Config::find_mode(std::string_view name) const {
  for (std::size_t i = 0; i < modes.size(); ++i) {
    if (modes[i].name == name) return i;
  }
  return std::nullopt;
}

}  // namespace midimon::mapping
