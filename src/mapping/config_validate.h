// `midimon validate CONFIG [--print]` as a library call, so tests reach it without the CLI.
#pragma once

#include <iosfwd>
#include <string>

namespace midimon::mapping {

// Loads `path`. Writes each warning to `err` as "file:line:column: warning: message"
// and each error as "file:line:column: message"; with `print` and a valid config,
// writes the normalised config (print_config) to `out`. Returns 0 when the config is
// valid (warnings allowed), 1 when it has errors.
int validate_config(const std::string& path, bool print, std::ostream& out, std::ostream& err);

}  // namespace midimon::mapping
