// What a Launch action starts. `app` is either a desktop-file id ("firefox",
// "org.gnome.Calculator", or with ".desktop") found as applications/<id>.desktop in the
// XDG data dirs — its [Desktop Entry] Exec line with the field codes (%f %u %F %U ...)
// removed — or, when no desktop file has that id, a command split by POSIX quoting rules.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace midimon::actions {

struct LaunchTarget {
  std::vector<std::string> argv;
  std::string desktop_file;  // the file used, empty for a plain command
  std::string error;         // non-empty: nothing to start (the sentence says why)
  bool ok() const { return error.empty(); }
};

// $XDG_DATA_HOME (default ~/.local/share) then $XDG_DATA_DIRS (default
// /usr/local/share:/usr/share), in that order of precedence.
std::vector<std::string> xdg_data_dirs();

LaunchTarget resolve_launch(std::string_view app, const std::vector<std::string>& data_dirs);

// The Exec value of a desktop file's [Desktop Entry] group, split into argv (the desktop
// entry spec's quoting: "..." with \" \` \$ \\ escapes) with field codes removed (%% is a
// literal %). `error` names file:line for a missing or malformed Exec.
LaunchTarget argv_from_desktop_file(const std::string& path);

}  // namespace midimon::actions
