// The key events the uinput backend writes for a combo or a text, as a pure function of
// the input (the device itself cannot be created here without /dev/uinput; the plan can
// be tested everywhere).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "desktop/input_injector.h"

namespace midimon::desktop {

struct EvdevKeyEvent {
  uint16_t code = 0;
  bool pressed = false;
  bool operator==(const EvdevKeyEvent&) const = default;
};

// Modifiers down in order, each key down in order (with Shift added for shifted keysyms
// when Shift is not already held), keys up in reverse, modifiers up in reverse. An unknown
// name is an error naming it; nothing is planned then.
Result<std::vector<EvdevKeyEvent>> plan_uinput_combo(const KeyCombo& combo);

// Each character pressed and released, Shift around shifted ones. Characters outside the
// US-layout table are an error naming the character (U+XXXX) and its index.
Result<std::vector<EvdevKeyEvent>> plan_uinput_text(std::string_view utf8);

}  // namespace midimon::desktop
