#include "desktop/uinput_plan.h"

#include <linux/input-event-codes.h>

#include <algorithm>
#include <cstdio>
#include <string>

#include "desktop/evdev_keymap.h"
#include "desktop/utf8.h"

namespace midimon::desktop {

Result<std::vector<EvdevKeyEvent>> plan_uinput_combo(const KeyCombo& combo) {
  if (combo.keys.empty() && combo.modifiers.empty())
    return Error{"the key combination is empty."};
  std::vector<uint16_t> held;  // in press order
  auto hold = [&](uint16_t code) {
    if (std::find(held.begin(), held.end(), code) == held.end()) held.push_back(code);
  };
  for (const Modifier m : combo.modifiers) hold(evdev_modifier_code(m));
  std::vector<uint16_t> keys;
  bool needs_shift = false;
  for (const auto& name : combo.keys) {
    const auto key = evdev_key_for_keysym_name(name);
    if (!key)
      return Error{"uinput: the key '" + name +
                   "' has no evdev code in the uinput backend's US-layout table."};
    needs_shift = needs_shift || key->shift;
    keys.push_back(key->code);
  }
  if (needs_shift) hold(KEY_LEFTSHIFT);
  for (const uint16_t k : keys) hold(k);
  std::vector<EvdevKeyEvent> events;
  for (const uint16_t code : held) events.push_back({code, true});
  for (auto it = held.rbegin(); it != held.rend(); ++it) events.push_back({*it, false});
  return events;
}

Result<std::vector<EvdevKeyEvent>> plan_uinput_text(std::string_view utf8) {
  auto chars = decode_utf8(utf8);
  if (!chars) return Error{"uinput: " + chars.error()};
  std::vector<EvdevKeyEvent> events;
  for (std::size_t i = 0; i < chars->size(); ++i) {
    const char32_t c = (*chars)[i];
    const auto key = evdev_key_for_char(c);
    if (!key) {
      char code[16];
      std::snprintf(code, sizeof code, "U+%04X", static_cast<unsigned>(c));
      return Error{std::string("uinput: character ") + code + " (character " +
                   std::to_string(i) +
                   " of the text) cannot be typed: the uinput backend knows the US layout's "
                   "ASCII characters only; use the x11 backend for other characters."};
    }
    if (key->shift) events.push_back({KEY_LEFTSHIFT, true});
    events.push_back({key->code, true});
    events.push_back({key->code, false});
    if (key->shift) events.push_back({KEY_LEFTSHIFT, false});
  }
  return events;
}

}  // namespace midimon::desktop
