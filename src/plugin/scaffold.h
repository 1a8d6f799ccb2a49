// `midimon plugin new NAME [--lang c|rust]`: writes a plugin directory that builds with
// one command (./build.sh) and answers `midimon plugin call DIR hello` out of the box.
//
// C:    NAME.c, include/midimon/pdk/{plugin.h,json.h} (copies of this midimon's PDK, so
//       the directory builds without an installed PDK or midimon's sources), build.sh
//       (clang-14 --target=wasm32-wasi), plugin.toml, README.md, .gitignore.
// Rust: Cargo.toml, src/lib.rs (serde request), .cargo/config.toml (crates.io replaced by
//       Debian's /usr/share/cargo/registry), build.sh (/usr/bin/cargo --offline),
//       plugin.toml, README.md, .gitignore.
#pragma once

#include <filesystem>
#include <optional>
#include <string_view>

#include "plugin/expected.h"

namespace midimon::plugin {

enum class ScaffoldLang { C, Rust };

// "c" or "rust".
std::optional<ScaffoldLang> parse_scaffold_lang(std::string_view text);

// Checks a name for `plugin new`: 1-64 characters, a letter first, then letters, digits,
// '-' or '_' (it becomes a file name, a C string, a TOML string and a Rust crate name).
// Returns an empty string when it is fine, else why not.
std::string scaffold_name_problem(std::string_view name);

// Writes the plugin into `dir`, which must not exist or be an empty directory (nothing is
// overwritten). build.sh is made executable. On failure nothing that was written is left
// half-done silently: the message names the file that could not be written.
Expected<void> scaffold_plugin(const std::filesystem::path& dir, std::string_view name,
                               ScaffoldLang lang);

}  // namespace midimon::plugin
