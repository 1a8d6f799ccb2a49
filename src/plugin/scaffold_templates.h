// The files `midimon plugin new` writes (scaffold.h), as text with {{name}} and {{crate}}
// placeholders, and the PDK headers embedded from include/midimon/pdk at configure time
// (scaffold_templates/embed_pdk_headers.cmake).
#pragma once

#include <string_view>

namespace midimon::plugin {

// include/midimon/pdk/plugin.h and json.h, byte for byte (generated source).
extern const std::string_view kPdkPluginH;
extern const std::string_view kPdkJsonH;

namespace scaffold_text {

// C (wasm32-wasi, wasi-libc)
extern const std::string_view kCSource;    // {{name}}.c
extern const std::string_view kCBuild;     // build.sh
extern const std::string_view kCReadme;    // README.md

// Rust (Debian's cargo/rustc, offline, serde from /usr/share/cargo/registry)
extern const std::string_view kRustCargoToml;    // Cargo.toml
extern const std::string_view kRustCargoConfig;  // .cargo/config.toml
extern const std::string_view kRustLib;          // src/lib.rs
extern const std::string_view kRustBuild;        // build.sh
extern const std::string_view kRustReadme;       // README.md

// Both
extern const std::string_view kManifest;   // plugin.toml
extern const std::string_view kGitignore;  // .gitignore

}  // namespace scaffold_text
}  // namespace midimon::plugin
