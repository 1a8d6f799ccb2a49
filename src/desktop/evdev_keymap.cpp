#include "desktop/evdev_keymap.h"

#include <linux/input-event-codes.h>

#include <algorithm>
#include <array>
#include <string>

namespace midimon::desktop {
namespace {

struct NamedKey {
  std::string_view name;
  uint16_t code;
  bool shift;
};

// Non-letter, non-digit keysyms. Letters and digits are computed.
constexpr NamedKey kNamedKeys[] = {
    {"space", KEY_SPACE, false},         {"Return", KEY_ENTER, false},
    {"KP_Enter", KEY_KPENTER, false},    {"Tab", KEY_TAB, false},
    {"ISO_Left_Tab", KEY_TAB, true},     {"BackSpace", KEY_BACKSPACE, false},
    {"Escape", KEY_ESC, false},          {"Delete", KEY_DELETE, false},
    {"Insert", KEY_INSERT, false},       {"Home", KEY_HOME, false},
    {"End", KEY_END, false},             {"Prior", KEY_PAGEUP, false},
    {"Page_Up", KEY_PAGEUP, false},      {"Next", KEY_PAGEDOWN, false},
    {"Page_Down", KEY_PAGEDOWN, false},  {"Left", KEY_LEFT, false},
    {"Right", KEY_RIGHT, false},         {"Up", KEY_UP, false},
    {"Down", KEY_DOWN, false},           {"Caps_Lock", KEY_CAPSLOCK, false},
    {"Num_Lock", KEY_NUMLOCK, false},    {"Scroll_Lock", KEY_SCROLLLOCK, false},
    {"Print", KEY_SYSRQ, false},         {"Pause", KEY_PAUSE, false},
    {"Menu", KEY_COMPOSE, false},        {"Control_L", KEY_LEFTCTRL, false},
    {"Control_R", KEY_RIGHTCTRL, false}, {"Shift_L", KEY_LEFTSHIFT, false},
    {"Shift_R", KEY_RIGHTSHIFT, false},  {"Alt_L", KEY_LEFTALT, false},
    {"Alt_R", KEY_RIGHTALT, false},      {"Super_L", KEY_LEFTMETA, false},
    {"Super_R", KEY_RIGHTMETA, false},   {"Meta_L", KEY_LEFTMETA, false},
    {"Meta_R", KEY_RIGHTMETA, false},
    // US-layout punctuation, unshifted and shifted.
    {"minus", KEY_MINUS, false},         {"underscore", KEY_MINUS, true},
    {"equal", KEY_EQUAL, false},         {"plus", KEY_EQUAL, true},
    {"bracketleft", KEY_LEFTBRACE, false}, {"braceleft", KEY_LEFTBRACE, true},
    {"bracketright", KEY_RIGHTBRACE, false}, {"braceright", KEY_RIGHTBRACE, true},
    {"backslash", KEY_BACKSLASH, false}, {"bar", KEY_BACKSLASH, true},
    {"semicolon", KEY_SEMICOLON, false}, {"colon", KEY_SEMICOLON, true},
    {"apostrophe", KEY_APOSTROPHE, false}, {"quotedbl", KEY_APOSTROPHE, true},
    {"grave", KEY_GRAVE, false},         {"asciitilde", KEY_GRAVE, true},
    {"comma", KEY_COMMA, false},         {"less", KEY_COMMA, true},
    {"period", KEY_DOT, false},          {"greater", KEY_DOT, true},
    {"slash", KEY_SLASH, false},         {"question", KEY_SLASH, true},
    {"exclam", KEY_1, true},             {"at", KEY_2, true},
    {"numbersign", KEY_3, true},         {"dollar", KEY_4, true},
    {"percent", KEY_5, true},            {"asciicircum", KEY_6, true},
    {"ampersand", KEY_7, true},          {"asterisk", KEY_8, true},
    {"parenleft", KEY_9, true},          {"parenright", KEY_0, true},
    // Keypad.
    {"KP_0", KEY_KP0, false}, {"KP_1", KEY_KP1, false}, {"KP_2", KEY_KP2, false},
    {"KP_3", KEY_KP3, false}, {"KP_4", KEY_KP4, false}, {"KP_5", KEY_KP5, false},
    {"KP_6", KEY_KP6, false}, {"KP_7", KEY_KP7, false}, {"KP_8", KEY_KP8, false},
    {"KP_9", KEY_KP9, false}, {"KP_Add", KEY_KPPLUS, false},
    {"KP_Subtract", KEY_KPMINUS, false}, {"KP_Multiply", KEY_KPASTERISK, false},
    {"KP_Divide", KEY_KPSLASH, false},   {"KP_Decimal", KEY_KPDOT, false},
    // Media and other XF86 keys.
    {"XF86AudioRaiseVolume", KEY_VOLUMEUP, false},
    {"XF86AudioLowerVolume", KEY_VOLUMEDOWN, false},
    {"XF86AudioMute", KEY_MUTE, false},  {"XF86AudioMicMute", KEY_MICMUTE, false},
    {"XF86AudioPlay", KEY_PLAYPAUSE, false}, {"XF86AudioPause", KEY_PAUSECD, false},
    {"XF86AudioStop", KEY_STOPCD, false}, {"XF86AudioNext", KEY_NEXTSONG, false},
    {"XF86AudioPrev", KEY_PREVIOUSSONG, false}, {"XF86AudioRecord", KEY_RECORD, false},
    {"XF86AudioRewind", KEY_REWIND, false}, {"XF86AudioForward", KEY_FASTFORWARD, false},
    {"XF86MonBrightnessUp", KEY_BRIGHTNESSUP, false},
    {"XF86MonBrightnessDown", KEY_BRIGHTNESSDOWN, false},
    {"XF86Calculator", KEY_CALC, false}, {"XF86Mail", KEY_MAIL, false},
    {"XF86HomePage", KEY_HOMEPAGE, false}, {"XF86Search", KEY_SEARCH, false},
    {"XF86Eject", KEY_EJECTCD, false},   {"XF86Back", KEY_BACK, false},
    {"XF86Forward", KEY_FORWARD, false}, {"XF86Reload", KEY_REFRESH, false},
    {"XF86Sleep", KEY_SLEEP, false},     {"XF86PowerOff", KEY_POWER, false},
    {"XF86Explorer", KEY_FILE, false},   {"XF86WWW", KEY_WWW, false},
};

constexpr std::array<uint16_t, 26> kLetters = {
    KEY_A, KEY_B, KEY_C, KEY_D, KEY_E, KEY_F, KEY_G, KEY_H, KEY_I, KEY_J, KEY_K, KEY_L, KEY_M,
    KEY_N, KEY_O, KEY_P, KEY_Q, KEY_R, KEY_S, KEY_T, KEY_U, KEY_V, KEY_W, KEY_X, KEY_Y, KEY_Z};
constexpr std::array<uint16_t, 10> kDigits = {KEY_0, KEY_1, KEY_2, KEY_3, KEY_4,
                                              KEY_5, KEY_6, KEY_7, KEY_8, KEY_9};
constexpr std::array<uint16_t, 24> kFunctionKeys = {
    KEY_F1,  KEY_F2,  KEY_F3,  KEY_F4,  KEY_F5,  KEY_F6,  KEY_F7,  KEY_F8,
    KEY_F9,  KEY_F10, KEY_F11, KEY_F12, KEY_F13, KEY_F14, KEY_F15, KEY_F16,
    KEY_F17, KEY_F18, KEY_F19, KEY_F20, KEY_F21, KEY_F22, KEY_F23, KEY_F24};

// The keysym names of printable ASCII that are not letters or digits.
std::string_view ascii_keysym_name(char c) {
  switch (c) {
    case ' ': return "space";
    case '!': return "exclam";
    case '"': return "quotedbl";
    case '#': return "numbersign";
    case '$': return "dollar";
    case '%': return "percent";
    case '&': return "ampersand";
    case '\'': return "apostrophe";
    case '(': return "parenleft";
    case ')': return "parenright";
    case '*': return "asterisk";
    case '+': return "plus";
    case ',': return "comma";
    case '-': return "minus";
    case '.': return "period";
    case '/': return "slash";
    case ':': return "colon";
    case ';': return "semicolon";
    case '<': return "less";
    case '=': return "equal";
    case '>': return "greater";
    case '?': return "question";
    case '@': return "at";
    case '[': return "bracketleft";
    case '\\': return "backslash";
    case ']': return "bracketright";
    case '^': return "asciicircum";
    case '_': return "underscore";
    case '`': return "grave";
    case '{': return "braceleft";
    case '|': return "bar";
    case '}': return "braceright";
    case '~': return "asciitilde";
    default: return {};
  }
}

}  // namespace

std::optional<EvdevKey> evdev_key_for_keysym_name(std::string_view name) {
  if (name.size() == 1) {
    const char c = name[0];
    if (c >= 'a' && c <= 'z') return EvdevKey{kLetters[static_cast<std::size_t>(c - 'a')], false};
    if (c >= 'A' && c <= 'Z') return EvdevKey{kLetters[static_cast<std::size_t>(c - 'A')], true};
    if (c >= '0' && c <= '9') return EvdevKey{kDigits[static_cast<std::size_t>(c - '0')], false};
  }
  if (name.size() >= 2 && name.size() <= 3 && name[0] == 'F') {
    int n = 0;
    for (char c : name.substr(1)) {
      if (c < '0' || c > '9') return std::nullopt;
      n = n * 10 + (c - '0');
    }
    if (n >= 1 && n <= 24) return EvdevKey{kFunctionKeys[static_cast<std::size_t>(n - 1)], false};
    return std::nullopt;
  }
  for (const auto& key : kNamedKeys)
    if (key.name == name) return EvdevKey{key.code, key.shift};
  return std::nullopt;
}

std::optional<EvdevKey> evdev_key_for_char(char32_t c) {
  if (c == '\n') return EvdevKey{KEY_ENTER, false};
  if (c == '\t') return EvdevKey{KEY_TAB, false};
  if (c < 0x20 || c > 0x7E) return std::nullopt;
  const char ascii = static_cast<char>(c);
  if ((ascii >= 'a' && ascii <= 'z') || (ascii >= 'A' && ascii <= 'Z') ||
      (ascii >= '0' && ascii <= '9'))
    return evdev_key_for_keysym_name(std::string_view(&ascii, 1));
  return evdev_key_for_keysym_name(ascii_keysym_name(ascii));
}

uint16_t evdev_modifier_code(Modifier modifier) {
  switch (modifier) {
    case Modifier::Ctrl: return KEY_LEFTCTRL;
    case Modifier::Alt: return KEY_LEFTALT;
    case Modifier::Shift: return KEY_LEFTSHIFT;
    case Modifier::Super: return KEY_LEFTMETA;
  }
  return KEY_LEFTCTRL;
}

std::vector<uint16_t> evdev_all_key_codes() {
  std::vector<uint16_t> codes(kLetters.begin(), kLetters.end());
  codes.insert(codes.end(), kDigits.begin(), kDigits.end());
  codes.insert(codes.end(), kFunctionKeys.begin(), kFunctionKeys.end());
  for (const auto& key : kNamedKeys) codes.push_back(key.code);
  std::sort(codes.begin(), codes.end());
  codes.erase(std::unique(codes.begin(), codes.end()), codes.end());
  return codes;
}

}  // namespace midimon::desktop
