// X keysym names and characters to Linux evdev key codes for the uinput backend. The
// kernel has no symbols, only key positions; the compositor applies the user's layout. The
// table assumes a US layout (what `us` produces for each position), which is documented
// as the uinput backend's limit.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "desktop/input_injector.h"

namespace midimon::desktop {

struct EvdevKey {
  uint16_t code = 0;   // KEY_* from <linux/input-event-codes.h>
  bool shift = false;  // needs Shift held on a US layout ("A", "exclam")
};

// "a", "A", "Return", "F5", "XF86AudioPlay", "exclam", ... (exact X keysym spelling).
std::optional<EvdevKey> evdev_key_for_keysym_name(std::string_view name);

// Printable ASCII, '\n' (Enter) and '\t' (Tab); nullopt for anything else.
std::optional<EvdevKey> evdev_key_for_char(char32_t c);

uint16_t evdev_modifier_code(Modifier modifier);  // KEY_LEFTCTRL, ...

// Every key code the tables can produce (enabled on the virtual device).
std::vector<uint16_t> evdev_all_key_codes();

}  // namespace midimon::desktop
