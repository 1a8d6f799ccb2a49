// Key and modifier names in Keystroke actions: MIDIMon's names, X keysym names, and the
// macOS-only names that load with a warning. No X library: the keysym names are an
// embedded table (keysym_names.inc); the desktop layer checks again at runtime.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "mapping/config_model.h"

namespace midimon::mapping {

struct KeyName {
  enum class Kind : uint8_t {
    Key,          // keysym holds the X keysym name
    Modifier,     // a modifier written among the keys ("ctrl+c"); modifier holds it
    Unavailable,  // exists only on macOS ("fn", ...): a warning, not an error
    Unknown,
  };
  Kind kind = Kind::Unknown;
  std::string keysym;
  Modifier modifier = Modifier::Ctrl;
};

// Resolution order: modifier names (case-insensitive), MIDIMon's key names
// (case-insensitive: "enter" -> Return, "volumeup" -> XF86AudioRaiseVolume, ...), exact
// X keysym names ("Return", "XF86AudioPlay", "a", "A"), single ASCII characters
// ("," -> comma), X keysym names differing only in case ("backspace" -> BackSpace), and
// the macOS-only names.
KeyName resolve_key_name(std::string_view name);

// "ctrl"/"control", "alt"/"option"/"opt", "shift", "super"/"cmd"/"command"/"meta"/"win"
// (case-insensitive).
std::optional<Modifier> resolve_modifier_name(std::string_view name);

// True for a name XStringToKeysym would accept (exact case).
bool is_keysym_name(std::string_view name);

// A few close keysym names for a "did you mean".
std::string suggest_key_name(std::string_view name);

// "ctrl", "alt", "shift", "super" (the normalised spelling).
const char* modifier_name(Modifier modifier);

}  // namespace midimon::mapping
