// Key name tables and lookups for Keystroke actions.
#include "mapping/key_names.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <vector>

#include "mapping/config_diagnostics.h"

namespace midimon::mapping {
namespace {

constexpr std::string_view kKeysyms[] = {
#include "mapping/keysym_names.inc"
};

struct Alias {
  std::string_view name;  // lower case
  std::string_view keysym;
};

// MIDIMon's key names (its parse_key table), as the X keysyms they mean.
constexpr Alias kMidimonKeys[] = {
    {"space", "space"},          {"return", "Return"},       {"enter", "Return"},
    {"tab", "Tab"},              {"escape", "Escape"},       {"esc", "Escape"},
    {"backspace", "BackSpace"},  {"delete", "Delete"},       {"del", "Delete"},
    {"up", "Up"},                {"uparrow", "Up"},          {"down", "Down"},
    {"downarrow", "Down"},       {"left", "Left"},           {"leftarrow", "Left"},
    {"right", "Right"},          {"rightarrow", "Right"},    {"home", "Home"},
    {"end", "End"},              {"pageup", "Page_Up"},      {"pgup", "Page_Up"},
    {"pagedown", "Page_Down"},   {"pgdn", "Page_Down"},      {"volumeup", "XF86AudioRaiseVolume"},
    {"volup", "XF86AudioRaiseVolume"}, {"volumedown", "XF86AudioLowerVolume"},
    {"voldown", "XF86AudioLowerVolume"}, {"mute", "XF86AudioMute"},
    {"playpause", "XF86AudioPlay"}, {"play", "XF86AudioPlay"}, {"stop", "XF86AudioStop"},
    {"nexttrack", "XF86AudioNext"}, {"next", "XF86AudioNext"},
    {"previoustrack", "XF86AudioPrev"}, {"previous", "XF86AudioPrev"},
    {"prev", "XF86AudioPrev"},   {"insert", "Insert"},       {"ins", "Insert"},
    {"printscreen", "Print"},    {"prtsc", "Print"},         {"scrolllock", "Scroll_Lock"},
    {"scrlk", "Scroll_Lock"},    {"pause", "Pause"},         {"capslock", "Caps_Lock"},
    {"caps", "Caps_Lock"},       {"numlock", "Num_Lock"},    {"numlk", "Num_Lock"},
};

// Printable ASCII punctuation as keysym names.
constexpr Alias kPunctuation[] = {
    {" ", "space"},      {"!", "exclam"},      {"\"", "quotedbl"},   {"#", "numbersign"},
    {"$", "dollar"},     {"%", "percent"},     {"&", "ampersand"},   {"'", "apostrophe"},
    {"(", "parenleft"},  {")", "parenright"},  {"*", "asterisk"},    {"+", "plus"},
    {",", "comma"},      {"-", "minus"},       {".", "period"},      {"/", "slash"},
    {":", "colon"},      {";", "semicolon"},   {"<", "less"},        {"=", "equal"},
    {">", "greater"},    {"?", "question"},    {"@", "at"},          {"[", "bracketleft"},
    {"\\", "backslash"}, {"]", "bracketright"}, {"^", "asciicircum"}, {"_", "underscore"},
    {"`", "grave"},      {"{", "braceleft"},   {"|", "bar"},         {"}", "braceright"},
    {"~", "asciitilde"},
};

// Keys of Apple keyboards with no X keysym (lower case).
constexpr std::string_view kMacOnly[] = {"fn", "function", "globe", "launchpad",
                                         "missioncontrol", "mission_control", "dashboard",
                                         "spotlight", "siri", "dictation"};

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

const char* modifier_name(Modifier modifier) {
  switch (modifier) {
    case Modifier::Ctrl: return "ctrl";
    case Modifier::Alt: return "alt";
    case Modifier::Shift: return "shift";
    case Modifier::Super: return "super";
  }
  return "?";
}

std::optional<Modifier> resolve_modifier_name(std::string_view name) {
  std::string n = lower(name);
  if (n == "ctrl" || n == "control") return Modifier::Ctrl;
  if (n == "alt" || n == "option" || n == "opt") return Modifier::Alt;
  if (n == "shift") return Modifier::Shift;
  if (n == "super" || n == "cmd" || n == "command" || n == "meta" || n == "win")
    return Modifier::Super;
  return std::nullopt;
}

bool is_keysym_name(std::string_view name) {
  return std::binary_search(std::begin(kKeysyms), std::end(kKeysyms), name);
}

KeyName resolve_key_name(std::string_view name) {
  KeyName out;
  if (name.empty() || name.size() > 64) return out;
  if (auto m = resolve_modifier_name(name)) {
    out.kind = KeyName::Kind::Modifier;
    out.modifier = *m;
    return out;
  }
  std::string n = lower(name);
  for (const Alias& a : kMidimonKeys) {
    if (a.name == n) {
      out.kind = KeyName::Kind::Key;
      out.keysym = a.keysym;
      return out;
    }
  }
  if (is_keysym_name(name)) {
    out.kind = KeyName::Kind::Key;
    out.keysym = name;
    return out;
  }
  if (name.size() == 1) {
    for (const Alias& a : kPunctuation) {
      if (a.name == name) {
        out.kind = KeyName::Kind::Key;
        out.keysym = a.keysym;
        return out;
      }
    }
  }
  for (std::string_view k : kKeysyms) {
    if (k.size() == n.size() && lower(k) == n) {
      out.kind = KeyName::Kind::Key;
      out.keysym = k;
      return out;
    }
  }
  for (std::string_view m : kMacOnly) {
    if (m == n) {
      out.kind = KeyName::Kind::Unavailable;
      out.keysym = name;
      return out;
    }
  }
  return out;
}

std::string suggest_key_name(std::string_view name) {
  std::vector<std::string_view> candidates;
  for (const Alias& a : kMidimonKeys) candidates.push_back(a.name);
  // Only the short, common keysyms: suggesting "Hangul_SingleCandidate" helps nobody.
  for (std::string_view k : kKeysyms) {
    if (k.size() <= 12 && k.find('_') == std::string_view::npos) candidates.push_back(k);
  }
  return closest_match(name, candidates);
}

}  // namespace midimon::mapping
